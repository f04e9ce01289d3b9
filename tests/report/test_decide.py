"""« À retenir et à décider »: each rule on a hand-made case, and the page in the shipped report."""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd
import pytest

from pma_eval.indicators import load_catalogue
from pma_eval.report.annual import decide

NBSP, NNBSP = "\u00a0", "\u202f"


def _ctx(**kw):
    ind = pd.DataFrame([(i, y, 1.0, "observed") for i in ("ges_total", "ges_transports", "ges_batiments")
                        for y in range(2015, 2024)], columns=["indicator_id", "year", "value", "nature"])
    base = dict(year=2023, geo_level="pma", geo_code="PMA", catalogue=load_catalogue(), indicators=ind.assign(
        geo_level="pma", geo_code="PMA"), verdicts=None, activity=None)
    return SimpleNamespace(**{**base, **kw})


def _verdict(iid, required, observed, category="insufficient_progress", verified=True, tid=None):
    return {"target_id": tid or iid, "indicator_id": iid, "framework": "National (SNBC, LTECV, LEC)",
            "description": "−30 % en 2030 par rapport à 2015", "verified": verified, "category": category,
            "assessable": category not in ("to_verify", "not_assessable"), "required_rate": required,
            "observed_rate": observed, "start_year": 2018, "end_year": 2023, "target_year": 2030}


def test_pace_gap_names_the_largest_shortfalls_among_verified_targets():
    v = pd.DataFrame([
        _verdict("ges_batiments", -0.020, -0.015),  # 0.5 point short
        _verdict("ges_transports", -0.030, -0.010),  # 2.0 points short: first
        _verdict("ges_total", -0.080, 0.0, category="to_verify", verified=False),  # unverified: never
        _verdict("ges_total", -0.010, -0.030, category="target_achieved", tid="met"),  # met: not a point
    ])
    points = decide.pace_gaps(_ctx(verdicts=v))
    assert [p.rule for p in points] == ["pace_gap", "pace_gap"]
    first = points[0].sentence
    assert first.startswith("GES transports : il faudrait −3,0" + NBSP + "% par an pour l'objectif national")
    assert "contre −1,0" + NBSP + "% par an de 2018 à 2023" in first and "accélérer de 2,0 point" in first
    assert points[1].text.startswith("GES bâtiments")


def test_commitments_without_a_completed_action_by_the_year():
    strategy = pd.DataFrame({"commitment_id": ["E1", "E2", "E3"], "commitment": ["Rénover", "Sortir du fioul", "Planter"],
                             "nature": "observed"})
    actions = pd.DataFrame({"commitment_id": ["E1", "E2", "E3"], "status": ["réalisé", "en cours", "réalisé"],
                            "start": pd.to_datetime(["2020-01-01", "2021-01-01", "2024-03-01"]), "nature": "observed"})
    points = decide.idle_commitments(_ctx(activity={"strategy": strategy, "actions": actions}))
    # E3's only completed action starts after 2023: it does not count for the 2023 report.
    assert points[0].sentence == "Engagements sans action réalisée : 2 engagements sur 3, dont « Sortir du fioul » ; « Planter »."
    assert decide.idle_commitments(_ctx(activity=None)) == []


def test_a_point_on_demonstration_values_says_so():
    p = decide.DecisionPoint("largest_move", "Plus forte variation", frozenset({"observed", "demonstration"}))
    assert p.sentence == "Plus forte variation (données de démonstration)."


def test_the_page_opens_the_shipped_report_on_one_page(built_paths, year_run):
    from pypdf import PdfReader

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
    pages = [p.extract_text() for p in PdfReader(year_run.report("PMA").pdf).pages]
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
