"""PNGs go into the PDF as they were encoded (pma_eval.publish.pdf): the PDF is the one WeasyPrint writes by
decoding and encoding them again, byte for byte, and images the shortcut does not cover still go WeasyPrint's way."""

from __future__ import annotations

import base64
import io
import zlib

import numpy as np
import pytest
from PIL import Image

from pma_eval.publish.pdf import png_idat, prepare_weasyprint


def _png(arr: np.ndarray, **save) -> bytes:
    buf = io.BytesIO()
    Image.fromarray(arr).save(buf, "PNG", **save)
    return buf.getvalue()


def _pdf(png: bytes) -> bytes:
    import weasyprint

    src = base64.b64encode(png).decode("ascii")
    return weasyprint.HTML(string=f'<img src="data:image/png;base64,{src}" style="width: 5cm">').write_pdf()


def test_idat_of_an_rgb_png_holds_its_filtered_rows():
    # hand-made 3 × 2 image: each row decompresses to 1 filter byte + 3 pixels × 3 bytes = 10 bytes, 20 in all
    arr = np.array([[[255, 0, 0], [0, 255, 0], [0, 0, 255]], [[0, 0, 0], [255, 255, 255], [10, 20, 30]]], np.uint8)
    raw = zlib.decompress(png_idat(_png(arr)))
    assert len(raw) == 2 * (1 + 3 * 3)
    # Pillow writes the first row unfiltered or with « Sub » (type 1); either way its first pixel is as drawn
    assert raw[0] in (0, 1) and raw[1:4] == bytes([255, 0, 0])


@pytest.mark.parametrize("arr, save", [
    (np.zeros((4, 4, 4), np.uint8), {}),  # RGBA: the alpha goes to a mask, WeasyPrint must split it
    (np.zeros((4, 4), np.uint8), {}),  # grey
    (np.zeros((4, 4, 3), np.uint8), {"interlace": True}),  # Adam7 rows are not PDF rows
])
def test_other_pngs_are_left_to_weasyprint(arr, save):
    data = _png(arr)
    if save.get("interlace"):  # Pillow writes no interlaced PNG: the IHDR's interlace byte (offset 28) set by hand
        data = data[:28] + b"\x01" + data[29:]
    assert png_idat(data) is None
    assert png_idat(b"GIF89a") is None


def test_the_pdf_is_the_one_weasyprint_writes_by_encoding_again(monkeypatch):
    from weasyprint.images import RasterImage

    rng = np.random.default_rng(0)
    arr = (rng.random((120, 200, 3)) * 255).astype(np.uint8)
    arr[:, :100] = 255  # a flat half, as charts have, and a noisy half
    png = _png(arr)
    prepare_weasyprint()
    after = _pdf(png)  # the IDAT chunks copied
    with monkeypatch.context() as m:  # WeasyPrint's own path: decode, encode again
        m.setattr(RasterImage, "_get_png_data", staticmethod(RasterImage._pma_eval_reencode))
        before = _pdf(png)
    # Pillow encodes the same way both times, so the two PDFs are byte-identical: same stream, same pixels
    assert after == before
    # and the stream really is the PNG's own data
    assert png_idat(png) in after


def test_a_report_laid_out_without_the_user_agent_rules_it_never_uses_is_the_same_pdf():
    """Issue 24: the report's layouts use WeasyPrint's user-agent stylesheet less its footnote and note rules, and with
    ``li::marker`` for ``::marker`` (:func:`pma_eval.publish.pdf.lean_html`): a page with what a report holds — headings,
    lists numbered and not, a table, a paragraph with a link, the report's own stylesheet — prints the same bytes."""
    import weasyprint

    from pma_eval.publish.pdf import lean_html
    from pma_eval.publish.report import CSS

    prepare_weasyprint()
    rows = "".join(f"<tr><th scope='row'>Ligne {i}</th><td class='num'>{i},5</td></tr>" for i in range(30))
    html = (f'<html lang="fr"><head><style>{CSS}</style></head><body><main><h2 id="s1">1. Émissions</h2>'
            "<p>Texte <a href='#s1'>lien</a> et <abbr title='Plan climat'>PCAET</abbr>.</p>"
            "<ul><li>un</li><li>deux</li></ul><ol><li>premier</li><li>second</li></ol>"
            f"<div class='pma-table-block'><table class='pma-table long'><caption>Tableau</caption>"
            f"<thead><tr><th>Nom</th><th>Valeur</th></tr></thead><tbody>{rows}</tbody></table></div>"
            "</main></body></html>")
    assert lean_html() is not weasyprint.HTML  # WeasyPrint's stylesheet as this was written for
    lean = lean_html()(string=html).render(pdf_variant="pdf/ua-1").write_pdf(pdf_variant="pdf/ua-1")
    default = weasyprint.HTML(string=html).render(pdf_variant="pdf/ua-1").write_pdf(pdf_variant="pdf/ua-1")
    assert lean == default


def test_a_missing_harfbuzz_subsetter_is_named_and_recorded(monkeypatch):
    """WeasyPrint falls back to fontTools without HarfBuzz's subsetter and says so only in its own log, which
    prepare_weasyprint silences: the workbench names the fallback itself (run's console, make check-system), and
    the manifests record the subsetter's library beside HarfBuzz's."""
    from weasyprint.pdf import fonts

    from pma_eval.publish.manifest import fonts_used
    from pma_eval.publish.pdf import SLOW_SUBSET, font_subsetter

    recorded = fonts_used()["bibliotheques_texte"]
    assert set(recorded) == {"pango", "harfbuzz", "harfbuzz-subset"}
    # where the subsetter's library loads, it answers HarfBuzz's own version (its dependency)
    assert recorded["harfbuzz-subset"] in (None, recorded["harfbuzz"])
    assert font_subsetter() == ("harfbuzz" if recorded["harfbuzz-subset"] else "fonttools")
    monkeypatch.setattr(fonts, "harfbuzz_subset", None)
    assert font_subsetter() == "fonttools"
    assert "apt-get install libharfbuzz-subset0" in SLOW_SUBSET and "fontTools" in SLOW_SUBSET


def test_packed_images_are_answered_from_memory_and_laid_out_as_inline_ones():
    """The charts' PNGs leave the HTML that each layout parses (issue 24): each ``data:`` URI becomes a short URL
    answered from memory with the same bytes, the text comes back whole, and the page shows the images at the same
    places and sizes as inline ones. Hand-made: two PNGs of different sizes, one of them twice."""
    import weasyprint

    from pma_eval.publish.pdf import IMAGE_SCHEME, packed_images

    red = _png(np.full((40, 80, 3), (200, 30, 30), dtype=np.uint8))
    blue = _png(np.full((30, 30, 3), (30, 30, 200), dtype=np.uint8))
    uri = {k: "data:image/png;base64," + base64.b64encode(v).decode("ascii") for k, v in (("red", red), ("blue", blue))}
    html = (f'<p>Avant</p><img src="{uri["red"]}" style="width: 8cm"><p>Entre</p>'
            f'<img src="{uri["blue"]}" style="width: 3cm"><img src="{uri["red"]}" style="width: 4cm">'
            '<img src="data:image/gif;base64,R0lGODlhAQABAIAAAP///wAAACH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==" alt="">')  # not a PNG: left inline
    packed, fetcher = packed_images(html)
    assert "data:image/png" not in packed and "data:image/gif" in packed
    assert packed.count(f"{IMAGE_SCHEME}:") == 3 and len(fetcher.data) == 2
    assert sorted(fetcher.data.values()) == sorted([red, blue])
    assert fetcher.unpack(packed) == html
    assert fetcher.fetch(next(iter(fetcher.data))).read() in (red, blue)

    def images(doc):
        return [(n, b.position_x, b.position_y, b.width, b.height) for n, page in enumerate(doc.pages)
                for b in _boxes(page._page_box) if getattr(b, "element_tag", None) == "img"]

    inline = weasyprint.HTML(string=html).render()
    memory = weasyprint.HTML(string=packed, url_fetcher=fetcher).render()
    assert len(images(inline)) == 4 and images(memory) == images(inline)


def _boxes(box):
    yield box
    for child in getattr(box, "children", None) or []:
        yield from _boxes(child)
