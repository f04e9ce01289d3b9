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
    assert pd.isna(e["value_core"]) or e["value_core"] == 35.0  # no point source in this inventory
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


# --- energy and renewables: the département, the region and France (issue 26) ---------------------------

def test_energy_levels_reach_the_export_with_their_scope_note(built_paths, tmp_path, monkeypatch):
    """The comparison levels of data/raw/comparaisons go out with ``pma-eval indicators export``, each observed,
    with its own scope note and the producer's status (hand sums in tests/sources/test_levels.py)."""
    from pma_eval.cli import main

    monkeypatch.setenv("PMA_EVAL_ROOT", str(built_paths.root))
    out = tmp_path / "niveaux.csv"
    assert main(["indicators", "export", "--out", str(out), "--niveaux", "departement,region,france",
                 "--indicateurs", "conso_electricite,enr_elec_production,enr_puissance_eolien"]) == 0
    sheet = pd.read_csv(out, sep=";", decimal=",", encoding="utf-8-sig", dtype={"code": str})
    assert list(sheet.columns)[-2:] == ["statut", "portee"]
    assert set(sheet["nature"]) == {"observée"}

    def row(level, code, iid, year):
        sel = sheet[(sheet["niveau"] == level) & (sheet["code"] == code) & (sheet["indicateur"] == iid)
                    & (sheet["annee"] == year)]
        assert len(sel) == 1, sel
        return sel.iloc[0]

    pdc = row("département", "62", "conso_electricite", 2011)
    # 3 122 596,2386 + 861 013,8043 + 59 540,1343 + 2 000 064,2412 + 1 678 799,4339 + 2 972,6501 (six sectors)
    assert pdc["valeur"] == pytest.approx(7_724_986.50246) and pdc["territoire"] == "Pas-de-Calais"
    assert "réseau Enedis seulement" in pdc["portee"] and pdc["complet"] == "oui"
    enr = row("département", "62", "enr_elec_production", 2023)
    assert enr["complet"] == "non" and "réseau Enedis seulement" in enr["portee"]  # PV BT <= 36 kVA empty in 2023
    hdf = row("région", "32", "conso_electricite", 2022)
    assert hdf["valeur"] == pytest.approx(47_194_000) and hdf["statut"] == "définitif"
    assert "consommation brute" in hdf["portee"]
    assert row("région", "32", "enr_puissance_eolien", 2020)["valeur"] == pytest.approx(4_928_000)  # 4 928 MW
    fr = row("France", "FR", "conso_electricite", 2023)
    assert fr["valeur"] == pytest.approx(438_599_000) and fr["statut"] == "consolidé"
    assert "non corrigée du climat" in fr["portee"]
    assert not (sheet["niveau"] == "Pôle").any()


def test_levels_table_keeps_france_corrected_and_the_region_gas_apart(built_paths):
    lv = load("comparisons_energy", built_paths)
    fr = lv[(lv["geo_level"] == "france") & (lv["year"] == 2023)].set_index("variable")["value"]
    assert fr["conso_electricite_corrigee"] == pytest.approx(445_722_000)
    assert fr["conso_electricite_brute"] == pytest.approx(438_599_000)
    gas = lv[(lv["variable"] == "conso_gaz_brute_pcs") & (lv["geo_level"] == "region") & (lv["year"] == 2022)].iloc[0]
    assert gas["unit"] == "MWh PCS" and gas["status"] == "consolide" and gas["nature"] == "observed"


def test_indexed_series_share_a_base_year():
    from pma_eval.comparisons import indexed

    idx, base = indexed({"a": pd.Series({2012: 50.0, 2013: 100.0, 2014: 110.0}),
                         "b": pd.Series({2013: 8.0, 2014: 6.0})})
    assert base == 2013
    assert idx.at[2014, "a"] == pytest.approx(110.0) and idx.at[2014, "b"] == pytest.approx(75.0)  # 6 / 8 × 100
    assert idx.at[2012, "a"] == pytest.approx(50.0)
    assert indexed({"a": pd.Series({2012: 1.0}), "b": pd.Series({2013: 1.0})})[1] is None


def test_the_report_sets_the_territory_beside_the_departement_and_the_region(built_paths):
    """The annual report's comparison sentence on a built copy: indexed on a common year, each level's scope
    named, the Pôle's demonstration values said to be demonstration."""
    from pma_eval.report import annual as a
    from pma_eval.report.context import load_context

    ctx = load_context(2023, "PMA", built_paths)
    fig = a.level_figure(ctx, "electricite")
    assert fig is not None and "Pas-de-Calais (réseau Enedis seulement)" in fig.data.columns
    base = int(fig.data.dropna().index.min())
    assert (fig.data.loc[base] == 100).all()
    lv = load("comparisons_energy", built_paths)
    hdf = lv[(lv["geo_level"] == "region") & (lv["variable"] == "conso_electricite_brute")].set_index("year")["value"]
    assert fig.data.at[2017, "Hauts-de-France (tous réseaux)"] == pytest.approx(hdf[2017] / hdf[base] * 100)
    text = a.level_sentence(ctx, "electricite").text
    assert text.startswith(f"Entre {base} et 2017, la consommation d'électricité du Pôle")
    assert "dans le Pas-de-Calais (réseau Enedis seulement)" in text and "dans les Hauts-de-France" in text
    assert "les périmètres diffèrent" in text
    if "demonstration" in set(ctx.indicators.loc[ctx.indicators["indicator_id"] == "conso_electricite", "nature"]):
        assert "(valeurs de démonstration)" in text and "données de démonstration" in text
    enr = a.level_sentence(ctx, "enr").text
    assert "production d'électricité renouvelable" in enr and "somme incomplète" in enr  # Enedis 2023 PV


def test_two_files_for_one_level_and_year_are_named():
    from pma_eval.comparisons import levels_table
    from pma_eval.errors import InputDataError

    rows = pd.DataFrame({"geo_level": "region", "geo_code": "32", "name": "Hauts-de-France", "year": [2020],
                         "variable": "capacity", "breakdown": "eolien", "value": [4_928_000.0], "unit": "kW",
                         "complete": True, "status": "", "scope": "parc installé", "line": [2]})
    assert len(levels_table([("a.csv", "observed", rows)])) == 1
    with pytest.raises(InputDataError) as exc:
        levels_table([("a.csv", "observed", rows), ("b.csv", "observed", rows)])
    assert "a.csv et b.csv" in str(exc.value) and "Hauts-de-France, 2020" in str(exc.value)


def test_point_sources_are_given_apart_by_hand():
    """Issue 27, point 4: per inhabitant with and without industry and the energy branch. By hand: A emits
    10 t (residential) + 100 t (industry) + 50 t (energy branch) for 10 inhabitants, B 5 t (residential) for 5:
    the EPCI's total is 165 t, 11 t per inhabitant; without the point sources 15 t, 1 t per inhabitant."""
    inv = pd.DataFrame({"code_insee": ["00001"] * 3 + ["00002"], "year": 2016,
                        "sector": ["residentiel", "industrie_hors_energie", "branche_energie", "residentiel"],
                        "value": [10.0, 100.0, 50.0, 5.0], "in_total": True, "gap": False})
    com = pd.DataFrame({"code_insee": ["00001", "00002"], "nom": ["A", "B"], "code_departement": "59",
                        "epci_siren": "200000001", "epci_nom": "CU Test", "population": pd.array([10, 5], "Int64")})
    e = _total(aggregate(inv, com, region=("32", "Hauts-de-France")), "epci", "200000001")
    assert e["value"] == 165.0 and e["per_capita"] == pytest.approx(11.0)
    assert e["value_core"] == 15.0 and e["per_capita_core"] == pytest.approx(1.0) and e["complete_core"]


def test_dunkerque_without_its_steelworks(table, built_paths):
    """The shipped inventory: the CU de Dunkerque's 53,6 t per inhabitant (issue 27) falls to a few tonnes without
    industry and the energy branch: checked against the sum of its other sectors' rows in the same table."""
    d = table[(table["geo_level"] == "epci") & (table["name"] == "CU de Dunkerque") & (table["sector"] == "total")].iloc[0]
    assert d["per_capita"] == pytest.approx(53.6, abs=0.05)
    sectors = table[(table["geo_level"] == "epci") & (table["geo_code"] == d["geo_code"]) & (table["sector"] != "total")]
    core = sectors.loc[~sectors["sector"].isin(["industrie_hors_energie", "branche_energie"]), "value"].sum()
    assert d["value_core"] == pytest.approx(core) and d["per_capita_core"] == pytest.approx(core / d["population"])
    assert d["per_capita_core"] < 10 < d["per_capita"]


def test_the_report_gives_both_values_and_says_at_least_for_an_incomplete_total(built_paths):
    """Issue 27, point 4, and issue 23, point 4: the report's comparison sentence gives the value with and without
    point sources, « au moins » where the total has a gap (the Pôle holds Béthune, without road transport), and its
    chart draws the second value on each bar. Values: the comparison table (by hand above), rounded to 0,1."""
    from pma_eval.report import annual as a
    from pma_eval.report.context import load_context

    pma, call = load_context(2023, "PMA", built_paths), load_context(2023, "CALL", built_paths)
    s_pma, s_call = a.comparison_sentence(pma).text, a.comparison_sentence(call).text  # typeset when published
    assert "étaient d'au moins 5,1\u00a0t CO₂e par habitant (au moins 4,0 sans l'industrie ni la branche énergie)" in s_pma
    assert "étaient de 4,8\u00a0t CO₂e par habitant (3,7 sans l'industrie ni la branche énergie)" in s_call  # whole
    assert "au moins 7,3 dans le Pas-de-Calais" in s_call  # the département's total has Béthune's gap too
    f = a.comparison_figure(call)
    assert "per_capita_core" in f.data and "Sans l'industrie ni la branche énergie" in " ".join(
        t.get_text() for t in f.fig.axes[0].get_legend().get_texts())


def made_up_region() -> pd.DataFrame:
    """Six made-up EPCIs of one commune each (2016), for the rank among comparables (issue 27):

    ====  ====  ==========  =====================================  =====  ======================
    EPCI  kind  population  emissions [t CO2e]                     t/hab  sans industrie/énergie
    ====  ====  ==========  =====================================  =====  ======================
    A     CA    100         résidentiel 400 + industrie 100 = 500  5,0    4,0
    B     CA    150         résidentiel 600                        4,0    4,0
    C     CA    80          résidentiel 480 + routier (lacune)     6,0*   6,0*
    D     CA    60          résidentiel 180                        3,0    3,0
    E     CA    300         résidentiel 300                        1,0    1,0
    F     CC    100         résidentiel 100                        1,0    1,0
    ====  ====  ==========  =====================================  =====  ======================

    « * »: C's road transport is an empty cell of an always-present sector, so its total is a minimum.
    """
    codes = dict(zip("ABCDEF", ["00001", "00002", "00003", "00004", "00005", "00006"]))
    rows = [("A", "residentiel", 400.0, False), ("A", "industrie_hors_energie", 100.0, False),
            ("B", "residentiel", 600.0, False), ("C", "residentiel", 480.0, False),
            ("C", "transport_routier", float("nan"), True), ("D", "residentiel", 180.0, False),
            ("E", "residentiel", 300.0, False), ("F", "residentiel", 100.0, False)]
    inv = pd.DataFrame({"code_insee": [codes[e] for e, *_ in rows], "year": 2016, "sector": [r[1] for r in rows],
                        "value": [r[2] for r in rows], "in_total": True, "gap": [r[3] for r in rows]})
    com = pd.DataFrame({"code_insee": list(codes.values()), "nom": list(codes), "code_departement": "62",
                        "epci_siren": [f"20000000{i}" for i in range(1, 7)],
                        "epci_nom": [f"{'CC' if e == 'F' else 'CA'} {e}" for e in codes],
                        "population": pd.array([100, 150, 80, 60, 300, 100], "Int64")})
    return aggregate(inv, com, {"00001"}, whole=("TST", "Territoire A"), region=("99", "Région test"))


def test_rank_among_comparables_by_hand():
    from pma_eval.comparisons import rank_among_peers

    t = made_up_region()
    # A (100 inhabitants): comparables = CAs of 50 to 200 inhabitants = B, C, D (E has 300, F is a CC).
    # Per inhabitant, lowest first: D 3,0 < B 4,0 < A 5,0 < C 6,0* → A is 3rd of 4; C's total is a minimum: « * ».
    a = rank_among_peers(t, "epci", "200000001")
    assert (a.rank, a.count, a.year) == (3, 4, 2016) and a.text() == "3ᵉ sur 4 *"
    assert a.value == pytest.approx(500 / 100) and a.value_core == pytest.approx(400 / 100)
    assert a.complete and not a.all_complete
    # B (150): comparables = CAs of 75 to 300 inhabitants (bounds included) = A, C, E; E 1,0 < B 4,0 → 2nd of 4.
    b = rank_among_peers(t, "epci", "200000002")
    assert (b.rank, b.count) == (2, 4) and b.text() == "2ᵉ sur 4 *"
    # E (300): comparables of 150 to 600 inhabitants = B; E 1,0 < B 4,0 → 1st of 2, both totals complete.
    e = rank_among_peers(t, "epci", "200000005")
    assert e.text() == "1er sur 2" and e.all_complete
    # C: its own total is a minimum (value and rank); comparables of 40 to 160 = A, B, D, all lower → 4th of 4.
    c = rank_among_peers(t, "epci", "200000003")
    assert (c.rank, c.count, c.complete, c.complete_core) == (4, 4, False, False)
    assert c.value == pytest.approx(480 / 80)
    # F, the only CC: no comparable.
    assert rank_among_peers(t, "epci", "200000006").text() == "1er sur 1"


def test_a_territory_of_one_epci_is_compared_by_the_epci_rule():
    t = made_up_region()
    # the whole « TST » is A's one commune: with A as its one member it is ranked as A is, by A's comparables
    one = ranking(t, "pma", "TST", members={"200000001"})
    assert set(one.loc[one["role"] == "pair", "geo_code"]) == {"200000002", "200000003", "200000004"}
    assert "entre la moitié et le double" in rule_text("pma", members={"200000001"})
    # a grouping of several EPCIs keeps the rule of a grouping (CA, CU, métropoles of at least 100 000 inhabitants)
    assert "100" in rule_text("pma", members={"200000001", "200000002"}) and "moitié" not in rule_text("pma")


def test_the_declared_rule_chooses_the_comparables():
    """Issue 27: the comparables rule lives in the territory's declaration (``comparables:``) and is the one applied.
    Hand-made on :func:`made_up_region` (A: CA, 100 inhabitants, 20 % of its 500 t from industry)."""
    from pma_eval.comparisons import PeerRule, peers

    t = made_up_region()
    # factor 1,5: CAs of 66,7 to 150 inhabitants = B (150) and C (80); D (60) falls out
    narrow = PeerRule(factor=1.5)
    assert set(peers(t, "epci", "200000001", rule=narrow)["geo_code"]) == {"200000002", "200000003"}
    # any legal kind: F (CC, 100 inhabitants) comes in beside B, C, D
    any_kind = PeerRule(same_kind=False)
    assert set(peers(t, "epci", "200000001", rule=any_kind)["geo_code"]) == {
        "200000002", "200000003", "200000004", "200000006"}
    # industry share within 10 points of A's 20 % (100 of 500 t): B, C and D emit nothing from industry (0 % of
    # what is known of them), 20 points away: no comparable is left
    assert peers(t, "epci", "200000001", rule=PeerRule(industry_points=10)).empty
    # within 20 points: B, C and D (exactly 20 points away) come back
    assert set(peers(t, "epci", "200000001", rule=PeerRule(industry_points=20))["geo_code"]) == {
        "200000002", "200000003", "200000004"}
    assert rule_text("epci", PeerRule(factor=1.5, same_kind=False, industry_points=20)) == (
        "EPCI de la région dont la population est à un facteur 1,5 près de la sienne, et dont la part de l'industrie "
        "et de la branche énergie dans les émissions est à 20\u00a0points près de la sienne")
    # a grouping: its own kinds and least population
    grouping = PeerRule(whole_kinds=("CA",), whole_min=150)
    assert set(peers(t, "pma", "TST", rule=grouping)["geo_code"]) == {"200000002", "200000005"}
    assert rule_text("pma", grouping) == "communautés d'agglomération de la région de plus de 150 habitants"


def test_the_poles_declaration_writes_the_rule_the_reports_applied_before():
    """The Pôle's declared rule is the default one: same captions and comparables as before issue 27 moved it."""
    from pma_eval.comparisons import PeerRule
    from pma_eval.config import get_paths
    from pma_eval.declaration import load

    from .conftest import REPO

    rule = PeerRule.of(load(get_paths(REPO), "pma").comparables)
    assert rule == PeerRule() and rule.whole_kinds == ("CA", "CU", "Métropole") and rule.whole_min == 100_000


def test_the_report_and_the_batch_index_give_the_same_rank(built_paths):
    """One figure, one meaning (issues 23 and 27): the annual report's comparison sentence ranks the territory as the
    batch index does, 1er = the least emitting per inhabitant; both counted here from the ranking frame by hand."""
    import re

    from pma_eval.comparisons import rank_among_peers
    from pma_eval.report import annual as a
    from pma_eval.report.annual.emissions import comparison_members, comparison_rule
    from pma_eval.report.context import load_context

    for code in ("PMA", "CALL"):
        ctx = load_context(2023, code, built_paths)
        r = a.comparison_frame(ctx)
        me = r.loc[r["role"] == "territoire", "per_capita"].iloc[0]
        pairs = r.loc[r["role"] == "pair", "per_capita"]
        by_hand = int((pairs < me).sum()) + 1
        said = re.search(r"au (\d+)(?:er|ᵉ) rang des (\d+) territoires comparés \(du moins émetteur au plus émetteur",
                         a.comparison_sentence(ctx).text)
        assert said and (int(said.group(1)), int(said.group(2))) == (by_hand, len(pairs) + 1)
        index = rank_among_peers(ctx.comparisons, ctx.geo_level, ctx.geo_code, members=comparison_members(ctx),
                                 rule=comparison_rule(ctx))
        assert (index.rank, index.count) == (by_hand, len(pairs) + 1)
