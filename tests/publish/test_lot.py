"""``pma-eval lot`` (issue 27): the territories of a batch run on any ``concurrent.futures`` executor; one failure does
not stop the others; the progress lines give the time remaining; the index has one line per territory."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from pma_eval.config import get_paths
from pma_eval.errors import ConfigurationError
from pma_eval.publish import lot


@pytest.fixture
def declared(tmp_path):
    (tmp_path / "territoires").mkdir()
    for ident in ("alpha", "beta", "gamma"):
        (tmp_path / "territoires" / f"{ident}.yml").write_text(f"id: {ident}\n", encoding="utf-8")
    return get_paths(tmp_path)


def _fake_run(root, ident, year, fiches, scenarios, demo=False):
    if ident == "beta":
        raise RuntimeError("le processus de travail s'est arrêté")  # as a dead worker's future raises
    if ident == "gamma":
        return lot.Outcome(ident, name="Gamma", code="GAM", ok=False, message="ConfigurationError : année absente")
    return lot.Outcome(ident, name="Alpha & Cie", code="ALP", ok=True, seconds=12.0,
                       figures={"Population": "40 306", "Émissions de GES": "210 kt CO₂e",
                                "Émissions par habitant": "5,2 t CO₂e"},
                       verdict="Progrès insuffisant", target="−40 % en 2030 (SRADDET)")


def test_one_failure_does_not_stop_the_others_and_the_index_has_a_line_each(declared, monkeypatch):
    monkeypatch.setattr(lot, "run_one", _fake_run)
    lines = []
    with ThreadPoolExecutor(2) as pool:  # any concurrent.futures executor (a Dask client's get_executor() too)
        code, index = lot.run_lot(["alpha", "beta", "gamma"], 2023, declared, name="essai", echo=lines.append,
                                  executor=pool)
    assert code == 1
    progress = [ln for ln in lines if ln.startswith("[")]
    assert len(progress) == 3 and "reste environ" in progress[0] and "lot terminé en" in progress[-1]
    assert index == declared.reports / "lots" / "essai" / "index_2023.html"
    page = index.read_text(encoding="utf-8")
    assert page.count("<tr><td>") == 3 and "Alpha &amp; Cie" in page and "Progrès insuffisant" in page
    assert "échec\u00a0: le processus de travail s’est arrêté" in page  # French typography: the index is typeset
    rows = (index.with_suffix(".csv")).read_text(encoding="utf-8-sig").splitlines()
    assert [r.split(";")[0] for r in rows] == ["Territoire", "Alpha & Cie", "beta", "Gamma"]  # the order asked


def test_an_undeclared_territory_is_refused_before_any_work(declared, monkeypatch):
    monkeypatch.setattr(lot, "run_one", lambda *a: pytest.fail("no territory may run"))
    with pytest.raises(ConfigurationError, match="alpah.*les plus proches : alpha"):
        lot.run_lot(["alpha", "alpah"], 2023, declared, executor=ThreadPoolExecutor(1))


def test_each_line_gives_its_rank_among_comparables_and_the_value_ranked(declared):
    """The made-up region of tests/test_comparisons.py: territory A (one EPCI, 5,0 t per inhabitant, 4,0 without
    industry) is 3rd of 4 among the CAs of 50 to 200 inhabitants (D 3,0, B 4,0, A 5,0, C at least 6,0), with « * »
    since C's total has a gap; C itself is 4th of 4 and its value « au moins 6,0 »."""
    from types import SimpleNamespace

    import pandas as pd

    from ..test_comparisons import made_up_region

    table = made_up_region()
    a, c = lot.Outcome("alpha", name="Territoire A", ok=True), lot.Outcome("gamma", name="C", ok=True)
    # A's whole report (level pma, one member EPCI) and C's EPCI report, as _summary gives them their context
    lot._rank(a, SimpleNamespace(comparisons=table, geo_level="pma", geo_code="TST",
                                 territory=SimpleNamespace(epcis=pd.DataFrame({"epci_siren": ["200000001"]}),
                                                           whole=SimpleNamespace(comparables=()))))
    lot._rank(c, SimpleNamespace(comparisons=table, geo_level="epci", geo_code="200000003",
                                 territory=SimpleNamespace(whole=SimpleNamespace(comparables=()))))
    assert a.rank == "3ᵉ sur 4 *" and a.ranked == "5,0\u00a0t CO₂e en 2016 (4,0 sans l’industrie ni la branche énergie)"
    assert c.rank == "4ᵉ sur 4 *" and c.ranked.startswith("au moins 6,0\u00a0t CO₂e en 2016 (au moins 6,0 sans")
    assert "entre la moitié et le double" in a.rule
    lot._rank(b := lot.Outcome("beta"), SimpleNamespace(comparisons=None))  # no regional inventory: no rank
    assert b.rank == b.ranked == ""

    a.verdicts = "énergie finale : progrès modéré (2018-2023)"
    index = lot.write_lot_index([a, b, c], 2023, declared, "essai", 10.0)
    page = index.read_text(encoding="utf-8")
    assert "<td>3ᵉ sur 4 *</td>" in page and "<td>au moins 6,0\u00a0t CO₂e en 2016 (au moins 6,0 sans" in page
    assert "du moins émetteur (1er) au plus émetteur" in page and "*\u00a0: un des totaux classés a une lacune" in page
    assert "Comparables\u00a0: EPCI de la région de même nature" in page
    rows = index.with_suffix(".csv").read_text(encoding="utf-8-sig").splitlines()
    header = rows[0].split(";")
    assert [r.split(";")[header.index(lot.RANK_COLUMN)] for r in rows[1:]] == ["3ᵉ sur 4 *", "", "4ᵉ sur 4 *"]
    assert rows[1].split(";")[header.index(lot.VERDICTS_COLUMN)] == "énergie finale : progrès modéré (2018-2023)"
