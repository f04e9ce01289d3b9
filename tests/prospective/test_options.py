"""The options table of the scenario report (issue 15): effort asked, pace observed, holders, costs."""

from __future__ import annotations

import pandas as pd
import pytest

from pma_eval.errors import InputDataError
from pma_eval.prospective import resolve
from pma_eval.prospective.model import LEVER_ORDER
from pma_eval.prospective.options import (EFFORTS, HOLDERS, OBSERVED, observed_pace, required_efforts,
                                          yearly_cost)
from pma_eval.prospective.scenarios import LEVERS
from pma_eval.sources.prospective import read_unit_costs


def _scenario(levers: dict):
    return resolve({"x": ("scenarios/x.yml", {"titre": "X", "leviers": levers})})["x"]


def test_every_lever_declares_its_efforts_observation_and_holders():
    assert set(EFFORTS) == set(LEVERS) == set(OBSERVED) == set(HOLDERS) == set(LEVER_ORDER)
    for lever, efforts in EFFORTS.items():
        for e in efforts:
            assert e.key in LEVERS[lever], (lever, e.key)
            assert e.kind in ("rate", "share")


def test_required_efforts_by_hand():
    sc = _scenario({"renovation": {"logements_par_an": {"loi": "triangulaire", "min": 4000, "mode": 6000, "max": 7000},
                                   "debut": 2025, "fin": 2030},
                    "tertiaire": {"reduction_consommation": 0.3, "debut": 2024, "fin": 2040},
                    "dechets": {"reduction": 0.0}})
    e = required_efforts(sc, base_year=2023, horizon=2050).set_index(["lever", "key"])
    # A rate keeps its central value (the mode): 6 000 dwellings a year.
    assert e.at[("renovation", "logements_par_an"), "per_year"] == 6000
    # A share is spread over its ramp: 0.30 / (2040 − 2024) = 0.01875 a year.
    assert e.at[("tertiaire", "reduction_consommation"), "per_year"] == pytest.approx(0.3 / 16)
    assert e.at[("tertiaire", "reduction_consommation"), "decrease"]
    # Without debut/fin, the lever runs from the base year to the horizon; a zero effort is no row.
    assert ("dechets", "reduction") not in e.index
    sc2 = _scenario({"industrie": {"reduction_procedes": 0.54}})
    e2 = required_efforts(sc2, 2023, 2050).iloc[0]
    assert (e2["start"], e2["end"]) == (2023, 2050) and e2["per_year"] == pytest.approx(0.54 / 27)


def test_observed_pace_by_hand():
    # Capacity: mean yearly addition, (70 000 − 10 000) kW / (2023 − 2018) = 12 000 kW a year.
    cap = pd.Series({2016: 5000.0, 2018: 10000.0, 2020: 30000.0, 2023: 70000.0})
    assert observed_pace(cap, "capacity") == {"start": 2018, "end": 2023, "value": 12000.0}
    # A sector's consumption: the verdicts' pace in its own unit, (90 − 100) / 5 = −2 MWh a year (issue 23:
    # one rate language, the same as the verdict tables).
    en = pd.Series({2017: 120.0, 2018: 100.0, 2021: 95.0, 2023: 90.0})
    assert observed_pace(en, "energy")["value"] == pytest.approx(-2.0)
    # Too short a series gives no pace rather than a pace over two years.
    assert observed_pace(pd.Series({2022: 1.0, 2023: 2.0}), "energy") is None


def test_yearly_cost_by_hand_and_never_a_partial_sum():
    sc = _scenario({"renovation": {"logements_par_an": 6000},
                    "chauffage": {"chaudieres_fioul_par_an": 1000, "chaudieres_gaz_par_an": 2000},
                    "tertiaire": {"reduction_consommation": 0.3}})
    efforts = required_efforts(sc, 2023, 2050)
    costs = pd.DataFrame({"levier": ["renovation", "chauffage"], "parametre": ["logements_par_an", "chaudieres_gaz_par_an"],
                          "cout_unitaire": [25000.0, 12000.0], "annee_euros": [2023, 2023],
                          "reference_cout": ["Étude A", "Étude B"]})
    out = yearly_cost(efforts, costs).set_index("lever")
    # 6 000 dwellings × 25 000 € = 150 M€ a year.
    assert out.at["renovation", "cost"] == pytest.approx(150e6)
    assert out.at["renovation", "sources"] == "Étude A, euros 2023"
    # Heating has no cost for its oil boilers: no cost at all, not the gas boilers' part alone.
    assert "chauffage" not in out.index and "tertiaire" not in out.index
    assert yearly_cost(efforts, pd.DataFrame()).empty


def test_shipped_unit_cost_template_is_empty_and_bad_rows_are_located(tmp_path):
    from pma_eval.config import get_paths

    assert read_unit_costs(get_paths().raw / "referentiels" / "couts_unitaires_leviers.csv").empty
    f = tmp_path / "couts.csv"
    f.write_text("levier,parametre,cout_unitaire,annee_euros,source\n"
                 "renovation,logements_par_an,25000,2023,Étude A\n"
                 "tertiaire,reduction_consommation,10,2023,Étude B\n"
                 "renovation,logements_par_an,abc,2023,Étude C\n", encoding="utf-8")
    with pytest.raises(InputDataError) as err:
        read_unit_costs(f, "couts.csv")
    text = str(err.value)
    assert "couts.csv" in text and "ligne 3" in text and "tertiaire / reduction_consommation" in text
    assert "ligne 4" in text and "abc" in text and "nombre attendu" in text
