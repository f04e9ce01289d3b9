"""CITEPA "Inventaire de GES territorialisé" (IGT), one row per commune, one column per sector.

Values are in t CO2e (100-year GWP). ``CO2 biomasse hors-total`` is reported outside the
total and is never added; international transport is likewise outside the PCAET total
(décret n° 2016-849, which lists the eight sectors of ``pma_eval.vocabulary.PCAET``). An empty cell
means the source gives no value for that commune and sector.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ._table import LINE, Parser, read_any

# Sectors every inhabited commune has (vocabulary.yml, ``always_present``): an empty cell there is a
# gap in the inventory (unknown, never zero), and the commune's total is incomplete. Elsewhere (a
# village's industry, energy branch, agriculture, waste, other transport, memo items) an empty cell
# is the absence of the activity: 0. (FORMATS.md: Béthune's ``Routier`` is empty in the 2016 IGT.)
from ..vocabulary import ALWAYS_PRESENT_SECTORS, MEMO_SECTORS

IGT_COLUMNS = {
    "agriculture": ("Agriculture",),
    "autres_transports": ("Autres transports",),
    "transport_international": ("Autres transports international",),
    "co2_biomasse_hors_total": ("CO2 biomasse hors-total",),
    "dechets": ("Déchets",),
    "branche_energie": ("Energie",),
    "industrie_hors_energie": ("Industrie hors-énergie",),
    "residentiel": ("Résidentiel",),
    "transport_routier": ("Routier",),
    "tertiaire": ("Tertiaire",),
}


def read_igt_citepa(path: str | Path, year: int, display: str | None = None) -> pd.DataFrame:
    """Read an IGT commune extract into a long table.

    Parameters
    ----------
    path : path-like
        CSV with the published header (``INSEE commune``, ``Commune``, one column per sector).
    year : int
        Reference year of the inventory (it is not written inside the file).

    Returns
    -------
    DataFrame
        ``code_insee, year, sector, value`` [t CO2e], ``in_total`` (False for the memo items),
        ``gap`` (True for an empty cell of a sector of :data:`~pma_eval.vocabulary.ALWAYS_PRESENT_SECTORS`, kept as ``NaN``),
        ``line`` (line of the file). Other empty cells are the absence of the activity: 0.
    """
    p = Parser(read_any(path, display, fast=True), display or str(path))
    cols = p.columns({"code_insee": ("INSEE commune",), **IGT_COLUMNS}, {"commune": ("Commune",)})
    codes = p.code(cols["code_insee"], "insee")
    wide = pd.DataFrame({"code_insee": codes, LINE: p.df[LINE]})
    for sector in IGT_COLUMNS:
        # Emissions may be negative only for sinks, which the IGT does not report here.
        wide[sector] = p.number(cols[sector], allow_negative=False)
    p.duplicates(wide[["code_insee"]], "INSEE commune")
    p.raise_if_any()
    long = wide.melt(id_vars=["code_insee", LINE], var_name="sector", value_name="value")
    long["year"] = int(year)
    long["in_total"] = ~long["sector"].isin(MEMO_SECTORS)
    empty = long["value"].isna()
    long["gap"] = empty & long["sector"].isin(ALWAYS_PRESENT_SECTORS)
    long.loc[empty & ~long["gap"], "value"] = 0.0
    return long.rename(columns={LINE: "line"})[["code_insee", "year", "sector", "value", "in_total", "gap", "line"]]
