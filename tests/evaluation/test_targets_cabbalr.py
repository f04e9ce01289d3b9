"""The CABBALR's own 2050 PCAET targets (issue 26): read from the shipped targets file with their source and
status, judged on hand-made series, heading the CABBALR's verdicts; the carbon-storage target, which no
indicator can judge, is « non évaluable » with its reason.

Source of the figures: the CABBALR's page « Le plan climat-air-énergie »
(https://www.bethunebruay.fr/index.php/fr/le-plan-climat-air-energie), whose excerpt is shipped beside the
file (``data/raw/objectifs/cabbalr_pcaet_2020-2026_objectifs_2050.txt``): energy −50 % vs 2012, GHG −87 % vs
2015, 25 % renewable production, carbon storage ×8.
"""

from __future__ import annotations

import pandas as pd
import pytest

from pma_eval.evaluation.targets import evaluate_targets, headline_target, prepare_targets
from pma_eval.report.annual.synthesis import main_targets
from pma_eval.sources import read_targets
from pma_eval.sources.objectifs import VERIFICATION_FR

from ..conftest import REPO

FOLDER = REPO / "data/raw/objectifs"
PAGE = "https://www.bethunebruay.fr/index.php/fr/le-plan-climat-air-energie"
DIRECTIONS = {"conso_energie_finale": "decrease", "ges_total": "decrease", "part_enr_conso_finale": "increase",
              "ges_par_habitant": "decrease", "enr_production_totale": "increase", "ges_nettes": "decrease"}


@pytest.fixture(scope="module")
def targets() -> pd.DataFrame:
    """The national file and the CABBALR's, as the build combines them."""
    national = read_targets(FOLDER / "objectifs_climat_energie_millesime_2026-12.csv")
    own = read_targets(FOLDER / "objectifs_pcaet_cabbalr_2020-2026.csv")
    return prepare_targets(pd.concat([national, own], ignore_index=True))


def test_the_cabbalr_targets_are_read_with_their_source_and_status():
    t = read_targets(FOLDER / "objectifs_pcaet_cabbalr_2020-2026.csv").set_index("target_id")
    assert list(t.index) == ["pcaet_cabbalr_energie_2050", "pcaet_cabbalr_ges_2050", "pcaet_cabbalr_enr_2050",
                             "pcaet_cabbalr_stockage_carbone_2050"]
    assert (t["perimetre"] == "CABBALR").all() and (t["target_year"] == 2050).all()
    assert t["valeur"].tolist() == [-0.5, -0.87, 0.25, 8.0]
    assert t["ref_year"].tolist()[:2] == [2012, 2015]
    assert all(PAGE in s for s in t["trouve_dans"])
    assert (t["verification"] == "verifie_site_epci").all() and t["verified"].all()
    assert VERIFICATION_FR["verifie_site_epci"] == "vérifié sur le site de l'EPCI"
    # the reading of the ambiguous share is written in the row
    assert "consommation d'énergie finale" in t.at["pcaet_cabbalr_enr_2050", "note"]
    meta = (FOLDER / "objectifs_pcaet_cabbalr_2020-2026.csv.meta.yml").read_text(encoding="utf-8")
    assert "format: objectifs" in meta
    assert (FOLDER / "cabbalr_pcaet_2020-2026_objectifs_2050.txt.meta.yml").exists()


def test_they_head_the_cabbalr_verdicts_and_are_judged_by_hand(targets):
    years = range(2012, 2024)
    # Hand-made series: consumption 1 000 in 2012 falling 10 a year; emissions 200 in 2015 falling 2 a
    # year; renewable share 5 % rising 0,5 point a year.
    series = {"conso_energie_finale": pd.Series([1000.0 - 10 * (y - 2012) for y in years], index=list(years)),
              "ges_total": pd.Series([200.0 - 2 * (y - 2015) for y in years], index=list(years)),
              "part_enr_conso_finale": pd.Series([5.0 + 0.5 * (y - 2012) for y in years], index=list(years))}
    v = evaluate_targets(series, targets, "epci", "CABBALR", DIRECTIONS)
    assert v["target_id"].tolist()[:4] == ["pcaet_cabbalr_energie_2050", "pcaet_cabbalr_ges_2050",
                                           "pcaet_cabbalr_enr_2050", "pcaet_cabbalr_stockage_carbone_2050"]
    own = v.set_index("target_id")
    assert (own.loc[own.index.str.startswith("pcaet_cabbalr"), "framework"] == "Local (PCAET CABBALR)").all()
    assert own.at["pcaet_cabbalr_energie_2050", "target_value"] == pytest.approx(500.0)  # 1 000 × (1 − 0,50)
    assert own.at["pcaet_cabbalr_ges_2050", "target_value"] == pytest.approx(26.0)  # 200 × (1 − 0,87)
    assert own.at["pcaet_cabbalr_enr_2050", "target_value"] == pytest.approx(25.0)  # 0,25 → 25 %
    assert own.at["pcaet_cabbalr_enr_2050", "indicator_id"] == "part_enr_conso_finale"
    assert "lecture retenue" in own.at["pcaet_cabbalr_enr_2050", "note"]
    carbon = own.loc["pcaet_cabbalr_stockage_carbone_2050"]
    assert carbon["category"] == "not_assessable" and carbon["label_fr"] == "non évaluable"
    assert "année de référence" in carbon["reason"] and "aucun verdict" in carbon["reason"]
    assert carbon["description"] == "×8,0 en 2050 par rapport à une référence non précisée"
    # The 2050 horizon of each indicator is the CABBALR's own target, before the national −50 % of 2050.
    main, _ = main_targets(v[v["category"] != "not_assessable"], 2023)
    horizon = main[main["target_year"] == 2050].set_index("indicator_id")["target_id"]
    assert horizon["conso_energie_finale"] == "pcaet_cabbalr_energie_2050"
    assert horizon["ges_total"] == "pcaet_cabbalr_ges_2050"
    assert headline_target(v, "ges_total", 2023)["target_id"] == "pcaet_cabbalr_ges_2050"


def test_they_do_not_apply_to_another_epci(targets):
    s = pd.Series([100.0 - y + 2012 for y in range(2012, 2024)], index=list(range(2012, 2024)))
    v = evaluate_targets({"ges_total": s}, targets, "epci", "CALL", DIRECTIONS)
    assert not v["target_id"].str.startswith("pcaet_cabbalr").any()


def test_a_share_known_for_one_year_only_is_not_assessable_with_its_reason(targets):
    """A series of one year (a first real value, say) gives no pace: the verdict says so instead of failing
    (it raised « 'NoneType' object has no attribute 'start_year' »)."""
    v = evaluate_targets({"part_enr_conso_finale": pd.Series([10.5], index=[2023])}, targets, "epci", "CABBALR",
                         DIRECTIONS).set_index("target_id")
    row = v.loc["pcaet_cabbalr_enr_2050"]
    assert row["category"] == "not_assessable"
    assert row["reason"] == "une seule année de données (2023) : aucun rythme mesurable"
