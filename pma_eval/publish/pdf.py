"""WeasyPrint set up once per process for the PDFs of the workbench: reproducible dates, quiet loggers, and the
charts' PNGs embedded as they were encoded.

WeasyPrint (70) decodes every PNG and encodes it again before writing it into the PDF, twice for an image with
an alpha channel (the colours, then the alpha as a mask). A PDF image stream with ``/FlateDecode`` and PNG
predictors (``/Predictor 15``) holds exactly the concatenated ``IDAT`` chunks of an 8-bit, non-interlaced PNG,
so for such an image without alpha (the charts, drawn by :func:`pma_eval.charts.to_png` as RGB) those chunks
are copied instead: the same pixels, no second encoding. Any other image goes through WeasyPrint's own path.
"""

from __future__ import annotations

import io
import logging
import re
import struct

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png_idat(data: bytes) -> bytes | None:
    """The concatenated ``IDAT`` data of ``data`` if it is an 8-bit RGB (colour type 2), non-interlaced PNG,
    else ``None``: what a PDF ``/FlateDecode`` stream with PNG predictors holds for the same pixels."""
    if not data.startswith(_PNG_SIGNATURE) or data[12:16] != b"IHDR":
        return None
    bit_depth, colour_type, _, _, interlace = struct.unpack("!BBBBB", data[24:29])
    if (bit_depth, colour_type, interlace) != (8, 2, 0):
        return None
    chunks, pos = [], 8
    while pos + 8 <= len(data):
        length, kind = struct.unpack("!I4s", data[pos:pos + 8])
        if kind == b"IDAT":
            chunks.append(data[pos + 8:pos + 8 + length])
        elif kind == b"IEND":
            break
        pos += 12 + length  # length, type, data, CRC
    return b"".join(chunks) or None


def _install_png_passthrough() -> None:
    from weasyprint.images import RasterImage

    if getattr(RasterImage, "_pma_eval_passthrough", False):
        return
    reencode = RasterImage._get_png_data

    def get_png_data(pillow_image):
        # WeasyPrint opens the original bytes (io.BytesIO) lazily: nothing is decoded yet
        fp = getattr(pillow_image, "fp", None)
        if pillow_image.format == "PNG" and pillow_image.mode == "RGB" and isinstance(fp, io.BytesIO):
            idat = png_idat(fp.getvalue())
            if idat is not None:
                return idat
        return reencode(pillow_image)

    RasterImage._get_png_data = staticmethod(get_png_data)
    RasterImage._pma_eval_reencode = staticmethod(reencode)  # WeasyPrint's own, kept for comparison
    RasterImage._pma_eval_passthrough = True


#: What a run says when WeasyPrint has no HarfBuzz subsetter (``libharfbuzz-subset0``, Debian): it then subsets every font
#: of every PDF with fontTools, in Python (measured on the shipped 2023 data, 2 cores: the 150 fiches 38 s instead of 14 s,
#: ``pma-eval run`` 122 s instead of 77 s), and warns only in its own log, which :func:`prepare_weasyprint` silences.
SLOW_SUBSET = ("HarfBuzz-subset est absent : WeasyPrint réduit alors les polices de chaque PDF avec fontTools, bien plus "
               "lentement (150 fiches en 38 s au lieu de 14 s) ; installez-le : « apt-get install libharfbuzz-subset0 »")


def font_subsetter() -> str:
    """« harfbuzz » when WeasyPrint subsets fonts with HarfBuzz's subsetter (C, fast), else « fonttools » (its
    slow fallback, the PDF's bytes also differ: the manifests record the libraries, :mod:`.manifest`)."""
    from weasyprint.pdf import fonts

    found = getattr(fonts, "harfbuzz_subset", None) and fonts.harfbuzz.hb_version_atleast(4, 1, 0)
    return "harfbuzz" if found else "fonttools"


def prepare_weasyprint() -> None:
    """Before writing a PDF (idempotent): ``SOURCE_DATE_EPOCH`` pinned (fonts subset without the clock's date),
    WeasyPrint's and fontTools' warnings silenced (layout problems are checked by :mod:`.pagination`), and PNGs
    embedded without a second encoding."""
    from ..xlsx import pin_source_date_epoch

    pin_source_date_epoch()
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    _install_png_passthrough()


#: URL scheme of the charts' PNGs in the HTML that :func:`pma_eval.publish.pagination.place_figures` lays out, answered
#: from memory (:func:`packed_images`).
IMAGE_SCHEME = "pma-eval-image"
_PNG_DATA_URI = re.compile(r"data:image/png;base64,([A-Za-z0-9+/=]+)(?=[\"')\s])")  # a URI matched whole, else left inline


def memory_fetcher(scheme: str, only: bool = False):
    """A WeasyPrint URL fetcher answering the URLs of ``scheme`` from its ``data`` dict (URL → bytes), any other
    URL as WeasyPrint does, or, with ``only``, refusing it (a fiche refers to nothing else)."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class MemoryFetcher(URLFetcher):
        def __init__(self):
            super().__init__(**({"allowed_protocols": [scheme]} if only else {}))
            self.data: dict[str, bytes] = {}

        def fetch(self, url, headers=None):
            if url in self.data:
                body = self.data[url]
                kind = "image/png" if body.startswith(_PNG_SIGNATURE) else "application/octet-stream"
                return URLFetcherResponse(url, body, {"Content-Type": kind})
            if only or url.startswith(f"{scheme}:"):
                raise ValueError(f"ressource inconnue : {url[:80]}")
            return super().fetch(url, headers)

    return MemoryFetcher()


def packed_images(html: str):
    """``html`` with each PNG given as a ``data:`` URI (a chart, base64) replaced by a short URL of
    :data:`IMAGE_SCHEME`, and the fetcher that answers those URLs (its ``unpack`` puts the URIs back).

    WeasyPrint parses the whole HTML text at each layout, character by character: the charts' base64, nine tenths of an
    annual report's 1,9 MB, is parsed and decoded again each time (issue 24). Packed, they are decoded once, and the
    images read once for all the layouts of a report (one image cache)."""
    import base64
    import hashlib

    fetcher = memory_fetcher(IMAGE_SCHEME)
    uris: dict[str, str] = {}

    def pack(m: re.Match) -> str:
        data = base64.b64decode(m.group(1))
        url = f"{IMAGE_SCHEME}:{hashlib.sha256(data).hexdigest()[:32]}"
        fetcher.data[url], uris[url] = data, m.group(0)
        return url

    packed = _PNG_DATA_URI.sub(pack, html)
    scheme_url = re.compile(re.escape(IMAGE_SCHEME) + r":[0-9a-f]{32}")
    fetcher.unpack = lambda text: scheme_url.sub(lambda m: uris.get(m.group(0), m.group(0)), text)
    return packed, fetcher


_LEAN: list = []


def lean_html():
    """WeasyPrint's ``HTML`` with a user-agent stylesheet less the rules of pseudo-elements a report never has.

    The default one gives every element a ``::footnote-call``, ``::footnote-marker``, ``::note-call``,
    ``::note-marker`` and ``::note-callback`` style and a ``::marker`` one: six pseudo-element styles computed for each
    of a report's 8 000 elements, at each of its layouts. A report has no footnote nor note (``report.css``), and only
    its ``li`` are list items: without the first rules and with ``li::marker`` for the last, its PDF is the same, byte
    for byte (issue 24; ``tests/publish/test_pdf.py``). Any other version of WeasyPrint's stylesheet: its own class."""
    if _LEAN:
        return _LEAN[0]
    import re

    import weasyprint

    lean = weasyprint.HTML
    try:
        from weasyprint import html as ua

        text, n = re.subn(r"(?m)^::(?:footnote|note)-[\w-]+ \{[^}\n]*\}\n", "", ua.UA)
        text, m = re.subn(r"(?m)^::marker \{", "li::marker {", text)
        if (n, m) == (5, 1) and hasattr(weasyprint.HTML, "_ua_stylesheets"):
            sheet = weasyprint.CSS(string=text, counter_style=ua.UA_COUNTER_STYLE)
            default = ua.UA_STYLESHEET

            class LeanHTML(weasyprint.HTML):
                def _ua_stylesheets(self, *args, **kwargs):
                    return [sheet if s is default else s for s in super()._ua_stylesheets(*args, **kwargs)]

            lean = LeanHTML
    except (ImportError, AttributeError):
        pass
    _LEAN.append(lean)
    return lean
