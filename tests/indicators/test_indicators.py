"""Indicators: catalogue schema, hand-checked values on the shipped data, aggregation invariants, exports."""

from __future__ import annotations

import csv
import math

import pandas as pd
import pytest
from hypothesis import Phase, given, settings
from hypothesis import strategies as st

from pma_eval.processed import load
from pma_eval.errors import ConfigurationError, InputDataError
from pma_eval.indicators import check_indicators, compute_indicators, load_catalogue, plausibility_flags
from pma_eval.indicators.catalogue import KNOWN_UNITS, parse_catalogue
from pma_eval.territory import Territory

from ..conftest import REPO

CAT = load_catalogue()


def _ind(paths, iid, level, code, year):
    df = load("indicators", paths)
    row = df[(df["indicator_id"] == iid) & (df["geo_level"] == level) & (df["geo_code"] == code) & (df["year"] == year)]
    assert len(row) == 1, (iid, level, code, year)
    return row.iloc[0]


# --- catalogue --------------------------------------------------------------------------------------

def test_catalogue_is_valid_and_every_entry_is_computable(built_paths):
    ids = [i.id for i in CAT]
    assert len(ids) == len(set(ids)) and len(ids) >= 40
    assert all(i.short_unit in KNOWN_UNITS for i in CAT)
    assert CAT["ges_total"].tet_id == "cae_1.a" and CAT["ges_par_habitant"].tet_id == "cae_1.b"
    tet = pd.read_csv(REPO / "data/raw/referentiels/tet_indicateur_definitions.csv")
    known_tet = set(tet["identifiantReferentiel"])
    assert all(i.tet_id in known_tet for i in CAT if i.tet_id), "tet_id must exist in the ADEME catalogue"
    df = load("indicators", built_paths)
    # No shipped file gives these; each is computed where a user enters its source (test named):
    not_shipped = {"biomethane_injection"}  # the real register gives capacities only (tests/assemble/test_heat.py)
    for i in CAT:
        if i.id in not_shipped:
            continue
        for level in i.levels:
            if level == "commune" and (i.theme == "air" or "production_enr_chaleur_gaz" in i.sources):
                continue  # the shipped (demonstration) air inventory and heat production are by EPCI:
                # see tests/assemble/test_air.py and tests/assemble/test_heat.py
            vals = df[(df["indicator_id"] == i.id) & (df["geo_level"] == level)]["value"]
            assert vals.notna().any(), f"{i.id} has no value at level {level}"


def test_catalogue_errors_are_reported_in_french():
    bad = {"themes": {"t": "T"}, "indicators": [
        {"id": "a", "title": "A", "short_title": "A", "unit": "u", "short_unit": "furlong", "direction": "up",
         "theme": "t", "sources": [], "aggregation": "sum", "levels": ["commune"], "calc": {"table": "x"},
         "description": ""},
        {"id": "a", "title": "B"}]}
    with pytest.raises(ConfigurationError) as exc:
        parse_catalogue(bad)
    msg = str(exc.value)
    assert "unité courte inconnue" in msg and "sens inconnu" in msg and "table inconnue" in msg and "champs absents" in msg


# --- hand-checked values on the shipped real data -------------------------------------------------

def test_pole_total_emissions_2016_excluding_biomass(built_paths):
    # Independent sum of the IGT file (csv module): 8 PCAET sectors, biomass and international excluded.
    sectors = ["Agriculture", "Autres transports", "Déchets", "Energie", "Industrie hors-énergie",
               "Résidentiel", "Routier", "Tertiaire"]
    with open(REPO / "data/raw/ges/igt_citepa_ges_communes_pma.csv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    total = sum(float(r[s]) for r in rows for s in sectors if r[s])
    biomass = sum(float(r["CO2 biomasse hors-total"]) for r in rows)
    row = _ind(built_paths, "ges_total", "pma", "PMA", 2016)
    assert row["value"] == pytest.approx(total) and row["nature"] == "observed" and row["unit"] == "t CO₂e"
    assert _ind(built_paths, "ges_co2_biomasse", "pma", "PMA", 2016)["value"] == pytest.approx(biomass)
    # CALL only (36 communes from the commune table):
    with open(REPO / "data/raw/territoire/pma_communes.csv", encoding="utf-8") as f:
        call = {r["code_insee"] for r in csv.DictReader(f) if r["epci_sigle"] == "CALL"}
    call_total = sum(float(r[s]) for r in rows if r["INSEE commune"] in call for s in sectors if r[s])
    assert _ind(built_paths, "ges_total", "epci", "246200364", 2016)["value"] == pytest.approx(call_total)


def test_per_inhabitant_is_a_ratio_of_totals_not_an_average(built_paths):
    ges = _ind(built_paths, "ges_total", "pma", "PMA", 2016)["value"]
    pop = _ind(built_paths, "population", "pma", "PMA", 2016)["value"]
    assert pop == 645651  # INSEE millésime 2016, sum of the 150 communes (shipped table)
    assert _ind(built_paths, "ges_par_habitant", "pma", "PMA", 2016)["value"] == pytest.approx(ges / pop)
    df = load("indicators", built_paths)
    communes = df[(df["indicator_id"] == "ges_par_habitant") & (df["geo_level"] == "commune") & (df["year"] == 2016)]
    assert not math.isclose(communes["value"].mean(), ges / pop, rel_tol=1e-3)  # the average would be wrong


def test_lens_2016_residential_share_by_hand(built_paths):
    with open(REPO / "data/raw/ges/igt_citepa_ges_communes_pma.csv", encoding="utf-8") as f:
        lens = [r for r in csv.DictReader(f) if r["INSEE commune"] == "62498"][0]
    sectors = ["Agriculture", "Autres transports", "Déchets", "Energie", "Industrie hors-énergie",
               "Résidentiel", "Routier", "Tertiaire"]
    total = sum(float(lens[s]) for s in sectors if lens[s])
    share = _ind(built_paths, "part_ges_residentiel", "commune", "62498", 2016)["value"]
    assert share == pytest.approx(100 * float(lens["Résidentiel"]) / total)


def test_secret_and_demonstration_propagate(built_paths):
    df = load("indicators", built_paths)
    secret = df[(df["indicator_id"] == "conso_energie_finale") & (df["nature"] == "secret")]
    assert len(secret) > 0 and secret["value"].isna().all() and set(secret["geo_level"]) == {"commune"}
    per_hab = df[(df["indicator_id"] == "conso_energie_par_habitant") & (df["nature"] == "secret")]
    assert per_hab["value"].isna().all() and len(per_hab) == len(secret)
    assert _ind(built_paths, "ges_total", "pma", "PMA", 2023)["nature"] == "demonstration"


# --- invariants on random territories (hypothesis) -----------------------------------------------

@settings(max_examples=12, deadline=None, phases=[Phase.explicit, Phase.reuse, Phase.generate])
@given(st.data())
def test_invariants_on_random_territories(data):
    """Random territories of the small territory's size (2 to 20 communes, 1 to 4 EPCIs), each with four years of
    random emissions and populations: 12 territories × 4 years = 48 random cases (there were 40 territories of one
    year, each costing one aggregation, one computation and one check: the cost is per territory, not per year)."""
    n = data.draw(st.integers(2, 20))
    n_epci = data.draw(st.integers(1, min(n, 4)))
    epci_of = [f"{200000000 + data.draw(st.integers(0, n_epci - 1))}" for _ in range(n)]
    communes = pd.DataFrame({"code_insee": [f"{62000 + i:05d}" for i in range(n)], "nom": "x",
                             "epci_siren": epci_of, "epci_sigle": epci_of})
    t = Territory.from_communes(communes)
    years = [2020, 2021, 2022, 2023]
    em_vals = {y: data.draw(st.lists(st.floats(0, 1e5, allow_nan=False), min_size=2 * n, max_size=2 * n))
               for y in years}
    pops = {y: data.draw(st.lists(st.integers(1000, 100000), min_size=n, max_size=n))  # within catalogue bounds
            for y in years}
    em = pd.concat([pd.DataFrame({"geo_code": list(communes["code_insee"]) * 2, "year": y,
                                  "sector": ["residentiel"] * n + ["tertiaire"] * n, "in_total": True,
                                  "value": em_vals[y], "nature": "observed"}) for y in years], ignore_index=True)
    pop = pd.concat([pd.DataFrame({"geo_code": communes["code_insee"], "year": y, "variable": "population_municipale",
                                   "value": [float(p) for p in pops[y]], "nature": "observed"}) for y in years],
                    ignore_index=True)
    tables = {"emissions": t.aggregate(em, ["year", "sector", "in_total"]),
              "population": t.aggregate(pop, ["year", "variable"]),
              "energy": pd.DataFrame(columns=["geo_level", "geo_code", "year", "sector", "carrier", "value", "nature"]),
              "renewables": pd.DataFrame(columns=["geo_level", "geo_code", "year", "technology", "variable",
                                                  "renewable", "value", "nature"])}
    cat = CAT.subset(["ges_par_habitant", "part_ges_residentiel", "part_ges_tertiaire"])  # and what they need
    ind = compute_indicators(tables, cat)
    check_indicators(ind, cat, t)  # communes → EPCI → Pôle, sectors → total
    assert plausibility_flags(ind, cat).empty  # populations drawn within the catalogue's plausible range
    get = ind.set_index(["indicator_id", "geo_level", "geo_code", "year"])["value"]
    for y in years:
        total = sum(em_vals[y])
        assert get[("ges_total", "pma", "PMA", y)] == pytest.approx(total, abs=1e-6)
        assert get[("ges_par_habitant", "pma", "PMA", y)] == pytest.approx(total / sum(pops[y]), abs=1e-9)
        shares = get[("part_ges_residentiel", "pma", "PMA", y)] + get[("part_ges_tertiaire", "pma", "PMA", y)]
        if total > 0:
            assert shares == pytest.approx(100.0)


def test_pipeline_check_stops_on_an_inconsistent_total():
    communes = pd.DataFrame({"code_insee": ["62001", "62002"], "nom": "x", "epci_siren": "200000000",
                             "epci_sigle": "E"})
    t = Territory.from_communes(communes)
    ind = pd.DataFrame({"indicator_id": "ges_total", "geo_level": ["commune", "commune", "epci", "pma"],
                        "geo_code": ["62001", "62002", "200000000", "PMA"], "year": 2020,
                        "value": [10.0, 20.0, 50.0, 50.0], "unit": "t CO₂e", "nature": "observed"})
    with pytest.raises(InputDataError, match="somme des communes"):
        check_indicators(ind, CAT, t)


# --- exports ------------------------------------------------------------------------------------------

def test_export_csv_and_xlsx(built_paths, tmp_path, monkeypatch):
    from openpyxl import load_workbook

    from pma_eval.cli import main

    monkeypatch.setenv("PMA_EVAL_ROOT", str(built_paths.root))
    assert main(["indicators", "export", "--out", str(tmp_path / "x.csv"), "--niveaux", "pma,epci",
                 "--annees", "2016,2022-2023", "--indicateurs", "ges_total,ges_par_habitant"]) == 0
    text = (tmp_path / "x.csv").read_text(encoding="utf-8-sig").splitlines()
    assert text[0] == "indicateur;titre;niveau;code;territoire;annee;valeur;unite;nature;complet"
    assert len(text) == 1 + 2 * 4 * 3  # 2 indicators × (Pôle + 3 EPCI) × 3 years
    pma16 = [ln for ln in text if ln.startswith("ges_total;") and ";Pôle;" in ln and ";2016;" in ln][0]
    assert ";observée" in pma16 and "," in pma16.split(";")[6]  # decimal comma
    # Béthune's road transport is empty in the 2016 IGT (a gap): the Pôle's total is not complete.
    assert pma16.endswith(";non")
    assert main(["indicators", "export", "--out", str(tmp_path / "x.xlsx"), "--niveaux", "pma"]) == 0
    wb = load_workbook(tmp_path / "x.xlsx")
    assert wb.sheetnames == ["Contexte", "Émissions GES", "Énergie", "Renouvelables", "Qualité de l'air",
                             "Séquestration carbone", "Mobilisation des réseaux",
                             "Du récit aux actions", "Catalogue"]
    ws = wb["Émissions GES"]
    assert [c.value for c in ws[1]] == ["indicateur", "titre", "niveau", "code", "territoire", "annee", "valeur",
                                        "unite", "nature", "complet"]
    assert ws.freeze_panes == "A2" and ws["G2"].number_format == "#,##0"
    assert wb["Catalogue"].max_row == len(CAT) + 1
    assert main(["indicators", "export", "--out", str(tmp_path / "x.xlsx"), "--indicateurs", "inconnu"]) == 2


def test_an_implausible_value_is_kept_and_flagged_never_refused():
    """Issue 24: the national benchmark stopped on a village with a factory (1 776 MWh per inhabitant, above
    the catalogue's [0, 1 000] for the climate-corrected consumption per inhabitant). Such a value is kept,
    flagged and listed (DESIGN: what is only implausible is kept); values inside the range are not listed."""
    from pma_eval.assemble import BuildReport
    from pma_eval.assemble.pipeline import _flag_implausible
    from pma_eval.indicators import plausibility_flags

    assert CAT["conso_energie_par_habitant_corrigee"].bounds == (0, 1000)
    ind = pd.DataFrame({"indicator_id": "conso_energie_par_habitant_corrigee", "geo_level": "commune",
                        "geo_code": ["62001", "62002"], "year": 2021, "value": [31.5, 1776.0]})
    flags = plausibility_flags(ind, CAT)
    assert flags[["geo_code", "value", "low", "high"]].values.tolist() == [["62002", 1776.0, 0, 1000]]
    report = BuildReport()
    _flag_implausible(ind, CAT, report)
    assert report.plausibility == [{"indicator_id": "conso_energie_par_habitant_corrigee", "geo_level": "commune",
                                    "geo_code": "62002", "year": 2021, "value": 1776.0, "low": 0, "high": 1000}]
    assert report.warnings == ["1\u00a0valeur hors de la plage plausible du catalogue, gardée et signalée (par exemple "
                               "conso_energie_par_habitant_corrigee, commune 62002, 2021 : 1\u202f776 MWh/hab, plage de "
                               "0 à 1\u202f000) ; liste complète dans data/processed/manifest.json (« plausibility »)"]
