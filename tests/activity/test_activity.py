"""Networks and actions: pseudonymisation (no name or e-mail leaks), validation, indicators."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from pma_eval.activity.example import generate
from pma_eval.activity.indicators import shannon, small_count
from pma_eval.activity.readers import pseudonym, pseudonymisation_key, read_actions, read_participations
from pma_eval.processed import load
from pma_eval.errors import ConfigurationError, InputDataError

from ..conftest import REPO, pdf_pages


def test_shannon_by_hand():
    # Two types in equal numbers: H = ln 2 = 0.6931; evenness = ln 2 / ln 11 (11 types in the closed list).
    h, j = shannon(pd.Series({"élu": 5, "emploi": 5}))
    assert h == pytest.approx(math.log(2)) and j == pytest.approx(math.log(2) / math.log(11))
    assert shannon(pd.Series({"élu": 7}))[0] == pytest.approx(0.0)


def test_small_counts_are_suppressed():
    assert small_count(3) == "< 5" and small_count(0) == "0" and small_count(12) == "12"


def test_pseudonym_is_keyed_and_normalised():
    k = b"secret"
    assert pseudonym(k, "Camille Martin") == pseudonym(k, "  camille   MARTIN ")
    assert pseudonym(k, "Camille Martin") != pseudonym(b"other", "Camille Martin")
    assert "camille" not in pseudonym(k, "Camille Martin").lower()


def test_real_participations_without_key_are_refused(tmp_path, monkeypatch):
    monkeypatch.delenv("PMA_EVAL_CLE_PSEUDO", raising=False)
    with pytest.raises(ConfigurationError, match="PMA_EVAL_CLE_PSEUDO"):
        pseudonymisation_key(tmp_path, "observed")
    (tmp_path / ".env").write_text("PMA_EVAL_CLE_PSEUDO=abc\n")
    assert pseudonymisation_key(tmp_path, "observed") == b"abc"


def test_validation_errors_name_file_line_and_column(tmp_path):
    f = tmp_path / "participations.csv"
    f.write_text("id_evenement;personne;organisation;type_organisation;role\n"
                 "E1;Ana;Ville;collectivité;participant\n"
                 "E9;Bob;Ville;collectivité;participant\n"
                 "E1;Cyd;Ville;martien;participant\n", encoding="utf-8")
    with pytest.raises(InputDataError) as exc:
        read_participations(f, b"k", event_ids={"E1"})
    msg = str(exc.value)
    assert "ligne 3, colonne « id_evenement »" in msg and "identifiant d'événement inconnu" in msg and "« E9 »" in msg
    assert "ligne 4, colonne « type_organisation »" in msg and "martien" in msg
    assert "Bob" not in msg.replace("« E9 »", "")  # names are not echoed back in messages
    a = tmp_path / "actions.csv"
    a.write_text("id_action;id_engagement;titre;pilote;statut;debut;fin\n"
                 "A1;E1.1;t;p;réalisé;2020-01-01;2021-12-31\n"
                 "A1;E9.9;t;p;fini;2020-01-01;1999-01-01\n", encoding="utf-8")
    with pytest.raises(InputDataError) as exc:
        read_actions(a, commitment_ids={"E1.1"})
    msg = str(exc.value)
    for text in ("engagement inconnu", "statut inconnue", "date hors de la plage", "doublon de la clé (id_action)"):
        assert text in msg, text


def test_xlsx_sheet_errors_name_the_sheet(tmp_path):
    from openpyxl import load_workbook

    from pma_eval.activity.example import write_templates
    from pma_eval.activity.readers import read_events

    xlsx = write_templates(tmp_path)[0]
    wb = load_workbook(xlsx)
    wb["evenements"].append(["E1", "2022-03-01", "bal masqué", "t", "CALL", "", ""])
    wb.save(xlsx)
    with pytest.raises(InputDataError) as exc:
        read_events(xlsx, sheet="evenements")
    assert "feuille « evenements »" in str(exc.value) and "ligne 2" in str(exc.value)


def test_no_name_or_email_reaches_processed_files_or_reports(built_paths, year_run):
    people = set(generate()["participations"]["personne"])
    assert any("@" in p for p in people) and len(people) > 100
    res = year_run.report("PMA")
    texts = [res.html.read_text(encoding="utf-8"), res.notebook.read_text(encoding="utf-8"),
             " ".join(" ".join(page.split()) for page in pdf_pages(res.pdf))]  # a name broken over two lines, whole
    for f in built_paths.processed.iterdir():
        if f.suffix == ".parquet":
            df = pd.read_parquet(f)
            # a name or an address can only be text: the column names and the text columns (not the numbers)
            texts.append(" ".join(map(str, df.columns)))
            texts.append(df.select_dtypes(exclude="number").astype(str).to_csv())
        elif f.is_file():
            texts.append(f.read_text(encoding="utf-8", errors="ignore"))
    blob = "\n".join(texts)
    leaked = [p for p in people if p in blob]
    assert leaked == []
    assert "Mobilisation des réseaux" in texts[0] and "Du récit aux actions" in texts[0]


def test_example_flows_into_indicators(built_paths):
    ind = load("indicators", built_paths)
    pma = ind[ind["geo_level"] == "pma"].pivot_table(index="year", columns="indicator_id", values="value")
    ev = generate()["evenements"]
    for y in range(2019, 2024):
        assert pma.loc[y, "evenements_total"] == (pd.to_datetime(ev["date"]).dt.year == y).sum()
    assert pma.loc[2023, "part_participants_fideles"] > 0
    assert set(ind.loc[ind["indicator_id"] == "participants_uniques", "nature"]) == {"demonstration"}


def test_replacing_the_example_by_real_records_needs_no_code_change(tiny_added, monkeypatch):
    """The example registers said observed in their metadata, with a key in the project's .env: the build of the small
    territory with the additions of the build tests (tests/assemble/added.py) reads them as real records."""
    import yaml

    from pma_eval.activity.readers import KEY_VAR

    monkeypatch.delenv(KEY_VAR, raising=False)
    metas = sorted((tiny_added.raw / "activite").glob("*.meta.yml"))
    assert len(metas) == 5
    for meta in metas:
        m = yaml.safe_load(meta.read_text(encoding="utf-8"))
        assert m["nature"] == "observed" and "EXEMPLE FICTIF" not in m["title"]
    assert pseudonymisation_key(tiny_added.root, "observed") == b"une-cle-locale"
    ind = load("indicators", tiny_added)
    assert set(ind.loc[ind["indicator_id"] == "participants_uniques", "nature"]) == {"observed"}


def test_committed_example_matches_the_generator(tmp_path):
    import filecmp

    from pma_eval.activity.example import write_example

    for p in write_example(tmp_path):
        assert filecmp.cmp(p, REPO / "data/raw/activite" / p.name, shallow=False), p.name


# --- perimeter (issue 23, point 3) ---------------------------------------------------------------

def _territory_tables():
    communes = pd.DataFrame({"nom": ["Lens", "Liévin", "Hénin-Beaumont", "Béthune"],
                             "epci_sigle": ["CALL", "CALL", "CAHC", "CABBALR"]})
    epcis = pd.DataFrame({"epci_sigle": ["CALL", "CAHC", "CABBALR"],
                          "epci_nom": ["CA de Lens - Liévin", "CA d'Hénin-Carvin", "CA de Béthune-Bruay"]})
    return communes, epcis


def test_an_action_belongs_to_its_pilots_epci_or_to_the_pole():
    from pma_eval.activity.perimeter import POLE, action_territories, pilot_lookup

    lookup = pilot_lookup(*_territory_tables())
    actions = pd.DataFrame({"pilot": ["Ville d'Hénin-Beaumont", "ville de  LIEVIN", "CABBALR", "CA de Lens - Liévin",
                                      "Énergies citoyennes Artois", "Béthune", "Ville d’Hénin-Beaumont", "Ville de Lens"],
                            "epci": ["", "", "", "", "", "", "", "CAHC"]})
    # Accents, case, spaces and either apostrophe ignored; an association is the Pôle's; an explicit ``epci``
    # wins over the pilot.
    assert list(action_territories(actions, lookup)) == ["CAHC", "CALL", "CABBALR", "CALL", POLE, "CABBALR", "CAHC",
                                                         "CAHC"]
    assert list(action_territories(actions.drop(columns="epci"), lookup))[-1] == "CALL"
    from pma_eval.activity.perimeter import normalise

    assert normalise("Nœux-les-Mines") == normalise("Ville de Noeux les Mines")[len("ville de "):] == "noeux les mines"


def test_an_epcis_own_records_and_its_concretisation_by_hand():
    from pma_eval.activity.perimeter import concretisation, pilot_lookup, restrict

    strategy = pd.DataFrame({"commitment_id": ["E1", "E2", "E3", "E4"], "commitment": list("abcd")})
    actions = pd.DataFrame({
        "action_id": ["A1", "A2", "A3", "A4", "A5"], "commitment_id": ["E1", "E2", "E2", "E3", "E1"],
        "pilot": ["Ville de Lens", "Liévin", "Ville de Béthune", "CAHC", "Ville de Lens"],
        "status": ["réalisé", "en cours", "réalisé", "réalisé", "réalisé"],
        "start": pd.to_datetime(["2020-01-01", "2021-01-01", "2021-01-01", "2022-01-01", "2024-02-01"])})
    events = pd.DataFrame({"event_id": ["V1", "V2", "V3"], "epci": ["CALL", "PMA", "CAHC"]})
    parts = pd.DataFrame({"event_id": ["V1", "V1", "V2", "V3"], "person_id": ["p1", "p2", "p1", "p3"]})
    projects = pd.DataFrame({"project_id": ["P1", "P2"], "epci": ["CALL", "CABBALR"]})
    act = {"strategy": strategy, "actions": actions, "events": events, "participations": parts, "projects": projects}
    call = restrict(act, "CALL", pilot_lookup(*_territory_tables()))
    assert list(call["actions"]["action_id"]) == ["A1", "A2", "A5"]
    assert list(call["strategy"]["commitment_id"]) == ["E1", "E2"]  # the commitments its actions serve
    assert list(call["events"]["event_id"]) == ["V1"] and list(call["participations"]["person_id"]) == ["p1", "p2"]
    assert list(call["projects"]["project_id"]) == ["P1"]
    # By 2023 the CALL completed E1 (A1; A5 starts in 2024), not E2 (A2 still running, A3 is the CABBALR's):
    # 1 of its 2 commitments = 50 %. The Pôle: E1, E2 (A3), E3 (A4) done, E4 none: 3 of 4 = 75 %.
    c = concretisation(call["strategy"], call["actions"], 2023)
    assert (c.done, c.total, c.rate, list(c.idle["commitment_id"])) == (1, 2, 50.0, ["E2"])
    assert concretisation(strategy, actions, 2023).rate == 75.0
    assert math.isnan(concretisation(strategy.iloc[:0], actions, 2023).rate)


def test_the_actions_template_offers_the_epci_column(tmp_path):
    from openpyxl import load_workbook

    from pma_eval.activity.example import write_templates

    xlsx = write_templates(tmp_path)[0]
    header = [c.value for c in load_workbook(xlsx)["actions"][1]]
    assert header[-1] == "epci" and "id_action" in header
    a = tmp_path / "actions.csv"
    a.write_text("id_action;id_engagement;titre;pilote;statut;epci\n"
                 "A1;E1.1;t;Association X;réalisé;call\n"
                 "A2;E1.1;t;Ville de Lens;réalisé;\n", encoding="utf-8")
    assert list(read_actions(a)["epci"]) == ["CALL", ""]
