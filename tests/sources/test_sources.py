"""Readers, each on a small fixture carrying the published header exactly.

Expected values are hand calculations from the fixture rows, written in each test.
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from pma_eval.errors import InputDataError
from pma_eval.sources import (
    read_communes,
    read_enedis_residential_epci,
    read_igt_citepa,
    read_inventory,
    read_odre_registry,
    read_ore_consumption,
    read_population,
)
from pma_eval.sources.inventory import write_template

from ..conftest import FIXTURES, REPO


def _variant(src: Path, dest: Path, encoding="utf-8", sep=None, lower=False) -> Path:
    text = src.read_text(encoding="utf-8")
    lines = text.splitlines()
    if lower:
        lines[0] = lines[0].lower()
    if sep:
        lines = [ln.replace(";", sep) for ln in lines]
    dest.write_text("\n".join(lines) + "\n", encoding=encoding)
    return dest


# --- Agence ORE ----------------------------------------------------------------------------------

def test_ore_commune_sums_operators_and_keeps_secret_as_unknown():
    df = read_ore_consumption(FIXTURES / "ore_commune.csv").set_index(["geo_code", "carrier", "sector"])
    # Enedis 12 345,678 + SICAE 100,5 (decimal commas) = 12 446,178 MWh; 5 400 + 40 delivery points.
    assert df.loc[("62498", "electricite", "residentiel"), "value"] == pytest.approx(12446.178)
    assert df.loc[("62498", "electricite", "residentiel"), "delivery_points"] == 5440
    secret = df.loc[("62498", "gaz", "industrie")]
    assert math.isnan(secret["value"]) and secret["nature"] == "secret"
    assert df.loc[("62119", "electricite", "tertiaire"), "value"] == 8000
    assert set(df.reset_index()["geo_level"]) == {"commune"}


def test_ore_epci_variant_sums_naf_codes():
    df = read_ore_consumption(FIXTURES / "ore_epci.csv")
    assert list(df["geo_level"]) == ["epci"]
    assert df["value"].iloc[0] == pytest.approx(1500.25 + 20.75)  # two NAF rows of the same sector


@pytest.mark.parametrize("encoding,sep,lower", [("cp1252", None, False), ("utf-8", ",", True),
                                                ("utf-8-sig", ";", True)])
def test_ore_accepts_encodings_separators_and_lowercase(tmp_path, encoding, sep, lower):
    src = FIXTURES / "ore_commune.csv"
    if sep == ",":  # decimal commas would clash with a comma separator: quote-free export uses points
        text = src.read_text(encoding="utf-8").replace("12345,678", "12345.678").replace("100,5", "100.5")
        text = text.replace("0,97", "0.97").replace("0,9;", "0.9;").replace("0,95", "0.95").replace("0,98", "0.98")
        (tmp_path / "src.csv").write_text(text, encoding="utf-8")
        src = tmp_path / "src.csv"
    f = _variant(src, tmp_path / "ore.csv", encoding=encoding, sep=sep, lower=lower)
    df = read_ore_consumption(f).set_index(["geo_code", "carrier", "sector"])
    assert df.loc[("62498", "electricite", "residentiel"), "value"] == pytest.approx(12446.178)


# --- Agence ORE and SDES, as published ------------------------------------------------------------

def test_ore_wide_2011_2021_layout_sums_operators_and_reads_secret_zeros_as_unknown():
    """Fixture in the wide layout of ORE's methodology note v5.0 (one row per operator × year × energy)."""
    df = read_ore_consumption(FIXTURES / "ore_large_2011_2021.csv", communes={"62498", "62119"})
    assert df.attrs["layout"] == "ore_large_2011_2021"
    d = df.set_index(["geo_code", "carrier", "sector"])
    # Enedis 12 345,678 + SICAE 100,5 = 12 446,178 MWh; 5 400 + 40 delivery points.
    assert d.loc[("62498", "electricite", "residentiel"), "value"] == pytest.approx(12446.178)
    assert d.loc[("62498", "electricite", "residentiel"), "delivery_points"] == 5440
    # consoa = 0, pdla = 0 and nombre_mailles_secretisees_agriculture = 1: unknown, never zero.
    agri = d.loc[("62498", "electricite", "agriculture")]
    assert math.isnan(agri["value"]) and agri["nature"] == "secret"
    assert d.loc[("62498", "gaz", "industrie"), "nature"] == "secret"
    # A real zero stays a zero (SICAE's tertiary is 0 and not secret; Enedis' is 8 000).
    assert d.loc[("62498", "electricite", "tertiaire"), "value"] == 8000
    assert d.loc[("62498", "electricite", "non_affecte"), "value"] == 10  # "secteur inconnu" block kept
    # Lille (59350) is outside the territory: left out, counted.
    assert df.attrs["outside"] == {"rows": 1, "communes": 1}
    assert set(df["geo_code"]) == {"62498"}
    agg = df.attrs["aggregates"].set_index(["geo_level", "geo_code", "carrier", "sector"])
    assert agg.loc[("departement", "59", "electricite", "residentiel"), "value"] == 999999
    assert agg.loc[("france", "FR", "electricite", "residentiel"), "value"] == pytest.approx(999999 + 12446.178)
    assert agg.loc[("departement", "62", "electricite", "agriculture"), "secret_cells"] == 1


def test_ore_long_2022_layout_sums_naf_rows_and_reads_empty_and_secret_as_unknown():
    df = read_ore_consumption(FIXTURES / "ore_long_2022.csv", communes={"62498", "62119"})
    assert df.attrs["layout"] == "ore_long_2022"
    d = df.set_index(["geo_code", "carrier", "sector"])
    assert d.loc[("62498", "electricite", "tertiaire"), "value"] == 6000 + 2000  # NAF 47 + NAF 56
    assert d.loc[("62498", "electricite", "residentiel"), "value"] == pytest.approx(12345.678 + 100.5)
    assert d.loc[("62498", "gaz", "industrie"), "nature"] == "secret"  # one empty row, one "secret" row
    assert d.loc[("62119", "electricite", "agriculture"), "nature"] == "secret"
    assert d.loc[("62119", "electricite", "non_affecte"), "value"] == 150  # INCONNU
    assert df.attrs["outside"] == {"rows": 1, "communes": 1}


def test_sdes_layout_reads_literal_secret():
    df = read_ore_consumption(FIXTURES / "sdes_local.csv")
    assert df.attrs["layout"] == "sdes_local"
    d = df.set_index(["geo_code", "carrier", "sector"])
    assert d.loc[("62498", "electricite", "residentiel"), "value"] == pytest.approx(12345.678)
    assert d.loc[("62498", "electricite", "agriculture"), "nature"] == "secret"
    # One NAF row of the tertiary gas is empty: the sector total is unknown, not 5 000.
    assert d.loc[("62498", "gaz", "tertiaire"), "nature"] == "secret"


def test_unknown_layout_lists_the_known_ones(tmp_path):
    f = tmp_path / "autre.csv"
    f.write_text("annee;commune;kwh\n2022;62498;12\n", encoding="utf-8")
    with pytest.raises(InputDataError) as err:
        read_ore_consumption(f)
    text = str(err.value)
    assert "disposition de fichier inconnue" in text and "ligne 1" in text
    assert "Agence ORE 2011–2021" in text and "ODRÉ" in text and "SDES" in text


# --- ODRÉ ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("lower", [False, True])
def test_odre_registry_snapshot_in_kwh_camelcase_and_lowercase(tmp_path, lower):
    """Fixture rows after real ODRÉ records (FORMATS.md): energy fields are in kWh."""
    f = _variant(FIXTURES / "odre_registre.csv", tmp_path / "odre.csv", lower=lower)
    df = read_odre_registry(f, snapshot_year=2022, communes={"62498", "62119"})
    assert set(df["year"]) == {2022}
    lens_pv = df[(df["code_insee"] == "62498") & (df["technology"] == "solaire_pv")]
    assert lens_pv["capacity_kw"].sum() == pytest.approx(1234.5 + 5000)  # decimal comma in the aggregate row
    assert lens_pv["installations"].sum() == 311  # 310 small ones + 1 plant
    assert lens_pv["small_aggregate"].sum() == 1
    # A 40 kW run-of-river plant: 173 003 kWh = 173.003 MWh (about 4 300 h at full power, plausible).
    assert df.loc[df["technology"] == "hydraulique", "energy_mwh"].iloc[0] == pytest.approx(173.003)
    assert df.loc[df["technology"] == "eolien", "energy_mwh"].iloc[0] == pytest.approx(24000)
    # The two rows without a commune (aggregate of small ones, "Confidentiel") are counted apart.
    assert df.attrs["unplaced"]["rows"] == 2 and df.attrs["unplaced"]["capacity_kw"] == 599.0
    assert df.attrs["unplaced"]["by_departement"] == {"62": {"rows": 2, "capacity_kw": 599.0}}
    assert df.attrs["outside"] == {"rows": 2, "communes": 2}
    agg = df.attrs["aggregates"].set_index(["geo_level", "geo_code", "technology", "variable"])["value"]
    # France's hydro: (173 003 + 1 364 822) kWh = 1 537.825 MWh; 40 + 2 000 kW.
    assert agg[("france", "FR", "hydraulique", "production")] == pytest.approx(1537.825)
    assert agg[("france", "FR", "hydraulique", "capacity")] == 2040
    assert agg[("departement", "62", "solaire_pv", "capacity")] == pytest.approx(1234.5 + 5000 + 99)


# --- CITEPA IGT, Enedis, population, territory ------------------------------------------------------

def test_igt_reads_sectors_and_keeps_biomass_outside_totals():
    df = read_igt_citepa(FIXTURES / "igt_extrait.csv", year=2016)
    assert len(df) == 3 * 10
    abl = df[df["code_insee"] == "62001"].set_index("sector")
    assert abl.loc["residentiel", "value"] == pytest.approx(2740.539844294819)
    assert not abl.loc["co2_biomasse_hors_total", "in_total"]
    assert not abl.loc["transport_international", "in_total"]
    # An empty "Autres transports" cell of a village is the absence of the activity (FORMATS.md).
    assert abl.loc["autres_transports", "value"] == 0 and not abl.loc["autres_transports", "gap"]
    # Hand sum of the eight PCAET sectors of Ablain-Saint-Nazaire (row 2 of the file):
    expected = (2031.34145241175 + 234.467059536919 + 11.7727887058446 + 34.5560667534461
                + 2740.539844294819 + 792.563344847813 + 848.442155864745)
    assert abl.loc[abl["in_total"], "value"].sum() == pytest.approx(expected)


def test_igt_empty_cell_in_a_sector_every_commune_has_is_a_gap(tmp_path):
    """Béthune's ``Routier`` is empty in the real 2016 IGT (FORMATS.md): unknown, never zero."""
    lines = (FIXTURES / "igt_extrait.csv").read_text(encoding="utf-8").splitlines()
    lines[2] = lines[2].replace(",457.782578000901,", ",,")  # Acheville without road transport
    f = tmp_path / "igt.csv"
    f.write_text("\n".join(lines) + "\n", encoding="utf-8")
    d = read_igt_citepa(f, year=2016).set_index(["code_insee", "sector"])
    assert math.isnan(d.loc[("62003", "transport_routier"), "value"]) and d.loc[("62003", "transport_routier"), "gap"]
    assert not d["gap"].drop(("62003", "transport_routier")).any()


def test_enedis_epci():
    df = read_enedis_residential_epci(FIXTURES / "enedis_epci.csv")
    assert df.iloc[0]["epci_siren"] == "200072460" and df.iloc[0]["value"] == pytest.approx(544676.229)
    assert df.iloc[0]["sites"] == 126364


def test_population():
    df = read_population(FIXTURES / "population.csv")
    assert df["population_municipale"].tolist() == [32239, 32448, 25555]
    assert df["population_totale"].isna().tolist() == [False, True, False]
    assert df["millesime_statut"].tolist() == ["documentee", "documentee", "inferee"]


def test_shipped_territory_has_150_communes_in_3_epci():
    c = read_communes(REPO / "data/raw/territoire/pma_communes.csv")
    assert len(c) == 150
    counts = c.groupby(["epci_sigle", "epci_siren"]).size().to_dict()
    assert counts == {("CALL", "246200364"): 36, ("CAHC", "246200299"): 14, ("CABBALR", "200072460"): 100}


# --- inventory template ----------------------------------------------------------------------------

def test_inventory_csv_converts_units_and_spellings():
    df = read_inventory(FIXTURES / "inventaire.csv")
    assert df.loc[0, ["sector", "carrier", "unit"]].tolist() == ["residentiel", "gaz", "MWh"]
    assert df.loc[0, "value"] == pytest.approx(1234.5 * 1000)  # "1 234,5 GWh"
    assert df.loc[1, "value"] == 45678 and df.loc[1, "carrier"] == "ges"
    assert df.loc[2, "value"] == pytest.approx(200.0) and df.loc[2, "unit"] == "tCO2e"  # 0,2 ktCO2e


def test_inventory_template_round_trip_csv_and_xlsx(tmp_path):
    csv_path, xlsx_path = write_template(tmp_path)
    a, b = read_inventory(csv_path), read_inventory(xlsx_path)
    cols = ["territoire", "year", "sector", "carrier", "value", "unit"]
    pd.testing.assert_frame_equal(a[cols], b[cols])
    assert a["value"].tolist() == [pytest.approx(1234.5 * 1000), 45678.0, pytest.approx(412.3)]
    assert a.loc[2, ["carrier", "unit"]].tolist() == ["nox", "t"]  # "412,3 t" of NOx


def test_inventory_reads_air_pollutants_in_long_form(tmp_path):
    f = tmp_path / "atmo.csv"
    f.write_text("territoire;annee;secteur;energie_ou_gaz;valeur;unite;source\n"
                 "CALL;2005;residentiel;PM2,5;210,5;t;Atmo\n"
                 "CALL;2005;agriculture;NH3;350 000;kg;Atmo\n"
                 "CALL;2005;industrie;SO₂;0,12;kt;Atmo\n", encoding="utf-8")
    df = read_inventory(f)
    assert df["carrier"].tolist() == ["pm25", "nh3", "so2"] and set(df["unit"]) == {"t"}
    # kg and kt converted to tonnes by hand: 350 000 kg = 350 t; 0,12 kt = 120 t.
    assert df["value"].tolist() == [pytest.approx(210.5), pytest.approx(350.0), pytest.approx(120.0)]
    f.write_text("territoire;annee;secteur;energie_ou_gaz;valeur;unite;source\n"
                 "CALL;2005;residentiel;NOx;12;MWh;Atmo\n", encoding="utf-8")
    with pytest.raises(InputDataError) as exc:
        read_inventory(f, "atmo.csv")
    assert "atmo.csv, ligne 2, colonne « unite »" in str(exc.value) and "polluants en t, kg ou kt" in str(exc.value)


def test_inventory_xlsx_errors_name_sheet_and_line(tmp_path):
    from openpyxl import load_workbook

    _, xlsx_path = write_template(tmp_path)
    wb = load_workbook(xlsx_path)
    wb["inventaire"]["F3"] = "tonnes"
    wb.save(xlsx_path)
    with pytest.raises(InputDataError) as exc:
        read_inventory(xlsx_path, sheet="inventaire")
    text = str(exc.value)
    assert "feuille « inventaire »" in text and "ligne 3" in text and "colonne « unite »" in text and "tonnes" in text


# --- the columnar reader keeps exact lines ------------------------------------------------------------

def test_fast_reader_takes_quoted_fields_and_keeps_line_numbers(tmp_path):
    from pma_eval.sources._table import read_csv_fast

    f = tmp_path / "q.csv"
    f.write_text('"annee";"nom"\n"2022";"Lens; centre"\n2023;Liévin\n', encoding="utf-8")
    df = read_csv_fast(f)
    assert df["nom"].tolist() == ["Lens; centre", "Liévin"] and df["_line"].tolist() == [2, 3]
    # A blank line shifts the records: the exact reader takes over and lines stay those of the editor.
    f.write_text("annee;nom\n2022;Lens\n\n2023;Liévin\n", encoding="utf-8")
    assert read_csv_fast(f)["_line"].tolist() == [2, 4]


def test_a_future_year_is_refused_in_observed_data(tmp_path, monkeypatch):
    """Issue 25, point 3: a file with 2030 went in with exit 0 and was published as observed. An
    observation cannot be about a year after the current one: refused, with file, line, column and value
    (here the third line of the file, the second data row)."""
    import datetime

    from pma_eval.errors import InputDataError

    this_year = datetime.date.today().year
    lines = (FIXTURES / "ore_commune.csv").read_text(encoding="utf-8").splitlines()
    lines[2] = lines[2].replace(";2022;", f";{this_year + 4};", 1)
    f = tmp_path / "ore_2030.csv"
    f.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(InputDataError) as exc:
        read_ore_consumption(f, "data/raw/energie/ore_2030.csv")
    pb = exc.value.problems[0]
    assert (pb.file, pb.line, pb.column, pb.value) == ("data/raw/energie/ore_2030.csv", 3, "annee", str(this_year + 4))
    assert "année future" in pb.message and str(this_year) in pb.message
    # the current year itself is accepted (a partial or early file is not a typing error)
    lines[2] = lines[2].replace(f";{this_year + 4};", f";{this_year};", 1)
    f.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert this_year in set(read_ore_consumption(f)["year"])
