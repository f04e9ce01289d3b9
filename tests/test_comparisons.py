"""Comparisons on observed data (CITEPA IGT of the whole region), checked against the figures of the
shared data's README and by hand."""

from __future__ import annotations

import pandas as pd
import pytest

from pma_eval.comparisons import aggregate, peers, ranking, rule_text, similar_communes
from pma_eval.processed import load, load_territory


@pytest.fixture(scope="module")
def table(built_paths):
    return load("comparisons_ges", built_paths)


def _total(t, level, code):
    row = t[(t["geo_level"] == level) & (t["geo_code"] == code) & (t["sector"] == "total")]
    return row.iloc[0]


def test_the_pole_in_the_region_file_equals_its_own_extract(table, built_paths):
    # README of comparaisons/: the 150 communes of the Pôle give 3,266,826.3 t for the 8 PCAET sectors.
    pole = _total(table, "pma", "PMA")
    assert pole["value"] == pytest.approx(3_266_826.3, abs=0.1)
    assert pole["per_capita"] == pytest.approx(pole["value"] / pole["population"])  # total ÷ population, never a mean
    em = load("emissions", built_paths)
    own = em[(em["geo_level"] == "pma") & (em["year"] == 2016) & em["in_total"].astype(bool)]["value"].sum()
    assert own == pytest.approx(pole["value"], rel=1e-9)


def test_gaps_make_totals_incomplete_up_to_the_region(table):
    # README: 62119 Béthune has no « Routier »: its CA, the Pas-de-Calais and the region are minimums.
    assert not _total(table, "commune", "62119")["complete"]
    assert not _total(table, "epci", "200072460")["complete"]  # CABBALR
    assert not _total(table, "departement", "62")["complete"] and not _total(table, "region", "32")["complete"]
    assert _total(table, "epci", "246200364")["complete"]  # CALL: no gap
    dunkerque = table[(table["geo_level"] == "epci") & (table["name"] == "CU de Dunkerque") & (table["sector"] == "total")]
    assert dunkerque["per_capita"].iloc[0] > 50  # README: the steelworks put it near 54 t per inhabitant


def test_peer_rule_by_hand(table):
    call = _total(table, "epci", "246200364")  # CA de Lens - Liévin
    got = set(peers(table, "epci", "246200364")["geo_code"])
    epcis = table[(table["geo_level"] == "epci") & (table["sector"] == "total")]
    expected = set(epcis[(epcis["name"].str.startswith("CA ")) & (epcis["geo_code"] != "246200364")
                         & (epcis["population"] >= call["population"] / 2)
                         & (epcis["population"] <= call["population"] * 2)]["geo_code"])
    assert got == expected and len(got) >= 3
    assert "entre la moitié et le double" in rule_text("epci")
    pole = peers(table, "pma", "PMA")
    assert (pole["population"] >= 100_000).all() and set(pole["kind"]) <= {"CA", "CU", "Métropole"}
    r = ranking(table, "pma", "PMA", members={"246200364", "246200299", "200072460"})
    assert (r["role"] == "membre").sum() == 3 and (r["role"] == "territoire").sum() == 1
    assert r["per_capita"].is_monotonic_decreasing


def test_aggregate_by_hand():
    inv = pd.DataFrame({"code_insee": ["00001", "00001", "00002", "00002"], "year": 2016,
                        "sector": ["residentiel", "transport_routier"] * 2, "value": [10.0, 20.0, 5.0, float("nan")],
                        "in_total": True, "gap": [False, False, False, True]})
    com = pd.DataFrame({"code_insee": ["00001", "00002"], "nom": ["A", "B"], "code_departement": "62",
                        "epci_siren": "200000001", "epci_nom": "CA Test", "population": pd.array([10, 5], "Int64")})
    t = aggregate(inv, com, {"00001"})
    e = _total(t, "epci", "200000001")
    assert e["value"] == 35.0 and e["population"] == 15 and e["per_capita"] == pytest.approx(35 / 15)
    assert not e["complete"] and e["kind"] == "CA"
    assert _total(t, "pma", "PMA")["value"] == 30.0 and _total(t, "pma", "PMA")["complete"]
    assert similar_communes(t, "00001", tolerance=0.4).empty  # B has 5 inhabitants, outside 10 ± 40 %
    assert list(similar_communes(t, "00001", tolerance=0.5)["geo_code"]) == ["00002"]  # bounds included


def test_comparisons_reach_the_export_as_indicator_levels(table, built_paths, tmp_path):
    from pma_eval.comparisons import as_indicators
    from pma_eval.indicators import load_catalogue
    from pma_eval.publish.indicator_export import export

    terr = load_territory(built_paths)
    rows = as_indicators(table, set(terr.epcis["epci_siren"]))
    assert set(rows["geo_level"]) == {"departement", "region", "epci"}
    assert not rows["geo_code"].isin(terr.epcis["epci_siren"]).any()  # the Pôle's EPCIs come from its own data
    path = export(rows, load_catalogue(), terr, tmp_path / "comparaisons.xlsx")
    sheet = pd.read_excel(path, sheet_name="Émissions GES")
    pdc = sheet[(sheet["niveau"] == "département") & (sheet["code"].astype(str) == "62")
                & (sheet["indicateur"] == "ges_par_habitant")].iloc[0]
    pdc_total = _total(table, "departement", "62")
    assert pdc["territoire"] == "Pas-de-Calais" and pdc["complet"] == "non" and pdc["nature"] == "observée"
    assert pdc["valeur"] == pytest.approx(pdc_total["value"] / pdc_total["population"])


def test_fiche_sets_the_commune_beside_communes_of_similar_size(table):
    from pma_eval.publish.fiches import peer_sentence

    communes = table[(table["geo_level"] == "commune") & (table["sector"] == "total")]
    lens = communes[communes["geo_code"] == "62498"].iloc[0]
    near = communes[(communes["departement"] == "62") & (communes["geo_code"] != "62498")
                    & (communes["population"] >= 0.75 * lens["population"])
                    & (communes["population"] <= 1.25 * lens["population"])]
    text = peer_sentence(communes, "62498", "Lens")
    assert text.startswith("En 2016, d'après l'inventaire observé du CITEPA, Lens émettait ")
    assert f"les {len(near)} communes du Pas-de-Calais de taille voisine" in text
    assert peer_sentence(None, "62498", "Lens") == ""  # without the region's inventory: nothing, not a zero
