"""Networks and actions: pseudonymisation (no name or e-mail leaks), validation, indicators."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from pma_eval.activity.example import generate
from pma_eval.activity.indicators import shannon, small_count
from pma_eval.activity.readers import pseudonym, pseudonymisation_key, read_actions, read_participations
from pma_eval.build import build
from pma_eval.processed import load
from pma_eval.errors import ConfigurationError, InputDataError

from ..conftest import REPO


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
    from pypdf import PdfReader

    texts = [res.html.read_text(encoding="utf-8"), res.notebook.read_text(encoding="utf-8"),
             " ".join(p.extract_text() for p in PdfReader(res.pdf).pages)]
    for f in built_paths.processed.iterdir():
        if f.suffix == ".parquet":
            df = pd.read_parquet(f)
            texts.append(df.astype(str).to_csv())
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


def test_replacing_the_example_by_real_records_needs_no_code_change(tiny_project, monkeypatch):
    import yaml

    monkeypatch.setenv("PMA_EVAL_CLE_PSEUDO", "une-cle-locale")
    for meta in (tiny_project.raw / "activite").glob("*.meta.yml"):
        m = yaml.safe_load(meta.read_text(encoding="utf-8"))
        m["nature"] = "observed"
        m["title"] = m["title"].replace("EXEMPLE FICTIF — ", "")
        meta.write_text(yaml.safe_dump(m, allow_unicode=True), encoding="utf-8")
    build(tiny_project)
    ind = load("indicators", tiny_project)
    assert set(ind.loc[ind["indicator_id"] == "participants_uniques", "nature"]) == {"observed"}


def test_committed_example_matches_the_generator(tmp_path):
    import filecmp

    from pma_eval.activity.example import write_example

    for p in write_example(tmp_path):
        assert filecmp.cmp(p, REPO / "data/raw/activite" / p.name, shallow=False), p.name
