"""Data files written beside a report: the IAMC tables of the scenario report.

Run inside the report's atomic folder (:func:`pma_eval.publish.report.run_report`), so that the
report and its exports land together and appear in the same manifest.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..config import Paths
from ..prospective.results import iamc_table
from ..xlsx import make_reproducible


def write_iamc(table: pd.DataFrame, folder: Path) -> list[Path]:
    """Write ``scenarios_iamc.csv`` (comma, decimal point: the layout pyam reads) and
    ``scenarios_iamc.xlsx`` (sheet ``data``, pyam's default) into ``folder``; the XLSX is made
    reproducible (same bytes from run to run)."""
    folder = Path(folder)
    csv_path, xlsx_path = folder / "scenarios_iamc.csv", folder / "scenarios_iamc.xlsx"
    table.to_csv(csv_path, index=False, float_format="%.6g", lineterminator="\n")
    with pd.ExcelWriter(xlsx_path, engine="openpyxl") as writer:
        table.to_excel(writer, sheet_name="data", index=False)
        writer.book.properties.creator = "pma-eval"
    make_reproducible(xlsx_path)
    return [csv_path, xlsx_path]


def scenario_names(scenarios) -> list[str]:
    """``"tendanciel,turbine"`` (command line) or a list → the list of scenario names."""
    if isinstance(scenarios, str):
        return [s.strip() for s in scenarios.split(",") if s.strip()]
    return [str(s) for s in scenarios]


def _whole_code(paths: Paths) -> str:
    from ..territory import whole_in_use

    return whole_in_use(paths).code


def scenario_exports(parameters: dict, folder: Path, paths: Paths) -> list[Path]:
    """The IAMC export of the scenario report's parameters (same seed: the same draws as the report)."""
    from ..report.foresight import load_foresight

    names = scenario_names(parameters.get("scenarios") or []) or None
    ctx = load_foresight(parameters.get("year") or None, parameters.get("territoire") or _whole_code(paths), names,
                         int(parameters["horizon"]), int(parameters["tirages"]), int(parameters["graine"]), paths)
    table = iamc_table(ctx.results, ctx.reference, ctx.emissions, ctx.sigle, ctx.base.nature)
    return write_iamc(table, folder)


#: Report kind → writer of its extra files (called with the parameters, the folder and the paths).
EXPORTS = {"scenarios": scenario_exports}
