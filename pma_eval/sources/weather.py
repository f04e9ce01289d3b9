"""Weather: yearly heating degree-days of a station, and the thermosensitive shares of consumption.

**Degree-days** (``docs/correction_climatique.md``): columns ``station, annee, dju, source``, one row a
year; optionally ``base`` (°C, 18 when absent: the « degrés-jours unifiés » of Météo-France and of the
SDES series). The normal the corrections refer to is the ``reference_dju`` option of the file's
metadata (a 30-year normal of the station, with its source), else the mean of the file's years.

**Daily temperatures** (ODRÉ, RTE / Météo-France, « Température quotidienne régionale » and its
departmental twin): ``;``, UTF-8 with BOM, columns ``ID;Date;Code INSEE région;Région;TMin (°C);TMax
(°C);TMoy (°C)`` (``Code INSEE département;Département`` in the departmental file), ``Date`` written
``dd/mm/yy``, decimal points. :func:`heating_degree_days` turns them into yearly degree-days with the
one convention of the workbench, :data:`DJU_CONVENTION`.

**Thermosensitive shares**: columns ``secteur, energie, part, source``: the share of a sector's
consumption of an energy that varies with the weather **in a year of normal climate** (0 to 1). The
Agence ORE ``partr`` of a residential electricity or gas file is such a share.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ..vocabulary import POLLUTANTS
from ._table import Parser, normalise_name as normalise, read_any
from .inventory import CARRIERS, SECTORS

DJU_COLUMNS = ["station", "annee", "dju", "source"]
SHARE_COLUMNS = ["secteur", "energie", "part", "source"]

#: Heating degree-days: the SDES convention for the climate correction of energy consumption. A day
#: counts ``max(0, 17 − T)`` with ``T`` its mean temperature (the half-sum of the day's minimum and
#: maximum; the ODRÉ files' ``TMoy`` is that half-sum to 0,005 °C), summed over the heating season,
#: January to May and October to December of the calendar year.
#:
#: References: SDES, « Évaluation des degrés-jours unifiés au niveau régional et départemental », notice
#: méthodologique (janvier 2021; threshold 17 °C, T = (Tmin + Tmax) / 2); heating season January–May and
#: October–December as in the SDES climate correction (``shared/data/reel/README.md``).
HEATING_BASE_C = 17.0
HEATING_SEASON_MONTHS = (1, 2, 3, 4, 5, 10, 11, 12)
#: A month of the season missing at most this many days is brought to its full length (the sum of
#: its days present × days of the month ÷ days present); a month missing more, or absent, leaves the
#: year incomplete, and an incomplete year has no degree-days. Missing days are never counted as 0.
MAX_MISSING_DAYS_PER_MONTH = 3
#: The convention in words, printed beside every figure computed with it, and the rule for missing days.
DJU_CONVENTION = ("degrés-jours base 17 °C (convention du SDES) : somme, de janvier à mai et d'octobre à "
                  "décembre, des écarts entre 17 °C et la température moyenne de chaque jour plus froid")
MISSING_DAYS_RULE = ("un mois de la saison auquel manquent au plus 3 jours est ramené à sa durée (somme des jours "
                     "présents × jours du mois ÷ jours présents) ; une année à laquelle il en manque davantage n'a "
                     "pas de degrés-jours")

#: Columns of the daily temperature layout: canonical name → accepted spellings (the ODRÉ export's
#: labels, and the API's lower-case field names).
TEMPERATURE_COLUMNS = {
    "date": (),
    "tmin": ("TMin (°C)", "tmin_c"),
    "tmax": ("TMax (°C)", "tmax_c"),
    "tmoy": ("TMoy (°C)", "tmoy_c"),
}
AREA_COLUMNS = {"region": ("Code INSEE région", "code_insee_region"),
                "departement": ("Code INSEE département", "code_insee_departement")}
AREA_NAMES = {"region": ("Région",), "departement": ("Département",)}


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


def is_daily_temperature(columns) -> bool:
    """Is this header one of the ODRÉ daily temperature layouts (:data:`pma_eval.sources.layouts.LAYOUTS`)?"""
    from .layouts import detect

    return detect(columns, "temperature_quotidienne") is not None


def read_daily_temperature(path: str | Path, display: str | None = None) -> pd.DataFrame:
    """Read an ODRÉ daily temperature file (« Température quotidienne régionale » or « départementale »).

    ``Date`` is ``dd/mm/yy`` (years 2000–2099); temperatures in °C with a decimal point (a comma is
    accepted). A day after today, a minimum above the maximum, a mean outside them (by more than
    0,05 °C) or a day given twice for an area is a located error.

    Returns
    -------
    DataFrame
        ``area_level`` (``region`` or ``departement``), ``area_code``, ``area_name``, ``date``
        (datetime64), ``year``, ``tmin``, ``tmax``, ``tmoy`` [°C], ``line``.
    """
    import datetime

    from ..config import observed_year_max

    name = display or str(path)
    p = Parser(read_any(path, name, fast=True), name)
    if not is_daily_temperature(p.df.columns):
        p.problem("disposition non reconnue : en-tête attendu « ID;Date;Code INSEE région;Région;TMin (°C);"
                  "TMax (°C);TMoy (°C) » (ou « Code INSEE département;Département »)", column="en-tête")
        p.raise_if_any()
    level = next(k for k, aliases in AREA_COLUMNS.items()
                 if any(normalise(a) in {normalise(c) for c in p.df.columns} for a in aliases))
    cols = p.columns({**TEMPERATURE_COLUMNS, "area": AREA_COLUMNS[level]}, {"area_name": AREA_NAMES[level]})
    area = p.text(cols["area"])
    area_name = p.text(cols["area_name"], required=False) if "area_name" in cols else pd.Series("", index=area.index)
    raw_date = p.text(cols["date"])
    # dd/mm/yy in the years 2000–2099 (strptime's %y would put 69–99 in the 1900s)
    iso = raw_date.str.replace(r"^(\d{2})/(\d{2})/(\d{2})$", r"20\3-\2-\1", regex=True)
    date = pd.to_datetime(iso.where(raw_date.str.fullmatch(r"\d{2}/\d{2}/\d{2}")), format="%Y-%m-%d",
                          errors="coerce")
    bad = date.isna() & raw_date.ne("")
    if bad.any():
        p.problem("date attendue au format jj/mm/aa (par exemple 01/01/16)", raw_date.index[bad], cols["date"], raw_date)
    today = pd.Timestamp(datetime.date.today())
    future = date.notna() & ((date > today) | (date.dt.year > observed_year_max()))
    if future.any():
        p.problem(f"date future : une température observée ne peut pas porter sur un jour postérieur au "
                  f"{today.strftime('%d/%m/%Y')}", date.index[future], cols["date"], raw_date)
    t = {k: p.number(cols[k], required=True, allow_negative=True, minimum=-50, maximum=50)
         for k in ("tmin", "tmax", "tmoy")}
    inverted = t["tmin"] > t["tmax"]
    if inverted.any():
        p.problem("température minimale supérieure à la maximale du même jour", t["tmin"].index[inverted],
                  cols["tmin"], p.df[cols["tmin"]])
    outside = ~inverted & ((t["tmoy"] < t["tmin"] - 0.05) | (t["tmoy"] > t["tmax"] + 0.05))
    if outside.any():
        p.problem("température moyenne hors de l'intervalle minimale–maximale du jour", t["tmoy"].index[outside],
                  cols["tmoy"], p.df[cols["tmoy"]])
    p.raise_if_any()
    p.duplicates(pd.DataFrame({"a": area, "d": raw_date}), f"{cols['area']}, {cols['date']}")
    p.raise_if_any()
    return pd.DataFrame({"area_level": level, "area_code": area, "area_name": area_name, "date": date,
                         "year": date.dt.year.astype(int), "tmin": t["tmin"], "tmax": t["tmax"], "tmoy": t["tmoy"],
                         "line": p.df["_line"]})


def heating_degree_days(daily: pd.DataFrame, base: float = HEATING_BASE_C,
                        months: tuple[int, ...] = HEATING_SEASON_MONTHS,
                        max_missing: int = MAX_MISSING_DAYS_PER_MONTH) -> pd.DataFrame:
    """Yearly heating degree-days of one area from its daily mean temperatures (:data:`DJU_CONVENTION`).

    Each day of the season counts ``max(0, base − tmoy)``. Each month of the season is brought to its
    full length when at most ``max_missing`` of its days are missing (sum of the days present × days of
    the month ÷ days present); otherwise, or when the month is absent, the year is incomplete and its
    ``dju`` is NaN. Only the years between the first and the last day of the file are returned.

    Parameters
    ----------
    daily : DataFrame
        ``date`` (datetime64) and ``tmoy`` [°C], one row a day (one area).

    Returns
    -------
    DataFrame
        ``year``, ``dju`` [°C·day] (NaN when incomplete), ``dju_days_present`` [°C·day] (plain sum of the
        days present), ``season_days``, ``days_present``, ``days_missing`` (season days absent),
        ``days_missing_year`` (calendar days absent, season or not), ``complete``.

    References
    ----------
    SDES, « Évaluation des degrés-jours unifiés au niveau régional et départemental », notice méthodologique,
    janvier 2021 (threshold 17 °C, daily mean = half-sum of the extremes, heating season).
    """
    d = daily.dropna(subset=["date"])
    years = range(int(d["date"].dt.year.min()), int(d["date"].dt.year.max()) + 1)
    present = set(d["date"])
    dj = (base - d["tmoy"]).clip(lower=0)
    by_month = dj.groupby([d["date"].dt.year, d["date"].dt.month]).agg(["sum", "size"])
    rows = []
    for y in years:
        calendar = pd.date_range(f"{y}-01-01", f"{y}-12-31")
        total, raw, n_days, n_present, complete = 0.0, 0.0, 0, 0, True
        for m in months:
            length = pd.Period(f"{y}-{m:02d}").days_in_month
            s, n = by_month.loc[(y, m)] if (y, m) in by_month.index else (0.0, 0)
            n_days, n_present, raw = n_days + length, n_present + int(n), raw + float(s)
            if n == 0 or length - n > max_missing:
                complete = False
            else:
                total += float(s) * length / int(n)
        rows.append({"year": y, "dju": total if complete else np.nan, "dju_days_present": raw,
                     "season_days": n_days, "days_present": n_present, "days_missing": n_days - n_present,
                     "days_missing_year": int(sum(day not in present for day in calendar)),
                     "complete": complete})
    return pd.DataFrame(rows)


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
