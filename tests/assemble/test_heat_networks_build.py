"""Real heat networks (SDES IRIS files) in the energy table of the small territory: Lens only (62498, CALL),
hand sums from the real rows, secret cells kept as a minimum, precedence over demonstration values."""

from __future__ import annotations

import pandas as pd
import pytest

from pma_eval.processed import load

# Lens 2023 (release 2023-09): 10 known cells, 1 secret (tertiary, IRIS 624980103).
LENS_2023_R = 5772.44503021239 + 2171.81002807617 + 1638.06802368164 + 285.710006713866
LENS_2023_T = (748.969970703125 + 208.660003662109 + 1148.23997497558 + 6541.57604217529 + 14559.840171814
               + 1476.78999328613)
# Lens 2018 (release 2020-10): five rows labelled « Réseau de chaleur de BÃ©thune », sector X, in Lens IRIS codes.
LENS_2018_X = 13768.57055 + 12148.73872 + 9718.990979 + 809.9159149 + 1619.83183


def test_lens_heat_networks_real_over_demonstration(tiny_added):
    """With a demonstration inventory of Lens's network heat for 2019 (11 111 MWh) and 2023 (99 999 MWh), added to the
    small territory (tests/assemble/added.py, built once with the other additions of the build tests)."""
    demo = (tiny_added.raw / "demonstration" / "chaleur_reseau_lens_demo.csv").read_text(encoding="utf-8")
    assert "62498;2019;residentiel;chaleur_reseau;11111;MWh" in demo and "62498;2023;residentiel;chaleur_reseau;99999" in demo
    en = load("energy", tiny_added)
    heat = en[(en["carrier"] == "chaleur_reseau") & (en["geo_level"] == "commune")].set_index(["year", "sector"])
    assert set(heat["geo_code"]) == {"62498"}  # Béthune, Liévin, Avion… are not in the small territory
    lens23 = heat.loc[2023]
    assert lens23.at["residentiel", "value"] == pytest.approx(LENS_2023_R)  # real, not the demonstration 99 999
    assert lens23.at["residentiel", "nature"] == "observed" and lens23.at["residentiel", "complete"]
    assert lens23.at["tertiaire", "value"] == pytest.approx(LENS_2023_T)
    assert not lens23.at["tertiaire", "complete"]  # its secret cell: a minimum, never 0
    assert round(LENS_2023_R + LENS_2023_T, 1) == 34552.1
    assert heat.loc[(2018, "non_affecte"), "value"] == pytest.approx(LENS_2018_X)
    # 2019 is in no release: it stays what it was (here the demonstration value)
    assert heat.loc[(2019, "residentiel"), "value"] == 11111 and heat.loc[(2019, "residentiel"), "nature"] == "demonstration"
    call = en[(en["carrier"] == "chaleur_reseau") & (en["geo_level"] == "epci") & (en["year"] == 2023)]
    assert call["value"].sum() == pytest.approx(LENS_2023_R + LENS_2023_T)
    assert not call["complete"].all()


def test_report_sentence_says_at_least_and_unknown_year():
    from types import SimpleNamespace

    from pma_eval.report.annual.networks import _heat_sentence

    rows = [("epci", "246200364", 2023, "residentiel", 20_000.0, "observed", True),
            ("epci", "246200364", 2023, "tertiaire", 30_070.0, "observed", False),
            ("epci", "246200364", 2018, "non_affecte", 69_476.7, "observed", True)]
    energy = pd.DataFrame(rows, columns=["geo_level", "geo_code", "year", "sector", "value", "nature", "complete"])
    energy["carrier"] = "chaleur_reseau"
    ctx = SimpleNamespace(energy=energy, geo_level="epci", geo_code="246200364", year=2023)
    # the sentence alone: its caller (networks_sentence) puts the space before it
    mix = (" Leur part renouvelable ou de récupération n'est pas connue : elle demande le bouquet de chaque réseau, "
           "saisi avec sa source.")
    assert _heat_sentence(ctx) == ("Selon le SDES, les réseaux de chaleur livrent au moins 50\u00a0GWh (total "
                                   "incomplet : une partie des livraisons est secrète ou manque)." + mix)
    ctx.year = 2018
    assert _heat_sentence(ctx) == "Selon le SDES, les réseaux de chaleur livrent 69\u00a0GWh." + mix
    ctx.year = 2019  # in no release
    assert "ne sont pas connues pour 2019" in _heat_sentence(ctx)
    assert "hors réseaux de chaleur" in _heat_sentence(ctx)
    # Years without a release are rows of unknown value (assemble.reconcile.release_gaps): the report year names them.
    gaps = pd.DataFrame([("epci", "246200364", y, "residentiel", float("nan"), "demonstration", False, "chaleur_reseau")
                         for y in (2016, 2017, 2019, 2021)], columns=list(energy.columns))
    ctx.energy, ctx.year = pd.concat([energy, gaps], ignore_index=True), 2023
    assert _heat_sentence(ctx).endswith(
        mix + " Aucune livraison n'est publiée pour 2016 et 2017, 2019 et 2021 : la consommation totale de ces années "
        "est incomplète (hors réseaux de chaleur) ; l'écart avec les années qui la comptent tient aux données, non à "
        "la consommation.")


def test_years_without_a_release_are_missing_and_their_totals_incomplete(tiny_built_paths):
    """2012–2017, 2019 and 2021 are in no SDES release: Lens's network heat is unknown (never 0), and Lens's, the
    CALL's and the Pôle's consumption of those years are incomplete; 2023 is as published. Read in the run's shared
    build of the small territory (tests/tiny.py)."""
    from pma_eval.assemble.reconcile import RELEASE_GAP_SOURCE

    tiny_project = tiny_built_paths
    en = load("energy", tiny_project)
    heat = en[(en["carrier"] == "chaleur_reseau") & (en["geo_level"] == "commune")]
    gap = heat[heat["year"] == 2019]
    # one row per sector Lens's network has in some release (R, T in 2020–2023; X in 2018), value unknown
    assert sorted(gap["sector"]) == ["non_affecte", "residentiel", "tertiaire"]
    assert gap["value"].isna().all() and not gap["complete"].any() and set(gap["source"]) == {RELEASE_GAP_SOURCE}
    assert sorted(heat.loc[heat["value"].isna() & (heat["source"] == RELEASE_GAP_SOURCE), "year"].unique()) == [
        2012, 2013, 2014, 2015, 2016, 2017, 2019, 2021]
    ind = load("indicators", tiny_project).set_index(["indicator_id", "geo_level", "geo_code", "year"])
    for y in (2017, 2019, 2021):
        for key in (("commune", "62498"), ("epci", "246200364"), ("pma", "PMA")):
            row = ind.loc[("conso_energie_finale", *key, y)]
            assert row["value"] > 0 and not row["complete"]  # the known parts, flagged: a minimum, never 0 added
        assert pd.isna(ind.loc[("conso_chaleur_reseau", "commune", "62498", y), "value"])
    # A year with a release keeps its deliveries: 2023 Lens = 34 552,1 MWh (release 2023-09, one secret cell).
    assert ind.loc[("conso_chaleur_reseau", "commune", "62498", 2023), "value"] == pytest.approx(LENS_2023_R + LENS_2023_T)
    # The coverage table (data etat, the annual report's annex) has the heat networks, the biomethane register and
    # the degree-days as rows of their own.
    cov = load("coverage", tiny_project).set_index(["theme", "geo_level", "year"])
    assert cov.loc[("heat_networks", "commune", 2019), ["observed", "missing", "incomplete"]].tolist() == [0, 3, 3]
    assert cov.loc[("heat_networks", "commune", 2023), "observed"] == 2  # Lens R and T (T a minimum)
    assert cov.loc[("heat_networks", "pma", 2023), "incomplete"] == 1  # the tertiary sum, with its secret cell
    dd = cov.loc["degree_days"].xs("pma", level="geo_level")
    assert (dd.loc[2013, "estimated"], dd.loc[2015, "demonstration"], dd.loc[2023, "observed"]) == (1, 1, 1)
    assert cov.loc[("biomethane", "epci", 2023), "observed"] == 2  # the register speaks for both EPCIs: 0 sites is a fact
    years = sorted({y for _, _, y in cov.index})
    assert (years[0], years[-1]) == (2012, 2023)  # the parts keep the years of the other themes (not 2011 nor 2024)
