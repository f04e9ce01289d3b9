"""Issue 23, « One figure, one meaning », on the products of the session's one yearly run.

Reads the published HTML (never produces it again): one verdict per indicator in every table of a
report and in its EPCI synthesis; no verdict on a reference value; every incomplete total marked.
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from pma_eval.indicators import load_catalogue
from pma_eval.processed import load

TERRITORIES = ("PMA", "CALL", "CAHC", "CABBALR")


def _soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "lxml")


def _rows(soup: BeautifulSoup):
    """(caption, first cell, row text, verdict labels) of every table row."""
    for table in soup.find_all("table"):
        cap = table.find("caption")
        caption = cap.get_text(" ", strip=True) if cap else ""
        for tr in table.find_all("tr"):
            cells = tr.find_all(["td", "th"])
            if not cells:
                continue
            labels = [" ".join(s.get_text(" ", strip=True).split()[1:]) for s in tr.select("span.verdict")]
            yield caption, cells[0].get_text(" ", strip=True), tr.get_text(" ", strip=True), labels


def _headline_verdicts(soup: BeautifulSoup, titles: set[str]) -> dict[str, set[str]]:
    """Headline indicator title → the verdicts printed for it in the key-figure and synthesis tables."""
    out: dict[str, set[str]] = defaultdict(set)
    for caption, first, _, labels in _rows(soup):
        if first in titles and labels and caption.startswith(("Chiffres clés", "Indicateurs phares")):
            out[first].add(labels[0])
    return out


def test_no_indicator_gets_two_verdicts_in_a_report_or_its_synthesis(year_run):
    """« Énergie par habitant » was grey « sans objectif vérifié » on page 2 and green « progrès
    significatif » on page 4: both tables now render the indicator's one Statement."""
    titles = {i.short_title for i in load_catalogue().headlines()}
    for t in TERRITORIES:
        seen = _headline_verdicts(_soup(year_run.report(t).html), titles)
        synthesis = year_run.folder / "fiches" / "epci" / f"{t}.html"
        if synthesis.exists():
            for title, labels in _headline_verdicts(_soup(synthesis), titles).items():
                seen[title] |= labels
        assert len(seen) >= 4, (t, seen)  # the headline indicators are there
        two = {k: v for k, v in seen.items() if len(v) > 1}
        assert not two, f"{t} : deux verdicts pour un même indicateur : {two}"


def test_a_reference_value_gets_no_verdict_anywhere(year_run):
    """The HCC's 6,9 t CO₂e per inhabitant (2017) is a reference value, not a target."""
    for t in TERRITORIES:
        for caption, _, text, labels in _rows(_soup(year_run.report(t).html)):
            if "6,9" in text and "2017" in text:
                assert not labels, (t, caption, text)


def test_every_incomplete_headline_total_is_marked_at_least(year_run, built_paths):
    """Béthune has no road-transport emissions in the inventory: the Pôle's and the CABBALR's totals
    are minima, printed « au moins … » wherever the key figures show them."""
    ind = load("indicators", built_paths)
    cat = load_catalogue()
    heads = {i.id: i.short_title for i in cat.headlines()}
    mine = ind.loc[(ind["year"] == 2023) & ind["indicator_id"].isin(heads) & (ind["geo_level"] != "commune")]
    incomplete = mine.loc[~mine["complete"].astype(bool)]
    assert len(incomplete), "the shipped data have incomplete 2023 totals (Béthune's road transport)"
    sigles = {"pma": "PMA"}
    checked = 0
    for r in incomplete.itertuples():
        t = sigles.get(r.geo_level) or _sigle(built_paths, r.geo_code)
        title = heads[r.indicator_id]
        for caption, first, text, _ in _rows(_soup(year_run.report(t).html)):
            if first == title and caption.startswith(("Chiffres clés", "Indicateurs phares")):
                assert "au moins" in text, (t, caption, text)
                checked += 1
    assert checked >= 2


def _sigle(paths, siren: str) -> str:
    from pma_eval.processed import load_territory

    return load_territory(paths).name("epci", siren)


@pytest.mark.parametrize("territoire", TERRITORIES)
def test_no_reduction_target_shows_a_positive_required_pace(year_run, territoire):
    """Issue 23: « +20,0 %/an » was printed as the pace needed by a PM2,5 reduction target already met.
    In every verdict table, a decrease indicator's needed paces are negative, « déjà atteint » or
    « sans objet » — never positive."""
    down = {i.short_title for i in load_catalogue() if i.direction == "decrease"}
    checked = 0
    for table in _soup(year_run.report(territoire).html).find_all("table"):
        head = [th.get_text(" ", strip=True) for th in table.select("thead th")] or \
            [c.get_text(" ", strip=True) for c in table.find("tr").find_all(["th", "td"])]
        if "Rythme nécessaire" not in head:
            continue
        cols = [head.index("Rythme nécessaire"), head.index("Encore nécessaire")]
        for tr in table.find_all("tr")[1:]:
            cells = [c.get_text(" ", strip=True) for c in tr.find_all(["td", "th"])]
            if len(cells) != len(head) or cells[0] not in down:
                continue
            for i in cols:
                assert not cells[i].startswith("+"), (territoire, cells[0], cells[1], cells[i])
                checked += 1
    assert checked >= 10


def test_the_commune_map_marks_an_incomplete_total(built_paths):
    """Béthune has no road-transport emissions in the inventory: its per-inhabitant value is a lower
    bound, marked on the map (« * »), in its text alternative and in the caption's note."""
    from pma_eval.processed import load_shapes
    from pma_eval.report import load_context
    from pma_eval.report.annual import map_figure

    ctx = load_context(2023, "CABBALR", built_paths)
    fig = map_figure(ctx, load_shapes(built_paths))
    assert "Total incomplet, à lire « au moins »" in fig.caption and "de Béthune" in fig.caption
    assert "total incomplet (au moins) : Béthune" in fig.alt
    assert any(t.get_text() == "Béthune*" for t in fig.fig.axes[0].texts)


def test_main_verdict_tables_keep_one_target_per_horizon_and_the_annex_the_rest(year_run):
    """Issue 23: 40 verdict rows sorted alphabetically, past targets and near-duplicates (32 % and 33 % in
    2030) in the main text. Now: total emissions lead the emissions table, no indicator has two rows for
    one target year, and the annex lists the others (the 32 % of the LTECV, the SRCAE's 2020 share)."""
    soup = _soup(year_run.report("PMA").html)
    main, annex = [], []
    for table in soup.find_all("table"):
        cap = table.find("caption")
        caption = cap.get_text(" ", strip=True) if cap else ""
        rows = [[c.get_text(" ", strip=True) for c in tr.find_all(["th", "td"])] for tr in table.find_all("tr")[1:]]
        if "verdicts" in caption and "Émissions" in caption:
            main = rows
        if caption.startswith("Autres objectifs évalués"):
            annex = rows
    assert main and main[0][0] == "Émissions de GES"
    horizons = [(r[0], re.search(r"en (20\d\d)", r[1]).group(1)) for r in main if re.search(r"en (20\d\d)", r[1])]
    assert len(horizons) == len(set(horizons)), horizons
    text = " ".join(" ".join(r) for r in annex)
    assert "32 % de renouvelables en 2030" in text.replace("\u00a0", " ")
    assert "objectif non tenu en 2020" in text
