"""Issue 23, page review of the 2023 fiches: a unit written with slashes never splits across lines (« +169 kW/ » over
« an »), and the locator map has a legend naming, from the territory's data, the commune, its EPCI and the rest of
the territory in the map's own colours."""

from __future__ import annotations

import dataclasses

import pytest

from pma_eval import svg
from pma_eval.publish.fiches import map_legend, prepare, render_html


def test_a_figure_and_its_unit_stay_together_in_running_text():
    from pma_eval.report.blocks import units

    assert str(units("(+169\u00a0kW/an en moyenne)", narrow=False)) == '(<span class="unit">+169\u00a0kW/an</span> en moyenne)'
    # a short unit word before the slashed one stays with them (« −2,44 kt » over « CO₂e/an » in the Liévin fiche)
    assert (str(units("(−2,44\u00a0kt CO₂e/an en moyenne)", narrow=False))
            == '(<span class="unit">−2,44\u00a0kt CO₂e/an</span> en moyenne)')
    # in a table's narrow column, the unit alone is kept whole and goes under its figure
    assert str(units("−2,44\u00a0kt CO₂e/an")) == '−2,44\u00a0kt <span class="unit">CO₂e/an</span>'


def test_the_map_legend_names_the_commune_its_epci_and_the_rest_of_the_territory():
    keys = map_legend("Lens", "de la CALL", "du Pôle")
    assert keys == [{"label": "Lens", "color": svg.COMMUNE_FILL},
                    {"label": "autres communes de la CALL", "color": svg.EPCI_FILL},
                    {"label": "autres communes du Pôle", "color": svg.REST_FILL}]
    # a territory of one EPCI: its map is the EPCI, no rest
    assert [k["label"] for k in map_legend("Arras", "de la CUA", None)] == ["Arras", "autres communes de la CUA"]


def test_the_fiche_shows_its_map_legend_from_the_data(built_paths):
    from pma_eval.processed import load_territory

    territory = load_territory(built_paths)
    f = prepare(2023, built_paths, codes=["62498"])[0]
    epci = territory.commune_to_epci["62498"]
    html = render_html(f)
    legend = html.split('class="legend map-legend"')[1].split("</ul>")[0]
    for label in (territory.name("commune", "62498"), "autres communes " + territory.name_after_de("epci", epci),
                  "autres communes " + territory.whole.of):
        assert label.replace("'", "’") in legend, label
    # the keys have the map's colours: the commune drawn over the base map, its EPCI's fill, the rest's
    assert svg.COMMUNE_FILL in f.map_svg
    for colour in (svg.COMMUNE_FILL, svg.EPCI_FILL, svg.REST_FILL):
        assert f"background-color: {colour}" in legend


def test_a_unit_with_slashes_stays_whole_in_the_fiche_sentences(built_paths):
    """Sentences whose « kW/an » falls at every place of a line: no line of the printed fiche ends with « / »."""
    weasyprint = pytest.importorskip("weasyprint")
    from weasyprint.formatting_structure.boxes import LineBox, TextBox

    f = prepare(2023, built_paths, codes=["62498"])[0]
    sentence = "Entre 2012 et 2023, la puissance photovoltaïque installée de Lens a augmenté de 614 % ({}+169\u00a0kW/an " \
               "en moyenne) (données de démonstration)."
    f = dataclasses.replace(f, sentences=[sentence.format("x" * k + " " if k else "") for k in range(0, 14, 2)])
    html = render_html(f)
    assert '(<span class="unit">+169\u00a0kW/an</span>' in html  # the figure kept with its unit, no-break space
    doc = weasyprint.HTML(string=html).render()

    def boxes(box):
        yield box
        for child in getattr(box, "children", None) or []:
            yield from boxes(child)

    seen, items = set(), []
    for page in doc.pages:
        for li in boxes(page._page_box):
            if getattr(li, "element_tag", "") == "li" and id(li.element) not in seen:  # its outermost box
                seen.add(id(li.element))
                items.append(["".join(t.text for t in boxes(line) if isinstance(t, TextBox)) for line in boxes(li)
                              if isinstance(line, LineBox)])
    items = [[line for line in item if line.strip() not in ("", "•")] for item in items]
    lines = [line for item in items for line in item]
    # and the lines before it are filled: a span opened right after a no-break space made WeasyPrint break at the
    # paragraph's first space (« installée » alone on its line)
    assert [item for item in items if any(len(line.split()) < 3 for line in item[:-1])] == []
    assert sum("+169" in line for line in lines) == 7  # one a sentence
    assert [line for line in lines if "+169" in line and "+169\u00a0kW/an" not in line] == []
    assert not [line for line in lines if line.rstrip().endswith("/")]


def test_the_fiche_pdf_is_the_same_with_its_lighter_user_agent_stylesheet(built_paths):
    """Issue 24: the fiches are printed with WeasyPrint's user-agent stylesheet less its rules for footnotes and
    notes, and with ``li::marker`` for ``::marker`` (a sixth of a fiche's CPU). A fiche has none of those
    pseudo-elements: printed with WeasyPrint's own stylesheet, the PDF is the same, byte for byte. The base map is
    given by its URL in both (pma_eval.publish.fiches._map_url), as the fiches are written."""
    weasyprint = pytest.importorskip("weasyprint")
    from pma_eval.publish import fiches

    tools = fiches._pdf_tools()
    assert tools["html"] is not weasyprint.HTML  # the lighter stylesheet is in use with this WeasyPrint
    f = prepare(2023, built_paths, codes=["62498"])[0]
    html = fiches._page(f).replace(fiches._CSS_SLOT, "", 1).replace(fiches._MAP_SLOT, fiches._map_url(tools, f), 1)
    css = weasyprint.CSS(string=fiches.fiche_css(f.organisation), font_config=tools["fc"])
    pdfs = [cls(string=html, url_fetcher=tools["fetcher"]).write_pdf(stylesheets=[css], font_config=tools["fc"])
            for cls in (tools["html"], weasyprint.HTML)]
    assert pdfs[0] == pdfs[1]
    # and the page given to WeasyPrint is the written page, less its inline stylesheet and map
    written = render_html(f)
    assert "data:image/png;base64," + f.map_png in written and fiches.fiche_css(f.organisation) in written
    assert written.replace(fiches.fiche_css(f.organisation), "", 1).replace(
        "data:image/png;base64," + f.map_png, fiches._map_url(tools, f), 1) == html
