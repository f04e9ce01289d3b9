"""Air pollutants (issue 16): an observatory's inventory entered in the template for one EPCI goes
through the build, the indicators, the export and the annual report; the PRÉPA targets judge it."""

from __future__ import annotations

import csv

import pandas as pd
import pytest

from pma_eval.processed import load

from ..conftest import REPO
from .added import CAHC, CALL, NOX, PM25, SCALE_2005


def _demo(pollutant: str, epci: str, year: int) -> float:
    """The shipped demonstration value of an EPCI: sum of its sector rows (read with the csv module)."""
    with open(REPO / "data/raw/demonstration/inventaire_polluants_air_epci_2005_2023_demo.csv", encoding="utf-8") as f:
        return sum(float(r["valeur"]) for r in csv.DictReader(f, delimiter=";")
                   if r["territoire"] == epci and int(r["annee"]) == year and r["energie_ou_gaz"] == pollutant)


def test_observatory_values_replace_the_demonstration_of_what_they_cover(tiny_added):
    """An observatory's inventory of NOx and PM2,5 for the CAHC (tests/assemble/added.py: NOX and PM25 by sector, 2023 as
    written, 2005 × SCALE_2005), in the small territory built once with the other additions of the build tests."""
    air_project = tiny_added
    ind = load("indicators", air_project).set_index(["indicator_id", "geo_level", "geo_code", "year"])
    # NOx of the CAHC in 2023: the sum of the eight sectors entered, by hand.
    nox = sum(NOX.values())
    assert ind.loc[("air_nox", "epci", CAHC, 2023), "value"] == pytest.approx(nox)
    assert ind.loc[("air_nox", "epci", CAHC, 2023), "nature"] == "observed"
    # Per inhabitant: t × 1000 / the CAHC's legal population 2023 (the communes of the territory).
    pop = ind.loc[("population", "epci", CAHC, 2023), "value"]
    assert ind.loc[("air_nox_par_habitant", "epci", CAHC, 2023), "value"] == pytest.approx(1000 * nox / pop)
    # PM10 was not entered: it stays demonstration for the CAHC.
    assert ind.loc[("air_pm10", "epci", CAHC, 2023), "nature"] == "demonstration"
    # The territory is the sum of its EPCIs (the small test territory has two): the CAHC observed, the CALL
    # demonstration; a mixed total is demonstration.
    pole = nox + _demo("NOx", CALL, 2023)
    assert ind.loc[("air_nox", "pma", "PMA", 2023), "value"] == pytest.approx(pole, rel=1e-9)
    assert ind.loc[("air_nox", "pma", "PMA", 2023), "nature"] == "demonstration"


def test_the_cahc_report_and_export_show_the_observed_figures_and_their_prepa_verdicts(tiny_added, tmp_path):
    air_project = tiny_added
    from pma_eval.indicators import load_catalogue
    from pma_eval.processed import load_territory
    from pma_eval.publish.indicator_export import export
    from pma_eval.report import annual as a
    from pma_eval.report.context import load_context

    out = export(load("indicators", air_project), load_catalogue(), load_territory(air_project), tmp_path / "x.csv")
    rows = [r for r in csv.DictReader(open(out, encoding="utf-8-sig"), delimiter=";")
            if r["indicateur"] == "air_nox" and r["code"] == CAHC and r["annee"] == "2023"]
    assert len(rows) == 1 and rows[0]["nature"] == "observée" and rows[0]["unite"] == "t"
    assert float(rows[0]["valeur"].replace(",", ".")) == pytest.approx(sum(NOX.values()))

    ctx = load_context(2023, "CAHC", air_project)
    t = a.air_table(ctx).frame.set_index("Polluant")
    assert t.at["NOx", "Émissions 2023 (t)"] == pytest.approx(sum(NOX.values()))
    # Since 2005: every value was 2,5 times higher, so −60 % (1/2,5 − 1), by hand.
    assert t.at["NOx", "Depuis 2005"] == pytest.approx(1 / SCALE_2005 - 1)
    assert t.at["PM2,5", "Premier secteur"] == f"Résidentiel ({round(100 * 148.5 / sum(PM25.values()))}\u00a0%)"
    assert t.at["NOx", "Objectif national 2030"] == "−69\u00a0% / 2005"
    v = ctx.verdicts.set_index("target_id")
    # PRÉPA NOx 2030 = −69 % of 2005: the target level is 0,31 × the 2005 value.
    assert v.at["fr_prepa_nox_2030", "target_value"] == pytest.approx(0.31 * SCALE_2005 * sum(NOX.values()), rel=1e-6)
    assert v.at["fr_prepa_nox_2030", "framework"] == "National (PRÉPA, qualité de l'air)"


def test_commune_rows_give_commune_indicators_by_hand():
    """An observatory file by commune: the commune's total and per-inhabitant value (kg)."""
    from pma_eval.indicators import load_catalogue
    from pma_eval.indicators.compute import compute_indicator

    cat = load_catalogue()
    air = pd.DataFrame({"geo_level": "commune", "geo_code": "62498", "year": 2023, "pollutant": "nox",
                        "sector": ["transport_routier", "residentiel"], "value": [120.0, 30.0],
                        "nature": "observed", "complete": True})
    pop = pd.DataFrame({"geo_level": ["commune"], "geo_code": ["62498"], "year": [2023], "variable": ["population_municipale"],
                        "value": [30000.0], "nature": ["observed"], "complete": [True]})
    done = {"population": compute_indicator(cat["population"], {"population": pop}, {})}
    total = compute_indicator(cat["air_nox"], {"air": air}, done)
    done["air_nox"] = total
    per = compute_indicator(cat["air_nox_par_habitant"], {}, done)
    assert total["value"].tolist() == [150.0]  # 120 + 30 t
    assert per["value"].tolist() == [pytest.approx(5.0)]  # 150 t × 1000 / 30 000 inhabitants = 5 kg
    # Without any air inventory the indicators are empty, never zero.
    assert compute_indicator(cat["air_nox"], {}, done).empty
