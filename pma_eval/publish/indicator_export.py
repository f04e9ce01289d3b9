"""Exports of the indicator table: CSV (French spreadsheet conventions) or XLSX (openpyxl)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ..atomic import atomic_file
from ..errors import ConfigurationError
from ..xlsx import make_reproducible
from ..territory import NATURE_LABELS_FR, Territory
from ..indicators.catalogue import Catalogue
from ..comparisons import LEVEL_NAMES_FR

HEADERS = ["indicateur", "titre", "niveau", "code", "territoire", "annee", "valeur", "unite", "nature", "complet"]
#: The ``complet`` column: « non » where a part of the value is missing (a lacuna in a commune,
#: a commune absent from the sources), so that the total is a lower bound.
COMPLETE_FR = {True: "oui", False: "non"}


def level_labels(territory: Territory | None = None) -> dict[str, str]:
    """``geo_level`` → its French label in an export: « commune », « EPCI », the whole territory's noun (« Pôle »,
    « Agglomération », from its declaration) and the comparison levels (:data:`pma_eval.comparisons.LEVEL_NAMES_FR`)."""
    from ..coverage import level_fr

    return {**level_fr(territory.whole if territory is not None else None), **LEVEL_NAMES_FR}
#: Columns added when the selection holds comparison levels (issue 26): the producer's status of the year and the
#: scope note of the level (« réseau Enedis seulement », « consommation brute, corrigée du climat »…).
LEVEL_HEADERS = ["statut", "portee"]
STATUS_FR = {"definitif": "définitif", "consolide": "consolidé", "provisoire": "provisoire"}
SHEET_NAMES = {"contexte": "Contexte", "emissions": "Émissions GES", "energie": "Énergie", "enr": "Renouvelables",
               "air": "Qualité de l'air", "sequestration": "Séquestration carbone"}


def parse_years(text: str | None) -> list[int] | None:
    """``"2016,2020-2023"`` → ``[2016, 2020, 2021, 2022, 2023]``."""
    if not text:
        return None
    years: list[int] = []
    for part in text.split(","):
        part = part.strip()
        try:
            if "-" in part:
                a, b = part.split("-", 1)
                years.extend(range(int(a), int(b) + 1))
            elif part:
                years.append(int(part))
        except ValueError:
            raise ConfigurationError(f"années illisibles : « {text} » (exemple : 2016,2020-2023)") from None
    return years


def select(ind: pd.DataFrame, catalogue: Catalogue, years=None, levels=None, ids=None) -> pd.DataFrame:
    out = ind
    if ids:
        unknown = sorted(set(ids) - set(catalogue.indicators))
        if unknown:
            raise ConfigurationError(f"indicateur(s) inconnu(s) : {', '.join(unknown)}")
        out = out.loc[out["indicator_id"].isin(ids)]
    if levels:
        bad = sorted(set(levels) - {"commune", "epci", "pma", *LEVEL_NAMES_FR})
        if bad:
            raise ConfigurationError(f"niveau(x) inconnu(s) : {', '.join(bad)} (commune, epci, pma, departement, "
                                     "region, france)")
        out = out.loc[out["geo_level"].isin(levels)]
    if years:
        out = out.loc[out["year"].isin(years)]
    return out


#: Significant digits an exported value keeps: more than any source gives (ORE: MWh to the kWh, 7 to 10 digits),
#: fewer than the 17 that print the binary noise of a sum (« 63128,274999999994 » for 63 128,275).
EXPORT_DIGITS = 12


def without_float_noise(values, digits: int = EXPORT_DIGITS) -> np.ndarray:
    """``values`` rounded to ``digits`` significant digits: what the sources said, without the binary noise of
    the sums and ratios computed from them. NaN stays NaN."""
    v = np.asarray(values, dtype=float)
    out = v.copy()
    ok = np.isfinite(v) & (v != 0)
    decimals = (digits - 1 - np.floor(np.log10(np.abs(v[ok])))).astype(int)
    out[ok] = [round(x, d) for x, d in zip(v[ok].tolist(), decimals.tolist())]
    return out


def french_table(ind: pd.DataFrame, catalogue: Catalogue, territory: Territory) -> pd.DataFrame:
    """The indicator rows with French headers and labels."""
    own = ind.loc[ind["name"].isna()] if "name" in ind else ind  # comparison rows carry their own name
    names = {(l, c): territory.name(l, c) for l, c in own[["geo_level", "geo_code"]].drop_duplicates()
             .itertuples(index=False)}
    if "name" in ind:
        names.update({(l, c): n for l, c, n in ind.loc[ind["name"].notna(), ["geo_level", "geo_code", "name"]]
                      .drop_duplicates().itertuples(index=False)})
    return pd.DataFrame({
        "indicateur": ind["indicator_id"].to_numpy(),
        "titre": ind["indicator_id"].map(lambda i: catalogue[i].title).to_numpy(),
        "niveau": ind["geo_level"].map(level_labels(territory)).to_numpy(),
        "code": ind["geo_code"].to_numpy(),
        "territoire": [names[(l, c)] for l, c in zip(ind["geo_level"], ind["geo_code"])],
        "annee": ind["year"].to_numpy(),
        "valeur": without_float_noise(ind["value"].to_numpy()),
        "unite": ind["unit"].to_numpy(),
        "nature": ind["nature"].map(NATURE_LABELS_FR).to_numpy(),
        "complet": (ind["complete"] if "complete" in ind else pd.Series(True, index=ind.index))
        .astype(bool).map(COMPLETE_FR).to_numpy(),
        "statut": (ind["status"] if "status" in ind else pd.Series("", index=ind.index)).fillna("")
        .map(lambda s: STATUS_FR.get(s, s)).to_numpy(),
        "portee": (ind["scope"] if "scope" in ind else pd.Series("", index=ind.index)).fillna("").to_numpy(),
        "_theme": ind["indicator_id"].map(lambda i: catalogue[i].theme).to_numpy(),
    })


def headers(table: pd.DataFrame) -> list[str]:
    """The exported columns: :data:`HEADERS`, and :data:`LEVEL_HEADERS` when a row carries a scope note."""
    return HEADERS + (LEVEL_HEADERS if table["portee"].ne("").any() else [])


def _number_format(unit: str) -> str:
    if unit == "%":
        return "0.0"
    if "/hab" in unit:
        return "#,##0.00"
    return "#,##0"


def _atomic(out: Path, write) -> Path:
    with atomic_file(out) as tmp:
        write(tmp)
    return out


def export(ind: pd.DataFrame, catalogue: Catalogue, territory: Territory, out: str | Path) -> Path:
    """Write the selection to ``out``: ``.csv`` (``;``, decimal comma, UTF-8 with BOM) or ``.xlsx``."""
    out = Path(out)
    table = french_table(ind, catalogue, territory)
    suffix = out.suffix.lower()
    if suffix == ".csv":
        return _atomic(out, lambda p: table[headers(table)].to_csv(p, sep=";", decimal=",", index=False,
                                                             encoding="utf-8-sig", lineterminator="\n"))
    if suffix == ".xlsx":
        return _atomic(out, lambda p: _write_xlsx(table, catalogue, p))
    raise ConfigurationError(f"extension non prise en charge : « {out.suffix} » (utilisez .csv ou .xlsx)")


def _write_xlsx(table: pd.DataFrame, catalogue: Catalogue, path: Path) -> None:
    """Write-only workbook (fast for tens of thousands of rows): one sheet per theme, then the catalogue."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    wb = Workbook(write_only=True)
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDE6F0")
    widths = {"indicateur": 30, "titre": 55, "niveau": 9, "code": 11, "territoire": 32, "annee": 7, "valeur": 14,
              "unite": 13, "nature": 24, "complet": 9, "statut": 11, "portee": 60}
    cols = headers(table)

    def header(ws, names):
        cells = []
        for h in names:
            c = WriteOnlyCell(ws, value=h)
            c.font, c.fill = bold, fill
            cells.append(c)
        ws.append(cells)

    for theme, label in catalogue.themes.items():
        rows = table.loc[table["_theme"] == theme, cols]
        if rows.empty:
            continue
        ws = wb.create_sheet(SHEET_NAMES.get(theme, label[:31]))
        ws.freeze_panes = "A2"
        for c, h in enumerate(cols, start=1):
            ws.column_dimensions[get_column_letter(c)].width = widths[h]
        ws.auto_filter.ref = f"A1:{get_column_letter(len(cols))}{len(rows) + 1}"
        header(ws, cols)
        vpos = cols.index("valeur")
        for r in rows.itertuples(index=False):
            values = [None if (isinstance(v, float) and v != v) else v for v in r]
            cell = WriteOnlyCell(ws, value=values[vpos])
            cell.number_format = _number_format(str(r.unite))
            values[vpos] = cell
            ws.append(values)
    meta = catalogue.as_frame()
    ws = wb.create_sheet("Catalogue")
    ws.freeze_panes = "A2"
    for c, name in enumerate(meta.columns, start=1):
        ws.column_dimensions[get_column_letter(c)].width = 60 if name in ("titre", "description") else 18
    header(ws, list(meta.columns))
    wrap = Alignment(wrap_text=True, vertical="top")
    for r in meta.itertuples(index=False):
        cells = []
        for v in r:
            c = WriteOnlyCell(ws, value=v)
            c.alignment = wrap
            cells.append(c)
        ws.append(cells)
    wb.save(path)
    make_reproducible(path)
