"""Issue 23, point 20 and deliverable 7, by hand: no half-empty page before a block that did not fit, no last
page for the end of a table; on a phone, verdicts visible without scrolling sideways and charts in SVG (text
kept as text) while the PDF keeps its PNG. Hand-made pages and blocks, laid out by WeasyPrint."""

from __future__ import annotations

import base64
import re

import pandas as pd
import pytest

from pma_eval.publish.pagination import half_empty_pages, layout_problems
from pma_eval.publish.report import CSS, for_print, for_screen
from pma_eval.charts import SCREEN_PX_PER_PT
from pma_eval.report.blocks import Figure, Heading, Table, Text, Verdict

weasyprint = pytest.importorskip("weasyprint")

PAGE = "@page { size: A4; margin: 2cm } body { margin: 0; font: 10pt 'DejaVu Sans' }"


def _lines(n: int, word: str = "texte") -> str:
    return "<br>".join(f"{word} {i}" for i in range(n))


def _page(css: str, body: str) -> str:
    return f'<html lang="fr"><head><style>{css}</style></head><body>{body}</body></html>'


def _report(*blocks) -> str:
    """Blocks laid out as a report shows them: the house style, inside <main>."""
    return _page(CSS, "<main>" + "".join(b.html() for b in blocks) + "</main>")


def test_a_page_half_empty_before_a_block_kept_whole_is_flagged():
    css = PAGE + " h2 { break-after: avoid; margin: 0 } div.whole { break-inside: avoid }"
    body = f"<p>{_lines(15)}</p><h2>Nouvelle section</h2><div class='whole'><p>{_lines(50)}</p></div>"
    problems = layout_problems(_page(css, body))
    assert len(problems) == 1 and problems[0].startswith("page 1 : remplie à "), problems
    assert "(« Nouvelle section »)" in problems[0]  # what did not fit: the section, its heading kept with it


def test_a_forced_break_a_full_page_and_a_short_last_page_are_not_half_empty():
    forced = _page(PAGE, f"<p style='break-after: page'>{_lines(5)}</p><p>{_lines(3)}</p>")
    full = _page(PAGE, f"<p>{_lines(70)}</p><h2>Suite</h2><p>{_lines(3)}</p>")
    for html in (forced, full):
        doc = weasyprint.HTML(string=html).render()
        assert len(doc.pages) == 2 and half_empty_pages(doc) == []


def test_a_last_page_for_the_last_row_of_a_table_is_flagged():
    css = PAGE + " table { border-spacing: 0 } td { height: 1cm; padding: 0 }"
    rows = "".join(f"<tr><td>terme {i}</td><td>sens {i}</td></tr>" for i in range(26))  # 25 rows fit a page
    html = _page(css, f"<table><thead><tr><th>Sigle</th><th>Signification</th></tr></thead><tbody>{rows}"
                      "</tbody></table>")
    problems = layout_problems(html)
    assert len(problems) == 1 and problems[0].startswith("page 2 : dernière page remplie à "), problems
    assert problems[0].endswith("par la seule fin de la page précédente (« terme 25sens 25 »)")


def test_house_style_leaves_two_rows_at_least_on_each_side_of_a_table_break():
    frame = pd.DataFrame({"Sigle": [f"S{i}" for i in range(40)], "Signification": ["sens"] * 40})
    table = Table(frame, "Glossaire", numeric=[])
    for lead in range(40, 75):  # pushes the table down until each row in turn is the first or last of a page
        doc = weasyprint.HTML(string=_report(Text("<br>".join(["x"] * lead)), table)).render()
        rows_per_page = [sum(1 for b in _boxes(p._page_box) if getattr(b, "element_tag", "") == "tr"
                             and b.element.find("td") is not None) for p in doc.pages]
        assert [n for n in rows_per_page if n] and all(n >= 2 for n in rows_per_page if n), (lead, rows_per_page)


def _boxes(box):
    yield box
    for child in getattr(box, "children", None) or []:
        yield from _boxes(child)


SENTENCES = pd.DataFrame({
    "Axe": [f"Axe {i}" for i in range(6)],
    "Actions": ["en cours : 2 ; à venir : 1 ; en retard : 1 ; en pause : 1"] * 6,
    "Indicateurs liés et verdicts": ["Consommation des produits pétroliers : sans objectif vérifié, progrès "
                                     "significatif de 2018 à 2023 ; énergie résidentielle : progrès modéré"] * 6,
})


def test_a_few_rows_of_sentences_break_between_rows_instead_of_leaving_half_a_page_empty():
    assert Table(SENTENCES, "Du récit aux actions").breakable  # 6 rows, but 1 150 characters of text
    assert not Table(pd.DataFrame({"Secteur": ["a", "b"], "kt": [1.0, 2.0]}), "Court").breakable
    text = Text("Les émissions du territoire ont baissé de vingt pour cent depuis 2012, au rythme attendu par les "
                "orientations régionales.")
    table = Table(SENTENCES.loc[SENTENCES.index.repeat(3)].head(15), "Du récit aux actions", numeric=[])
    html = _report(*[text] * 5, Heading("8. Du récit aux actions"), Text("Introduction."), table, text)
    assert table.breakable and layout_problems(html) == []
    kept_whole = html.replace('class="pma-table-block long"', 'class="pma-table-block"').replace(
        "pma-table long", "pma-table")
    problems = layout_problems(kept_whole)  # what the rule prevents: the heading and the table on the next page
    assert len(problems) == 1 and re.match(r"page 1 : remplie à \d\d\s?% seulement", problems[0]), problems
    assert problems[0].endswith("(« Du récit aux actions »)")


def _verdicts_table() -> Table:
    frame = pd.DataFrame({
        "Indicateur": ["Émissions de GES", "Consommation d'énergie"],
        "Objectif": ["orientations SRADDET 2018 : −30 % en 2030 par rapport à 2015"] * 2,
        "Rythme observé": ["−70,2 kt CO₂e/an", "−199 GWh/an"],
        "Rythme nécessaire": ["−70,3 kt CO₂e/an", "−181 GWh/an"],
        "Encore nécessaire": ["−70,4 kt CO₂e/an", "−169 GWh/an"],
        "Verdicts": [Verdict("significant_progress", "progrès significatif (2018-2023)"),
                     Verdict("insufficient_progress", "progrès insuffisant (2012-2023)")],
    })
    return Table(frame, "Émissions : verdicts par cadre d'objectifs", numeric=["Rythme observé"], css="verdicts")


def _on_a_phone(html: str):
    """The page as a 390 px wide phone lays it out: screen media, the narrow-screen rules of report.css applied
    (WeasyPrint reads media types only, so the query's width condition is lifted here)."""
    html = re.sub(r"@media screen and \(max-width: [\d.]+rem\)", "@media screen", html)
    phone = weasyprint.CSS(string="@page { size: 390px 844px !important; margin: 0 !important }")
    return weasyprint.HTML(string=html, media_type="screen").render(stylesheets=[phone])


def _text_boxes(doc):
    from weasyprint.formatting_structure.boxes import TextBox

    for page in doc.pages:
        for box in _boxes(page._page_box):
            if isinstance(box, TextBox) and box.text.strip():
                yield box


def test_on_a_phone_a_verdicts_table_is_stacked_and_every_verdict_is_on_screen():
    table = _verdicts_table()
    assert table.stacked and "stack" in table.classes
    html = table.html()
    assert 'data-label="Rythme observé"' in html and html.count('class="has-verdict"') == 2
    doc = _on_a_phone(_report(table))
    boxes = list(_text_boxes(doc))
    verdicts = [b for b in boxes if "progrès" in b.text]
    assert len(verdicts) >= 2
    width = 390  # CSS px, as WeasyPrint lays out
    for b in boxes:  # no text, verdicts first, beyond the right edge of the screen: nothing to scroll
        assert b.position_x + b.width <= width + 0.5, (b.text, b.position_x + b.width)
    # the verdict is shown right under the row's name, before the figures
    y = {text: min(b.position_y for b in boxes if text in b.text)
         for text in ("Émissions de GES", "progrès significatif", "−70,2 kt", "orientations SRADDET")}
    assert y["Émissions de GES"] < y["progrès significatif"] < y["orientations SRADDET"] < y["−70,2 kt"]


def test_on_a_phone_a_table_of_figures_keeps_its_columns():
    figures = Table(pd.DataFrame({"Territoire": ["CALL"], "Population": [242013], "Depuis 2012": ["−0,3 %"]}),
                    "Population")
    assert not figures.stacked and "data-label" not in figures.html()
    css = CSS
    narrow = re.search(r"@media screen and \(max-width: [\d.]+rem\) \{(.*?)\n\}", css, flags=re.S).group(1)
    assert "div.pma-table-block { overflow-x: auto; }" in narrow  # it scrolls inside its block if it must


@pytest.fixture
def figure():
    from pma_eval.charts import house_style, new_figure

    with house_style():
        fig, ax = new_figure((6.0, 3.0))
        ax.bar(["2012", "2023"], [3504, 2790])
        ax.set_title("Émissions de gaz à effet de serre")
        ax.set_ylabel("kt CO₂e")
    return Figure(fig, "Histogramme : 3 504 kt CO₂e en 2012, 2 790 en 2023.", "Émissions")


def test_charts_are_svg_on_screen_and_png_in_print(figure):
    html = figure.html()
    # the chart drawn for print (PNG), its SVG for wide screens, and its SVG laid out for a phone
    assert html.count("data:image/svg+xml;base64,") == 2 and html.count("data:image/png;base64,") == 1
    screen, printed = for_screen(html), for_print(html)
    assert "image/png" not in screen and screen.count("data:image/svg+xml") == 2
    assert re.search(r'<picture><source media="\(max-width: 44rem\)" type="image/svg\+xml" srcset="data:image/svg'
                     r'\+xml;base64,[^"]+"/><img src="data:image/svg\+xml;base64,', screen)
    assert "<picture" not in printed and "image/svg+xml" not in printed and "image/png" in printed
    for out in (screen, printed):
        assert re.search(r'<img src="data:image/[^"]+" alt="Émissions de gaz à effet de serre\. Histogramme\u00a0: 3 504', out)
    svg = base64.b64decode(re.search(r'<img src="data:image/svg\+xml;base64,([^"]+)', screen).group(1)).decode("utf-8")
    # text kept as text, in the printed font with its nearest fallback; no date, no six-decimal coordinates
    assert ">Émissions de gaz à effet de serre</text>" in svg and "<metadata>" not in svg
    assert "font-family: 'DejaVu Sans', Verdana, sans-serif" in svg
    assert not re.search(r'\sd="[^"]*\d\.\d{2}', svg)
    width = float(re.search(r'<svg\b[^>]*\swidth="([\d.]+)px"', svg).group(1))
    view = float(re.search(r'viewBox="0 0 ([\d.]+)', svg).group(1))
    assert width == pytest.approx(view * SCREEN_PX_PER_PT, abs=1)  # 8 pt text reads at 9 px at natural size
    assert for_screen(screen) == screen and for_print(printed) == printed  # idempotent


def test_the_phone_style_shows_each_chart_across_the_screen_and_a_chart_beside_a_table_above_it():
    narrow = re.search(r"@media screen and \(max-width: ([\d.]+rem)\) \{(.*?)\n\}", CSS, flags=re.S)
    assert narrow.group(1) == "44rem"  # the width below which a <picture> takes its phone <source> (blocks.html.j2)
    assert "figure.pma-figure img { width: auto" not in narrow.group(2)  # no natural size to scroll sideways
    assert "div.pma-beside { display: block; }" in narrow.group(2)
    assert "figure.pma-figure img { width: 100%;" in CSS  # on a phone, elsewhere and in print: across its column


def _chart(height_px: int) -> str:
    """A report chart block of a given printed height: a PNG as wide as the text (643 px) and ``height_px`` high."""
    import io

    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (643, height_px), "#6a9bc3").save(buf, format="PNG")
    png = base64.b64encode(buf.getvalue()).decode("ascii")
    return (f'<figure class="pma-figure"><img src="data:image/png;base64,{png}" alt="Courbes."/>'
            "<figcaption>Légende.</figcaption></figure>")


def test_a_chart_that_does_not_fit_moves_after_the_paragraph_that_follows_it():
    from pma_eval.publish.pagination import place_figures

    # a page of A4 with 2 cm margins holds ≈ 970 px of text height: 20 lines fill under half of it, the chart
    # (600 px) does not fit below them, the paragraph after it does
    body = (f"<main><p>{_lines(20)}</p><h3>Comparaison</h3>{_chart(600)}<p>{_lines(12, 'suite')}</p>"
            f"<h2>Section suivante</h2><p>{_lines(5)}</p></main>")
    html = _page(CSS, body)
    assert half_empty_pages(weasyprint.HTML(string=html).render()) != []  # kept in place: flagged
    placed, doc = place_figures(html)
    assert layout_problems(html) == []
    # the heading stays with the paragraph on page 1, the chart opens page 2 after it
    assert placed.index("suite 11") < placed.index('data-placed="déplacée"') < placed.index("Section suivante")
    assert len(doc.pages) == 2


def test_a_chart_followed_by_a_heading_is_drawn_smaller_to_fit_but_never_below_min_scale():
    from pma_eval.publish.pagination import MIN_SCALE, place_figures

    def laid_out(height_px):
        body = f"<main><p>{_lines(20)}</p><h3>Carte</h3>{_chart(height_px)}<h2>Suite</h2><p>{_lines(5)}</p></main>"
        return place_figures(_page(CSS, body))

    placed, _ = laid_out(620)  # ≈ 15 % too tall for the foot of page 1 (under half filled): drawn at ≈ 85 %
    scale = int(re.search(r'<img style="width: (\d+)%', placed).group(1)) / 100
    assert 'data-placed="réduite"' in placed and MIN_SCALE <= scale < 1
    assert layout_problems(_page(CSS, placed)) == []
    placed, _ = laid_out(900)  # would need about half its size at the foot of page 1: not drawn that small there
    # (at most a touch smaller on its own page 2, before the heading that follows it), and the checker says so
    shrunk = re.search(r'<img style="width: (\d+)%', placed)
    assert shrunk is None or int(shrunk.group(1)) / 100 >= 0.9
    assert layout_problems(_page(CSS, placed))[0].startswith("page 1 : remplie à 41% seulement")


def test_the_text_alternative_opens_with_the_chart_title_typeset_as_on_the_image():
    from pma_eval.charts import house_style, new_figure

    with house_style():
        fig, ax = new_figure((6.0, 3.0))
        ax.bar(["2012", "2023"], [3504, 2790])
        ax.set_title("Émissions de l'Artois\n(kt CO2e)")  # a notebook's title: straight apostrophe, two lines
    block = Figure(fig, "Histogramme : 3 504 kt en 2012, 2 790 en 2023.", "Émissions")
    assert block.alt.startswith("Émissions de l’Artois (kt CO2e). Histogramme")
    assert re.search(r'alt="Émissions de l’Artois \(kt CO2e\)\. Histogramme\u00a0: 3 504', block.html())
    again = Figure(block.fig, block.alt, "Émissions")  # said once, never twice
    assert again.alt.count("Émissions de l’Artois") == 1


def test_a_heading_shown_alone_joins_the_output_after_it_and_stays_with_it_on_the_page():
    """Issue 23 (CABBALR 2023, page 7): each shown block is a notebook output of its own, in boxes WeasyPrint does
    always carry a heading's ``break-after: avoid`` out of; joined to the next output of its cell, the heading
    and the chart are siblings and move to the next page together. A heading that ends its cell is left."""
    from pma_eval.publish.report import keep_headings_with_next

    def output(inner: str) -> str:
        return ('<div class="jp-OutputArea-child">\n<div class="jp-RenderedHTMLCommon jp-RenderedHTML '
                f'jp-OutputArea-output" data-mime-type="text/html">\n{inner}\n</div>\n</div>\n')

    cell = output("<h3>Ce qui a fait <abbr title=\"varier\">varier</abbr></h3>") + output(_chart(520))
    joined = keep_headings_with_next(cell)
    assert joined.count("jp-OutputArea-child") == 1 and joined.index("<h3>") < joined.index("<figure")
    alone = output("<h3>Fin de cellule</h3>")
    assert keep_headings_with_next(alone) == alone
    # (the orphan itself needs the report's whole nesting to appear: the CABBALR report's manifest test,
    # tests/e2e/test_report.py, reads it from the PDF)


def _beside(height_px: int, rows: int) -> str:
    """A chart beside a small table, as report/templates/blocks.html.j2 writes them (one block)."""
    chart = _chart(height_px).replace('<figure class="pma-figure">', '<figure class="pma-figure" data-beside="">')
    table = ('<div class="pma-table-block"><table class="pma-table"><tbody>'
             + "".join(f"<tr><td>Secteur {i}</td><td>{i}</td></tr>" for i in range(rows)) + "</tbody></table></div>")
    return f'<div class="pma-beside">{chart}{table}</div>'


def test_a_chart_beside_a_table_is_drawn_smaller_when_the_table_fits_and_never_moved_apart():
    """The CALL's 2023 report left page 5 half empty before its emissions chart and sector table, laid side by side
    and too tall by a little for the foot of the page: the chart is drawn smaller, the table stays beside it."""
    from pma_eval.publish.pagination import MIN_SCALE, place_figures

    def laid_out(height_px, rows):
        body = f"<main><p>{_lines(20)}</p><h3>Secteurs</h3>{_beside(height_px, rows)}<h2>Suite</h2><p>{_lines(5)}</p></main>"
        return place_figures(_page(CSS, body))

    placed, doc = laid_out(1100, 4)  # the chart (drawn 57 % wide: ≈ 600 px tall) is ≈ 15 % too tall: drawn smaller
    scale = int(re.search(r'<img style="width: (\d+)%', placed).group(1)) / 100
    assert 'data-placed="réduite" data-beside=""' in placed and MIN_SCALE <= scale < 1
    assert layout_problems(_page(CSS, placed)) == []
    assert placed.index('class="pma-beside"') < placed.index('data-placed') < placed.index("Secteur 0")  # still together
    placed, _ = laid_out(1100, 25)  # a table taller than the room left: nothing to gain, left as it is
    assert "data-placed" not in placed


def test_a_chart_beside_a_table_may_be_drawn_smaller_than_a_full_width_chart_for_the_same_printed_text():
    """A chart beside a table is drawn at the size it prints (95 % for a full-width one): at 73 % its 8 pt text prints
    at 5,8 pt, above the 5,7 pt floor of :data:`MIN_SCALE`. The CALL's, CAHC's and CABBALR's 2023 reports left page 5
    about 45 % empty before their emissions chart and sector table, which fitted with the chart at 74 %."""
    from pma_eval.publish.pagination import MIN_SCALE, MIN_SCALE_BESIDE, place_figures

    assert 8 * 0.95 * MIN_SCALE == pytest.approx(5.7) and 8 * MIN_SCALE_BESIDE == pytest.approx(5.7)
    body = f"<main><p>{_lines(20)}</p><h3>Secteurs</h3>{_beside(1140, 4)}<h2>Suite</h2><p>{_lines(5)}</p></main>"
    placed, _ = place_figures(_page(CSS, body))
    scale = int(re.search(r'<img style="width: (\d+)%', placed).group(1)) / 100
    assert MIN_SCALE_BESIDE <= scale < MIN_SCALE
    assert layout_problems(_page(CSS, placed)) == []


def test_a_sector_table_beside_its_chart_is_set_small_enough_for_the_chart_to_fit_the_page_foot():
    """The CALL's 2023 page 5: after its heading and introduction, the emissions chart and its sector table (nine rows,
    « Industrie hors branche énergie » on several lines) did not fit the 46 % left, the table alone 13 px too tall, and
    went to page 6. Set like the verdict tables (8,5 pt, tighter cells), the table fits and the chart is drawn smaller
    beside it: the page is filled."""
    from pma_eval.publish.pagination import PLACE_BELOW, _filled, place_figures

    sectors = ["Résidentiel", "Tertiaire", "Transport routier", "Autres transports", "Agriculture", "Déchets",
               "Industrie hors branche énergie", "Branche énergie", "Total"]
    frame = pd.DataFrame({"Secteur": sectors, "Valeur (kt CO₂e)": [256, 115, 288, 2, 30, 75, 199, 12, 978],
                          "Part du total": ["26 %", "12 %", "29 %", "0 %", "3 %", "8 %", "20 %", "1 %", "100 %"],
                          "Par habitant (t CO₂e/hab)": [1.06, 0.47, 1.19, 0.01, 0.12, 0.31, 0.82, 0.05, 4.04]})
    chart = _chart(910).replace('<figure class="pma-figure">', '<figure class="pma-figure" data-beside="">')
    block = f'<div class="pma-beside">{chart}{Table(frame, "Émissions par secteur en 2023 — CALL").html()}</div>'
    body = (f"<main><p>{_lines(23)}</p><h2>2. Émissions</h2><p>Introduction.</p>{block}<h3>Rythme</h3>"
            f"<p>{_lines(5)}</p></main>")
    placed, doc = place_figures(_page(CSS, body))
    assert 'data-placed="réduite" data-beside=""' in placed
    assert _filled(doc.pages[0]._page_box) >= PLACE_BELOW and layout_problems(_page(CSS, placed)) == []


def test_a_last_page_holding_only_the_glossarys_last_rows_is_mended():
    """From CI (the CALL's 2023 report): the glossary's last two rows alone on a 41st page. The last long table is
    then set tighter, once, and its rows end on the page before; the screen's HTML is not touched."""
    from markupsafe import Markup

    from pma_eval.publish.pagination import _tail_only, place_figures

    frame = pd.DataFrame({"Sigle": [f"S{i}" for i in range(40)], "Signification": ["sens d'un sigle"] * 40})
    table = Table(frame, "Glossaire", numeric=[], long=True)
    for lead in range(38, 90):  # pushes the table down until only its last rows spill onto a last page (43 here)
        html = for_print(_report(Text(Markup("<br>".join(["x"] * lead))), table))
        plain = weasyprint.HTML(string=html).render()
        if _tail_only([p._page_box for p in plain.pages]):
            break
    else:
        pytest.fail("no lead left only the table's last rows on a last page")
    placed, doc = place_figures(html)
    assert 'class="pma-table long compact' in placed and 'class="pma-table long compact' not in html
    assert len(doc.pages) == len(plain.pages) - 1 and not _tail_only([p._page_box for p in doc.pages])


def test_the_first_layout_starts_after_the_table_of_contents_and_lays_the_charts_pages_out_the_same():
    """The cover, the decision page and the contents each end on a forced page break: the first layout leaves them
    out (issue 24), the elements the contents stood in opened again, and every block of the pages that follow lies
    where the whole report puts it, on pages numbered three fewer."""
    from pma_eval.publish.pagination import _flow_blocks, _trial

    charts = (f"<h2 id='s1'>Synthèse</h2><p>{_lines(20)}</p><h3>Comparaison</h3>{_chart(600)}"
              f"<p>{_lines(12, 'suite')}</p><h2>Énergie</h2><p>{_lines(25)}</p><h3>Carte</h3>{_chart(620)}<h3>Rythme</h3>"
              f"<p>{_lines(4)}</p>")
    annex = f"<h2>Annexe</h2><p>{_lines(60, 'méthode')}</p>"
    head = ('<section class="cover" aria-label="Couverture"><p class="cover-title">Rapport</p></section>'
            f'<div class="cell"><h2>À retenir</h2><p>{_lines(30, "décision")}</p>'
            '<nav class="toc" aria-label="Sommaire"><p class="toc-title">Sommaire</p><ol><li><a href="#s1">Synthèse</a>'
            '</li></ol></nav> </div>')
    html = _page(CSS, f"<main>{head}<div class='cell'>{charts}{annex}</div></main>")
    trial = _trial(html)
    assert trial is not None and "Couverture" not in trial and "Sommaire" not in trial and "décision 3" not in trial
    assert '<body><main><div class="cell">' in trial and "Annexe" not in trial

    def blocks(doc, first):
        return [[(b.element_tag, round(b.position_y, 3)) for b, _ in _flow_blocks(p._page_box, set())]
                for p in doc.pages[first:]]

    whole = weasyprint.HTML(string=html).render()
    cut = weasyprint.HTML(string=trial).render()
    shown = blocks(cut, 0)[:-1]  # the trial's last page ends where it was cut
    assert len(shown) >= 3 and shown == blocks(whole, 3)[:len(shown)]


def test_the_first_layout_stops_before_what_follows_the_last_chart_and_finds_the_same_charts_to_place(monkeypatch):
    """place_figures' first layout only finds the charts to place: it stops before the first h2 after the last chart
    when the rest is a fifth of the text or more (the annual report's actions and annex, 43 % of it). The charts
    placed and the PDF are those of the whole report laid out first, as before (issue 24)."""
    from pma_eval.publish import pagination
    from pma_eval.publish.pagination import TRIAL_CUT_SHARE, _trial, place_figures

    charts = (f"<p>{_lines(20)}</p><h3>Comparaison</h3>{_chart(600)}<p>{_lines(12, 'suite')}</p>"
              f"<h2>Énergie</h2><p>{_lines(25)}</p><h3>Carte</h3>{_chart(620)}<h3>Rythme</h3><p>{_lines(4)}</p>")
    annex = f"<h2>Annexe</h2><p>{_lines(40, 'méthode')}</p><h3>Glossaire</h3><p>{_lines(20, 'sigle')}</p>"
    html = _page(CSS, f"<main>{charts}{annex}</main>")
    cut = _trial(html)
    assert cut is not None and cut.endswith(_lines(4) + "</p>") and "Annexe" not in cut
    short = _page(CSS, f"<main>{charts}<h2>Annexe</h2><p>{_lines(3, 'méthode')}</p></main>")
    assert _trial(short) is None and TRIAL_CUT_SHARE == 0.2  # a short rest: the whole report is laid out first
    assert _trial(_page(CSS, f"<main><p>{_lines(5)}</p>{annex}</main>")) is None  # no chart: nothing to find

    placed, doc = place_figures(html)
    assert placed.count('data-placed="déplacée"') == 1  # the first chart moves after the paragraph that follows it
    monkeypatch.setattr(pagination, "_trial", lambda text: None)  # the whole report laid out first, as before
    placed_whole, doc_whole = place_figures(html)
    assert placed == placed_whole and len(doc.pages) == len(doc_whole.pages)
    assert doc.write_pdf() == doc_whole.write_pdf()
