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
    reproducible (same bytes from run to run).

    The XLSX is written row by row by openpyxl's write-only workbook (issue 24: 12 700 rows took 4,8 s of
    processor through ``DataFrame.to_excel``, which builds every cell in memory first): a header row, then the
    values as pandas writes them (a missing value an empty cell)."""
    from openpyxl import Workbook

    folder = Path(folder)
    csv_path, xlsx_path = folder / "scenarios_iamc.csv", folder / "scenarios_iamc.xlsx"
    table.to_csv(csv_path, index=False, float_format="%.6g", lineterminator="\n")
    book = Workbook(write_only=True)
    book.properties.creator = "pma-eval"
    sheet = book.create_sheet("data")
    sheet.append([str(c) for c in table.columns])
    for row in table.astype(object).where(table.notna(), None).itertuples(index=False, name=None):
        sheet.append([v.item() if hasattr(v, "item") else v for v in row])
    book.save(xlsx_path)
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
