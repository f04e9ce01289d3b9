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
