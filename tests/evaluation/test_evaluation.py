"""Evaluation methods against published values and hand calculations (sources named per test)."""

from __future__ import annotations

import math
from statistics import median

import numpy as np
import pandas as pd
import pytest

from pma_eval.evaluation import (
    assess_progress,
    cagr,
    linear_rate,
    lmdi,
    lmdi_chain,
    loglinear_trend,
    mann_kendall,
    required_linear_rate,
    required_rate,
    traffic_light,
    un_extrapolation,
)

# --- Mann–Kendall ------------------------------------------------------------------------------
# Published worked example: D. Little, "A Mann-Kendall Example ('By Hand')", College of the Holy
# Cross (MannKendallByHand.txt): S = 54, V = 14·13·33/18 − 2·1·9/18 (one tie), Z = 2.9058,
# one-sided p ≈ 0.0018 (so two-sided ≈ 0.0037).
HOLY_CROSS = [12.9, 14.8, 13.2, 15.7, 13.8, 15.6, 12.9, 11.0, 17.3, 15.9, 19.0, 18.3, 20.1, 21.7]


def test_mann_kendall_published_example():
    r = mann_kendall(HOLY_CROSS)
    assert r.s == 54
    assert r.var_s == pytest.approx(14 * 13 * 33 / 18 - 2 * 1 * 9 / 18)
    assert r.z == pytest.approx(2.9058, abs=1e-4)
    assert r.p_value == pytest.approx(2 * 0.0018, abs=2e-4)
    assert r.tau == pytest.approx(54 / 91)
    assert r.trend == "increasing"
    # Sen's slope by hand: median of the 91 pairwise slopes (x_j − x_i) / (j − i).
    slopes = [(HOLY_CROSS[j] - HOLY_CROSS[i]) / (j - i) for i in range(14) for j in range(i + 1, 14)]
    assert r.sen_slope == pytest.approx(median(slopes))



def test_mann_kendall_small_decreasing_series_uses_years_for_the_slope():
    s = pd.Series([10.0, 9.0, 8.5, 8.0, 7.0], index=[2010, 2012, 2014, 2016, 2018])
    r = mann_kendall(s)
    assert r.s == -10
    assert r.var_s == pytest.approx(5 * 4 * 15 / 18)  # no ties
    assert r.z == pytest.approx(-9 / math.sqrt(5 * 4 * 15 / 18))  # continuity correction: (S + 1)/σ
    assert r.trend == "decreasing"  # z = −2.20, p = 0.028
    xs = list(s.items())
    slopes = [(b[1] - a[1]) / (b[0] - a[0]) for k, a in enumerate(xs) for b in xs[k + 1:]]
    assert r.sen_slope == pytest.approx(median(slopes))  # per year, not per position


def test_loglinear_trend_recovers_an_exact_rate():
    # Hand construction: 100 × 0.98^(t − 2012) is an exact −2 %/yr log-linear series.
    s = pd.Series([100 * 0.98 ** k for k in range(12)], index=range(2012, 2024))
    t = loglinear_trend(s)
    assert t.rate == pytest.approx(-0.02) and t.rate_low <= t.rate <= t.rate_high


# --- rates -----------------------------------------------------------------------------------------

def test_rates_by_hand():
    assert cagr(100, 121, 2) == pytest.approx(0.10)  # 1.1² = 1.21
    assert required_rate(100, 70, 15) == pytest.approx(0.7 ** (1 / 15) - 1)
    assert linear_rate(100, 70, 15) == pytest.approx(-0.02)  # −30 over 15 years, relative to 100
    assert required_linear_rate(-50, -80, 3) == pytest.approx(-0.2)  # −30/|−50|/3
    with pytest.raises(ValueError):
        cagr(0, 10, 3)


# --- Pace verdicts: one rule (progress.py), worked by hand from Eurostat's published thresholds ----------
# The rate convention is linear: (b − a) / |a| / years, for every target (zero targets included).

def _series(v0, v1, y0=2018, y1=2023):
    return pd.Series([v0, v1], index=[y0, y1])


def test_sraddet_like_case_insufficient_progress():
    # −30 % in 2030 vs 2015 gives a level of 70; observed 100 → 95 between 2018 and 2023 (short term).
    r = assess_progress(_series(100, 95), "decrease", target_value=70, target_year=2030)
    obs = -5 / 100 / 5  # −1.000 %/yr
    req = -30 / 100 / 12  # −2.500 %/yr, from the start of the period (2018) to 2030
    assert (r.start_year, r.end_year, r.term) == (2018, 2023, "short")
    assert r.observed_rate == pytest.approx(obs) and r.required_rate == pytest.approx(req)
    assert r.ratio == pytest.approx(0.4)
    assert r.category == "insufficient_progress" and r.label_fr == "progrès insuffisant"
    assert r.still_required_rate == pytest.approx(-25 / 95 / 7)  # from 2023 to 2030


def test_short_term_is_the_last_five_years_and_long_term_needs_ten():
    from pma_eval.evaluation.progress import assess_terms

    s = pd.Series(range(112, 100, -1), index=range(2012, 2024), dtype=float)  # 112 … 101, −1 a year
    t = assess_terms(s, "decrease", target_value=80, target_year=2030)
    assert (t["short"].start_year, t["short"].start_value) == (2018, 106.0)
    assert t["short"].observed_rate == pytest.approx(-5 / 106 / 5)
    assert (t["long"].start_year, t["long"].term) == (2012, "long")  # 11 years ≥ 10: assessed
    assert t["long"].required_rate == pytest.approx((80 - 112) / 112 / 18)
    assert assess_terms(s.loc[2015:], "decrease", 80, 2030)["long"] is None  # 8 years: too short
    # The lengths are parameters.
    assert assess_terms(s, "decrease", 80, 2030, short=3)["short"].start_year == 2020


@pytest.mark.parametrize("share,expected", [
    (0.95, "significant_progress"), (0.9499, "moderate_progress"), (0.60, "moderate_progress"),
    (0.5999, "insufficient_progress"), (0.0, "insufficient_progress"), (-0.01, "movement_away"),
])
def test_ratio_boundaries(share, expected):
    v1 = 100 - share * 30 / 12 * 5  # observed yearly change = share × required (−30 over 12 years)
    r = assess_progress(_series(100, v1), "decrease", target_value=70, target_year=2030)
    assert r.category == expected


@pytest.mark.parametrize("rate,direction,expected", [
    (0.01, "increase", "significant_progress"), (0.0099, "increase", "moderate_progress"),
    (0.0, "increase", "moderate_progress"), (-0.0001, "increase", "moderate_movement_away"),
    (-0.01, "increase", "moderate_movement_away"), (-0.0101, "increase", "significant_movement_away"),
    (-0.01, "decrease", "significant_progress"), (0.0101, "decrease", "significant_movement_away"),
])
def test_no_target_thresholds(rate, direction, expected):
    r = assess_progress(_series(100, 100 * (1 + rate * 5)), direction)
    assert r.category == expected


def test_target_achieved_then_away_and_movement_away():
    # Met and still falling: achieved. Met but rising again: « atteint puis en hausse », not green.
    assert assess_progress(_series(60, 55), "decrease", 70, 2030).category == "target_achieved"
    r = assess_progress(_series(50, 65), "decrease", 70, 2030)
    assert r.category == "achieved_then_away" and r.label_fr == "objectif atteint puis en hausse"
    assert traffic_light(r.category)[0] == "orange"
    up = assess_progress(_series(130, 120), "increase", target_value=100, target_year=2030)
    assert up.label_fr == "objectif atteint puis en baisse"
    r = assess_progress(_series(100, 110), "decrease", 70, 2030)
    assert r.category == "movement_away" and r.ratio < 0


def test_a_past_target_is_judged_on_the_value_of_its_year():
    s = pd.Series([100.0, 96.0, 90.0], index=[2018, 2020, 2023])
    assert assess_progress(s, "decrease", 95, 2020).category == "target_missed"  # 96 > 95 in 2020
    assert assess_progress(s, "decrease", 97, 2020).category == "target_achieved"


def test_zero_targets_use_the_same_convention():
    # Zero in 2050: the same linear convention as every other target.
    r = assess_progress(_series(100, 80), "decrease", target_value=0, target_year=2050)
    assert r.observed_rate == pytest.approx(-20 / 100 / 5)
    assert r.required_rate == pytest.approx(-100 / 100 / 32)
    assert r.ratio == pytest.approx(0.04 / (1 / 32))  # 1.28 → significant progress
    assert r.category == "significant_progress"


@pytest.mark.parametrize("v1", [99.0, 95.0, 90.0, 85.0, 80.0, 70.0, 60.0, 50.0, 20.0, 101.0])
@pytest.mark.parametrize("direction", ["decrease", "increase"])
def test_a_harder_target_never_gets_a_better_verdict(v1, direction):
    """Issue 13: « zéro émission » got a better verdict than « −95 % » for the same horizon."""
    from pma_eval.evaluation.progress import CATEGORY_ORDER

    s = _series(100.0, v1 if direction == "decrease" else 200 - v1)
    easy_to_hard = [100 * (1 + k * f) for f in (0.05, 0.3, 0.5, 0.8, 0.95, 1.0) for k in [-1 if direction == "decrease" else 1]]
    ranks = [CATEGORY_ORDER.index(assess_progress(s, direction, t, 2050).category) for t in easy_to_hard]
    assert ranks == sorted(ranks), list(zip(easy_to_hard, ranks))


def test_un_extrapolation_by_hand():
    # Base 100 (2018), latest 95 (2023) at −1 %/yr of the base, target 70 in 2030.
    projected, q, cat = un_extrapolation(100, 95, -0.01, 2023, 70, 2030)
    assert projected == pytest.approx(95 - 1 * 7)  # 88
    assert q == pytest.approx((88 - 100) / (70 - 100))  # 0.4
    assert cat == "limited_progress"


def test_traffic_light_carries_a_text_arrow():
    assert traffic_light("significant_progress") == ("vert", "#1b7837", "↑")
    assert traffic_light("movement_away")[0] == "rouge"


# --- LMDI -------------------------------------------------------------------------------------------
# Expected values from the test suite of the R package LMDIR (M. Heun, tests/testthat/test_lmdi.R,
# "create_simple_LMDI"): two sub-categories × three factors, 1971 → 1972 → 1973 → 1974.
X = {
    1971: [[1, 10, 2], [4, 5, 3]],
    1972: [[4, 5, 3], [5, 6, 4]],
    1973: [[8, 2, 4], [5, 7, 5]],
    1974: [[10, 1, 5], [6, 8, 6]],
}
FACTORS = ["f1", "f2", "f3"]


def _df(year):
    return pd.DataFrame(X[year], index=["s1", "s2"], columns=FACTORS, dtype=float)


def test_lmdi_additive_matches_lmdir():
    Z = lmdi(_df(1971), _df(1972), by_subcategory=True)
    np.testing.assert_allclose(Z.to_numpy(), [[50.47438029, -25.23719014, 14.76280986],
                                              [19.31568569, 15.78206435, 24.90224996]], rtol=1e-8)
    eff = lmdi(_df(1971), _df(1972))
    np.testing.assert_allclose(eff.to_numpy(), [69.79006598, -9.455125793, 39.66505981], rtol=1e-8)
    assert eff.sum() == pytest.approx(180 - 80)  # V: 1·10·2 + 4·5·3 = 80 → 4·5·3 + 5·6·4 = 180


def test_lmdi_multiplicative_matches_lmdir():
    D = lmdi(_df(1971), _df(1972), method="multiplicative")
    np.testing.assert_allclose(D.to_numpy(), [1.761117821, 0.926191306, 1.379410116], rtol=1e-8)
    assert D.prod() == pytest.approx(2.25)  # 180 / 80
    D3 = lmdi(_df(1973), _df(1974), method="multiplicative")
    np.testing.assert_allclose(D3.to_numpy(), [1.208140223, 0.968911503, 1.208140223], rtol=1e-8)


def test_lmdi_zero_values_use_analytical_limits():
    # LMDIR: X_0[1,1] = 0 → row 1 = (60, 0, 0) (V_T of s1 = 4·5·3 = 60); X_T[2,3] = 0 → row 2 = (0, 0, −60).
    x0 = _df(1971)
    x0.iloc[0, 0] = 0
    Z = lmdi(x0, _df(1972), by_subcategory=True)
    np.testing.assert_allclose(Z.loc["s1"].to_numpy(), [60, 0, 0])
    xT = _df(1972)
    xT.iloc[1, 2] = 0
    Z2 = lmdi(_df(1971), xT, by_subcategory=True)
    np.testing.assert_allclose(Z2.loc["s2"].to_numpy(), [0, 0, -60])
    assert Z2.to_numpy().sum() == pytest.approx(60 - 80)


def test_lmdi_chain_matches_lmdir_cumulative_values():
    chain = lmdi_chain({y: _df(y) for y in X})
    np.testing.assert_allclose(chain.loc[1973].to_numpy(), [42.96021467, -34.31902656, 50.3588119], rtol=1e-8)
    np.testing.assert_allclose(chain.loc[1974].to_numpy(), [54.01064234, -9.021284671, 54.01064234], rtol=1e-8)
    assert chain.loc["total"].sum() == pytest.approx(258)  # LMDIR dV_agg_cum
    mult = lmdi_chain({y: _df(y) for y in X}, method="multiplicative")
    assert mult.loc["total"].prod() == pytest.approx(2.25 * 1.327777778 * 1.414225941, rel=1e-8)


# --- targets and drivers on the territory -------------------------------------------------------------

def test_targets_are_linked_and_territorialised_by_hand():
    from pma_eval.evaluation import evaluate_targets, prepare_targets

    raw = pd.DataFrame([
        # SRADDET-like −30 % in 2030 vs 2015 (verified), SNBC-like sector target (unverified), 1990 reference.
        {"target_id": "a", "perimetre": "Hauts-de-France", "document": "SRADDET", "indicateur": "emissions_GES",
         "secteur": "tous", "target_year": 2030, "ref_year": 2015, "ref_text": "2015", "valeur": -0.30,
         "unite": "variation relative", "trouve_dans": "", "verification": "verifie_copie_stockee", "verified": True},
        {"target_id": "b", "perimetre": "France", "document": "SNBC-2", "indicateur": "emissions_GES",
         "secteur": "tous", "target_year": 2030, "ref_year": 1990, "ref_text": "1990", "valeur": -0.40,
         "unite": "variation relative", "trouve_dans": "", "verification": "non_verifie_memoire", "verified": False},
        {"target_id": "c", "perimetre": "CALL", "document": "PCAET CALL", "indicateur": "emissions_GES",
         "secteur": "tous", "target_year": 2030, "ref_year": 2015, "ref_text": "2015", "valeur": -0.5,
         "unite": "variation relative", "trouve_dans": "", "verification": "verifie", "verified": True},
    ])
    t = prepare_targets(raw)
    assert list(t["framework"]) == ["Régional (SRADDET Hauts-de-France)", "National (SNBC, LTECV, LEC)", "Local (PCAET CALL)"]
    s = pd.Series([100.0, 98.0, 95.0], index=[2015, 2018, 2023])
    v = evaluate_targets({"ges_total": s}, t, "epci", "CAHC", {"ges_total": "decrease"}).set_index("target_id")
    assert "c" not in v.index  # a CALL PCAET target does not apply to the CAHC
    assert v.loc["a", "target_value"] == pytest.approx(70.0)  # 100 × (1 − 0.30)
    # Short term 2018 → 2023: −3/98/5 a year; required 98 → 70 by 2030: −28/98/12; ratio 0.6/2.333 = 0.257
    assert v.loc["a", "ratio"] == pytest.approx((3 / 5) / (28 / 12))
    assert v.loc["a", "category"] == "insufficient_progress" and v.loc["a", "start_year"] == 2018
    assert v.loc["b", "category"] == "not_assessable" and "1990" in v.loc["b", "reason"]
    v_call = evaluate_targets({"ges_total": s}, t, "epci", "CALL", {"ges_total": "decrease"}).set_index("target_id")
    assert v_call.loc["c", "target_value"] == pytest.approx(50.0)


def test_emission_drivers_sum_exactly_to_the_change():
    from pma_eval.evaluation import emissions_drivers
    from pma_eval.evaluation.drivers import ENERGY_SECTORS, factor_tables

    rows, energy = [], []
    for year, pop, scale in ((2020, 1000.0, 1.0), (2021, 1010.0, 0.95), (2022, 1005.0, 0.9)):
        rows.append(("population", year, pop))
        total = 7.0 * scale  # sectors without energy data
        for k, s in enumerate(ENERGY_SECTORS):
            gas, elec = 60.0 * scale * scale, (40 + 10 * k) * scale  # MWh; gas shrinks faster
            energy += [(s, "gaz", year, gas), (s, "electricite", year, elec)]
            burnt = gas * 0.205  # vocabulary.yml: gas 0.205 t CO2e/MWh, electricity 0 at the consumer
            non_energy = 5.0 + k  # livestock, processes… constant here
            rows.append((f"conso_{s}", year, gas + elec))
            rows.append((f"ges_{s}", year, burnt + non_energy))
            total += burnt + non_energy
        rows.append(("ges_total", year, total))
    ind = pd.DataFrame(rows, columns=["indicator_id", "year", "value"]).assign(geo_level="pma", geo_code="PMA")
    en = pd.DataFrame(energy, columns=["sector", "carrier", "year", "value"]).assign(geo_level="pma", geo_code="PMA")
    eff = emissions_drivers(ind, en, "pma", "PMA", 2020, 2022)
    tot = ind[ind["indicator_id"] == "ges_total"].set_index("year")["value"]
    assert eff.sum() == pytest.approx(tot[2022] - tot[2020])
    assert eff["other_sectors"] == pytest.approx(7.0 * 0.9 - 7.0)
    assert eff["non_energy"] == pytest.approx(0.0, abs=1e-9)  # constant non-energy emissions: no effect
    assert eff["energy_per_capita"] < 0 and eff["carbon_intensity"] < 0
    # Only energy emissions are divided by energy: the carbon content stays below the gas factor (issue 13:
    # agriculture used to show ≈ 1.4 t CO₂e/MWh, impossible for energy).
    t = factor_tables(ind, en, "pma", "PMA", [2020])[2020]
    assert t.loc["agriculture", "carbon_intensity"] == pytest.approx(60 * 0.205 / (60 + 70))
    assert (t["carbon_intensity"] <= 0.205).all()


def test_a_cold_year_is_booked_to_the_weather_not_to_the_carbon_content():
    """Issue 23: ≈ 25 kt of weather were booked as « contenu carbone » because the weather factor used
    corrected energy and the carbon factor the raw mix. Hand case: 2021 is cold, every sector burns 20 %
    more gas (60 → 72 MWh) and the same electricity; at normal climate nothing changed (the corrected
    table repeats 2020). Energy emissions rise by 12 × 0.205 = 2.46 t per sector, all of it weather."""
    from pma_eval.evaluation import emissions_drivers
    from pma_eval.evaluation.drivers import ENERGY_SECTORS

    rows, energy, corrected = [], [], []
    for year, gas in ((2020, 60.0), (2021, 72.0)):
        rows.append(("population", year, 1000.0))
        total = 0.0
        for k, s in enumerate(ENERGY_SECTORS):
            elec = 40.0 + 10 * k
            energy += [(s, "gaz", year, gas), (s, "electricite", year, elec)]
            corrected += [(s, "gaz", year, 60.0), (s, "electricite", year, elec)]
            rows += [(f"conso_{s}", year, gas + elec), (f"conso_{s}_corrigee", year, 60.0 + elec),
                     (f"ges_{s}", year, gas * 0.205)]
            total += gas * 0.205
        rows.append(("ges_total", year, total))
    frame = lambda r, cols: pd.DataFrame(r, columns=cols).assign(geo_level="pma", geo_code="PMA")  # noqa: E731
    ind = frame(rows, ["indicator_id", "year", "value"])
    en, ec = (frame(x, ["sector", "carrier", "year", "value"]) for x in (energy, corrected))
    eff = emissions_drivers(ind, en, "pma", "PMA", 2020, 2021, energy_corrected=ec)
    n = len(ENERGY_SECTORS)
    assert eff["climate"] == pytest.approx(n * 12 * 0.205)
    assert eff["carbon_intensity"] == pytest.approx(0.0, abs=1e-9)
    assert eff["energy_per_capita"] == pytest.approx(0.0, abs=1e-9)
    # Without the corrected mix, the weather ratio is taken on energy (72 + elec) / (60 + elec), smaller
    # than on emissions (72 / 60): part of the cold year leaks into the carbon content.
    leaky = emissions_drivers(ind, en, "pma", "PMA", 2020, 2021)
    assert leaky["carbon_intensity"] > 0.1 and leaky["climate"] < eff["climate"]


def test_emission_drivers_on_the_shipped_data_keep_the_carbon_content_physical(built_paths):
    from pma_eval.evaluation.drivers import factor_tables
    from pma_eval.processed import load

    t = factor_tables(load("indicators", built_paths), load("energy", built_paths), "pma", "PMA", [2016, 2023])
    for y, table in t.items():
        assert (table["carbon_intensity"] <= 0.27).all(), (y, table)  # the highest direct factor (oil)


def test_trend_reaches_french_sentences_in_french():
    """« tendance : decreasing » used to reach a French sentence."""
    from pma_eval.evaluation.trends import TREND_LABELS_FR, mann_kendall

    assert mann_kendall([10, 9, 8, 7, 6, 5]).trend_fr == "baisse avérée"  # strictly decreasing: S = −15
    assert mann_kendall([1, 2, 3, 4, 5, 6]).trend_fr == "hausse avérée"
    # « significatif » is kept for the pace verdicts only (issue 13)
    assert not any("significati" in label for label in TREND_LABELS_FR.values())
    assert set(TREND_LABELS_FR) == {"increasing", "decreasing", "no trend"}


def _target(tid, perimetre, document, valeur, verification="verifie_copie_stockee", indicateur="emissions_GES",
            target_year=2030, ref_year=2015, unite="variation relative", statut=""):
    return {"target_id": tid, "perimetre": perimetre, "document": document, "indicateur": indicateur,
            "secteur": "tous", "target_year": target_year, "ref_year": ref_year, "ref_text": str(ref_year or ""),
            "valeur": valeur, "unite": unite, "trouve_dans": "", "verification": verification, "statut": statut,
            "verified": verification.startswith("verifie")}


def test_unverified_targets_are_grey_and_never_head_the_synthesis():
    from pma_eval.evaluation import evaluate_targets, headline_target, prepare_targets

    t = prepare_targets(pd.DataFrame([
        _target("nat", "France", "SNBC-2", -0.20, verification="non_verifie_memoire"),
        _target("reg", "Hauts-de-France", "SRADDET HdF - orientations 2018", -0.30),
    ]))
    s = pd.Series([100.0, 98.0, 95.0], index=[2015, 2018, 2023])
    v = evaluate_targets({"ges_total": s}, t, "pma", "PMA", {"ges_total": "decrease"}).set_index("target_id")
    assert v.loc["nat", "category"] == "to_verify" and v.loc["nat", "label_fr"] == "objectif à vérifier"
    assert v.loc["nat", "pace_category"] != "to_verify"  # the pace is kept for the analyst
    assert traffic_light("to_verify")[0] == "gris"
    # The national target would come first by priority, but it is not verified: the orientations head.
    assert headline_target(v.reset_index(), "ges_total", 2023)["target_id"] == "reg"


def test_headline_target_order_local_then_adopted_regional_then_national():
    from pma_eval.evaluation import evaluate_targets, headline_target, prepare_targets

    rows = [_target("orient", "Hauts-de-France", "SRADDET HdF - orientations 2018", -0.30),
            _target("nat", "France", "LEC", -0.20),
            _target("ue", "UE", "Loi europeenne sur le climat", -0.50),
            _target("sraddet", "Hauts-de-France", "SRADDET HdF adopté", -0.25, statut="adopte"),
            _target("pcaet", "CALL", "PCAET CALL 2019", -0.40)]
    s = pd.Series([100.0, 98.0, 95.0], index=[2015, 2018, 2023])
    for keep, expected in ((5, "pcaet"), (4, "sraddet"), (2, "nat"), (1, "orient")):
        t = prepare_targets(pd.DataFrame(rows[:keep] if keep != 1 else rows[:1] + rows[2:3]))
        v = evaluate_targets({"ges_total": s}, t, "epci", "CALL", {"ges_total": "decrease"})
        assert headline_target(v, "ges_total", 2023)["target_id"] == expected
    assert prepare_targets(pd.DataFrame(rows[:1]))["framework"].iloc[0].startswith("Régional (orientations")


def test_neutrality_is_a_net_target_not_judged_on_gross_emissions():
    from pma_eval.evaluation import evaluate_targets, prepare_targets

    t = prepare_targets(pd.DataFrame([_target("neutre", "France", "LEC 2019", 0.0, indicateur="emissions_GES_nettes",
                                              target_year=2050, ref_year=None, unite="emissions nettes = 0")]))
    s = pd.Series([100.0, 98.0, 95.0], index=[2015, 2018, 2023])
    v = evaluate_targets({"ges_total": s}, t, "pma", "PMA", {"ges_total": "decrease"}).iloc[0]
    assert v["category"] == "not_assessable" and "séquestration" in v["reason"]
    # With sequestration entered, net emissions are shown for information, never judged (issue 23): a
    # territory contributes to national neutrality, it cannot be neutral at its own scale (ADEME, 2021).
    net = pd.Series([100.0, 95.0, 90.0], index=[2018, 2020, 2023])
    v = evaluate_targets({"ges_total": s, "ges_nettes": net}, t, "pma", "PMA", {"ges_nettes": "decrease"}).iloc[0]
    assert v["indicator_id"] == "ges_nettes" and v["category"] == "not_assessable"
    assert "un territoire y contribue sans pouvoir l’atteindre".replace("’", "'") in v["reason"]


def test_mann_kendall_tail_and_sen_slope_match_scipy():
    """scipy.stats is no longer imported for one tail probability and Theil–Sen (issue 24): the two-sided
    normal tail ``erfc(|z|/√2)`` and the median of pairwise slopes give scipy's documented functions'
    values (``2·norm.sf(|z|)``, ``theilslopes``), here on an irregular series with ties."""
    from scipy import stats

    from pma_eval.evaluation.trends import mann_kendall

    s = pd.Series([5.0, 4.0, 4.0, 6.0, 3.0, 2.5, 2.5, 1.0], index=[2012, 2013, 2015, 2016, 2018, 2019, 2020, 2023])
    r = mann_kendall(s)
    assert r.p_value == pytest.approx(2 * stats.norm.sf(abs(r.z)), rel=1e-12)
    assert r.sen_slope == pytest.approx(stats.theilslopes(s.to_numpy(), s.index.to_numpy(dtype=float)).slope)
