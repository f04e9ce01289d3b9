"""Fiches for mayors, EPCI syntheses and visuals, on the shipped data."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest

from pma_eval.errors import ConfigurationError
from pma_eval.publish.fiches import prepare, render_html, safe_path, slugify


@pytest.fixture(scope="module")
def fiches(year_run):
    return year_run.folder / "fiches" / "communes"


def test_150_one_page_fiches_in_html_and_pdf(fiches):
    from pypdf import PdfReader

    pdfs, htmls = sorted(fiches.glob("*.pdf")), sorted(fiches.glob("*.html"))
    assert len(pdfs) == 150 and len(htmls) == 150
    assert all(len(PdfReader(p).pages) == 1 for p in pdfs)
    lens = fiches / "62498_lens.pdf"
    page = PdfReader(lens).pages[0]
    text = page.extract_text()
    assert "Lens" in text and "t CO₂e" in text and "CALL" in text
    xobjects = page["/Resources"].get("/XObject", {})
    assert len(xobjects) >= 1  # the locator map (and the SVG charts drawn as vector paths)
    html = (fiches / "62498_lens.html").read_text(encoding="utf-8")
    assert "<script" not in html and 'role="img"' in html and 'aria-label="Carte de situation' in html
    story = re.search(r'<ul class="story">(.*?)</ul>', html, re.S).group(1)
    assert len(re.findall(r"<li>", story)) == 3  # three narrative sentences (the sectors' legend is a list too)
    assert "Données de démonstration" in html


def test_fiche_rendered_as_png_shows_map_and_chart(fiches, tmp_path):
    """Turn the PDF into an image and check that the map and the bar chart are drawn (coloured pixels)."""
    import shutil
    import subprocess

    if shutil.which("pdftoppm") is None:
        pytest.skip("poppler-utils (pdftoppm) absent")
    subprocess.run(["pdftoppm", "-r", "50", "-png", str(fiches / "62498_lens.pdf"), str(tmp_path / "p")], check=True)
    from PIL import Image

    img = Image.open(next(tmp_path.glob("p*.png"))).convert("RGB")
    colours = img.getcolors(maxcolors=1_000_000)
    dark_blue = sum(n for n, (r, g, b) in colours if b > 120 and r < 60 and 60 < g < 120)  # #0b5394 area
    assert dark_blue > 200


def test_names_cannot_escape_the_output_folder(tmp_path):
    assert slugify("Saint-Léger/../Évry") == "saint-leger-evry"
    p = safe_path(tmp_path, "62001", "../../etc/passwd", ".html")
    assert p.parent == tmp_path.resolve() and p.name == "62001_etc-passwd.html"
    with pytest.raises(ConfigurationError):
        safe_path(tmp_path, "../62", "x", ".html")


def test_text_from_data_is_escaped(built_paths):
    f = prepare(2023, built_paths, codes=["62498"])[0]
    evil = replace(f, name="<script>alert(1)</script>", sentences=["<b>x</b>"])
    html = render_html(evil)
    assert "<script>alert" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;b&gt;x&lt;/b&gt;" in html


def test_small_numbers_are_told_in_counts():
    """Issue 23, point 18: Rombly read « +625 % (+19,7 % par an) » for one installation of 3 kW."""
    from pma_eval.publish.fiches import SMALL_INSTALLATIONS, SMALL_POWER_KW, pv_counts_sentence, small_numbers

    assert (SMALL_INSTALLATIONS, SMALL_POWER_KW) == (10, 36.0)
    assert small_numbers((1, 1), (0.4, 2.9))  # Rombly
    assert small_numbers((9, 40), (200.0, 900.0))  # 9 installations in the first year: a handful
    assert small_numbers((12, 40), (30.0, 900.0))  # 30 kW: one small rooftop
    assert not small_numbers((10, 40), (36.0, 900.0)) and not small_numbers((float("nan"), 40), (50.0, 900.0))
    s = pv_counts_sentence("de Rombly", 2012, 2023, (1, 1), (0.4, 2.9), "demonstration")
    assert s.text == ("Le parc photovoltaïque de Rombly compte 1\u00a0installation (2,9\u00a0kW) en 2023, contre "
                      "1\u00a0installation (0,4\u00a0kW) en 2012 (données de démonstration).")
    assert "%" not in s.text
    none = pv_counts_sentence("d'Acheville", 2012, 2023, (0, 6), (0.0, 37.4))
    assert none.text.endswith("6\u00a0installations (37\u00a0kW) en 2023, contre aucune en 2012.")


def test_incomplete_totals_are_marked_in_the_fiches(built_paths):
    """Issue 23, point 4: Béthune has no road-transport emissions; its fiche compared its 4,2 t with the
    CABBALR's 4,5 t, itself a lower bound (it contains Béthune), and so is the Pôle's."""
    from pma_eval.processed import load

    ind = load("indicators", built_paths).query("year == 2023 and indicator_id == 'ges_par_habitant'")
    incomplete = set(ind.loc[~ind["complete"], "geo_code"])
    assert {"62119", "200072460", "PMA"} <= incomplete and "246200364" not in incomplete  # the CALL is whole
    by_code = {f.code: f for f in prepare(2023, built_paths, codes=["62119", "62720", "62498"])}
    bethune, rombly, lens = by_code["62119"], by_code["62720"], by_code["62498"]
    note = "* Total incomplet, à lire « au moins » : l'inventaire ne donne pas le transport routier de Béthune."
    assert bethune.incomplete == note and rombly.incomplete == note and lens.incomplete == note  # the Pôle is marked
    assert bethune.own_incomplete and not rombly.own_incomplete  # the note sits by the first mark: cards, else bars
    assert bethune.ges_per_hab.endswith("*") and bethune.ges_total.endswith("*") and not lens.ges_per_hab.endswith("*")
    assert [b.label for b in bethune.bars] == ["Béthune*", "CABBALR*", "Pôle*"]
    assert [b.label for b in lens.bars] == ["Lens", "CALL", "Pôle*"]
    text = " ".join(bethune.sentences + rombly.sentences)
    assert "celles de la CABBALR" not in text  # never compared as if complete
    assert "de Béthune (hors transport routier) ont baissé" in text  # its change is on the sectors given
    # Lens (3,3 t) is below the Pôle's lower bound by more than 5 %: that comparison holds and is kept.
    assert any("inférieures à celles de la CALL" in s and "du Pôle (au moins 4,3\u00a0t" in s for s in lens.sentences)
    assert not any("%" in s for s in rombly.sentences if "photovoltaïque" in s)


def test_epci_syntheses_have_2_to_4_pages(year_run):
    from pypdf import PdfReader

    folder = year_run.folder / "fiches" / "epci"
    for sigle in ("CALL", "CAHC", "CABBALR"):
        n = len(PdfReader(folder / f"{sigle}.pdf").pages)
        assert 2 <= n <= 4, (sigle, n)
        text = (folder / f"{sigle}.html").read_text(encoding="utf-8")
        assert "de la " + sigle in text
        # issue 16: the air-quality summary and the renewable share of final consumption, where data exist
        assert "Qualité de l’air" in text  # typographic apostrophe (issue 23)
        assert "de sa consommation d’énergie finale" in text


def test_visuals_sizes_alt_texts_and_newsletter(year_run):
    from PIL import Image

    folder = year_run.folder / "visuels"
    squares = sorted(folder.glob("*_carre_1080x1080.png"))
    wides = sorted(folder.glob("*_paysage_1200x675.png"))
    assert len(squares) == len(wides) == 3
    assert all(Image.open(p).size == (1080, 1080) for p in squares)
    assert all(Image.open(p).size == (1200, 675) for p in wides)
    for svg in folder.glob("*.svg"):
        alt = Path(str(svg)[:-4] + ".alt.txt").read_text(encoding="utf-8")
        assert len(alt) > 40 and svg.read_text(encoding="utf-8").lstrip().startswith("<?xml")
        # the 2023 values are demonstration: said in the text alternative and marked on the image itself
        assert "démonstration" in alt, svg.name
        assert "DONNÉES DE DÉMONSTRATION" in svg.read_text(encoding="utf-8"), svg.name
    mail = (folder / "lettre_chiffres_cles.html").read_text(encoding="utf-8")
    assert "<style" not in mail and "<script" not in mail and "class=" not in mail
    assert 'style="' in mail and "<table" in mail and "chiffres clés 2023" in mail


def test_key_figures_page_in_a4_and_square_from_the_decision_page_rows(built_paths, year_run):
    """Issue 15: a one-page « chiffres clés » (PDF and PNG, A4 and square), made from the same objects
    as « À retenir et à décider »."""
    from PIL import Image
    from pypdf import PdfReader

    from pma_eval.publish.visuals import key_figures_rows
    from pma_eval.report import annual as a
    from pma_eval.report import load_context

    folder = year_run.folder / "visuels"
    assert Image.open(folder / "chiffres_cles_carre.png").size == (1080, 1080)
    assert Image.open(folder / "chiffres_cles_a4.png").size == (1240, 1753)
    pdf = PdfReader(folder / "chiffres_cles_a4.pdf")
    box = pdf.pages[0].mediabox
    assert len(pdf.pages) == 1 and round(float(box.width) / 72 * 25.4) == 210 and round(float(box.height) / 72 * 25.4) == 297
    text = pdf.pages[0].extract_text()
    ctx = load_context(2023, "PMA", built_paths)
    rows = key_figures_rows(ctx)
    assert [r["label"] for r in rows] == list(a.key_figures(ctx)["indicator"])
    assert all(r["value"].replace("\u202f", " ") in text.replace("\u202f", " ") for r in rows)
    assert "Données de démonstration" in text  # the stamp on the page, and in the alternative text
    assert "Données de démonstration" in (folder / "chiffres_cles.alt.txt").read_text(encoding="utf-8")
