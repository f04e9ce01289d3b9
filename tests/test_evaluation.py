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


# --- Eurostat pace verdicts, worked by hand from the published thresholds ------------------------

def _series(v0, v1, y0=2015, y1=2023):
    return pd.Series([v0, v1], index=[y0, y1])


def test_sraddet_like_case_insufficient_progress():
    # −30 % in 2030 vs 2015; observed 100 → 90 between 2015 and 2023.
    r = assess_progress(_series(100, 90), "decrease", target_value=70, target_year=2030)
    obs = 0.9 ** (1 / 8) - 1  # −1.308 %/yr
    req = 0.7 ** (1 / 15) - 1  # −2.350 %/yr
    assert r.observed_rate == pytest.approx(obs) and r.required_rate == pytest.approx(req)
    assert r.ratio == pytest.approx(obs / req)  # 0.557
    assert r.category == "insufficient_progress" and r.label_fr == "progrès insuffisant"
    assert r.still_required_rate == pytest.approx((70 / 90) ** (1 / 7) - 1)  # from 2023 to 2030


@pytest.mark.parametrize("share,expected", [
    (0.95, "significant_progress"), (0.9499, "moderate_progress"), (0.60, "moderate_progress"),
    (0.5999, "insufficient_progress"), (0.0, "insufficient_progress"), (-0.01, "movement_away"),
])
def test_ratio_boundaries(share, expected):
    req = 0.7 ** (1 / 15) - 1
    v1 = 100 * (1 + share * req) ** 8  # observed rate = share × required rate, by construction
    r = assess_progress(_series(100, v1), "decrease", target_value=70, target_year=2030)
    assert r.category == expected


@pytest.mark.parametrize("rate,direction,expected", [
    (0.01, "increase", "significant_progress"), (0.0099, "increase", "moderate_progress"),
    (0.0, "increase", "moderate_progress"), (-0.0001, "increase", "moderate_movement_away"),
    (-0.01, "increase", "moderate_movement_away"), (-0.0101, "increase", "significant_movement_away"),
    (-0.01, "decrease", "significant_progress"), (0.0101, "decrease", "significant_movement_away"),
])
def test_no_target_thresholds(rate, direction, expected):
    r = assess_progress(_series(100, 100 * (1 + rate) ** 8), direction)
    assert r.category == expected


def test_target_achieved_and_movement_away():
    assert assess_progress(_series(100, 65), "decrease", 70, 2030).category == "target_achieved"
    r = assess_progress(_series(100, 110), "decrease", 70, 2030)
    assert r.category == "movement_away" and r.ratio < 0
    up = assess_progress(_series(50, 120), "increase", target_value=100, target_year=2030)
    assert up.category == "target_achieved"


def test_zero_and_negative_values_switch_to_linear_rates():
    # Neutrality target 0 in 2050: compound rates are undefined, linear ones are used.
    r = assess_progress(_series(100, 80), "decrease", target_value=0, target_year=2050)
    assert r.method == "linear"
    assert r.observed_rate == pytest.approx(-20 / 100 / 8)
    assert r.required_rate == pytest.approx(-100 / 100 / 35)
    assert r.ratio == pytest.approx((-0.025) / (-1 / 35))  # 0.875 → moderate progress
    assert r.category == "moderate_progress"


def test_un_extrapolation_by_hand():
    # Base 100 (2015), latest 90 (2023) at −1.308 %/yr, target 70 in 2030.
    obs = 0.9 ** (1 / 8) - 1
    projected, q, cat = un_extrapolation(100, 90, obs, 2023, 70, 2030)
    assert projected == pytest.approx(90 * (1 + obs) ** 7)
    assert q == pytest.approx((projected - 100) / (70 - 100))
    assert cat == "fair_progress"  # ≈ 0.54


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
    s = pd.Series([100.0, 95.0, 90.0], index=[2015, 2019, 2023])
    v = evaluate_targets({"ges_total": s}, t, "epci", "CAHC", {"ges_total": "decrease"}).set_index("target_id")
    assert "c" not in v.index  # a CALL PCAET target does not apply to the CAHC
    assert v.loc["a", "target_value"] == pytest.approx(70.0)  # 100 × (1 − 0.30)
    assert v.loc["a", "category"] == "insufficient_progress"  # same hand case as above: ratio 0.557
    assert v.loc["b", "category"] == "not_assessable" and "1990" in v.loc["b", "reason"]
    v_call = evaluate_targets({"ges_total": s}, t, "epci", "CALL", {"ges_total": "decrease"}).set_index("target_id")
    assert v_call.loc["c", "target_value"] == pytest.approx(50.0)


def test_emission_drivers_sum_exactly_to_the_change():
    from pma_eval.evaluation import emissions_drivers
    from pma_eval.evaluation.drivers import ENERGY_SECTORS

    rows = []
    for year, pop, scale in ((2020, 1000.0, 1.0), (2021, 1010.0, 0.95), (2022, 1005.0, 0.9)):
        rows.append(("population", year, pop))
        for k, s in enumerate(ENERGY_SECTORS):
            rows.append((f"conso_{s}", year, (100 + 10 * k) * scale))
            rows.append((f"ges_{s}", year, (20 + k) * scale * scale))
        rows.append(("ges_total", year, sum((20 + k) * scale * scale for k in range(5)) + 7.0 * scale))
    ind = pd.DataFrame(rows, columns=["indicator_id", "year", "value"]).assign(geo_level="pma", geo_code="PMA")
    eff = emissions_drivers(ind, "pma", "PMA", 2020, 2022)
    total = ind[ind["indicator_id"] == "ges_total"].set_index("year")["value"]
    assert eff.sum() == pytest.approx(total[2022] - total[2020])
    assert eff["other_sectors"] == pytest.approx(7.0 * 0.9 - 7.0)  # the sectors without energy data
    assert eff["energy_per_capita"] < 0 and eff["carbon_intensity"] < 0


def test_trend_reaches_french_sentences_in_french():
    """« tendance : decreasing » used to reach a French sentence."""
    from pma_eval.evaluation.trends import TREND_LABELS_FR, mann_kendall

    assert mann_kendall([10, 9, 8, 7, 6, 5]).trend_fr == "baisse avérée"  # strictly decreasing: S = −15
    assert mann_kendall([1, 2, 3, 4, 5, 6]).trend_fr == "hausse avérée"
    # « significatif » is kept for the pace verdicts only (issue 13)
    assert not any("significati" in label for label in TREND_LABELS_FR.values())
    assert set(TREND_LABELS_FR) == {"increasing", "decreasing", "no trend"}
