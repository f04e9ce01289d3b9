"""Data files written beside a report: the IAMC tables of the scenario report.

Run inside the report's atomic folder (:func:`pma_eval.publish.report.run_report`), so that the
report and its exports land together and appear in the same manifest.
"""

from __future__ import annotations

import io
import math
import zipfile
from pathlib import Path

import pandas as pd

from ..config import Paths
from ..prospective.results import iamc_table
from ..xlsx import make_reproducible


def write_iamc(table: pd.DataFrame, folder: Path) -> list[Path]:
    """Write ``scenarios_iamc.csv`` (comma, decimal point: the layout pyam reads) and
    ``scenarios_iamc.xlsx`` (sheet ``data``, pyam's default) into ``folder``; the XLSX is made
    reproducible (same bytes from run to run).

    The XLSX holds a header row, then the values as pandas writes them (a missing value an empty cell), as
    openpyxl's write-only workbook writes them (issue 24: 12 700 rows took 4,8 s of processor through
    ``DataFrame.to_excel``, which builds every cell in memory first, then 1 s through openpyxl's cell objects;
    :func:`write_rows_xlsx` now writes the same cells' XML itself)."""
    folder = Path(folder)
    csv_path, xlsx_path = folder / "scenarios_iamc.csv", folder / "scenarios_iamc.xlsx"
    table.to_csv(csv_path, index=False, float_format="%.6g", lineterminator="\n")
    rows = [[str(c) for c in table.columns],
            *([v.item() if hasattr(v, "item") else v for v in row]
              for row in table.astype(object).where(table.notna(), None).itertuples(index=False, name=None))]
    write_rows_xlsx(rows, xlsx_path)
    return [csv_path, xlsx_path]


def write_rows_xlsx(rows: list[list], path: Path, fast: bool = True) -> Path:
    """Write ``rows`` (lists of str, int, float or None: an empty cell) as the sheet ``data`` of a reproducible
    XLSX at ``path``: the bytes openpyxl's write-only workbook gives them (then :func:`make_reproducible`).

    openpyxl builds, checks and serialises a cell object for every value (1 s for the 100 000 cells of the
    scenario report's table); when every value is one :func:`_sheet_data` writes as openpyxl does, openpyxl
    writes the workbook with an empty sheet and the rows' XML is put into it. Any other value (a bool, a date,
    a string with surrounding spaces or a control character, a formula…), or ``fast=False``: openpyxl
    writes every cell."""
    from openpyxl import Workbook

    path = Path(path)
    book = Workbook(write_only=True)
    book.properties.creator = "pma-eval"
    sheet = book.create_sheet("data")
    data = _sheet_data(rows) if fast else None
    if data is not None:
        buffer = io.BytesIO()
        book.save(buffer)
        with zipfile.ZipFile(buffer) as z:
            entries = [(info, z.read(info)) for info in z.infolist()]
        sheets = [k for k, (info, _) in enumerate(entries) if info.filename.startswith("xl/worksheets/")]
        empty = b"<sheetData></sheetData>"
        if len(sheets) == 1 and entries[sheets[0]][1].count(empty) == 1:
            info, content = entries[sheets[0]]
            entries[sheets[0]] = (info, content.replace(empty, b"<sheetData>" + data + b"</sheetData>"))
            # stored, not compressed: make_reproducible rewrites every entry (compressed) from its name, bytes and
            # attributes
            with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as z:
                for info, content in entries:
                    entry = zipfile.ZipInfo(info.filename, date_time=info.date_time)
                    entry.external_attr = info.external_attr
                    z.writestr(entry, content)
            return make_reproducible(path)
        book = Workbook(write_only=True)  # an openpyxl whose empty sheet reads otherwise: it writes the cells
        book.properties.creator = "pma-eval"
        sheet = book.create_sheet("data")
    for row in rows:
        sheet.append(row)
    book.save(path)
    return make_reproducible(path)


def _sheet_data(rows: list[list]) -> bytes | None:
    """The ``<row>`` elements openpyxl's write-only worksheet writes for ``rows`` (inline strings, numbers as
    ``%.16g``, text escaped and non-ASCII characters as character references, as lxml writes them), or None
    when a value is of a kind written otherwise (then openpyxl writes the rows)."""
    from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE
    from openpyxl.utils import get_column_letter

    letters: list[str] = []
    strings: dict[str, str] = {}  # a string → its cell's XML after the cell's reference
    parts = []
    for r, row in enumerate(rows, 1):
        parts.append(f'<row r="{r}">')
        for c, v in enumerate(row):
            if v is None:
                continue
            if type(v) is str:
                xml = strings.get(v)
                if xml is None:
                    if (not v or v != v.strip() or "\r" in v or len(v) > 32767 or (len(v) > 1 and v[0] == "=")
                            or v in ERROR_CODES or ILLEGAL_CHARACTERS_RE.search(v)):
                        return None
                    text = v.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
                    xml = strings[v] = f'" t="inlineStr"><is><t>{text}</t></is></c>'
            elif type(v) in (int, float) and math.isfinite(v):
                xml = f'" t="n"><v>{"%.16g" % v}</v></c>'
            else:
                return None
            while len(letters) <= c:
                letters.append(get_column_letter(len(letters) + 1))
            parts.append(f'<c r="{letters[c]}{r}{xml}')
        parts.append("</row>")
    return "".join(parts).encode("ascii", "xmlcharrefreplace")


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
    from ..report.foresight import forget_last_runs, load_foresight

    names = scenario_names(parameters.get("scenarios") or []) or None
    try:  # the notebook ran the same scenarios in this process (in-process engine): its runs, not new ones
        ctx = load_foresight(parameters.get("year") or None, parameters.get("territoire") or _whole_code(paths), names,
                             int(parameters["horizon"]), int(parameters["tirages"]), int(parameters["graine"]), paths,
                             reuse_last=True)
        table = iamc_table(ctx.results, ctx.reference, ctx.emissions, ctx.sigle, ctx.base.nature)
    finally:
        forget_last_runs()
    return write_iamc(table, folder)


#: Report kind → writer of its extra files (called with the parameters, the folder and the paths).
EXPORTS = {"scenarios": scenario_exports}
