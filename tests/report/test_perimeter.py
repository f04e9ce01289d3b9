"""Issue 23, point 3: an EPCI's report shows its own commitments, actions and network, and labels the
Pôle's as the Pôle's; no « — » stands for a number inside a sentence."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pandas as pd

from pma_eval.config import get_paths
from pma_eval.declaration import whole_in_use
from pma_eval.indicators import load_catalogue
from pma_eval.report import network
from pma_eval.declaration import in_use_or_default

from ..conftest import REPO


def _registers():
    strategy = pd.DataFrame({"axis": ["Habiter", "Habiter", "Bouger", "Bouger"],
                             "commitment_id": ["E1", "E2", "E3", "E4"],
                             "commitment": ["Rénover", "Sortir du fioul", "Pédaler", "Covoiturer"],
                             "indicators": ["ges_residentiel", "ges_residentiel", "ges_transport_routier", ""],
                             "nature": "observed"})
    actions = pd.DataFrame({
        "action_id": ["A1", "A2", "A3", "A4", "A5"], "commitment_id": ["E1", "E2", "E3", "E3", "E4"],
        "title": ["Lens rénove", "Liévin sort du fioul", "Béthune pédale", "Forum pédale", "Carvin covoiture"],
        "pilot": ["Ville de Lens", "Ville de Liévin", "Ville de Béthune", "Énergies citoyennes Artois", "Ville de Carvin"],
        "status": ["réalisé", "en retard", "en retard", "en pause", "réalisé"],
        "start": pd.to_datetime(["2020-01-01"] * 5), "end": pd.to_datetime(["2026-12-31"] * 5),
        "budget_planned": 1000.0, "budget_spent": 500.0, "nature": "observed"})
    events = pd.DataFrame({"event_id": ["V1", "V2"], "date": pd.to_datetime(["2023-03-01", "2023-04-01"]),
                           "type": "atelier", "epci": ["CAHC", "PMA"], "nature": "observed"})
    parts = pd.DataFrame({"event_id": ["V1", "V2"], "person_id": ["p1", "p2"], "organisation": ["o1", "o2"],
                          "org_type": ["élu", "élu"], "nature": "observed"})
    projects = pd.DataFrame({"project_id": ["P1"], "epci": ["CALL"], "axis": ["Habiter"],
                             "labelled": pd.to_datetime(["2022-01-01"]), "status": ["labellisé"], "nature": "observed"})
    return {"strategy": strategy, "actions": actions, "events": events, "participations": parts, "projects": projects}


def _ctx(level="epci", sigle="CALL", activity=None):
    territory = SimpleNamespace(
        communes=pd.DataFrame({"nom": ["Lens", "Liévin", "Béthune", "Carvin"],
                               "epci_sigle": ["CALL", "CALL", "CABBALR", "CAHC"]}),
        epcis=pd.DataFrame({"epci_sigle": ["CALL", "CAHC", "CABBALR"], "epci_nom": ["a", "b", "c"]}),
        whole=whole_in_use(get_paths(REPO)))  # the texts name the whole from the default declaration (« du Pôle »)
    decl = in_use_or_default(get_paths(REPO))
    ind = pd.DataFrame({"indicator_id": ["ges_total"], "geo_level": [level], "geo_code": ["X"], "year": [2023],
                        "value": [1.0], "nature": ["observed"]})
    return SimpleNamespace(year=2023, geo_level=level, geo_code="X", sigle=sigle, territory=territory,
                           activity=_registers() if activity is None else activity, catalogue=load_catalogue(),
                           indicators=ind, verdicts=None, manifest={}, first_year=2012, declaration=decl,
                           programme=decl.programme)


def test_an_epci_report_lists_its_own_late_actions_and_labels_the_poles():
    t = network.late_actions_table(_ctx())
    # The CALL: A2 (Liévin) is late; A4 (an association) is the Pôle's; A3 is the CABBALR's: never listed.
    assert list(t.frame["Action"]) == ["Forum pédale", "Liévin sort du fioul"]
    assert t.frame.set_index("Action").at["Forum pédale", "Pilote"] == "Énergies citoyennes Artois (action du Pôle)"
    assert t.caption == "Actions de la CALL et du Pôle en retard ou en pause en 2023 (2)"
    # The Pôle's report lists all three, without labels.
    pole = network.late_actions_table(_ctx("pma", "PMA"))
    assert sorted(pole.frame["Action"]) == ["Béthune pédale", "Forum pédale", "Liévin sort du fioul"]
    assert not pole.frame["Pilote"].str.contains("action du Pôle").any()


def test_the_concretisation_rate_is_the_epcis_own_beside_the_poles():
    text = network.concretisation_text(_ctx()).text
    # The CALL's actions serve E1 (A1, done) and E2 (A2, late): 1 of 2 = 50 %. The Pôle: E1 and E4 (A5, the
    # CAHC's) done among 4 commitments: 2 of 4 = 50 %.
    assert text == ("Taux de concrétisation 2023 de la CALL : la CALL contribue par ses actions à 2 des 4 engagements "
                    "du Pôle ; 1\u00a0engagement sur 2 (50\u00a0%) a au moins une action réalisée sur son territoire ; "
                    "pour l'ensemble du Pôle, 2\u00a0engagements sur 4 (50\u00a0%) ont au moins une action réalisée.")
    c = network.commitments(_ctx())
    assert (c.done, c.total, list(c.idle["commitment_id"])) == (1, 2, ["E2"])
    assert c.scope == "engagements du Pôle auxquels la CALL contribue par ses actions"
    assert network.commitments(_ctx("pma", "PMA")).total == 4


def test_no_dash_stands_for_a_missing_rate():
    """« Taux de concrétisation 2023 : — des engagements » was printed when the EPCI had no rate."""
    reg = _registers()
    reg["actions"] = reg["actions"].loc[reg["actions"]["pilot"] != "Ville de Lens"].iloc[:0]
    texts = [network.concretisation_text(_ctx(activity=reg)).text,
             network.concretisation_text(_ctx("pma", "PMA", activity=reg)).text]
    assert texts[0].startswith("Le taux de concrétisation 2023 de la CALL n'est pas calculé : aucune action du registre")
    assert texts[1] == "Taux de concrétisation 2023 : 0\u00a0% des engagements du Pôle (0 sur 4) ont au moins une action réalisée."
    empty = _registers()
    empty["strategy"] = empty["strategy"].iloc[:0]
    texts.append(network.concretisation_text(_ctx("pma", "PMA", activity=empty)).text)
    assert texts[2].endswith("n'est pas calculé : la stratégie ne compte aucun engagement.")
    assert not any(re.search(r"\s—\s", t) for t in texts)


def test_the_actions_table_of_an_epci_counts_its_own_actions_per_axis():
    t = network.actions_table(_ctx()).frame.set_index("Axe")
    # Habiter: the Pôle has 2 commitments; the CALL carries both (A1, A2), one completed (E1).
    assert t.at["Habiter", "Engagements du Pôle"] == "2" and t.at["Habiter", "Concrétisés par la CALL"] == "1 / 2"
    # Bouger: no action of the CALL (A3 is the CABBALR's, A4 the Pôle's, A5 the CAHC's).
    assert t.at["Bouger", "Actions de la CALL par statut"] == "aucune action"
    assert t.at["Bouger", "Concrétisés par la CALL"] == "aucun engagement porté"
    assert t.at["Habiter", "Projets labellisés dans la CALL"] == "1"
    # A commitment's indicator without a value for the year says so in words, not with a dash (with a
    # value, it gets the verdict of its Statement, the same as in every other table: issue 23).
    assert t.at["Habiter", "Indicateurs liés et verdicts"] == ["sans valeur en 2023 : GES résidentiel"]
    assert t.at["Bouger", "Indicateurs liés et verdicts"] == ["sans valeur en 2023 : GES transport routier"]


def test_an_epcis_network_counts_the_events_held_in_it():
    call = network.network_table(_ctx())  # V1 is in the CAHC, V2 common to the Pôle: none in the CALL
    assert call.text.startswith("Aucun événement du Pôle ne s'est tenu dans la CALL jusqu'en 2023")
    cahc = network.network_table(_ctx(sigle="CAHC")).frame.set_index("Indicateur")
    assert cahc.at["Événements", "2023"] == "1" and "Couverture des EPCI" not in cahc.index
    assert cahc.at["Participants", "2023"] == "< 5"  # one person: under the publication threshold


def test_the_map_marks_an_incomplete_commune_and_says_so_in_its_legend():
    import numpy as np

    from pma_eval import maps

    square = np.array([[0, 0], [1, 0], [1, 1], [0, 1]], dtype=float)
    shapes = {"62119": [square], "62498": [square + [1, 0]], "62001": [square + [2, 0]]}
    vals = pd.Series({"62119": 4.2, "62498": 3.3, "62001": 2.8})
    fig = maps.choropleth(shapes, vals, "t", "t CO₂e/hab", "src", labels={"62498": "Lens"}, incomplete=["62119"])
    texts = [t.get_text() for t in fig.axes[0].texts]
    legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert sorted(texts) == ["*", "Lens"] and legend[-1] == "* total incomplet (au moins)"
    plain = maps.choropleth(shapes, vals, "t", "t CO₂e/hab", "src", labels={"62119": "Béthune"})
    assert [t.get_text() for t in plain.axes[0].texts] == ["Béthune"]
    assert "incomplet" not in " ".join(t.get_text() for t in plain.axes[0].get_legend().get_texts())


def test_each_epci_report_names_only_its_own_actions_or_labels_the_poles(year_run, built_paths):
    """On the shipped run: the late actions of each EPCI's report are its own (pilot in the EPCI) or
    labelled « action du Pôle »; the concretisation rate is a sentence, never « : — des engagements »."""
    import html as html_

    from pma_eval.activity.perimeter import pilot_lookup, pilot_territory
    from pma_eval.processed import load_territory

    territory = load_territory(built_paths)
    lookup = pilot_lookup(territory.communes, territory.epcis)
    for sigle in ("CALL", "CAHC", "CABBALR"):
        page = html_.unescape(year_run.report(sigle).html.read_text(encoding="utf-8"))
        assert "Taux de concrétisation 2023 de la " + sigle in page and " : — des engagements" not in page
        i = page.index(f"<caption>Actions de la {sigle}")
        table = page[page.rfind("<table", 0, i):page.index("</table>", i)]
        pilots = [re.findall(r"<td[^>]*>(.*?)</td>", row)[0] for row in re.findall(r"<tr><th scope=\"row\">(.*?)</tr>",
                                                                                  table)]
        assert pilots, sigle
        for p in pilots:
            assert p.endswith("(action du Pôle)") or pilot_territory(p, lookup) == sigle, (sigle, p)
