"""Issue 23, « Targets »: what a target row is, how each kind is judged, and Eurostat's method.

Every expected number is a hand calculation written beside it.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from pma_eval.evaluation import assess_progress, evaluate_targets, prepare_targets
from pma_eval.evaluation.targets import target_role

from .test_evaluation import _target

PREPA = "PRÉPA, décret n° 2017-949 du 10 mai 2017 (Code de l'environnement, art. D. 222-38)"


def test_a_reference_value_is_read_from_the_raw_text_and_never_judged():
    """The HCC's 6,9 t per inhabitant (2017) is a reference value: it got a green « objectif atteint »
    because the accents were restored (« référence ») before the kind was read (« reference »)."""
    raw = _target("fr_ges_hab_2017_ref", "France", "HCC rapport 2020 (donnees 2017), valeur de reference", 6.9,
                  indicateur="emissions_GES_par_habitant", target_year=2017, ref_year=None, unite="tCO2e/hab")
    t = prepare_targets(pd.DataFrame([raw]))
    assert t.at[0, "role"] == "reference" and "référence" in t.at[0, "document"]  # the page is accented
    s = pd.Series([5.6, 5.2, 4.3], index=[2012, 2017, 2023])
    v = evaluate_targets({"ges_par_habitant": s}, t, "pma", "PMA", {"ges_par_habitant": "decrease"})
    assert v.empty  # no verdict, no row
    assert target_role("Valeur de Référence nationale") == "reference"  # accents and case do not matter
    assert target_role(PREPA) == "ceiling" and target_role("SNBC-2") == "target"


def _ceilings(values: dict[int, float]):
    rows = [_target(f"so2_{y}", "France", PREPA, v, indicateur="emissions_SO2", target_year=y, ref_year=2005)
            for y, v in ((2020, -0.55), (2025, -0.66), (2030, -0.77))]
    t = prepare_targets(pd.DataFrame(rows))
    s = pd.Series(values, dtype=float)
    return t, evaluate_targets({"air_so2": s}, t, "pma", "PMA", {"air_so2": "decrease"}).set_index("target_id")


def test_a_ceiling_is_judged_in_every_year_it_is_in_force():
    """Décret n° 2017-949: the 2020 ceiling applies every year from 2020 to 2024. With 2005 = 100 the
    2020 ceiling is 45; 2020 = 40 and 2021 = 44 keep it; 2023 = 47 exceeds it again. The old rule read
    only 2020 and said « objectif atteint »."""
    t, v = _ceilings({2005: 100, 2018: 60, 2020: 40, 2021: 44, 2022: 45, 2023: 47})
    assert list(t["in_force_until"].iloc[:2]) == [2024, 2029] and math.isnan(t["in_force_until"].iloc[2])
    assert v.at["so2_2020", "category"] == "target_missed"
    assert v.at["so2_2020", "label_fr"] == "plafond dépassé en 2023"  # 45 itself is within the ceiling
    assert math.isnan(v.at["so2_2020", "required_rate"])  # a ceiling in force gets no required pace
    # The 2025 ceiling (34) is not yet in force in 2023: judged on the pace towards it.
    assert v.at["so2_2025", "category"] in ("significant_progress", "moderate_progress", "insufficient_progress",
                                            "movement_away")
    _, kept = _ceilings({2005: 100, 2018: 60, 2020: 40, 2021: 44, 2022: 45, 2023: 43})
    assert kept.at["so2_2020", "label_fr"] == "plafond respecté chaque année de 2020 à 2023"


def test_a_past_target_is_kept_or_missed_in_its_year_with_no_pace():
    """A 2020 target judged in 2023: −20 % of 100 is 80; the 2020 value 82 misses it, whatever came
    after. No « rythme nécessaire » for a year already gone."""
    r = assess_progress(pd.Series({2015: 100.0, 2018: 90.0, 2020: 82.0, 2023: 70.0}), "decrease", 80.0, 2020)
    assert r.category == "target_missed" and r.label_fr == "objectif non tenu en 2020"
    assert math.isnan(r.required_rate) and math.isnan(r.still_required_rate) and math.isnan(r.required_slope)
    r = assess_progress(pd.Series({2015: 100.0, 2018: 90.0, 2020: 79.0, 2023: 85.0}), "decrease", 80.0, 2020)
    assert r.label_fr == "objectif tenu en 2020"


def test_a_share_target_needs_points_per_year():
    """Issue 23: « il faudrait +34,1 % par an » for a share going from 6,5 % to 33 %. In points: from
    6,5 % in 2018 to 33 % in 2030 is (33 − 6,5) / 12 = 2,208 points a year; observed (9,2 − 6,5) / 5 =
    0,54 point a year; ratio 0,54 / 2,208 = 0,2445 — the same verdict as the relative rates."""
    r = assess_progress(pd.Series({2018: 6.5, 2023: 9.2}), "increase", 33.0, 2030)
    assert r.required_slope == pytest.approx((33 - 6.5) / 12) and r.observed_slope == pytest.approx(0.54)
    assert r.still_required_slope == pytest.approx((33 - 9.2) / 7)
    assert r.ratio == pytest.approx(0.54 / ((33 - 6.5) / 12)) and r.category == "insufficient_progress"
    from pma_eval.report.statement import pace_text

    assert pace_text("%", r.required_slope) == "+2,2\u00a0points/an"
    assert pace_text("%", r.observed_slope) == "+0,54\u00a0point/an"


def test_a_reduction_target_never_shows_a_positive_required_pace():
    """A PM2,5 level of 57 t already under its target of 60: the straight line to the target goes up
    (+0,43 t/yr from 2023 to 2030); the table says « déjà atteint » with the margin (3 t)."""
    from types import SimpleNamespace

    from pma_eval.report.annual.synthesis import _needed

    r = assess_progress(pd.Series({2018: 80.0, 2023: 57.0}), "decrease", 60.0, 2030)
    assert r.category == "target_achieved" and r.still_required_slope == pytest.approx(3 / 7)
    row = SimpleNamespace(pace_category=r.category, end_value=57.0, target_value=60.0)
    assert _needed("t", r.still_required_slope, "decrease", None, row) == "déjà atteint (marge : 3\u00a0t)"
    assert _needed("t", r.required_slope, "decrease", "2018-2023", row) == "déjà atteint"
    # Not met yet: the pace needed is negative and printed as such.
    pending = SimpleNamespace(pace_category="insufficient_progress", end_value=70.0, target_value=60.0)
    assert _needed("t", -10 / 7, "decrease", None, pending) == "−1,43\u00a0t/an"


# --- Eurostat's method ------------------------------------------------------------------------------
# Eurostat, SDG monitoring report, Annex II: compound annual growth rates, observed from the start of
# the period and required from the start of the period to the target; ratio thresholds 95 %, 60 %, 0 %;
# without a target, thresholds 1 % and 0 on the observed compound rate. Hand calculations below.

def test_eurostat_rule_uses_compound_rates_and_its_thresholds():
    # 3 487 kt in 2018 → 3 136 in 2023 (−10,07 %); target 2 441 in 2030 (−30 % of 3 487).
    s = pd.Series({2018: 3487.0, 2023: 3136.0})
    r = assess_progress(s, "decrease", 2441.0, 2030, rule="eurostat")
    agr = (3136 / 3487) ** (1 / 5) - 1  # −2,098 %/yr
    rgr = (2441 / 3487) ** (1 / 12) - 1  # −2,929 %/yr
    assert r.rule == "eurostat" and r.observed_rate == pytest.approx(agr) and r.required_rate == pytest.approx(rgr)
    assert r.ratio == pytest.approx(agr / rgr)  # 0,716
    assert r.category == "moderate_progress"
    # The linear trajectory's ratio on the same figures: (−351 / 5) / (−1 046 / 12) = 0,805, same class here …
    lin = assess_progress(s, "decrease", 2441.0, 2030)
    assert lin.ratio == pytest.approx((-351 / 5) / (-1046 / 12))
    # … but for a deep target they part: 1,1 t in 2050 from 5,2 t (2018) with 4,3 t in 2023.
    deep = pd.Series({2018: 5.2, 2023: 4.3})
    lin, eu = assess_progress(deep, "decrease", 1.1, 2050), assess_progress(deep, "decrease", 1.1, 2050, rule="eurostat")
    assert lin.ratio == pytest.approx((-0.9 / 5) / (-4.1 / 32))  # 1,405: significant
    assert eu.ratio == pytest.approx(((4.3 / 5.2) ** 0.2 - 1) / ((1.1 / 5.2) ** (1 / 32) - 1))  # 0,785: moderate
    assert (lin.category, eu.category) == ("significant_progress", "moderate_progress")


def test_eurostat_rule_without_target_and_where_it_is_undefined():
    # +0,8 %/yr compounded: (1,008^5) → moderate progress; −1,5 %/yr: significant movement away.
    assert assess_progress(pd.Series({2018: 100.0, 2023: 100 * 1.008 ** 5}), "increase",
                           rule="eurostat").category == "moderate_progress"
    assert assess_progress(pd.Series({2018: 100.0, 2023: 100 * 0.985 ** 5}), "increase",
                           rule="eurostat").category == "significant_movement_away"
    # A target of zero has no compound rate: Eurostat's method cannot judge it (the linear one can).
    zero = assess_progress(pd.Series({2018: 100.0, 2023: 90.0}), "decrease", 0.0, 2050, rule="eurostat")
    assert zero.category == "not_assessable"
    with pytest.raises(ValueError):
        assess_progress(pd.Series({2018: 1.0, 2023: 2.0}), "increase", rule="compound")


def test_verdict_rows_carry_eurostats_ratio_as_a_cross_check():
    t = prepare_targets(pd.DataFrame([_target("sraddet", "Hauts-de-France", "SRADDET", -0.30, ref_year=2015)]))
    s = pd.Series({2015: 3487.0, 2018: 3487.0, 2023: 3136.0})
    v = evaluate_targets({"ges_total": s}, t, "pma", "PMA", {"ges_total": "decrease"}).iloc[0]
    assert v["eurostat_ratio"] == pytest.approx(((3136 / 3487) ** 0.2 - 1) / ((2441 / 3487) ** (1 / 12) - 1), rel=1e-3)
    assert v["eurostat_category"] == "moderate_progress"
    assert v["observed_slope"] == pytest.approx(-351 / 5) and v["required_slope"] == pytest.approx((2440.9 - 3487) / 12)


def test_a_population_pace_is_in_whole_inhabitants():
    from pma_eval.report.statement import pace_text

    # Isbergues 2012–2023 by hand: −469 inhabitants in 11 years = −42,6 hab/an → « −43 hab/an »
    assert pace_text("hab", -469 / 11) == "−43\u00a0hab/an"
    assert pace_text("hab", -70 / 11) == "−6\u00a0hab/an"  # Ferfay: −6,36 → −6, no decimal under 10 either
    assert pace_text("hab", 2 / 11) == "moins d’un\u00a0hab/an"
    assert pace_text("installations", 3.4) == "+3\u00a0installations/an"
