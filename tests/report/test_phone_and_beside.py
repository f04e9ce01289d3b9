"""Issue 23, deliverable 7, by hand: charts readable on a 390 px phone (a variant laid out for its width), a small
table beside the chart it follows (print and wide screens; one under the other on a phone), and a pace whose unit
never breaks inside (« +0,38 point/ » over « an »)."""

from __future__ import annotations

import base64
import io
import re

import pandas as pd
import pytest

from pma_eval import charts
from pma_eval.publish.report import CSS, for_print, for_screen
from pma_eval.report.blocks import Beside, Figure, Table, Text, Verdict, beside, units

weasyprint = pytest.importorskip("weasyprint")

YEARS = list(range(2012, 2024))
SECTORS = ["residentiel", "tertiaire", "transport_routier", "agriculture", "dechets", "industrie"]


def _sectors_chart():
    """The annual report's sector chart: 12 years of 6 sectors, its legend beside the plot, drawn 7,2 in wide."""
    wide = pd.DataFrame({s: [100.0 + 10 * k + y % 3 for y in YEARS] for k, s in enumerate(SECTORS)}, index=YEARS)
    return charts.stacked_sectors(wide, "Émissions de gaz à effet de serre par secteur — CALL", "kt CO₂e",
                                  "CITEPA ; séries de démonstration pma-eval (2005-2023)")


def _smallest_text_px(svg: str, shown_px: float) -> float:
    """The smallest font size of an SVG chart, in screen pixels once the SVG is shown ``shown_px`` wide."""
    view = float(re.search(r'viewBox="0 0 ([\d.]+)', svg).group(1))
    sizes = [float(x) for x in re.findall(r"font(?:-size)?:\s*(?:bold |normal )*([\d.]+)px", svg)]
    return min(sizes) * shown_px / view


#: A 390 px phone less the body's padding on a narrow screen (report.css: .5rem each side, the rem 10 pt: 6,7 px).
PHONE_TEXT_PX = 390 - 2 * 0.5 * 10 * 4 / 3


def test_on_a_phone_a_chart_is_laid_out_again_and_its_smallest_text_reads_at_9_px():
    fig = _sectors_chart()
    block = Figure(fig, "Histogramme empilé des émissions par secteur.", "Émissions par secteur")
    wide, phone = block.svg.decode(), block.svg_phone.decode()
    # drawn for print, 7,2 in plus the legend (≈ 8 in, 580 pt): its 8 pt text would read at 8 × 377 / 580 ≈ 5,2 px
    assert _smallest_text_px(wide, PHONE_TEXT_PX) < 6
    # laid out 4,2 in wide (≈ 305 pt with the crop's margin): 8 × 377 / 305 ≈ 9,9 px
    assert _smallest_text_px(phone, PHONE_TEXT_PX) >= 9
    view = float(re.search(r'viewBox="0 0 ([\d.]+)', phone).group(1))
    assert view <= (charts.PHONE_WIDTH_IN + 0.2) * 72  # nothing hangs out of the narrow figure (legend, source)
    for text in ("Résidentiel", "Transport routier", "Source\u00a0: CITEPA"):  # every legend entry and the source
        assert text in phone


def test_reflow_moves_a_legend_under_the_plot_thins_years_and_leaves_the_chart_given_as_it_was():
    fig = _sectors_chart()
    size = tuple(fig.get_size_inches())
    narrow = charts.reflow(fig, charts.PHONE_WIDTH_IN)
    renderer = narrow.canvas.get_renderer()
    ax = narrow.axes[0]
    legend = ax.get_legend().get_window_extent(renderer)
    assert legend.y1 < ax.xaxis.get_tightbbox(renderer).y0  # under the plot and its year labels
    assert narrow.get_size_inches()[0] == pytest.approx(charts.PHONE_WIDTH_IN)
    assert narrow.get_size_inches()[1] > size[1]  # taller by the legend's height: the plot keeps its height
    # 12 years in ≈ 3,4 in: 0,28 in a label of 4 digits at 8 pt (≈ 0,28 in) overlap: one in two, the last one kept
    shown = [t.get_text() for t in ax.get_xticklabels() if t.get_visible()]
    assert shown == ["2013", "2015", "2017", "2019", "2021", "2023"]
    # the chart given (printed, and read by the report's tests) is unchanged
    assert tuple(fig.get_size_inches()) == size
    assert [t.get_visible() for t in fig.axes[0].get_xticklabels()] == [True] * 12
    assert fig.axes[0].get_legend()._bbox_to_anchor._bbox.x0 == 1.0  # its legend still beside the plot


def test_a_blocks_html_lays_its_chart_out_for_a_phone_in_place_with_the_images_a_copy_gives():
    """Issue 24: the HTML, a chart's last use, draws its SVG and PNG as printed, then lays the chart itself out again
    for a phone (no deep copy of the figure): every image is the one drawn from a copy, byte for byte."""
    copied = Figure(_sectors_chart(), "Histogramme empilé des émissions par secteur.", "Émissions par secteur")
    expected = (copied.svg_phone, copied.svg, copied.png)  # the phone's variant first, from a copy of the chart
    assert tuple(copied.fig.get_size_inches())[0] > charts.PHONE_WIDTH_IN  # the copy's chart left as drawn
    block = Figure(_sectors_chart(), "Histogramme empilé des émissions par secteur.", "Émissions par secteur")
    fig = block.fig
    html = block.html()
    assert (block.svg_phone, block.svg, block.png) == expected
    assert block.fig is fig and fig.get_size_inches()[0] == pytest.approx(charts.PHONE_WIDTH_IN)  # itself, laid out
    assert all(base64.b64encode(image).decode("ascii") in html for image in expected)
    assert block.html() == html  # drawn once


def _small_table() -> Table:
    frame = pd.DataFrame({"Secteur": ["Résidentiel", "Transport routier", "Industrie hors branche énergie", "Total"],
                          "Valeur (kt CO₂e)": [256.0, 288.0, 199.0, 978.0],
                          "Part du total": ["26 %", "29 %", "20 %", "100 %"],
                          "Par habitant (t CO₂e/hab)": ["1,06", "1,19", "0,82", "4,04"]})
    return Table(frame, "Émissions par secteur en 2023", formats={"Valeur (kt CO₂e)": lambda v: f"{v:.0f}"})


def test_which_tables_are_small_enough_to_sit_beside_a_chart():
    small = _small_table()
    # widest readable line, by hand: « Industrie hors branche énergie » on two lines (15) + « Valeur » (6)
    # + « total »/« 100 % » (5) + « (t CO₂e/hab) » (9) = 35 ≤ 36
    assert small._line() == 35 and small.small
    carriers = pd.DataFrame({"Énergie": ["Électricité", "Produits pétroliers"], "Consommation (GWh)": ["1 182", "1 331"],
                             "Part": ["29 %", "32 %"], "Nature": ["données de démonstration"] * 2})
    # « Électricité » 11 + « Consommation » 12 + « Part » 4 + « démonstration » 13 = 40: too wide beside a chart
    assert Table(carriers, "Consommation par énergie")._line() == 40 and not Table(carriers, "").small
    verdicts = pd.DataFrame({"Indicateur": ["GES"], "Verdict": [Verdict("significant_progress")]})
    assert not Table(verdicts, "Verdicts").small  # a verdict is stacked on a phone, never beside a chart
    long = pd.DataFrame({"Commune": [f"C{i}" for i in range(11)], "kt": [1.0] * 11})
    assert not Table(long, "Communes").small  # 11 rows: more than SMALL_TABLE_ROWS
    assert not Table(small.frame, "Émissions", css="options").small  # a table with a layout of its own


def _figure() -> Figure:
    return Figure(_sectors_chart(), "Histogramme empilé des émissions par secteur.", "Émissions par secteur")


def test_a_chart_followed_by_a_small_table_is_joined_with_it_and_drawn_for_its_column():
    figure, table, text = _figure(), _small_table(), Text("Suite.")
    joined = beside([figure, table, text, None])
    assert [type(b) for b in joined] == [Beside, Text]
    assert figure.width == charts.BESIDE_WIDTH_IN and figure.svg_phone is None  # already narrow enough for a phone
    assert joined[0].natures == figure.natures | table.natures
    # only a chart, then a small table: not a table then a chart, nor a chart then a paragraph
    assert [type(b) for b in beside([Text("a"), _small_table(), _figure()])] == [Text, Table, Figure]
    html = joined[0].html()
    assert figure.fig.get_size_inches()[0] == pytest.approx(charts.BESIDE_WIDTH_IN)  # laid out in place (issue 24)
    assert html.startswith('<div class="pma-beside"><figure class="pma-figure" data-beside="">')
    assert html.count("data:image/svg+xml") == 1 and html.endswith("</table></div></div>")
    from PIL import Image

    width = Image.open(io.BytesIO(figure.png)).size[0]
    # printed 3,9 in wide at 200 ppi: 780 pixels, and the one dot of rounding up per inch of the crop (≈ 4 in)
    assert 780 <= width <= 790


def _report(*blocks) -> str:
    return f'<html lang="fr"><head><style>{CSS}</style></head><body><main>{"".join(b.html() for b in blocks)}</main></body></html>'


def _boxes(box):
    yield box
    for child in getattr(box, "children", None) or []:
        yield from _boxes(child)


def _box(doc, tag: str):
    return next(b for p in doc.pages for b in _boxes(p._page_box) if getattr(b, "element_tag", None) == tag)


def test_side_by_side_in_print_one_under_the_other_on_a_phone():
    html = _report(*beside([_figure(), _small_table()]))
    printed = weasyprint.HTML(string=for_print(html)).render()
    figure, table = _box(printed, "figure"), _box(printed, "table")
    assert len(printed.pages) == 1
    # A4 less 1,8 cm margins: 6,85 in (657 px); the chart takes 57 % (375 px), the table starts after the gap
    assert figure.width == pytest.approx(0.57 * 657.6, abs=2)
    assert table.position_x >= figure.position_x + figure.width
    assert abs(table.position_y - figure.position_y) < 20  # side by side, from the same top
    screen = re.sub(r"@media screen and \(max-width: [\d.]+rem\)", "@media screen", for_screen(html))
    phone = weasyprint.CSS(string="@page { size: 390px 3000px !important; margin: 0 !important }")
    doc = weasyprint.HTML(string=screen, media_type="screen").render(stylesheets=[phone])
    figure, table, img = _box(doc, "figure"), _box(doc, "table"), _box(doc, "img")
    assert table.position_y >= figure.position_y + figure.height  # under the chart
    assert img.width == pytest.approx(PHONE_TEXT_PX, abs=0.5)  # across the screen, nothing to scroll sideways


def test_a_unit_with_slashes_is_kept_whole_in_a_cell():
    assert str(units("+0,38\u00a0point/an")) == '+0,38 <span class="unit">point/an</span>'
    assert str(units("−0,108\u00a0t CO₂e/hab/an")) == '−0,108\u00a0t <span class="unit">CO₂e/hab/an</span>'
    assert str(units("1\u00a0182")) == "1\u00a0182"  # a number keeps its no-break spaces
    assert str(units("<b>1 & 2</b>")) == "&lt;b&gt;1 &amp; 2&lt;/b&gt;"  # escaped as the template would
    frame = pd.DataFrame({
        "Indicateur": ["Part renouvelable"], "Objectif": ["LEC : au moins 33 % de renouvelables en 2030"],
        "Rythme observé": ["+0,38\u00a0point/an"], "Rythme nécessaire": ["+2,4\u00a0points/an"],
        "Encore nécessaire": ["+3,8\u00a0points/an"],
        "Verdicts": [Verdict("insufficient_progress", "progrès insuffisant (2018-2023)")]})
    table = Table(frame, "Renouvelables : verdicts", css="verdicts")
    assert table.html().count('<span class="unit">') == 3
    doc = weasyprint.HTML(string=for_print(_report(table))).render()
    from weasyprint.formatting_structure.boxes import TableCellBox, TextBox

    cells = [b for p in doc.pages for b in _boxes(p._page_box) if isinstance(b, TableCellBox) and b.element_tag == "td"]
    assert len(cells) == 5  # objective, three paces, verdicts
    for cell in cells[1:4]:  # the three paces, 12 % of 6,85 in less padding: 50 pt; « +0,38 point/an » is 64 pt
        texts = [b for b in _boxes(cell) if isinstance(b, TextBox)]
        assert not any(t.text.endswith("/") for t in texts), [t.text for t in texts]  # never « point/ » over « an »
        assert any(re.search(r"points?/an$", t.text) for t in texts), [t.text for t in texts]
        right = cell.content_box_x() + cell.width
        assert all(t.position_x + t.width <= right + 0.5 for t in texts)  # inside its column
