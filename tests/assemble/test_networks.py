"""Energy networks and bill (issue 16): price tables are read with their units and located errors, and
the bill multiplies each consumption by the price of its energy and sector (else the price for every
sector), leaving an energy without a price unknown, never zero."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from pma_eval.assemble.common import RawFile
from pma_eval.assemble.steps import energy_bill
from pma_eval.errors import InputDataError
from pma_eval.sources.prices import read_prices


def test_prices_units_and_sectors(tmp_path):
    p = tmp_path / "prix.csv"
    p.write_text("energie;secteur;annee;prix;unite;source\n"
                 "electricite;residentiel;2023;25,16;c€/kWh;SDES Pégase\n"
                 "gaz naturel;tous;2023;0,1036;€/kWh;SDES Pégase\n"
                 "fioul;tous;2023;125;€/MWh;SDES Pégase\n", encoding="utf-8")
    df = read_prices(p)
    assert df["carrier"].tolist() == ["electricite", "gaz", "produits_petroliers"]
    assert df["sector"].tolist() == ["residentiel", "tous", "tous"]
    # 25,16 c€/kWh = 251,6 €/MWh; 0,1036 €/kWh = 103,6 €/MWh (by hand).
    assert df["price"].tolist() == pytest.approx([251.6, 103.6, 125.0])


def test_price_error_is_located(tmp_path):
    p = tmp_path / "prix.csv"
    p.write_text("energie;secteur;annee;prix;unite;source\nelectricite;residentiel;2023;25;€/L;x\n", encoding="utf-8")
    with pytest.raises(InputDataError) as exc:
        read_prices(p, "data/raw/prix.csv")
    pb = exc.value.problems[0]
    assert (pb.file, pb.line, pb.column, pb.value) == ("data/raw/prix.csv", 2, "unite", "€/L")


def test_bill_by_hand():
    energy = pd.DataFrame({
        "geo_level": "epci", "geo_code": "246200364", "year": [2023, 2023, 2023, 2022],
        "sector": ["residentiel", "tertiaire", "residentiel", "residentiel"],
        "carrier": ["electricite", "electricite", "charbon", "electricite"],
        "value": [1000.0, 500.0, 10.0, 900.0], "nature": "observed", "source": "ore.csv", "complete": True,
        "origin": "given", "unit": "MWh"})
    prices = pd.DataFrame({"carrier": ["electricite", "electricite"], "sector": ["residentiel", "tous"],
                           "year": [2023, 2023], "price": [250.0, 200.0], "source": "x", "line": [2, 3]})
    read = {"prix_energie": [(RawFile(Path("prix_demo.csv"), {"nature": "demonstration"}, "prix_demo.csv"), prices)]}
    bill = energy_bill(read, energy).set_index(["sector", "carrier"])
    # Only 2023 has prices. Residential electricity at its own price, tertiary at the « tous » price.
    assert set(energy_bill(read, energy)["year"]) == {2023}
    assert bill.at[("residentiel", "electricite"), "value"] == pytest.approx(1000 * 250.0)
    assert bill.at[("tertiaire", "electricite"), "value"] == pytest.approx(500 * 200.0)
    # Coal has no price: unknown and incomplete, never zero.
    assert pd.isna(bill.at[("residentiel", "charbon"), "value"])
    assert not bill.at[("residentiel", "charbon"), "complete"]
    # Observed consumption × demonstration price is demonstration.
    assert bill.at[("residentiel", "electricite"), "nature"] == "demonstration"
    assert (bill["unit"] == "EUR").all()
