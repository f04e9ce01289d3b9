"""Issue 23, page review of the 2023 products: tables laid out by WeasyPrint in the house style stay inside the
page's margins and their cells, and break no word without a hyphen. Hand-made tables with the longest texts the
2023 reports print, inside the notebook's output wrapper (``jp-RenderedHTMLCommon``, « overflow-wrap: break-word »),
as the published HTML has them.

- the scenario report's options table ran 15 pt past the right margin (its cost column, pages 12–13);
- « +4,6 points » ran from the headline table's « Depuis 2012 » column into « Tendance » (annual report, page 4);
- « Consommatio » over « n d’énergie » in the verdict tables (the Pôle's report, pages 13 and 29).
"""

from __future__ import annotations

import pandas as pd
import pytest

from pma_eval.publish.report import CSS
from pma_eval.report.blocks import Table, Verdict, units

weasyprint = pytest.importorskip("weasyprint")

#: Tolerance of a box's edge [CSS px]: rounding of the layout.
EPS = 0.5


def _render(*tables: Table):
    body = "".join(f'<div class="jp-RenderedHTMLCommon jp-RenderedHTML">{t.html()}</div>' for t in tables)
    html = f'<html lang="fr"><head><style>{CSS}</style></head><body><main>{body}</main></body></html>'
    return weasyprint.HTML(string=html).render()


def _boxes(box):
    yield box
    for child in getattr(box, "children", None) or []:
        yield from _boxes(child)


def _cells(doc):
    from weasyprint.formatting_structure.boxes import TableCellBox

    for page in doc.pages:
        for box in _boxes(page._page_box):
            if isinstance(box, TableCellBox):
                yield page._page_box, box


def _lines(cell) -> list[str]:
    from weasyprint.formatting_structure.boxes import LineBox, TextBox

    return ["".join(b.text for b in _boxes(line) if isinstance(b, TextBox))
            for line in _boxes(cell) if isinstance(line, LineBox)]


def _overflows(doc) -> list[str]:
    """Texts that run past their cell's right edge or the page's right margin."""
    from weasyprint.formatting_structure.boxes import TextBox

    out = []
    for page, cell in _cells(doc):
        right_margin = page.content_box_x() + page.width
        cell_right = cell.border_box_x() + cell.border_width()
        if cell_right > right_margin + EPS:
            out.append(f"cellule hors marge : {' '.join(_lines(cell))!r}")
        for text in (b for b in _boxes(cell) if isinstance(b, TextBox)):
            if text.position_x + text.width > cell_right + EPS:
                out.append(f"texte hors de sa cellule : {text.text!r}")
    return out


def _broken_words(doc) -> list[str]:
    """Lines of a cell that end inside a word without a hyphen (every word of the cell is known whole)."""
    out = []
    for _, cell in _cells(doc):
        lines = _lines(cell)
        words = set("".join(cell.element.itertext()).replace("\u00a0", " ").split())
        for line in lines[:-1]:
            tokens = line.replace("\u00a0", " ").split()
            if not tokens:
                continue
            last = tokens[-1]
            # a whole word, or the end of one hyphenated on the line before, or a hyphenated start
            if not any(w.endswith(last) for w in words) and not last.endswith(("-", "\u2010", "/")):
                out.append(f"{line!r} (cellule : {' '.join(lines)!r})")
    return out


def _options_table() -> Table:
    """The scenario report's options table (report/scenarios/options.py), its longest rows of 2023."""
    frame = pd.DataFrame({
        "Levier": ["Mobilité (report modal, véhicules électriques, fret)", "Photovoltaïque"],
        "Effort demandé": ["15 % des kilomètres en voiture reportés en 2045 (+0,7 point par an de 2024 à 2045) ; 95 % "
                           "des kilomètres en voiture faits en électrique en 2045",
                           "25 MWc en toiture par an (plein rythme en 2028) ; 15 MWc au sol par an"],
        "Rythme observé": ["part électrique du parc : non suivie (source possible : parc de véhicules du SDES par "
                           "commune) ; consommation du transport routier : +13 GWh/an (2018-2023, à climat normal, "
                           "démonstration)", "puissance photovoltaïque raccordée : +12 MWc par an (2018-2023)"],
        "Qui le porte": ["autorité organisatrice de la mobilité ; région (TER, cars) ; ménages et entreprises ; État "
                         "(aides, normes)", "communes et EPCI (toitures publiques, urbanisme) ; entreprises"],
        "Évité en 2030": ["81\u00a0kt CO₂e", "production (hors inventaire)"],
        "Coût annuel": ["non chiffré : aucun coût unitaire référencé",
                        "≈ 12 M€ par an (ADEME, coûts des énergies renouvelables 2022)"],
    })
    return Table(frame, "Options du scénario « SNBC territorialisée »", numeric=[], css="options", long=True)


def _headline_table() -> Table:
    """The annual report's headline table (report/annual/synthesis.py), its row of a share."""
    frame = pd.DataFrame({
        "Indicateur": ["Part renouvelable", "Consommation d’énergie"],
        "Valeur 2023": ["au moins 8,3\u00a0%", "au moins 11\u202f350\u00a0GWh"],
        "Depuis 2012": ["+4,6\u00a0points", "−15\u00a0%"],
        "Tendance": ["hausse avérée", "baisse avérée"],
        "Verdict": [Verdict("insufficient_progress", "progrès insuffisant (2018-2023)"),
                    Verdict("significant_progress", "progrès significatif (2018-2023)")],
        "Contrôle Eurostat": ["insuffisant (43\u00a0%)", "significatif (101\u00a0%)"],
        "Nature": ["démo", "démo"],
    })
    return Table(frame, "Indicateurs phares en 2023", numeric=["Valeur 2023", "Depuis 2012"], css="synthesis")


def _verdicts_table() -> Table:
    """An energy verdict table (report/annual/synthesis.py, ``verdicts``)."""
    frame = pd.DataFrame({
        "Indicateur": ["Consommation d’énergie", "Production renouvelable totale", "Puissance photovoltaïque"],
        "Objectif": ["LTECV/LEC : −20 % en 2030 par rapport à 2012 (consommation à climat normal)",
                     "orientations SRADDET 2018 : ×2,0 en 2030 par rapport à 2015 (1)",
                     "orientations SRADDET 2018 : ×4 en 2030 par rapport à 2015"],
        "Rythme observé": ["−178\u00a0GWh/an", "+41\u00a0GWh/an", "+0,45\u00a0point/an"],
        "Rythme nécessaire": ["−168\u00a0GWh/an", "+42,4\u00a0GWh/an", "−25,8\u00a0kt CO₂e/an"],
        "Encore nécessaire": ["−160\u00a0GWh/an", "+43,5\u00a0GWh/an", "+3,5\u00a0points/an"],
        "Verdicts": [Verdict("significant_progress", "court terme (2018-2023) : progrès significatif")] * 3,
    })
    return Table(frame, "Énergie : verdicts par cadre d’objectifs",
                 numeric=["Rythme observé", "Rythme nécessaire", "Encore nécessaire"], css="verdicts")


def _decide_table() -> Table:
    """The decision page's key figures (report/annual/decide.py)."""
    frame = pd.DataFrame({
        "Indicateur": ["Émissions de GES", "Part renouvelable"],
        "2023": ["au moins 2\u202f790\u00a0kt CO₂e", "au moins 8,3\u00a0%"],
        "Depuis 2022": ["−1,1\u00a0%", "+0,4\u00a0point"],
        "Objectif retenu": ["orientations SRADDET 2018 : −30 % en 2030 par rapport à 2015",
                            "LEC : au moins 33 % de renouvelables en 2030"],
        "Verdict": [Verdict("significant_progress", "progrès significatif (2018-2023)"),
                    Verdict("insufficient_progress", "progrès insuffisant (2018-2023)")],
        "Nature": ["démo", "démo"],
    })
    return Table(frame, "Chiffres clés 2023", numeric=["2023", "Depuis 2022"], css="decide")


def test_share_points_may_go_under_their_figure_in_a_table():
    assert str(units("+4,6\u00a0points")) == "+4,6 points"
    assert str(units("+0,4\u00a0point")) == "+0,4 point"
    assert str(units("12\u00a0pointsx")) == "12\u00a0pointsx"  # another word keeps its no-break space


@pytest.mark.parametrize("make", [_options_table, _headline_table, _verdicts_table, _decide_table])
def test_a_house_table_stays_inside_the_margins_and_its_cells(make):
    assert _overflows(_render(make())) == []


@pytest.mark.parametrize("make", [_headline_table, _verdicts_table, _decide_table, _options_table])
def test_a_house_table_breaks_no_word_without_a_hyphen(make):
    assert _broken_words(_render(make())) == []


def test_running_text_keeps_a_figure_and_its_slashed_unit_on_one_line():
    """Issue 23, page review: a report's paragraphs and bullets keep « +169 kW/an » whole (« kW/ » never ends a line,
    as the fiches already do); a paragraph laid out by WeasyPrint in a narrow box puts the whole group on one line,
    and text that is already HTML is left as it is."""
    import weasyprint
    from markupsafe import Markup

    from pma_eval.publish.report import CSS
    from pma_eval.report.blocks import Bullets, Text

    text = "La puissance installée progresse de +169\u00a0kW/an depuis 2018 dans la commune."
    html = Text(text).html()
    assert '<span class="unit">+169\u00a0kW/an</span>' in html
    assert '<span class="unit">+2,4\u00a0MW/an</span>' in Bullets([("Solaire : ", "+2,4\u00a0MW/an")]).html()
    assert Text(Markup("<em>déjà HTML</em> 3\u00a0kW/an")).html().count('class="unit"') == 0
    # laid out 11 em wide: « kW/ » would end the second line without the span
    page = weasyprint.HTML(string=f"<html lang='fr'><style>{CSS}</style><body style='width: 11em'>{html}</body>"
                                  "</html>").render()
    lines = [b for b in _walk(page.pages[0]._page_box) if type(b).__name__ == "LineBox"]
    texts = [" ".join(t.text for t in _walk(line) if hasattr(t, "text") and isinstance(t.text, str)) for line in lines]
    assert any("+169\u00a0kW/an" in t for t in texts), texts


def _walk(box):
    yield box
    for child in getattr(box, "children", None) or []:
        yield from _walk(child)
