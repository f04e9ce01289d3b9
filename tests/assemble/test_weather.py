"""Climate correction (issue 16): degree-days and thermosensitive shares are read with located errors,
the correction is the inverse of how weather enters consumption (and equals the Agence ORE additive
form), the decomposition of emissions gets a weather factor, and consumption targets are judged at
normal climate."""

from __future__ import annotations

import pytest

from pma_eval.errors import InputDataError
from pma_eval.processed import load
from pma_eval.sources.weather import correction_factor, read_degree_days, read_thermosensitive_shares


def test_correction_by_hand():
    # A year of 2 250 DJU for a normal of 2 500, 75 % thermosensitive: factor 0,25 + 0,75 × 0,9 = 0,925.
    assert correction_factor(0.75, 2250, 2500) == pytest.approx(0.925)
    # 925 MWh measured → 1 000 MWh at normal climate; a share of 0 leaves the value unchanged.
    assert 925 / correction_factor(0.75, 2250, 2500) == pytest.approx(1000)
    assert correction_factor(0.0, 2250, 2500) == 1.0


def test_correction_equals_the_ore_additive_form():
    """ORE publishes ``thermor`` (kWh per degree-day): corrected = E − thermor × (DJU − normal)."""
    normal_consumption, s, normal, dju = 1000.0, 0.6, 2500.0, 2800.0
    measured = normal_consumption * ((1 - s) + s * dju / normal)  # a cold year: 1 072 MWh
    thermor = s * normal_consumption / normal  # 0,24 MWh per degree-day
    assert measured - thermor * (dju - normal) == pytest.approx(normal_consumption)
    assert measured / correction_factor(s, dju, normal) == pytest.approx(normal_consumption)


def test_degree_days_errors_are_located(tmp_path):
    p = tmp_path / "dju.csv"
    p.write_text("station;annee;dju;source\nLille-Lesquin;2022;2 210;Météo-France\nLille-Lesquin;2023;22 500;x\n"
                 "Lille-Lesquin;2023;2300;x\n", encoding="utf-8")
    with pytest.raises(InputDataError) as exc:
        read_degree_days(p, "data/raw/meteo/dju.csv")
    found = {(pb.line, pb.column, str(pb.value)) for pb in exc.value.problems}
    assert (3, "dju", "22 500") in found  # above the maximum
    assert any(pb.line == 4 and "doublon" in pb.message for pb in exc.value.problems)


def test_shares_must_be_between_0_and_1(tmp_path):
    p = tmp_path / "parts.csv"
    p.write_text("secteur;energie;part;source\nresidentiel;gaz;75;étude\n", encoding="utf-8")
    with pytest.raises(InputDataError) as exc:
        read_thermosensitive_shares(p, "parts.csv")
    pb = exc.value.problems[0]
    assert (pb.line, pb.column, pb.value) == (2, "part", "75")


def test_corrected_series_and_weather_factor(built_paths):
    ind = load("indicators", built_paths).set_index(["indicator_id", "geo_level", "geo_code", "year"])["value"]
    # Real degree-days from 2016 (Hauts-de-France, base 17 °C): a cold 2016 (index 1,11) is corrected
    # downwards, a mild 2023 (index 0,94) upwards.
    assert ind[("indice_rigueur_climatique", "pma", "PMA", 2016)] > 1.05
    assert ind[("conso_energie_finale_corrigee", "pma", "PMA", 2016)] < ind[("conso_energie_finale", "pma", "PMA", 2016)]
    assert ind[("indice_rigueur_climatique", "pma", "PMA", 2023)] < 0.97
    assert ind[("conso_energie_finale_corrigee", "pma", "PMA", 2023)] > ind[("conso_energie_finale", "pma", "PMA", 2023)]

    from pma_eval.evaluation import emissions_drivers

    indicators = load("indicators", built_paths)
    energy = load("energy", built_paths)
    eff = emissions_drivers(indicators, energy, "pma", "PMA", 2016, 2023)
    # The effects still add up to the change of total emissions; 2023, milder than 2016, lowers emissions.
    change = ind[("ges_total", "pma", "PMA", 2023)] - ind[("ges_total", "pma", "PMA", 2016)]
    assert eff.sum() == pytest.approx(change, rel=1e-9)
    assert eff["climate"] < 0
    # 2016 → 2021 (nearly the same degree-days at both ends, 2 242 and 2 251): the weather effect is small
    # beside the energy effect.
    eff21 = emissions_drivers(indicators, energy, "pma", "PMA", 2016, 2021)
    assert abs(eff21["climate"]) < 0.1 * abs(eff21["energy_per_capita"])


def test_real_degree_days_take_precedence_over_demonstration(tiny_built_paths):
    """2016–2024 come from the daily temperatures (observed); 2012–2014 are estimated from the SDES national
    index carried to the real normal (estimated); 2015, whose January index is unreadable, keeps the
    demonstration file's index carried to the real normal (demonstration); the normal is the mean of the real
    complete years, never the base-18 demonstration normal of 2 500. Read in the run's shared build of the small
    territory: its tables and its build report (the manifest's precedence, notes and warnings)."""
    import json

    from pma_eval.sources.weather import (heating_degree_days, monthly_heating_degree_days,
                                          read_climate_severity_index, read_daily_temperature)

    tiny_project = tiny_built_paths
    tables = {name: load(name, tiny_project) for name in ("climate", "energy_corrected")}
    report = json.loads((tiny_project.processed / "manifest.json").read_text(encoding="utf-8"))
    c = tables["climate"]
    c = c[c["geo_level"] == "pma"].pivot(index="year", columns="variable", values="value")
    nature = tables["climate"].query("geo_level == 'pma' and variable == 'dju'").set_index("year")["nature"]
    daily = read_daily_temperature(tiny_project.raw / "energie" / "temperature-quotidienne-regionale_hauts-de-france.csv")
    real = heating_degree_days(daily).set_index("year")
    normal = real.loc[2016:2024, "dju"].mean()  # 2025 is incomplete (December absent): not in the normal
    assert normal == pytest.approx(2022.76, abs=0.01)
    assert list(c["dju_reference"]) == pytest.approx([normal] * len(c))
    for y in range(2016, 2025):
        assert nature[y] == "observed" and c.at[y, "dju"] == pytest.approx(real.at[y, "dju"])
        assert c.at[y, "climate_index"] == pytest.approx(real.at[y, "dju"] / normal)
    assert 2025 not in c.index
    # 2013 from the national index, written out: the region's normal degree-days of each month of the season
    # (mean of 2016–2024) × the national index of that month of 2013, times k, the ratio of the real degree-days
    # to those so estimated over the years with both (2016–2020, 2022, 2023: 2021 and 2024 lack a month of the
    # index in the public copy).
    months = monthly_heating_degree_days(daily)
    n_m = months.loc[months["year"].between(2016, 2024)].groupby("month")["dju"].mean()
    idx = read_climate_severity_index(tiny_project.raw / "referentiels" / "prix-energie-et-indice-de-rigueur-mensuels.csv")
    i = idx.set_index(["year", "month"])["index"]
    w = {y: sum(i[(y, m)] * n_m[m] for m in n_m.index) for y in (2013, 2016, 2017, 2018, 2019, 2020, 2022, 2023)}
    k = sum(real.at[y, "dju"] for y in w if y != 2013) / sum(w[y] for y in w if y != 2013)
    assert k == pytest.approx(1.089, abs=0.001)
    assert c.at[2013, "dju"] == pytest.approx(k * w[2013]) and c.at[2013, "dju"] == pytest.approx(2593.6, abs=0.1)
    for y in (2012, 2013, 2014):
        assert nature[y] == "estimated"
    # 2015: demonstration 2 375 DJU (base 18) ÷ its normal 2 500 = 0,95, kept as the index of the year.
    assert nature[2015] == "demonstration"
    assert c.at[2015, "climate_index"] == pytest.approx(0.95)
    assert c.at[2015, "dju"] == pytest.approx(0.95 * normal)
    # Missing days are counted, per year, in the table and in the build report.
    assert c.loc[2021:2024, "days_missing"].to_dict() == {2021: 1, 2022: 0, 2023: 3, 2024: 7}
    assert any("degrés-jours : 2012–2014 estimés d'après l'indice national" in n for n in report["precedence"])
    assert any("degrés-jours : 2016–2024 réels" in n and "2015 garde" in n for n in report["precedence"])
    assert any("indice 2015-01 illisible (« 01.janv »" in n for n in report["notes"])
    assert any("2025 incomplet" in n for n in report["notes"])  # a rule applied, stated: not a warning
    assert not any("2025 incomplet" in w for w in report["warnings"])
    # The corrected consumption of a demonstration year stays demonstration, even with observed weather.
    ec = tables["energy_corrected"]
    assert set(ec.loc[(ec["year"] == 2019) & (ec["nature"] != "secret"), "nature"]) == {"demonstration"}


def test_a_file_of_several_regions_needs_the_option(tiny_project):
    """A national file holds every region: without ``options: {region: …}`` the build refuses to choose."""
    from pma_eval.assemble import build_tables

    stored = tiny_project.raw / "energie" / "temperature-quotidienne-regionale_hauts-de-france.csv"
    data = stored.read_bytes()
    other = b"2016-01-01T00:00:00-11;01/01/16;11;\xc3\x8ele-de-France;3.3;8.76;6.03\n"
    stored.chmod(0o644)
    stored.write_bytes(data + other)
    meta = stored.with_name(stored.name + ".meta.yml")
    meta.chmod(0o644)
    import hashlib
    import re

    text = meta.read_text(encoding="utf-8").replace("options:\n  region: '32'\n", "")
    text = re.sub(r"(?m)^sha256: .*$", "sha256: " + hashlib.sha256(data + other).hexdigest(), text)
    meta.write_text(text, encoding="utf-8")
    with pytest.raises(InputDataError) as exc:
        build_tables(tiny_project)
    assert "indiquez laquelle représente le territoire" in str(exc.value)


def test_consumption_target_is_judged_at_normal_climate(built_paths):
    from pma_eval.report.context import load_context

    ctx = load_context(2023, "PMA", built_paths)
    v = ctx.verdicts.set_index("target_id")
    row = v.loc[v["indicator_id"] == "conso_energie_finale"].iloc[0]
    assert "climat normal" in row["note"]
    ind = load("indicators", built_paths).set_index(["indicator_id", "geo_level", "geo_code", "year"])["value"]
    t = ctx.targets.set_index("target_id").loc[row.name]
    ref = int(t["ref_year"])
    # The target level is the corrected reference-year value × (1 + the relative target).
    assert row["target_value"] == pytest.approx(ind[("conso_energie_finale_corrigee", "pma", "PMA", ref)]
                                                * (1 + float(t["valeur"])))


def test_ore_partr_is_read_and_weighted_by_consumption(tmp_path):
    """The Agence ORE wide layout's ``partr`` (percent or fraction): operators of a commune weighted by
    their residential consumption, then one share a year and energy for the territory."""
    import csv
    from pathlib import Path

    from pma_eval.assemble.common import RawFile
    from pma_eval.assemble.steps import ore_thermosensitivity
    from pma_eval.sources.ore import read_ore_consumption

    from ..conftest import REPO

    src = REPO / "tests" / "fixtures" / "ore_large_2011_2021.csv"
    with open(src, encoding="utf-8") as f:
        rows = list(csv.DictReader(f, delimiter=";"))
    lens = [r for r in rows if r["code_commune"] == "62498" and r["filiere"] == "Electricité" and r["annee"] == "2021"]
    assert len(lens) == 2  # Enedis 12 345,678 MWh and SICAE 100,5 MWh of residential electricity
    lens[0]["partr"], lens[1]["partr"] = "30", "0.5"  # a percentage, then a fraction
    out = tmp_path / "ore.csv"
    with open(out, "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]), delimiter=";")
        w.writeheader()
        w.writerows(rows)
    df = read_ore_consumption(out)
    got = df.set_index(["geo_code", "year", "carrier", "sector"]).at[("62498", 2021, "electricite", "residentiel"),
                                                                      "thermosensitive_share"]
    expected = (0.30 * 12345.678 + 0.5 * 100.5) / (12345.678 + 100.5)  # by hand
    assert got == pytest.approx(expected)
    table = ore_thermosensitivity({"ore_conso": [(RawFile(Path("ore.csv"), {"nature": "observed"}, "ore.csv"),
                                                  df[df["geo_code"] == "62498"])]})
    row = table.set_index(["sector", "carrier", "year"]).loc[("residentiel", "electricite", 2021)]
    assert row["share"] == pytest.approx(expected) and row["share_nature"] == "observed"


def test_one_communes_partr_does_not_stand_for_the_territory(tmp_path):
    """Issue 25, point 7: one commune's ORE partr was applied to all 150 communes' corrected consumption. Lens's
    share (0,30 on 12 345,678 MWh, 0,5 on 100,5 MWh) stands for the territory only when its communes hold at least
    half of the territory's residential electricity: here Lens holds 12 446,178 of 124 461,78 MWh (10 %)."""
    import pandas as pd

    from pma_eval.assemble.common import BuildReport
    from pma_eval.assemble.steps import ore_thermosensitivity

    ore = pd.DataFrame({"geo_level": "commune", "geo_code": "62498", "year": 2021, "carrier": "electricite",
                        "sector": "residentiel", "value": [12345.678, 100.5], "thermosensitive_share": [0.30, 0.5]})
    from pma_eval.assemble.common import RawFile
    read = {"ore_conso": [(RawFile(tmp_path / "ore.csv", {"nature": "observed"}, "ore.csv"), ore)]}
    energy = pd.DataFrame({"geo_level": "commune", "geo_code": ["62498", "62001"], "year": 2021,
                           "carrier": "electricite", "sector": "residentiel",
                           "value": [12446.178, 124461.78 - 12446.178]})
    report = BuildReport()
    assert ore_thermosensitivity(read, energy, report).empty
    assert report.notes == ["parts thermosensibles : le partr de l'Agence ORE (électricité, 2021) ne couvre que 10 % "
                            "de la consommation résidentielle du territoire ; la part du tableau des parts "
                            "thermosensibles est gardée"]
    energy.loc[1, "value"] = 10000.0  # now Lens holds 55 %: its share stands for the territory
    table = ore_thermosensitivity(read, energy, BuildReport())
    assert table["share"].item() == pytest.approx((0.30 * 12345.678 + 0.5 * 100.5) / 12446.178)
