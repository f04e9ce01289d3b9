"""Daily temperatures (issue 26): the ODRÉ « Température quotidienne régionale » layout is read as published
(``;``, BOM, ``dd/mm/yy``, decimal points) with located French errors, and turned into yearly heating
degree-days with the SDES convention (base 17 °C, January–May and October–December); missing days are
counted and a month is brought to its length, never summed as 0."""

from __future__ import annotations

import pandas as pd
import pytest

from pma_eval.errors import InputDataError
from pma_eval.sources.weather import (HEATING_BASE_C, HEATING_SEASON_MONTHS, heating_degree_days,
                                      national_index_degree_days, read_climate_severity_index,
                                      read_daily_temperature)

from ..conftest import REPO

STORED = REPO / "data" / "raw" / "energie" / "temperature-quotidienne-regionale_hauts-de-france.csv"
HEADER = "\ufeffID;Date;Code INSEE région;Région;TMin (°C);TMax (°C);TMoy (°C)\n"
#: The first five days of 2016 for the Hauts-de-France (region 32), copied from the stored file (lines 2–6),
#: which holds them as the ODRÉ national file does.
JANUARY_2016 = (
    "2016-01-01T00:00:00-32;01/01/16;32;Hauts-de-France;1.72;7.72;4.72\n"
    "2016-01-02T00:00:00-32;02/01/16;32;Hauts-de-France;6.26;10.76;8.51\n"
    "2016-01-03T00:00:00-32;03/01/16;32;Hauts-de-France;5.44;7.96;6.7\n"
    "2016-01-04T00:00:00-32;04/01/16;32;Hauts-de-France;5.8;9.6;7.7\n"
    "2016-01-05T00:00:00-32;05/01/16;32;Hauts-de-France;4.92;8.94;6.93\n"
)


def _write(tmp_path, body: str, name: str = "temperature.csv"):
    p = tmp_path / name
    p.write_bytes((HEADER + body).encode("utf-8"))
    return p


def test_real_rows_are_read_as_published(tmp_path):
    assert STORED.read_text(encoding="utf-8-sig").splitlines()[1:6] == JANUARY_2016.splitlines()
    df = read_daily_temperature(_write(tmp_path, JANUARY_2016))
    assert list(df["date"].dt.strftime("%Y-%m-%d")) == [f"2016-01-0{d}" for d in range(1, 6)]
    assert set(df["area_level"]) == {"region"} and set(df["area_code"]) == {"32"}
    assert list(df["tmoy"]) == [4.72, 8.51, 6.7, 7.7, 6.93]
    assert list(df["line"]) == [2, 3, 4, 5, 6]
    # Degree-days of these five days, by hand (17 − TMoy, every day colder than 17 °C):
    # 12,28 + 8,49 + 10,30 + 9,30 + 10,07 = 50,44.
    assert (HEATING_BASE_C - df["tmoy"]).clip(lower=0).sum() == pytest.approx(50.44)


def test_the_stored_file_is_the_region_and_its_missing_days_are_counted():
    df = read_daily_temperature(STORED, "data/raw/energie/" + STORED.name)
    assert len(df) == 3593 and set(df["area_code"]) == {"32"}
    y = heating_degree_days(df).set_index("year")
    # Calendar days absent from the source (README of the shared data): 2021 1, 2022 2, 2023 4, 2024 11.
    assert y.loc[2016:2024, "days_missing_year"].to_dict() == {2016: 0, 2017: 0, 2018: 0, 2019: 0, 2020: 0,
                                                               2021: 1, 2022: 2, 2023: 4, 2024: 11}
    # Of them in the heating season: 2021 30 April; 2023 31 January, 28 February, 31 October; 2024 31 March,
    # 30 April, 31 May, 31 October, 30 November, 30 and 31 December. 2022 loses only summer days.
    assert y.loc[2021:2024, "days_missing"].to_dict() == {2021: 1, 2022: 0, 2023: 3, 2024: 7}
    assert y.loc[2016:2024, "complete"].all()
    # 2025 stops on 29 November: December is absent, the year has no degree-days.
    assert not y.at[2025, "complete"] and pd.isna(y.at[2025, "dju"])
    # A complete year without gaps is the plain sum of its season's days.
    assert y.at[2019, "dju"] == pytest.approx(y.at[2019, "dju_days_present"])
    # 2021: April (29 days present of 30) is brought to 30 days; the other months are plain sums.
    d = df.assign(dj=(HEATING_BASE_C - df["tmoy"]).clip(lower=0))
    april = d.loc[(d["date"].dt.year == 2021) & (d["date"].dt.month == 4), "dj"]
    assert len(april) == 29
    assert y.at[2021, "dju"] == pytest.approx(y.at[2021, "dju_days_present"] + april.sum() / 29)
    assert y.at[2021, "dju"] > y.at[2021, "dju_days_present"]  # a missing day never counts as 0


def _season(year: int, tmoy: float = 7.0) -> pd.DataFrame:
    days = pd.date_range(f"{year}-01-01", f"{year}-12-31")
    days = days[days.month.isin(HEATING_SEASON_MONTHS)]
    return pd.DataFrame({"date": days, "tmoy": tmoy})


def test_missing_day_rule_by_hand():
    # Every season day of 2021 at 7 °C: 10 DJU a day × 243 days (31+28+31+30+31 + 31+30+31) = 2 430.
    full = _season(2021)
    assert heating_degree_days(full).set_index("year").at[2021, "dju"] == pytest.approx(2430)
    # One April day missing: April = 10 × 29 × 30 ÷ 29 = 300, the year still 2 430 (not 2 420).
    one = full.loc[full["date"] != "2021-04-30"]
    r = heating_degree_days(one).set_index("year").loc[2021]
    assert (r["dju"], r["dju_days_present"], r["days_missing"], r["complete"]) == (pytest.approx(2430), 2420, 1, True)
    # Four days missing in one month: more than 3, the year is incomplete and has no degree-days.
    four = full.loc[~full["date"].isin(pd.date_range("2021-11-01", "2021-11-04"))]
    r = heating_degree_days(four).set_index("year").loc[2021]
    assert not r["complete"] and pd.isna(r["dju"]) and r["days_missing"] == 4
    # A warm day (20 °C) counts 0, not a negative.
    warm = full.assign(tmoy=full["tmoy"].where(full["date"] != "2021-10-01", 20.0))
    assert heating_degree_days(warm).set_index("year").at[2021, "dju"] == pytest.approx(2420)


def test_malformed_lines_are_located_in_french(tmp_path):
    body = (JANUARY_2016
            + "2016-01-06T00:00:00-32;2016-01-06;32;Hauts-de-France;6.24;8.92;7.58\n"   # ISO date, line 7
            + "2016-01-07T00:00:00-32;07/01/16;32;Hauts-de-France;5.42;10.6;huit\n"     # not a number, line 8
            + "2016-01-08T00:00:00-32;08/01/16;32;Hauts-de-France;9.1;3.2;6.1\n")       # min above max, line 9
    with pytest.raises(InputDataError) as exc:
        read_daily_temperature(_write(tmp_path, body), "data/raw/energie/temperature.csv")
    found = {(pb.line, pb.column, str(pb.value)): pb.message for pb in exc.value.problems}
    assert "jj/mm/aa" in found[(7, "Date", "2016-01-06")]
    assert found[(8, "TMoy (°C)", "huit")] == "nombre attendu"
    assert "minimale supérieure à la maximale" in found[(9, "TMin (°C)", "9.1")]
    text = str(exc.value)
    assert "fichier data/raw/energie/temperature.csv, ligne 7, colonne « Date »" in text
    assert "(valeur lue : « 2016-01-06 »)" in text


def test_a_future_day_and_a_repeated_day_are_refused(tmp_path):
    body = JANUARY_2016 + "2099-01-01T00:00:00-32;01/01/99;32;Hauts-de-France;1;2;1.5\n"
    with pytest.raises(InputDataError) as exc:
        read_daily_temperature(_write(tmp_path, body))
    pb = exc.value.problems[0]
    assert (pb.line, pb.column, pb.value) == (7, "Date", "01/01/99") and "date future" in pb.message
    body = JANUARY_2016 + "2016-01-05T00:00:00-32;05/01/16;32;Hauts-de-France;4.92;8.94;6.93\n"
    with pytest.raises(InputDataError) as exc:
        read_daily_temperature(_write(tmp_path, body, "doublon.csv"))
    assert any(pb.line == 7 and "doublon" in pb.message and "ligne 6" in pb.message for pb in exc.value.problems)


def test_an_unknown_header_names_the_expected_layout(tmp_path):
    p = tmp_path / "autre.csv"
    p.write_text("date;temperature\n01/01/16;4.7\n", encoding="utf-8")
    with pytest.raises(InputDataError) as exc:
        read_daily_temperature(p)
    assert "Code INSEE région" in str(exc.value)


def test_the_layout_is_declared_once_and_recognised_from_its_header():
    """``pma-eval data add`` and the reader recognise the file from the same declaration (sources.layouts)."""
    from pma_eval.sources.layouts import identify

    lay = identify(STORED)
    assert (lay.id, lay.format, lay.theme) == ("odre_temperature_regionale", "temperature_quotidienne", "energie")
    df = read_daily_temperature(STORED)
    assert sorted(set(df["year"])) == list(range(2016, 2026))


# --- The SDES national climate-severity index (INDRIG), for the years before the daily temperatures ----------

NATIONAL = REPO / "data" / "raw" / "referentiels" / "prix-energie-et-indice-de-rigueur-mensuels.csv"


def _national_rows(*prefixes: bytes) -> bytes:
    """The two header rows of the stored SDES file, then its rows whose period starts with one of ``prefixes``,
    byte for byte (CRLF, Windows-1252 data rows after a UTF-8 label row, as in the public copy)."""
    rows = NATIONAL.read_bytes().split(b"\r\n")
    return b"\r\n".join(rows[:2] + [r for r in rows[2:] if r.startswith(prefixes)] + [b";;;;;;;;;;;", b""])


def test_national_index_real_rows_are_read_by_their_codes(tmp_path):
    p = tmp_path / "indice.csv"
    p.write_bytes(_national_rows(b"2012-", b"2015-01"))
    df = read_climate_severity_index(p)
    i = df.set_index(["year", "month"])["index"]
    # Lines 145–156 of the stored file: 2012-12 « 0.929 » … 2012-01 « 0.913 »; June–September are 1.
    assert i[(2012, 2)] == 1.485 and i[(2012, 1)] == 0.913 and i[(2012, 12)] == 0.929
    assert [i[(2012, m)] for m in (6, 7, 8, 9)] == [1, 1, 1, 1]
    # 2015-01 reads « 01.janv »: a spreadsheet's date for 1.1 or 1.01, left unknown, never guessed.
    assert pd.isna(i[(2015, 1)])
    assert df.attrs["unreadable"] == [("2015-01", "01.janv", df.loc[(df["year"] == 2015), "line"].iloc[0])]
    assert len(df) == 13  # the trailing empty row is not a month


def test_the_stored_national_file_and_its_unreadable_cells():
    df = read_climate_severity_index(NATIONAL)
    assert len(df) == 394 and (df["year"].min(), df["year"].max()) == (1992, 2024)  # 1992-01 to 2024-10
    assert [u[0] for u in df.attrs["unreadable"]] == ["2021-11", "2015-01", "2009-01", "2005-11", "1998-11",
                                                      "1993-11", "1993-03"]


def test_a_national_index_text_that_is_not_a_spreadsheet_date_is_a_located_error(tmp_path):
    p = tmp_path / "indice.csv"
    p.write_bytes(_national_rows(b"2012-").replace(b"2012-02;1.485;", b"2012-02;n.d;", 1))
    with pytest.raises(InputDataError) as exc:
        read_climate_severity_index(p)
    pb = exc.value.problems[0]
    assert (pb.column, pb.value) == ("INDRIG", "n.d") and pb.line is not None


def test_national_index_carried_to_the_region_by_hand():
    """One calibration year (2016) whose regional monthly degree-days are written by hand, and the real
    national index of 2016 and 2012 (stored file, lines 97–108 and 145–156).

    W(2016) = 0,872×380 + 0,917×300 + 1,201×280 + 1,192×210 + 1,045×110 + 1,293×130 + 1,037×270 + 1,051×340
            = 331,36 + 275,10 + 336,28 + 250,32 + 114,95 + 168,09 + 279,99 + 357,34 = 2 113,43
    W(2012) = 0,913×380 + 1,485×300 + 0,784×280 + 1,302×210 + 0,986×110 + 1,066×130 + 1,008×270 + 0,929×340
            = 346,94 + 445,50 + 219,52 + 273,42 + 108,46 + 138,58 + 272,16 + 315,86 = 2 120,44
    k = 2 020 (real 2016) ÷ 2 113,43 = 0,95579 ; DJU(2012) = k × 2 120,44 = 2 026,70.
    """
    normal = {1: 380, 2: 300, 3: 280, 4: 210, 5: 110, 10: 130, 11: 270, 12: 340}  # sum 2 020
    monthly = pd.DataFrame({"year": 2016, "month": list(normal), "dju": list(normal.values())})
    yearly = pd.DataFrame({"year": [2016], "dju": [2020.0], "complete": [True]})
    index = read_climate_severity_index(NATIONAL)
    est, k, gaps = national_index_degree_days(index.loc[index["year"].isin([2012, 2015, 2016])], monthly, yearly)
    assert k == pytest.approx(2020 / 2113.43)
    d = est.set_index("year")["dju"]
    assert d[2012] == pytest.approx(2026.70, abs=0.01)
    assert d[2016] == pytest.approx(2020.0)  # the calibration year gives back its real degree-days
    assert 2015 not in d.index  # January 2015 unreadable: no estimate, never a partial sum
    assert list(gaps.index) == [2016] and gaps[2016] == pytest.approx(0.0)


def test_the_national_index_layout_is_recognised_from_its_codes_row():
    """The label row depends on the series chosen and is re-encoded in the copy: the codes row tells the layout."""
    from pma_eval.sources.layouts import identify

    lay = identify(NATIONAL)
    assert (lay.id, lay.format, lay.theme) == ("sdes_indice_rigueur", "sdes_indice_rigueur", "referentiels")
