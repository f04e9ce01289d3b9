"""Work the scenario report no longer does twice (issue 24): the IAMC export takes the notebook's Monte Carlo
runs when everything the model reads is the same, and writes its XLSX cells' XML itself, as openpyxl does."""

from __future__ import annotations

import hashlib

import numpy as np
import pytest

from pma_eval.publish.exports import _sheet_data, write_rows_xlsx


def _sha(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _same_runs(a, b) -> bool:
    """Same scenarios, same variables, same numbers."""
    if list(a) != list(b):
        return False
    for n in a:
        for part in ("energy", "emissions", "renewables", "complement"):
            x, y = getattr(a[n], part), getattr(b[n], part)
            if list(x) != list(y) or not all(np.array_equal(x[k], y[k]) for k in x):
                return False
    return True


def test_xlsx_cells_written_as_openpyxl_writes_them(tmp_path):
    rows = [["model", "scénario", "région", "variable", "unit", "year", "value", "nature"],
            ["pma-eval", "tendanciel", "PMA", "Émissions GES|Résidentiel", "kt CO2e/yr", 2023, 2790.34310100058,
             "demonstration"],
            ["a & b < c > d", 'dit "oui"', "l'été", "œ — ₂ \U0001F600", "tab\there", -7, -0.0, None],
            ["multi\nligne", "x", None, None, "=", "#", 10**17 + 1, 1e-7],
            [None, None, None, None, None, None, None, None],  # an empty row
            [],
            ["", *range(30)],  # columns past Z; an empty string
            [0.1, 1 / 3, 1e16, 123456789.123456789, 2.5e-300, 1.7976931348623157e308, 3, "fin"]]
    rows[6] = ["x", *rows[6][1:]]  # the empty string goes to the fallback test below
    assert _sheet_data(rows) is not None  # all written by the fast path
    fast, slow = tmp_path / "fast.xlsx", tmp_path / "openpyxl.xlsx"
    write_rows_xlsx(rows, fast)
    write_rows_xlsx(rows, slow, fast=False)
    assert _sha(fast) == _sha(slow)


@pytest.mark.parametrize("odd", ["", " espace devant", "espace derrière ", "retour\rchariot", "=SOMME(A1)", "#N/A",
                                 True, float("inf"), np.float64(1.5), np.str_("numpy")])
def test_values_written_otherwise_are_left_to_openpyxl(tmp_path, odd):
    rows = [["a", "b"], ["x", odd]]
    assert _sheet_data(rows) is None
    fast, slow = tmp_path / "fast.xlsx", tmp_path / "openpyxl.xlsx"
    write_rows_xlsx(rows, fast)
    write_rows_xlsx(rows, slow, fast=False)
    assert _sha(fast) == _sha(slow)


def test_runs_reused_only_for_the_same_territory_and_parameters(built_paths):
    from pma_eval.report.foresight import _LAST_RUNS, forget_last_runs, load_foresight

    def fresh(*args, **kwargs):
        forget_last_runs()
        return load_foresight(*args, paths=built_paths, **kwargs).results

    try:
        pma = load_foresight(2023, "PMA", draws=100, seed=1, paths=built_paths)
        kept = pma.results
        # same inputs and parameters: the same arrays, not drawn again, and the numbers of a fresh run
        again = load_foresight(2023, "PMA", draws=100, seed=1, paths=built_paths, reuse_last=True)
        assert all(again.results[n].emissions[s] is kept[n].emissions[s] for n in kept for s in kept[n].emissions)
        assert again.results is not kept and again.results["snbc"].emissions is not kept["snbc"].emissions
        assert _same_runs(again.results, fresh(2023, "PMA", draws=100, seed=1))
        # another territory, seed, number of draws, horizon or scenario list: run again, never the kept arrays
        others = [dict(territoire="CALL", seed=1, draws=100), dict(territoire="PMA", seed=2, draws=100),
                  dict(territoire="PMA", seed=1, draws=101), dict(territoire="PMA", seed=1, draws=100, horizon=2060),
                  dict(territoire="PMA", seed=1, draws=100, scenarios=["snbc"])]
        for kw in others:
            load_foresight(2023, "PMA", draws=100, seed=1, paths=built_paths)  # the PMA runs are the last ones
            base = _LAST_RUNS[0][1]
            got = load_foresight(2023, paths=built_paths, reuse_last=True, **kw).results
            assert not any(got[n].emissions[s] is base[n].emissions[s]
                           for n in got if n in base for s in got[n].emissions), kw
            assert not _same_runs(got, base), kw
            assert _same_runs(got, fresh(2023, **kw)), kw
        # the shared arrays cannot be changed by one of their users; a context's dictionaries are its own
        ctx = load_foresight(2023, "PMA", draws=100, seed=1, paths=built_paths)
        other = load_foresight(2023, "PMA", draws=100, seed=1, paths=built_paths, reuse_last=True)
        with pytest.raises(ValueError):
            ctx.results["snbc"].emissions["residentiel"][0, 0] = 0.0
        ctx.results["snbc"].emissions["residentiel"] = np.zeros(1)
        assert other.results["snbc"].emissions["residentiel"].shape == (100, 2050 - 2023 + 1)
        # without reuse_last, or once forgotten, the runs are drawn again
        assert load_foresight(2023, "PMA", draws=100, seed=1, paths=built_paths).results["snbc"].emissions[
            "residentiel"] is not other.results["snbc"].emissions["residentiel"]
        last = _LAST_RUNS[0][1]["snbc"].emissions["residentiel"]
        forget_last_runs()
        assert not _LAST_RUNS
        assert load_foresight(2023, "PMA", draws=100, seed=1, paths=built_paths, reuse_last=True).results[
            "snbc"].emissions["residentiel"] is not last
    finally:
        forget_last_runs()


def test_scenario_exports_release_the_runs(built_paths, tmp_path):
    from pma_eval.publish.exports import scenario_exports
    from pma_eval.report.foresight import _LAST_RUNS, forget_last_runs, load_foresight

    params = {"year": 2023, "territoire": "CALL", "scenarios": ["tendanciel", "snbc"], "horizon": 2050,
              "tirages": 100, "graine": 7}
    try:
        load_foresight(2023, "CALL", ["tendanciel", "snbc"], 2050, 100, 7, paths=built_paths)
        (tmp_path / "reused").mkdir()
        scenario_exports(params, tmp_path / "reused", built_paths)
        assert not _LAST_RUNS
        (tmp_path / "drawn").mkdir()
        scenario_exports(params, tmp_path / "drawn", built_paths)  # nothing kept: drawn again
        for f in ("scenarios_iamc.csv", "scenarios_iamc.xlsx"):
            assert _sha(tmp_path / "reused" / f) == _sha(tmp_path / "drawn" / f)
    finally:
        forget_last_runs()
