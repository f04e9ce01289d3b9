"""Weather: yearly heating degree-days of a station, and the thermosensitive shares of consumption.

**Degree-days** (``docs/correction_climatique.md``): columns ``station, annee, dju, source``, one row a
year; optionally ``base`` (°C, 18 when absent: the « degrés-jours unifiés » of Météo-France and of the
SDES series). The normal the corrections refer to is the ``reference_dju`` option of the file's
metadata (a 30-year normal of the station, with its source), else the mean of the file's years.

**Thermosensitive shares**: columns ``secteur, energie, part, source``: the share of a sector's
consumption of an energy that varies with the weather **in a year of normal climate** (0 to 1). The
Agence ORE ``partr`` of a residential electricity or gas file is such a share.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..vocabulary import POLLUTANTS
from ._table import Parser, read_any
from .inventory import CARRIERS, SECTORS

DJU_COLUMNS = ["station", "annee", "dju", "source"]
SHARE_COLUMNS = ["secteur", "energie", "part", "source"]


def read_degree_days(path: str | Path, display: str | None = None) -> pd.DataFrame:
    """Read a yearly degree-day table.

    Returns
    -------
    DataFrame
        ``station``, ``year``, ``dju`` [°C·day], ``base`` [°C], ``source``, ``line``.
    """
    p = Parser(read_any(path, display), display or str(path))
    cols = p.columns({c: () for c in DJU_COLUMNS}, {"base": ("temperature_de_base",)})
    station = p.text(cols["station"])
    year = p.observed_year(cols["annee"])
    dju = p.number(cols["dju"], required=True, minimum=1, maximum=6000)
    base = p.number(cols["base"], minimum=10, maximum=25) if "base" in cols else pd.Series(18.0, index=year.index)
    source = p.text(cols["source"])
    p.duplicates(pd.DataFrame({"a": year}), "annee (une seule station par fichier)")
    if station.nunique() > 1:
        p.problem("une seule station par fichier de degrés-jours", station.index[station != station.iloc[0]],
                  cols["station"], station)
    p.raise_if_any()
    return pd.DataFrame({"station": station, "year": year.astype(int), "dju": dju, "base": base.fillna(18.0),
                         "source": source, "line": p.df["_line"]})


def read_thermosensitive_shares(path: str | Path, display: str | None = None) -> pd.DataFrame:
    """Read a table of thermosensitive shares.

    Returns
    -------
    DataFrame
        ``sector``, ``carrier`` (codes of the inventory template), ``share`` (0–1), ``source``, ``line``.
    """
    p = Parser(read_any(path, display), display or str(path))
    cols = p.columns({c: () for c in SHARE_COLUMNS})
    sector = p.choice(cols["secteur"], SECTORS, what="secteur")
    carrier = p.choice(cols["energie"], {k: v for k, v in CARRIERS.items() if v != "ges" and v not in POLLUTANTS},
                       what="énergie")
    share = p.number(cols["part"], required=True, minimum=0, maximum=1)
    source = p.text(cols["source"])
    p.duplicates(pd.DataFrame({"s": sector, "c": carrier}), "secteur, energie")
    p.raise_if_any()
    return pd.DataFrame({"sector": sector, "carrier": carrier, "share": share, "source": source,
                         "line": p.df["_line"]})


def correction_factor(share: float | pd.Series, dju: float | pd.Series, reference: float) -> float | pd.Series:
    """Divide a year's consumption by this to get it at normal climate.

    With ``s`` the thermosensitive share in a normal year, a year's consumption is
    ``E = E_normal × ((1 − s) + s × DJU / DJU_normal)``; the correction is the inverse. It equals the
    additive form of the Agence ORE, ``E − thermor × (DJU − DJU_normal)``, with ``thermor = s ×
    E_normal / DJU_normal`` (the consumption per degree-day).
    """
    return (1 - share) + share * dju / reference
