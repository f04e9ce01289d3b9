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

from .conftest import FIXTURES, REPO


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


# --- ODRÉ ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("lower", [False, True])
def test_odre_registry_snapshot(tmp_path, lower):
    f = _variant(FIXTURES / "odre_registre.csv", tmp_path / "odre.csv", lower=lower)
    df = read_odre_registry(f, snapshot_year=2022)
    assert set(df["year"]) == {2022}
    lens_pv = df[(df["code_insee"] == "62498") & (df["technology"] == "solaire_pv")]
    assert lens_pv["capacity_kw"].sum() == pytest.approx(1234.5 + 5000)  # decimal comma in the aggregate row
    assert lens_pv["installations"].sum() == 311  # 310 small ones + 1 plant
    assert lens_pv["small_aggregate"].sum() == 1
    assert df.loc[df["technology"] == "eolien", "energy_mwh"].iloc[0] == 24000
    # The two rows without a commune (regional aggregate, "Confidentiel") cannot be placed.
    assert df.attrs["unplaced"] == {"rows": 2, "capacity_kw": 599.0}


# --- CITEPA IGT, Enedis, population, territory ------------------------------------------------------

def test_igt_reads_sectors_and_keeps_biomass_outside_totals():
    df = read_igt_citepa(FIXTURES / "igt_extrait.csv", year=2016)
    assert len(df) == 3 * 10
    abl = df[df["code_insee"] == "62001"].set_index("sector")
    assert abl.loc["residentiel", "value"] == pytest.approx(2740.539844294819)
    assert not abl.loc["co2_biomasse_hors_total", "in_total"]
    assert not abl.loc["transport_international", "in_total"]
    assert math.isnan(abl.loc["autres_transports", "value"])  # empty cell = no value
    # Hand sum of the eight PCAET sectors of Ablain-Saint-Nazaire (row 2 of the file):
    expected = (2031.34145241175 + 234.467059536919 + 11.7727887058446 + 34.5560667534461
                + 2740.539844294819 + 792.563344847813 + 848.442155864745)
    assert abl.loc[abl["in_total"], "value"].sum() == pytest.approx(expected)


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
    assert a["value"].tolist() == [pytest.approx(1234.5 * 1000), 45678.0]


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
