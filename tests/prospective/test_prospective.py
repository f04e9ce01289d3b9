"""Foresight: reference trajectory, forecasts, scenarios (inheritance, accounting), Monte Carlo, effort, IAMC."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from pma_eval.config import get_paths
from pma_eval.errors import InputDataError
from pma_eval.prospective import (BaseState, forecast, lever_contributions, national_index, ramp,
                                  reference_trajectory, required_annual_rate, resolve, sgpe_split, simulate,
                                  sum_trajectories, to_iamc)
from pma_eval.prospective.model import parameters
from pma_eval.sources.prospective import read_scenario_folder, read_sgpe_levers, read_tet_trajectory

RAW = get_paths().raw


def _fixture(values: dict[str, dict[int, float]]) -> pd.DataFrame:
    return pd.DataFrame([(i, y, v) for i, by in values.items() for y, v in by.items()],
                        columns=["identifiant_referentiel", "annee", "valeur_objectif"])


# --- reference trajectory ---------------------------------------------------------------------------

def test_shipped_national_index_matches_provenance():
    # PROVENANCE.md (referentiels/tet_trajectoire_snbc_exemple_fixture.csv): résidentiel GES index 0.61 in
    # 2030 and 0.06 in 2050; industrie 0.64 / 0.13; agriculture 0.82 / 0.49.
    idx = national_index(read_tet_trajectory(RAW / "referentiels" / "tet_trajectoire_snbc_exemple_fixture.csv"))
    at = idx.set_index(["sector", "year"])["index"]
    assert at["residentiel", 2030] == pytest.approx(0.61, abs=0.005)
    assert at["residentiel", 2050] == pytest.approx(0.06, abs=0.005)
    assert at["industrie_hors_energie", 2030] == pytest.approx(0.64, abs=0.005)
    assert at["industrie_hors_energie", 2050] == pytest.approx(0.13, abs=0.005)
    assert at["agriculture", 2050] == pytest.approx(0.49, abs=0.005)
    # The energy branch is zero in 2015 in that run: it takes the index of all sectors, and says so.
    assert set(idx.loc[idx["sector"] == "branche_energie", "index_source"]) == {"indice_ensemble"}


def test_trajectory_formula_by_hand():
    # E_T(s,t) = E_T(s,2015) × I_N(s,t). Road transport sums two ids: (50+150)/(100+300) = 0.5 in 2030.
    fx = _fixture({"cae_1.c": {2015: 200.0, 2030: 120.0, 2050: 20.0},
                   "cae_1.ea": {2015: 100.0, 2030: 50.0, 2050: 0.0}, "cae_1.eb": {2015: 300.0, 2030: 150.0, 2050: 4.0}})
    idx = national_index(fx, {"residentiel": ("cae_1.c",), "transport_routier": ("cae_1.ea", "cae_1.eb")})
    hist = pd.DataFrame({"sector": ["residentiel", "transport_routier"], "year": [2015, 2015],
                         "value": [1000.0, 800.0], "nature": ["observed", "observed"]})
    ref = reference_trajectory(hist, idx).set_index(["sector", "year"])
    assert ref.at[("residentiel", 2030), "value"] == pytest.approx(1000 * 120 / 200)
    assert ref.at[("residentiel", 2050), "value"] == pytest.approx(1000 * 20 / 200)
    assert ref.at[("transport_routier", 2030), "value"] == pytest.approx(800 * 0.5)
    assert ref.at[("transport_routier", 2050), "value"] == pytest.approx(800 * 4 / 400)
    assert ref.at[("residentiel", 2015), "nature"] == "observed"
    assert ref.at[("residentiel", 2030), "nature"] == "estimated"
    # Transport follows ADEME's formula as such; residential uses it as an approximation (no pivot data).
    assert ref.at[("transport_routier", 2030), "method"] == "indice_national"
    assert ref.at[("residentiel", 2030), "method"] == "indice_national_approx"


def test_missing_2015_is_interpolated_and_flagged_estimated():
    fx = _fixture({"cae_1.c": {2015: 10.0, 2030: 5.0}})
    idx = national_index(fx, {"residentiel": ("cae_1.c",)})
    hist = pd.DataFrame({"sector": "residentiel", "year": [2012, 2014, 2017], "value": [1300.0, 900.0, 1500.0],
                         "nature": "observed"})
    ref = reference_trajectory(hist, idx).set_index("year")
    # Linear between 2014 (900) and 2017 (1500): 900 + (1500 − 900) / 3 = 1100.
    assert ref.at[2015, "base_value"] == pytest.approx(1100.0)
    assert ref.at[2015, "nature"] == "estimated"
    assert ref.at[2030, "value"] == pytest.approx(550.0)


def test_no_year_after_2015_cannot_be_interpolated():
    idx = national_index(_fixture({"cae_1.c": {2015: 10.0, 2030: 5.0}}), {"residentiel": ("cae_1.c",)})
    hist = pd.DataFrame({"sector": "residentiel", "year": [2012, 2013], "value": [1.0, 2.0], "nature": "observed"})
    with pytest.raises(ValueError, match="interpoler"):
        reference_trajectory(hist, idx)


def test_pivot_data_corrects_the_national_index():
    # Dwellings grow 10 % in the territory by 2030 while they grow 0 % nationally: index × 1.1.
    idx = national_index(_fixture({"cae_1.c": {2015: 10.0, 2030: 6.0}}), {"residentiel": ("cae_1.c",)})
    hist = pd.DataFrame({"sector": "residentiel", "year": [2015], "value": [1000.0], "nature": "observed"})
    pivots = pd.DataFrame({"sector": "residentiel", "year": [2015, 2030], "territorial": [100.0, 110.0],
                           "national": [5000.0, 5000.0]})
    ref = reference_trajectory(hist, idx, pivots=pivots).set_index("year")
    assert ref.at[2030, "value"] == pytest.approx(1000 * 0.6 * 1.1)
    assert ref.at[2030, "method"] == "pivot"


def test_pole_trajectory_is_the_sum_of_its_members():
    idx = national_index(_fixture({"cae_1.c": {2015: 10.0, 2030: 6.0}}), {"residentiel": ("cae_1.c",)})
    parts = [reference_trajectory(pd.DataFrame({"sector": "residentiel", "year": [2015], "value": [v],
                                                "nature": "observed"}), idx) for v in (100.0, 250.0)]
    pole = sum_trajectories(parts).set_index("year")
    assert pole.at[2030, "value"] == pytest.approx(0.6 * 350)
    assert pole.at[2030, "index"] == pytest.approx(0.6)


# --- forecasts ------------------------------------------------------------------------------------

SERIES = pd.Series([10.0, 9.5, 9.7, 9.1, 8.8, 8.9, 8.4, 8.0, 8.1, 7.7, 7.5, 7.2], index=range(2012, 2024))


def test_ses_forecast_is_flat_and_its_interval_follows_the_textbook_variance():
    # ETS(A,N,N): every forecast is the last level; the h-step variance is σ²(1 + (h−1)α²)
    # (Hyndman & Athanasopoulos, FPP3, Table 8.8).
    f = forecast(SERIES, 2030, model="ses")
    assert list(f.index) == list(range(2024, 2031))
    assert f["mean"].nunique() == 1
    alpha, sigma2 = f.attrs["params"]["smoothing_level"], f.attrs["sigma2"]
    from scipy.stats import norm

    for h, year in enumerate(f.index, start=1):
        half = norm.ppf(0.975) * math.sqrt(sigma2 * (1 + (h - 1) * alpha ** 2))
        assert f.at[year, "upper_95"] - f.at[year, "mean"] == pytest.approx(half, rel=1e-6)
    assert ((f["upper_95"] - f["lower_95"]) > (f["upper_80"] - f["lower_80"])).all()


def test_trend_models_follow_a_falling_series_and_ets_picks_the_lowest_aicc():
    holt, damped, auto = (forecast(SERIES, 2050, model=m) for m in ("holt", "damped", "ets"))
    assert holt.at[2030, "mean"] < SERIES.iloc[-1]
    assert damped.at[2050, "mean"] > holt.at[2050, "mean"]  # damping slows the fall
    aicc = {m: forecast(SERIES, 2030, model=m).attrs["aicc"] for m in ("ses", "holt", "damped")}
    assert auto.attrs["model"] == min(aicc, key=aicc.get)


def test_a_fixed_trend_plus_noise_is_a_deterministic_fit_without_interval():
    # y = 100 − 2t ± 0,5 (alternating): nothing for the level or the trend to learn from the errors, so
    # the fit puts both smoothing parameters at their bound and the band is as wide in 2050 as in 2024
    # (issue 23: « Branche énergie 39 (39 à 39) », road transport as wide in 2030 as in 2050).
    from pma_eval.prospective.forecast import forecast_table, is_deterministic

    fixed = pd.Series([100 - 2 * t + (0.5 if t % 2 else -0.5) for t in range(12)], index=range(2012, 2024))
    f = forecast(fixed, 2050, model="damped")
    width = f["upper_95"] - f["lower_95"]
    assert f.attrs["deterministic"] and width[2050] == pytest.approx(width[2024], rel=0.02)
    # A series that breaks its trend (flat, then −2 a year) makes the level and the trend learn.
    broken = pd.Series([10.0] * 6 + [8.0, 6.0, 4.0, 2.0, 0.0, -2.0], index=range(2012, 2024))
    t = forecast_table({"fixe": (fixed, "t"), "réelle": (broken, "t")}, 2050).set_index("series")
    assert t.at["fixe", "deterministic"] and np.isnan(t.at["fixe", "lower_95_2030"]) and np.isnan(t.at["fixe", "upper_95_2050"])
    assert t.at["fixe", "mean_2030"] == pytest.approx(f.at[2030, "mean"])  # the central forecast stays
    # A learning fit keeps its interval, and it widens with the horizon.
    assert not t.at["réelle", "deterministic"]
    assert t.at["réelle", "upper_95_2050"] - t.at["réelle", "lower_95_2050"] > \
        t.at["réelle", "upper_95_2030"] - t.at["réelle", "lower_95_2030"]
    # The rule itself: every smoothing parameter at most 1e-3 (damping and initial states do not count).
    assert is_deterministic({"smoothing_level": 1e-4, "smoothing_trend": 0.0, "damping_trend": 0.98})
    assert not is_deterministic({"smoothing_level": 1e-4, "smoothing_trend": 0.05})
    assert not is_deterministic({"damping_trend": 0.98})


@pytest.mark.parametrize("kwargs,message", [({"model": "arima"}, "modèle de prévision inconnu"),
                                            ({"series": SERIES.iloc[:3]}, "au moins quatre"),
                                            ({"series": SERIES.drop(2016)}, "années manquantes")])
def test_forecast_refuses_bad_input_in_french(kwargs, message):
    args = {"series": SERIES, "horizon": 2030, **kwargs}
    with pytest.raises(ValueError, match=message):
        forecast(**args)


# --- scenario files -----------------------------------------------------------------------------

def _docs(**docs):
    return {name: (f"scenarios/{name}.yml", doc) for name, doc in docs.items()}


def test_shipped_scenarios_resolve_with_their_inheritance():
    sc = resolve(read_scenario_folder(get_paths().scenarios, get_paths().root))
    assert {"tendanciel", "turbine", "snbc"} <= set(sc)
    assert sc["snbc"].chain == ("snbc", "turbine", "tendanciel")
    assert sc["snbc"].target == "trajectoire_reference"
    # snbc.yml overrides the pace of renovation only: the saving per dwelling comes from turbine.yml.
    assert sc["snbc"].levers["renovation"]["logements_par_an"]["mode"] == 6000
    assert sc["snbc"].levers["renovation"]["gain_mwh_par_logement"] == sc["turbine"].levers["renovation"]["gain_mwh_par_logement"]
    assert sc["snbc"].hypotheses == sc["tendanciel"].hypotheses


def test_inheritance_overrides_only_what_changes():
    sc = resolve(_docs(
        a={"hypotheses": {"croissance_activite": {"residentiel": 0.01, "tertiaire": 0.02}},
           "leviers": {"dechets": {"reduction": {"loi": "uniforme", "min": 0.1, "max": 0.3}, "debut": 2025}}},
        b={"parent": "a", "hypotheses": {"croissance_activite": {"tertiaire": 0.0}},
           "leviers": {"dechets": {"reduction": 0.5}}},
        c={"parent": "b", "leviers": {"dechets": {"fin": 2040}}}))
    c = sc["c"]
    assert c.hypotheses["croissance_activite"] == {"residentiel": 0.01, "tertiaire": 0.0}
    assert c.levers["dechets"] == {"reduction": 0.5, "debut": 2025, "fin": 2040}  # the distribution was replaced whole
    assert sc["a"].levers["dechets"]["reduction"]["loi"] == "uniforme"  # parent untouched


@pytest.mark.parametrize("doc,key", [
    ({"leviers": {"renovation": {"logement_par_an": 10}}}, "leviers.renovation.logement_par_an"),
    ({"leviers": {"teletravail": {}}}, "leviers.teletravail"),
    ({"hypotheses": {"croissance_activite": {"logement": 0.1}}}, "hypotheses.croissance_activite.logement"),
    ({"titre": "x", "scenario": "y"}, "scenario"),
    ({"leviers": {"dechets": {"reduction": {"loi": "beta", "a": 1}}}}, "leviers.dechets.reduction"),
    ({"leviers": {"dechets": {"reduction": {"loi": "triangulaire", "min": 0.5, "mode": 0.2, "max": 0.6}}}},
     "leviers.dechets.reduction"),
    ({"leviers": {"dechets": {"debut": 2030, "fin": 2025}}}, "leviers.dechets.fin"),
    ({"leviers": {"dechets": {"forme": "carree"}}}, "leviers.dechets.forme"),
])
def test_bad_key_or_value_names_the_file_and_the_key(doc, key):
    with pytest.raises(InputDataError) as err:
        resolve(_docs(tendanciel={}, variante=doc))
    text = str(err.value)
    assert "fichier scenarios/variante.yml" in text and f"clé « {key} »" in text


def test_unknown_parent_and_cycles_are_refused():
    with pytest.raises(InputDataError, match=r"scenarios/b\.yml : clé « parent » : scénario parent inconnu"):
        resolve(_docs(a={}, b={"parent": "z"}))
    with pytest.raises(InputDataError, match="héritage circulaire"):
        resolve(_docs(a={"parent": "b"}, b={"parent": "a"}))


def test_yaml_syntax_error_gives_its_line(tmp_path):
    (tmp_path / "ok.yml").write_text("titre: ok\n", encoding="utf-8")
    (tmp_path / "casse.yml").write_text("titre: x\nleviers:\n  dechets: {reduction: 0.5\n", encoding="utf-8")
    with pytest.raises(InputDataError, match=r"casse\.yml, ligne \d+.*YAML illisible"):
        read_scenario_folder(tmp_path, tmp_path)


# --- accounting model ---------------------------------------------------------------------------

BASE = BaseState(
    year=2023,
    energy={("residentiel", "gaz"): 1000.0, ("residentiel", "produits_petroliers"): 200.0,
            ("residentiel", "electricite"): 500.0, ("transport_routier", "produits_petroliers"): 2000.0,
            ("tertiaire", "gaz"): 400.0, ("industrie_hors_energie", "gaz"): 300.0},
    emissions={"residentiel": 300.0, "transport_routier": 700.0, "tertiaire": 50.0, "industrie_hors_energie": 100.0,
               "dechets": 80.0, "branche_energie": 20.0, "agriculture": 10.0, "autres_transports": 5.0},
    renewables={"solaire_pv": 100.0})


def _scenario(levers=None, hypotheses=None, **top):
    return resolve(_docs(s={"leviers": levers or {}, "hypotheses": hypotheses or {}, **top}))["s"]


def test_base_year_reproduces_the_inventory_and_no_lever_keeps_it_flat():
    r = simulate(_scenario(), BASE, 2030)
    for s, v in BASE.emissions.items():
        assert r.emissions[s][0, 0] == pytest.approx(v)
        assert r.emissions[s][0, -1] == pytest.approx(v)  # no growth, no lever
    assert r.total_emissions()[0, 0] == pytest.approx(sum(BASE.emissions.values()))


def test_calibration_by_hand():
    # Residential: 1000 MWh gas × 0.205 + 200 MWh oil × 0.27 = 259 t computed ≤ 300 t inventory: 41 t non-energy.
    # Tertiary: 400 × 0.205 = 82 t > 50 t inventory: factors scaled by k = 50/82, no non-energy emissions.
    growth = {"croissance_activite": {"residentiel": 0.1, "tertiaire": 0.1}}
    r = simulate(_scenario(hypotheses=growth), BASE, 2024)
    assert r.emissions["residentiel"][0, 1] == pytest.approx(259 * 1.1 + 41)
    assert r.emissions["tertiaire"][0, 1] == pytest.approx(50 * 1.1)
    # The same rule, as the scenario report states it (factor note of the annex).
    from pma_eval.prospective.model import calibration

    cal = calibration(BASE, {"gaz": 0.205, "produits_petroliers": 0.27, "electricite": 0.0})
    assert cal.loc["residentiel", ["energy_emissions", "k", "non_energy"]].tolist() == pytest.approx([259, 1, 41])
    assert cal.loc["tertiaire", ["energy_emissions", "k", "non_energy"]].tolist() == pytest.approx([82, 50 / 82, 0])


def test_heating_switch_by_hand():
    # 4 oil boilers a year × 14 MWh, efficiency 0.8, COP 4, 25 % on a heat network, full pace from 2024.
    sc = _scenario({"chauffage": {"chaudieres_fioul_par_an": 4, "conso_mwh_par_chaudiere": 14,
                                  "rendement_chaudiere": 0.8, "cop_pac": 4, "part_reseau_chaleur": 0.25,
                                  "debut": 2023, "fin": 2024}},
                   {"contenu_co2_reseau_chaleur": 0.1})
    r = simulate(sc, BASE, 2026)
    removed = 4 * 14 * 3  # three years at full pace by 2026
    useful = removed * 0.8
    assert r.energy[("residentiel", "produits_petroliers")][0, -1] == pytest.approx(200 - removed)
    assert r.energy[("residentiel", "electricite")][0, -1] == pytest.approx(500 + useful * 0.75 / 4)
    assert r.energy[("residentiel", "chaleur_reseau")][0, -1] == pytest.approx(useful * 0.25)
    assert r.emissions["branche_energie"][0, -1] == pytest.approx(20 + useful * 0.25 * 0.1)
    assert r.emissions["residentiel"][0, -1] == pytest.approx(300 - removed * 0.27)


def test_heating_switch_never_removes_more_fuel_than_there_is():
    sc = _scenario({"chauffage": {"chaudieres_fioul_par_an": 1000, "debut": 2023, "fin": 2024}})
    r = simulate(sc, BASE, 2030)
    assert r.energy[("residentiel", "produits_petroliers")].min() >= 0
    assert r.energy[("residentiel", "produits_petroliers")][0, -1] == pytest.approx(0)


def test_mobility_by_hand():
    # 2000 MWh of fuel, 60 % cars: 20 % modal shift, then half of the remaining car-km electric at 1/3 energy;
    # 10 % of the rest of the fuel decarbonised at 0.6 energy.
    sc = _scenario({"mobilite": {"part_voitures": 0.6, "report_modal": 0.2, "part_vehicules_electriques": 0.5,
                                 "conso_relative_ve": 1 / 3, "part_fret_decarbone": 0.1, "conso_relative_fret": 0.6,
                                 "debut": 2023, "fin": 2025}})
    r = simulate(sc, BASE, 2025)
    cars = 1200 * 0.8
    assert r.energy[("transport_routier", "produits_petroliers")][0, -1] == pytest.approx(cars * 0.5 + 800 * 0.9)
    assert r.energy[("transport_routier", "electricite")][0, -1] == pytest.approx(cars * 0.5 / 3 + 800 * 0.1 * 0.6)
    # Halfway (2024): a linear ramp is at one half.
    assert r.energy[("transport_routier", "produits_petroliers")][0, 1] == pytest.approx(
        1200 * 0.9 * 0.75 + 800 * 0.95)


def test_total_is_the_sum_of_sectors_and_levers_add_up_to_the_total_reduction():
    sc = resolve(read_scenario_folder(get_paths().scenarios))["turbine"]
    r = simulate(sc, BASE, 2050)
    assert np.allclose(r.total_emissions(), sum(r.emissions.values()))
    assert np.allclose(r.total_energy(), sum(r.energy.values()))
    trend = simulate(sc, BASE, 2050, levers=()).total_emissions()[0, 2030 - 2023]
    c = lever_contributions(sc, BASE, 2030)
    assert c.sum() == pytest.approx(trend - r.total_emissions()[0, 2030 - 2023])


def test_target_scenario_reaches_the_reference_and_reports_the_complement():
    ref = pd.DataFrame([(s, y, v * (1 - 0.03 * (y - 2023))) for s, v in BASE.emissions.items()
                        for y in range(2023, 2051)], columns=["sector", "year", "value"])
    sc = _scenario({"dechets": {"reduction": 0.1}}, cible="trajectoire_reference")
    r = simulate(sc, BASE, 2050, reference=ref)
    for s in BASE.emissions:
        assert r.emissions[s][0, -1] <= ref.query("sector == @s and year == 2050")["value"].iloc[0] + 1e-9
    assert sum(v[0, -1] for v in r.complement.values()) > 0
    with pytest.raises(ValueError, match="trajectoire de référence"):
        simulate(sc, BASE, 2050)


def test_ramp_shapes():
    years = np.arange(2020, 2031)
    lin, s = ramp(years, 2020, 2030), ramp(years, 2020, 2030, "s")
    assert lin[0] == 0 and lin[5] == pytest.approx(0.5) and lin[-1] == 1
    assert s[0] == pytest.approx(0) and s[5] == pytest.approx(0.5) and s[-1] == pytest.approx(1)
    assert s[2] < lin[2] and s[8] > lin[8]  # slow start, slow end
    assert (np.diff(s) >= 0).all()


# --- Monte Carlo ------------------------------------------------------------------------------------

def test_same_seed_same_numbers_and_percentiles_in_order():
    sc = resolve(read_scenario_folder(get_paths().scenarios))["turbine"]
    a = simulate(sc, BASE, 2050, draws=2000, seed=7)
    b = simulate(sc, BASE, 2050, draws=2000, seed=7)
    c = simulate(sc, BASE, 2050, draws=2000, seed=8)
    assert np.array_equal(a.total_emissions(), b.total_emissions())
    assert not np.array_equal(a.total_emissions(), c.total_emissions())
    q = np.percentile(a.total_emissions(), [5, 25, 50, 75, 95], axis=0)
    assert (np.diff(q, axis=0) >= 0).all()
    assert q[4, -1] > q[0, -1]  # uncertain levers give a band


def test_draws_follow_their_distribution():
    sc = _scenario({"dechets": {"reduction": {"loi": "triangulaire", "min": 0.1, "mode": 0.2, "max": 0.6}}})
    x = parameters(sc, draws=20000, seed=1)[("leviers", "dechets", "reduction")]
    assert x.shape == (20000, 1)
    assert x.min() >= 0.1 and x.max() <= 0.6
    assert x.mean() == pytest.approx((0.1 + 0.2 + 0.6) / 3, abs=0.005)  # mean of a triangular law
    assert parameters(sc)[("leviers", "dechets", "reduction")] == 0.2  # central value: the mode


# --- effort ------------------------------------------------------------------------------------------

def test_required_rate_by_hand():
    # The verdicts' one rule (linear, relative to the start): from 100 to 50 in 10 years, −50/100/10 = −5 %/yr;
    # to zero, −10 %/yr: the same convention, so a harder target always asks a faster pace.
    assert required_annual_rate(100, 50, 10) == pytest.approx(-0.05)
    assert required_annual_rate(100, 0, 10) == pytest.approx(-0.1)
    assert required_annual_rate(100, 5, 10) > required_annual_rate(100, 0, 10)


def test_sgpe_split_shares_and_physical_units():
    levers = read_sgpe_levers(RAW / "referentiels" / "sgpe_leviers_regionaux_2030.csv")
    stock = {("residentiel", "produits_petroliers"): 90_000.0, ("residentiel", "gaz"): 500_000.0}
    t = sgpe_split(levers, {"transport_routier": 100_000.0, "residentiel": 50_000.0}, stock)
    assert t.groupby("sector")["share"].sum().round(9).eq(1).all()
    assert not t["id"].isin(["co2_foret", "augm_haies"]).any()  # carbon sinks left out
    ev = t.set_index("id").loc["augm_voitelec"]
    hdf = levers[levers["regionName"] == "Hauts-de-France"].set_index("id")
    transport = hdf[hdf["sector"].isin(["Transport de voyageurs", "Transport de marchandises"])]["objCO2"].sum()
    share = hdf.at["augm_voitelec", "objCO2"] / transport
    assert ev["share"] == pytest.approx(share)
    assert ev["effort_t"] == pytest.approx(100_000 * share)
    # ratioCO2toPhys is per kt: thousands of electric cars = kt avoided × 0.4677.
    assert ev["physical"] == pytest.approx(100 * share * 0.4677)
    assert t.set_index("id").at["augm_covoit", "physical"] == pytest.approx(
        hdf.at["augm_covoit", "objCO2"] * hdf.at["augm_covoit", "ratioCO2toPhys"])  # intensive: regional change
    # Scaled to the territory's effort, the cars are the territory's fleet, not the region's (issue 13).
    assert ev["unit_phys"] == "milliers de véhicules électriques dans le parc du territoire (en 2030)"
    assert "régional" in ev["unit_phys_sgpe"]
    assert "parc régional" not in " ".join(t.loc[~t["intensive"], "unit_phys"])


def _region(**levers):
    """A one-region SGPE table of residential levers: id → (objCO2 [kt], ratioCO2toPhys)."""
    units = {"reduc_rconso": "TWh corr. consommés dans le secteur résidentiel (en 2030)",
             "reduc_rfioul": "milliers de résidences p. chauffées au fioul (en 2030)",
             "reduc_rgaz": "milliers de résidences p. chauffées au gaz (en 2030)"}
    return pd.DataFrame([{"regionName": "R", "id": i, "leverName": i, "sector": "Résidentiel", "group": "",
                          "objCO2": o, "startPoint2019": 0.0, "ratioCO2toPhys": r, "unitPhys": units[i]}
                         for i, (o, r) in levers.items()])


def test_sgpe_boiler_levers_follow_the_territory_fuels_and_stop_at_its_stock():
    # Issue 23: with the region's shares (31 % on fuel oil) the Pôle was asked 113 % of its fuel-oil homes.
    # Region: sobriety 25, fuel-oil boilers 31, gas boilers 44 kt (100). Territory in 2019: fuel oil
    # 15 000 t, gas 85 000 t (15 % / 85 %). The boiler levers keep their regional share together
    # (31 + 44 = 75 %) and split it 15 / 85: fuel oil 0,75 × 0,15 = 11,25 %, gas 63,75 %.
    levers = _region(reduc_rconso=(25.0, -0.01), reduc_rfioul=(31.0, -0.25), reduc_rgaz=(44.0, -0.30))
    stock = {("residentiel", "produits_petroliers"): 15_000.0, ("residentiel", "gaz"): 85_000.0}
    t = sgpe_split(levers, {"residentiel": 40_000.0}, stock, region="R").set_index("id")
    assert t["share_region"].to_dict() == pytest.approx({"reduc_rconso": 0.25, "reduc_rfioul": 0.31, "reduc_rgaz": 0.44})
    assert t["share"].to_dict() == pytest.approx({"reduc_rconso": 0.25, "reduc_rfioul": 0.1125, "reduc_rgaz": 0.6375})
    # 40 000 t × 11,25 % = 4 500 t (not 12 400 t with the regional 31 %); 4,5 kt × 0,25 = 1,125 thousand
    # homes, out of a stock of 15 kt × 0,25 = 3,75 thousand.
    assert t.at["reduc_rfioul", "effort_t"] == pytest.approx(4_500.0)
    assert t.at["reduc_rfioul", "physical"] == pytest.approx(-1.125)
    assert t.at["reduc_rfioul", "stock_phys"] == pytest.approx(3.75)
    assert t["beyond_stock_t"].sum() == 0 and t["effort_t"].sum() == pytest.approx(40_000.0)
    # An effort of 200 000 t would ask 22 500 t of fuel oil and 127 500 t of gas: more than the stock.
    # Each lever stops at its stock (15 000 and 85 000 t: every boiler replaced) and the rest, 7 500 +
    # 42 500 = 50 000 t, is reported beyond the stock instead of disappearing.
    big = sgpe_split(levers, {"residentiel": 200_000.0}, stock, region="R").set_index("id")
    assert big.at["reduc_rfioul", "effort_t"] == pytest.approx(15_000.0)
    assert big.at["reduc_rgaz", "effort_t"] == pytest.approx(85_000.0)
    assert big["beyond_stock_t"].to_dict() == pytest.approx({"reduc_rconso": 0.0, "reduc_rfioul": 7_500.0,
                                                            "reduc_rgaz": 42_500.0})
    assert abs(big.at["reduc_rfioul", "physical"]) <= big.at["reduc_rfioul", "stock_phys"]
    assert big["effort_t"].sum() + big["beyond_stock_t"].sum() == pytest.approx(200_000.0)
    # A territory with no gas at all: the gas lever takes nothing, its share is beyond the stock; a carrier
    # with no value in 2019 is unknown, not zero: refused.
    no_gas = sgpe_split(levers, {"residentiel": 40_000.0}, {**stock, ("residentiel", "gaz"): 0.0}, region="R")
    assert no_gas.set_index("id").at["reduc_rgaz", "effort_t"] == 0
    with pytest.raises(ValueError, match="émissions de 2019 inconnues pour gaz naturel dans le secteur résidentiel"):
        sgpe_split(levers, {"residentiel": 40_000.0}, {("residentiel", "produits_petroliers"): 15_000.0}, region="R")


def test_a_boiler_lever_counted_in_energy_is_translated_by_the_territorys_own_consumption():
    """Issue 23 (second read): the tertiary gas lever asked « −0,91 TWh, soit 45 % du niveau de 2019 (2,0) »
    where the territory consumed 0,87 TWh: the SGPE's regional ratio (TWh per kt) gave it a stock it does
    not have. Hand case: gas 2019 = 870 000 MWh, 178 350 t (× 0,205); the lever takes 80 250 t, 45 % of
    the emissions, hence 45 % of the 0,87 TWh = −0,3915 TWh, whatever the regional ratio (−0,0115)."""
    levers = pd.DataFrame([{"regionName": "R", "id": "reduc_tgaz", "leverName": "gaz", "sector": "Tertiaire",
                            "group": "", "objCO2": 10.0, "startPoint2019": 0.0, "ratioCO2toPhys": -0.0115,
                            "unitPhys": "TWh corr. de gaz consommés dans le secteur tertiaire (en 2030)"}])
    stock = {("tertiaire", "gaz"): 870_000.0 * 0.205}
    t = sgpe_split(levers, {"tertiaire": 80_250.0}, stock, region="R", energy={("tertiaire", "gaz"): 870_000.0})
    r = t.iloc[0]
    assert r["stock_phys"] == pytest.approx(0.87) and r["physical"] == pytest.approx(-0.87 * 80_250 / 178_350)
    # without the consumption, the regional ratio: 80,25 kt × 0,0115 = 0,92 TWh of a « stock » of 2,05 TWh
    regional = sgpe_split(levers, {"tertiaire": 80_250.0}, stock, region="R").iloc[0]
    assert regional["stock_phys"] == pytest.approx(0.0115 * 178.35)


def test_carrier_emissions_use_the_model_factors():
    from pma_eval.prospective.effort import carrier_emissions

    energy = pd.DataFrame({"sector": ["residentiel"] * 3 + ["tertiaire"], "carrier": ["produits_petroliers", "gaz",
                                                                                    "electricite", "gaz"],
                           "year": [2019, 2019, 2019, 2023], "value": [339_140.0, 2_411_418.0, 1_147_005.0, 1.0]})
    got = carrier_emissions(energy, {"produits_petroliers": 0.27, "gaz": 0.205, "electricite": 0.0}, 2019)
    # The Pôle's fuel oil in 2019 (issue 23): 339 140 MWh × 0,27 t/MWh = 91 568 t, about 91,5 kt.
    assert got[("residentiel", "produits_petroliers")] == pytest.approx(91_567.8)
    assert got[("residentiel", "gaz")] == pytest.approx(494_340.69)
    assert ("tertiaire", "gaz") not in got  # another year


def test_cumulated_boilers_follow_the_ramp():
    from pma_eval.prospective.options import cumulated_quantity

    sc = resolve(read_scenario_folder(get_paths().scenarios))["snbc"]
    lv = sc.levers["chauffage"]
    pace = lv["chaudieres_fioul_par_an"]
    pace = pace["mode"] if isinstance(pace, dict) else pace
    assert (lv["debut"], lv["fin"], lv.get("forme", "lineaire")) == (2025, 2030, "lineaire")
    # Linear ramp 2025 → 2030: 0, 0,2, 0,4, 0,6, 0,8, 1 of the pace from 2025 to 2030, nothing in 2024: 3 years.
    assert cumulated_quantity(sc, "chauffage", "chaudieres_fioul_par_an", 2023, 2030, 2050) == pytest.approx(3 * pace)
    assert cumulated_quantity(sc, "absent", "x", 2023, 2030, 2050) == 0.0


def test_uncovered_by_sector_adds_up_to_the_complement_of_the_lever_chart():
    from pma_eval.prospective.model import uncovered_by_sector

    # A reference falling 3 % of the base a year; the scenario's only lever cuts waste by 10 % (ramped to
    # 2050): in 2030 waste is at 80 t × (1 − 0,10 × 7/27) ≈ 77,9 t, the reference asks 80 × 0,79 = 63,2 t,
    # so 14,7 t of waste are uncovered; the other sectors, without lever, are uncovered by 21 % of their
    # base (their trend is flat: no hypothesis).
    ref = pd.DataFrame([(s, y, v * (1 - 0.03 * (y - 2023))) for s, v in BASE.emissions.items()
                        for y in range(2023, 2051)], columns=["sector", "year", "value"])
    sc = _scenario({"dechets": {"reduction": 0.1}}, cible="trajectoire_reference",
                   hypotheses={"annee_jonction_trajectoire": 2023})
    by_sector = uncovered_by_sector(sc, BASE, 2030, 2050, ref)
    assert by_sector["dechets"] == pytest.approx(80 * (1 - 0.1 * 7 / 27) - 80 * 0.79)
    assert by_sector["transport_routier"] == pytest.approx(700 * 0.21)
    assert by_sector.sum() == pytest.approx(lever_contributions(sc, BASE, 2030, 2050, ref)["complement"])
    assert uncovered_by_sector(_scenario({"dechets": {"reduction": 0.1}}), BASE, 2030, 2050, ref).empty


# --- IAMC ----------------------------------------------------------------------------------------

def test_iamc_long_format_totals_match_sectors():
    sc = resolve(read_scenario_folder(get_paths().scenarios))["turbine"]
    df = to_iamc(simulate(sc, BASE, 2050, draws=500, seed=1), "turbine", "PMA")
    assert list(df.columns) == ["model", "scenario", "region", "variable", "unit", "year", "value"]
    assert not df.duplicated(["model", "scenario", "region", "variable", "year"]).any()
    det = to_iamc(simulate(sc, BASE, 2050), "turbine", "PMA").pivot_table(index="year", columns="variable",
                                                                           values="value")
    sectors = [v for v in det.columns if v.startswith("Émissions GES|")]
    assert np.allclose(det[sectors].sum(axis=1), det["Émissions GES"])
    assert {"Émissions GES|P5", "Émissions GES|P95"} <= set(df["variable"])
    # With draws the main values are means, which add up (pyam check_aggregate); medians would not.
    mc = df[~df["variable"].str.contains(r"\|P\d+$")].pivot_table(index="year", columns="variable", values="value")
    assert np.allclose(mc[sectors].sum(axis=1), mc["Émissions GES"])
    assert set(df["unit"]) == {"kt CO2e/yr", "GWh/yr"}


def test_scenario_readme_documents_every_key():
    from pma_eval.prospective.model import DEFAULTS
    from pma_eval.prospective.scenarios import HYPOTHESES, LEVERS

    text = (get_paths().scenarios / "README.md").read_text(encoding="utf-8")
    for lever, keys in LEVERS.items():
        assert f"`{lever}`" in text, lever
        for k in keys:
            assert f"`{k}`" in text, f"{lever}.{k}"
    for h in HYPOTHESES:
        assert f"`{h}`" in text, h
    assert set(DEFAULTS) == set(LEVERS)


def test_ademe_parameters_and_the_industry_range_of_the_method():
    from pma_eval.sources.prospective import read_ademe_parameters

    # ademe_trajectoire_reference_parametres.csv: reference year 2015, horizon 2050 (TeT constants), and the
    # method note's industry range: −75 % to −90 % in 2050 versus 2015 depending on the territory.
    p = read_ademe_parameters(RAW / "referentiels" / "ademe_trajectoire_reference_parametres.csv")
    assert int(p[("annee_reference_trajectoire", None)]) == 2015 and int(p[("horizon_trajectoire", None)]) == 2050
    idx = national_index(read_tet_trajectory(RAW / "referentiels" / "tet_trajectoire_snbc_exemple_fixture.csv"))
    industry_2050 = idx.set_index(["sector", "year"]).at[("industrie_hors_energie", 2050), "index"] - 1
    assert float(p[("evolution_emissions_industrie_vs_2015_max", 2050)]) <= industry_2050 \
        <= float(p[("evolution_emissions_industrie_vs_2015_min", 2050)])


def test_default_emission_factors_match_published_co2_factors():
    # SDES, Chiffres clés du climat 2023, « Quelques facteurs d'émissions »: natural gas 2.3 t CO2/toe,
    # diesel 3.1 t CO2/toe; 1 toe = 11.63 MWh. Direct factors of the model within 5 % (they add CH4 and N2O).
    from pma_eval.prospective.model import HYPOTHESIS_DEFAULTS

    sc = resolve(read_scenario_folder(get_paths().scenarios))["tendanciel"]
    for factors in (HYPOTHESIS_DEFAULTS["facteurs_emission"], sc.hypotheses["facteurs_emission"]):
        assert factors["gaz"] == pytest.approx(2.3 / 11.63, rel=0.05)
        assert factors["produits_petroliers"] == pytest.approx(3.1 / 11.63, rel=0.05)
        assert factors["electricite"] == 0  # cadastral inventory: counted where produced


def test_target_scenario_joins_the_reference_without_a_jump():
    """Issue 13: the SNBC scenario fell 7.7 % in its first year, capped at a reference that starts below
    the inventory. The base year's excess now closes linearly until 2030 (hand case below)."""
    # Reference 20 % below the inventory in every year from 2023: a jump of −20 % in 2024 before the fix.
    ref = pd.DataFrame([(s, y, 0.8 * v) for s, v in BASE.emissions.items() for y in range(2023, 2051)],
                       columns=["sector", "year", "value"])
    sc = _scenario({}, cible="trajectoire_reference")  # no lever: the scenario is its complement
    r = simulate(sc, BASE, 2050, reference=ref)
    total = r.total_emissions()[0]
    base = sum(BASE.emissions.values())
    # Without levers the trend is flat here; the held level is 0.8 × base + 0.2 × base × (1 − τ/7).
    assert total[1] == pytest.approx(base * (0.8 + 0.2 * 6 / 7), rel=1e-6)  # −2.9 % in 2024, not −20 %
    assert total[2030 - 2023] == pytest.approx(0.8 * base, rel=1e-6)
    steps = -np.diff(total[: 2030 - 2023 + 1]) / base
    assert steps.max() == pytest.approx(steps.min(), rel=1e-6)  # an even glide, no first-year jump
