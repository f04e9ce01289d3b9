"""« À retenir et à décider »: each rule on a hand-made case, and the page in the shipped report."""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd
import pytest

from pma_eval.config import get_paths
from pma_eval.declaration import whole_in_use
from pma_eval.indicators import load_catalogue
from pma_eval.report.annual import decide
from pma_eval.declaration import in_use_or_default

from ..conftest import REPO, pdf_pages

NBSP, NNBSP = "\u00a0", "\u202f"


def _ctx(**kw):
    ind = pd.DataFrame([(i, y, 1.0, "observed") for i in ("ges_total", "ges_transports", "ges_batiments")
                        for y in range(2015, 2024)], columns=["indicator_id", "year", "value", "nature"])
    decl = in_use_or_default(get_paths(REPO))  # the texts name the whole territory from the default declaration
    territory = SimpleNamespace(whole=whole_in_use(get_paths(REPO)), epcis=pd.DataFrame({"epci_sigle": ["A", "B", "C"]}))
    base = dict(year=2023, geo_level="pma", geo_code="PMA", catalogue=load_catalogue(), indicators=ind.assign(
        geo_level="pma", geo_code="PMA"), verdicts=None, activity=None, territory=territory, declaration=decl,
        programme=decl.programme)
    return SimpleNamespace(**{**base, **kw})


def _verdict(iid, start, end, target, category="insufficient_progress", verified=True, tid=None, target_year=2030):
    """A verdict row as evaluate_targets writes it: values in t CO₂e, the short term 2018–2023."""
    return {"target_id": tid or iid, "indicator_id": iid, "framework": "National (SNBC, LTECV, LEC)",
            "document": "SNBC-2", "description": "−30 % en 2030 par rapport à 2015", "verified": verified,
            "category": "to_verify" if not verified else category, "pace_category": category,
            "priority": 2.0, "assessable": verified and category != "not_assessable",
            "start_year": 2018, "end_year": 2023, "start_value": start, "end_value": end,
            "observed_slope": (end - start) / 5, "required_slope": (target - start) / (target_year - 2018),
            "target_value": target, "target_year": target_year}


def test_stakes_are_ranked_in_tonnes_not_by_ratios_of_rates():
    """Issue 23: the page picked agriculture (6 % of emissions, a large gap in relative rates) and left out
    road transport (31 %, unverified target). Hand calculation of the shortfall at the target year if
    the 2018–2023 pace goes on, in t CO₂e:
    - buildings: 1 000 → 900 in 5 years (−20 t/yr); 2030 value 900 − 7 × 20 = 760; target 700: 60 short;
    - transport (target « à vérifier »): 3 000 → 2 980 (−4 t/yr); 2030: 2 952; target 2 100: 852 short;
    - agriculture: 200 → 190 (−2 t/yr); 2030: 176; target 140: 36 short (ratio of rates is the worst);
    - total, already on pace (no shortfall), is a sum of sectors and never a stake of its own."""
    v = pd.DataFrame([_verdict("ges_batiments", 1000, 900, 700), _verdict("ges_transports", 3000, 2980, 2100,
                                                                            verified=False),
                      _verdict("ges_agriculture", 200, 190, 140), _verdict("ges_total", 5000, 4000, 3500)])
    st = decide.stakes(_ctx(verdicts=v)).set_index("indicator_id")
    assert list(st.index) == ["ges_transports", "ges_batiments", "ges_agriculture"]
    assert st["shortfall"].tolist() == pytest.approx([852, 60, 36])
    points = decide.pace_gaps(_ctx(verdicts=v))
    assert len(points) == 1 and points[0].rule == "pace_gap"  # one emission stake (no energy target here)
    text = points[0].sentence
    assert text.startswith("GES transports, sans objectif vérifié, mais ")
    assert "il manquerait 0,85 kt CO₂e en 2030 pour l’objectif SNBC-2 à vérifier" in text.replace(NBSP, " ")
    assert "(−4 t CO₂e/an)" in text.replace(NBSP, " ")  # −4 t a year: below 1 kt, in tonnes
    assert "aucune action en cours du plan d’actions n’y est rattachée" in text


def test_a_stake_names_the_unfinished_action_with_the_largest_budget():
    strategy = pd.DataFrame({"commitment_id": ["E2", "E3"], "commitment": ["Covoiturer", "Planter"],
                             "indicators": ["ges_transport_routier", "sequestration_nette"]})
    actions = pd.DataFrame({"commitment_id": ["E2", "E2", "E2", "E3"], "title": ["Aires", "Lignes", "Vélos", "Haies"],
                            "pilot": ["CALL", "CAHC", "Ville de Lens", "CABBALR"],
                            "status": ["en cours", "réalisé", "à venir", "en cours"],
                            "budget_planned": [120_000.0, 900_000.0, 250_000.0, 1e6]})
    ctx = _ctx(activity={"strategy": strategy, "actions": actions})
    # ges_transports sums road and other transport: E2 is tied through ges_transport_routier; the
    # completed action and E3's do not count; « Vélos » has the largest budget of the rest.
    assert decide.option_for(ctx, "ges_transports") == (
        f"option : « Vélos » (Ville de Lens, 250{NNBSP}000{NBSP}€ prévus, à venir)")


def test_commitments_without_a_completed_action_by_the_year():
    strategy = pd.DataFrame({"commitment_id": ["E1", "E2", "E3"], "commitment": ["Rénover", "Sortir du fioul", "Planter"],
                             "nature": "observed"})
    actions = pd.DataFrame({"commitment_id": ["E1", "E2", "E3"], "status": ["réalisé", "en cours", "réalisé"],
                            "start": pd.to_datetime(["2020-01-01", "2021-01-01", "2024-03-01"]), "nature": "observed"})
    points = decide.idle_commitments(_ctx(activity={"strategy": strategy, "actions": actions}))
    # E3's only completed action starts after 2023: it does not count for the 2023 report.
    assert points[0].sentence == ("Engagements sans action réalisée : 2 des 3 engagements du Pôle, dont « Sortir du fioul » ; "
                                  "« Planter ».")
    assert decide.idle_commitments(_ctx(activity=None)) == []


def test_a_point_on_demonstration_values_says_so():
    p = decide.DecisionPoint("largest_move", "Plus forte variation", frozenset({"observed", "demonstration"}))
    assert p.sentence == "Plus forte variation (données de démonstration)."


def test_the_page_opens_the_shipped_report_on_one_page(built_paths, year_run):
    from pma_eval.report import load_context

    ctx = load_context(2023, "PMA", built_paths)
    k = decide.key_figures(ctx).set_index("indicator_id")
    s = ctx.indicators.query("indicator_id == 'ges_total' and geo_level == 'pma'").set_index("year")["value"]
    assert k.at["ges_total", "change"] == pytest.approx(s[2023] / s[2022] - 1)  # from the year before
    # Only verified targets are named; the 1990-based national targets cannot be assessed (no 1990 data).
    assert k.at["ges_total", "target"].startswith("orientations SRADDET 2018")
    assert not k["target"].str.contains("vérifier").any()
    rules = [p.rule for p in decide.decision_points(ctx)]
    assert 3 <= len(rules) <= 5 and "uncovered_effort" in rules
    pages = pdf_pages(year_run.report("PMA").pdf)
    assert "À retenir et à décider" in pages[1] and "À décider" in pages[1]  # the page after the cover
    assert "Sommaire" in pages[2]  # the table of contents follows it


def test_late_and_paused_actions_are_named_with_pilot_and_budgets():
    """Issue 15: the follow-up of actions showed counts, not actions."""
    from pma_eval.report import network

    strategy = pd.DataFrame({"commitment_id": ["E1"], "commitment": ["Rénover"], "axis": ["Habiter"],
                             "indicators": ["ges_residentiel,inconnu"], "nature": "observed"})
    actions = pd.DataFrame({
        "action_id": ["A1", "A2", "A3", "A4", "A5"], "commitment_id": "E1",
        "title": ["Paused", "Late", "Overdue", "On time", "Not started yet"],
        "pilot": ["Lens", "Liévin", "CALL", "Béthune", "Carvin"],
        "status": ["en pause", "en retard", "en cours", "en cours", "en pause"],
        "start": pd.to_datetime(["2020-01-01", "2021-01-01", "2019-01-01", "2022-01-01", "2024-06-01"]),
        "end": pd.to_datetime(["2025-12-31", "2026-12-31", "2022-12-31", "2024-12-31", "2026-12-31"]),
        "budget_planned": [42000.0, 1000.0, 5000.0, 1.0, 1.0], "budget_spent": [41000.0, float("nan"), 0.0, 0.0, 0.0],
        "nature": "observed"})
    ctx = _ctx(activity={"strategy": strategy, "actions": actions})
    t = network.late_actions_table(ctx).frame.set_index("Action")
    # « en cours » past its end date is late; on time and not yet started (2024) are not listed.
    assert list(t.index) == ["Paused", "Late", "Overdue"]
    assert t.at["Overdue", "État"] == "en retard (échéance dépassée)" and t.at["Overdue", "Échéance"] == "31/12/2022"
    assert t.at["Paused", "Budget prévu"] == f"42{NNBSP}000{NBSP}€" and t.at["Late", "Dépensé"] == "—"
    assert t.at["Paused", "Indicateurs liés"] == "GES résidentiel"  # unknown ids left out
