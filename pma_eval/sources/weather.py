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

**National climate-severity index** (SDES, monthly file of the energy prices and the « indice de rigueur
climatique » of metropolitan France, 1992 onwards): a row of labels, then a row of codes (``PERIODE``,
``INDRIG``, price codes), ``AAAA-MM`` periods, decimal points, CRLF. :func:`read_climate_severity_index` reads
the period and ``INDRIG`` only (the other columns are wholesale prices, not end-user prices), and
:func:`national_index_degree_days` carries the index to the region's degree-days for the years before the
daily temperatures (:data:`NATIONAL_INDEX_RULE`).

**Thermosensitive shares**: columns ``secteur, energie, part, source``: the share of a sector's
consumption of an energy that varies with the weather **in a year of normal climate** (0 to 1). The
Agence ORE ``partr`` of a residential electricity or gas file is such a share.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ..vocabulary import POLLUTANTS
from ._table import LINE, Parser, normalise_name as normalise, read_any
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


#: How a national monthly index becomes the region's degree-days of a year (:func:`national_index_degree_days`).
NATIONAL_INDEX_RULE = ("degrés-jours estimés d'après l'indice national de rigueur climatique du SDES (INDRIG, France "
                       "métropolitaine, 1 = normale nationale) : chaque mois de la saison de chauffe, l'indice du mois "
                       "× les degrés-jours normaux de ce mois dans la région ; la somme est ramenée à la normale "
                       "régionale par le rapport, sur les années où les deux existent, des degrés-jours réels de la "
                       "région aux degrés-jours ainsi estimés ; une année à laquelle manque l'indice d'un mois de la "
                       "saison n'en a pas")
#: Codes of the SDES monthly file's second header row that the workbench reads.
INDEX_CODES = {"periode": ("PERIODE",), "indrig": ("INDRIG",)}
#: A number a spreadsheet turned into a date before the file was shared (« 01.janv » for 1.1 or 1.01, « janv.19 »
#: for 1.19): the number it stood for cannot be told back with certainty, so the cell is unknown, never guessed.
SPREADSHEET_DATE = r"(?:\d{1,2}\.[^\W\d_]{3,5}\.?|[^\W\d_]{3,5}\.?\d{1,2})"


def read_climate_severity_index(path: str | Path, display: str | None = None) -> pd.DataFrame:
    """Read the national climate-severity index (``INDRIG``) of an SDES monthly file.

    The file has a row of labels, then a row of codes: the columns are found by their codes (``PERIODE``,
    ``INDRIG``), whatever their labels or order; a file whose single header row is the codes is read too.
    A period is ``AAAA-MM``; rows without a period (the trailing empty rows) are skipped. An index cell that a
    spreadsheet turned into a date (:data:`SPREADSHEET_DATE`) is unknown (NaN) and listed in
    ``attrs["unreadable"]``; any other text, a period written twice or a value outside 0–5 is a located error.

    Returns
    -------
    DataFrame
        ``year``, ``month``, ``index`` (1 = the national normal; NaN when unreadable), ``line``;
        ``attrs["unreadable"]``: ``(period, text, line)`` of each unreadable cell.
    """
    name = display or str(path)
    df = read_any(path, name)
    have = {normalise(c) for c in df.columns}
    if not all(normalise(a) in have for a in ("PERIODE", "INDRIG")):
        codes = df.iloc[0] if len(df) else pd.Series(dtype=str)
        found = {normalise(v) for v in codes.astype(str)}
        if not all(normalise(a) in found for a in ("PERIODE", "INDRIG")):
            p = Parser(df, name)
            p.problem("disposition non reconnue : fichier mensuel du SDES attendu, une ligne de libellés puis une "
                      "ligne de codes avec PERIODE et INDRIG (indice de rigueur climatique)", column="en-tête")
            p.raise_if_any()
        labels = {c: str(v) for c, v in codes.items() if c != LINE}
        df = df.iloc[1:].rename(columns=labels)
    p = Parser(df.reset_index(drop=True), name)
    cols = p.columns(INDEX_CODES)
    period = p.text(cols["periode"], required=False)
    p.df = p.df.loc[period.ne("")].reset_index(drop=True)
    period = p.text(cols["periode"])
    bad = ~period.str.fullmatch(r"\d{4}-(0[1-9]|1[0-2])")
    if bad.any():
        p.problem("période attendue au format AAAA-MM (par exemple 2015-01)", period.index[bad], cols["periode"], period)
    raw = p.df[cols["indrig"]].astype(str).str.strip()
    dated = raw.str.fullmatch(SPREADSHEET_DATE)
    p.df.loc[dated, cols["indrig"]] = ""
    index = p.number(cols["indrig"], minimum=0, maximum=5)
    p.duplicates(pd.DataFrame({"p": period}), cols["periode"])
    p.raise_if_any()
    out = pd.DataFrame({"year": period.str[:4].astype(int), "month": period.str[5:7].astype(int),
                        "index": index, "line": p.df[LINE]})
    out.attrs["unreadable"] = [(period[i], raw[i], int(p.df.at[i, LINE])) for i in raw.index[dated]]
    return out


def monthly_heating_degree_days(daily: pd.DataFrame, base: float = HEATING_BASE_C,
                                months: tuple[int, ...] = HEATING_SEASON_MONTHS,
                                max_missing: int = MAX_MISSING_DAYS_PER_MONTH) -> pd.DataFrame:
    """Degree-days of each month of the heating season (:data:`DJU_CONVENTION`), every year between the first
    and the last day of ``daily`` (``date``, ``tmoy``; one area).

    Returns
    -------
    DataFrame
        ``year``, ``month``, ``dju`` (the sum of the days present × days of the month ÷ days present; NaN when
        more than ``max_missing`` days, or the whole month, are missing), ``dju_days_present`` (plain sum),
        ``length`` (days of the month), ``days_present``.
    """
    d = daily.dropna(subset=["date"])
    dj = (base - d["tmoy"]).clip(lower=0)
    by_month = dj.groupby([d["date"].dt.year, d["date"].dt.month]).agg(["sum", "size"])
    rows = []
    for y in range(int(d["date"].dt.year.min()), int(d["date"].dt.year.max()) + 1):
        for m in months:
            length = pd.Period(f"{y}-{m:02d}").days_in_month
            s, n = by_month.loc[(y, m)] if (y, m) in by_month.index else (0.0, 0)
            ok = n > 0 and length - n <= max_missing
            rows.append({"year": y, "month": m, "dju": float(s) * length / int(n) if ok else np.nan,
                         "dju_days_present": float(s), "length": length, "days_present": int(n)})
    return pd.DataFrame(rows)


def national_index_degree_days(index: pd.DataFrame, monthly: pd.DataFrame, yearly: pd.DataFrame,
                               months: tuple[int, ...] = HEATING_SEASON_MONTHS) -> tuple[pd.DataFrame, float, pd.Series]:
    """The region's degree-days of a year estimated from the national monthly index (:data:`NATIONAL_INDEX_RULE`).

    With ``N_m`` the region's normal degree-days of month ``m`` (mean of ``monthly`` over the complete years of
    ``yearly``) and ``I(y, m)`` the national index, ``W(y) = Σ_m I(y, m) × N_m`` over the heating season; the
    factor ``k = Σ DJU_real(y) ÷ Σ W(y)`` over the years with both real degree-days and every month of the index
    carries ``W`` to the regional normal (the national index refers to a national normal of other years and other
    places). ``DJU(y) = k × W(y)``, for every year with every month of the season's index known.

    Parameters
    ----------
    index : DataFrame
        ``year``, ``month``, ``index`` (:func:`read_climate_severity_index`).
    monthly : DataFrame
        ``year``, ``month``, ``dju`` of the region (:func:`monthly_heating_degree_days`).
    yearly : DataFrame
        ``year``, ``dju``, ``complete`` of the region (:func:`heating_degree_days`).

    Returns
    -------
    (estimates, k, gaps)
        ``estimates``: ``year``, ``dju`` for every year the index covers in full; ``gaps``: estimated ÷ real − 1
        for the years used in ``k`` (how far the estimate was from the real degree-days where both exist).
    """
    real = yearly.loc[yearly["complete"]].set_index("year")["dju"]
    m = monthly.loc[monthly["year"].isin(real.index)]
    normal_month = m.groupby("month")["dju"].mean().reindex(list(months))
    i = index.loc[index["month"].isin(months)].pivot(index="year", columns="month", values="index")
    i = i.reindex(columns=list(months))
    full = i.notna().all(axis=1)
    weighted = (i.loc[full] * normal_month).sum(axis=1)
    both = weighted.index.intersection(real.index)
    if len(both) == 0:
        return pd.DataFrame(columns=["year", "dju"]), float("nan"), pd.Series(dtype=float)
    k = float(real[both].sum() / weighted[both].sum())
    estimates = (k * weighted).rename("dju").rename_axis("year").reset_index()
    return estimates, k, (k * weighted[both] / real[both] - 1)


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
    present = set(d["date"])
    rows = []
    for y, g in monthly_heating_degree_days(d, base, months, max_missing).groupby("year"):
        calendar = pd.date_range(f"{y}-01-01", f"{y}-12-31")
        complete = bool(g["dju"].notna().all())
        n_days, n_present = int(g["length"].sum()), int(g["days_present"].sum())
        rows.append({"year": int(y), "dju": float(g["dju"].sum()) if complete else np.nan,
                     "dju_days_present": float(g["dju_days_present"].sum()), "season_days": n_days,
                     "days_present": n_present, "days_missing": n_days - n_present,
                     "days_missing_year": int(sum(day not in present for day in calendar)), "complete": complete})
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
