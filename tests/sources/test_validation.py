"""Every validation rule yields a French message naming file, line, column and value."""

from __future__ import annotations

import pytest

from pma_eval.errors import InputDataError
from pma_eval.sources import read_inventory, read_ore_consumption, read_population

HEADER = ("operateur;annee;filiere;code_categorie_consommation;libelle_categorie_consommation;code_grand_secteur;"
          "libelle_grand_secteur;code_naf;libelle_secteur_naf2;conso;pdl;indqual;nombre_mailles_secretisees;"
          "code_commune;libelle_commune")
GOOD = "Enedis;2022;Electricité;RES;Résidentiel;R;RESIDENTIEL;;;100;10;0.9;0;62498;Lens"


def _problems(tmp_path, reader, text, name="f.csv"):
    f = tmp_path / name
    f.write_text(text, encoding="utf-8")
    with pytest.raises(InputDataError) as exc:
        reader(f)
    return exc.value.problems, str(exc.value)


def _row(**changes):
    cells = dict(zip(HEADER.split(";"), GOOD.split(";")))
    cells.update(changes)
    return ";".join(cells.values())


@pytest.mark.parametrize("changes,column,fragment", [
    ({"conso": "douze"}, "conso", "nombre attendu"),
    ({"conso": "-5"}, "conso", "négative"),
    ({"code_commune": "2498"}, "code_commune", "5 caractères"),
    ({"annee": "1789"}, "annee", "hors de la plage"),
    ({"filiere": "vapeur"}, "filiere", "filière inconnue"),
    ({"code_grand_secteur": "Z", "libelle_grand_secteur": "MYSTERE"}, "code_grand_secteur", "grand secteur inconnu"),
])
def test_each_rule_names_line_column_and_value(tmp_path, changes, column, fragment):
    problems, text = _problems(tmp_path, read_ore_consumption, "\n".join([HEADER, GOOD, _row(**changes)]) + "\n")
    p = [p for p in problems if fragment in p.message][0]
    assert p.line == 3 and p.column == column and p.file.endswith("f.csv")
    assert str(list(changes.values())[0]) in text
    assert "ligne 3" in text and f"colonne « {column} »" in text


def test_all_problems_of_a_file_are_reported_at_once(tmp_path):
    text = "\n".join([HEADER, _row(conso="x"), _row(code_commune="123"), _row(annee="20x2")]) + "\n"
    problems, _ = _problems(tmp_path, read_ore_consumption, text)
    assert {p.line for p in problems} == {2, 3, 4}


def test_unrecognised_header_names_the_layouts_the_workbench_knows(tmp_path):
    header = HEADER.replace("conso;", "consommation;")
    problems, text = _problems(tmp_path, read_ore_consumption, header + "\n" + GOOD + "\n")
    assert problems[0].line == 1 and "disposition de fichier inconnue" in text
    assert "Agence ORE 2022 et après" in text and "SDES" in text and "consommation" in text


def test_missing_column(tmp_path):
    header = "code_insee;nom;millesime"
    problems, text = _problems(tmp_path, read_population, header + "\n62498;Lens;2020\n")
    assert problems[0].line == 1 and "colonne obligatoire absente" in text


def test_wrong_number_of_fields(tmp_path):
    problems, _ = _problems(tmp_path, read_ore_consumption, HEADER + "\n" + GOOD + ";extra\n")
    assert problems[0].line == 2 and "champs" in problems[0].message


def test_duplicate_keys(tmp_path):
    text = ("code_insee,millesime,population_municipale\n62498,2020,100\n62119,2020,50\n62498,2020,101\n")
    problems, msg = _problems(tmp_path, read_population, text)
    assert problems[0].line == 4 and "déjà vue ligne 2" in msg


def test_unknown_unit(tmp_path):
    text = "territoire;annee;secteur;energie_ou_gaz;valeur;unite;source\nCALL;2022;tertiaire;gaz;10;tep;x\n"
    problems, msg = _problems(tmp_path, read_inventory, text)
    assert problems[0].column == "unite" and problems[0].value == "tep" and "unité inconnue" in msg


def test_unit_must_match_quantity(tmp_path):
    text = "territoire;annee;secteur;energie_ou_gaz;valeur;unite;source\nCALL;2022;tertiaire;GES;10;MWh;x\n"
    _, msg = _problems(tmp_path, read_inventory, text)
    assert "unité incompatible" in msg


def test_message_is_french_and_complete(tmp_path):
    _, msg = _problems(tmp_path, read_ore_consumption, "\n".join([HEADER, _row(conso="1,2,3")]) + "\n")
    assert msg.startswith("1 problème dans les données d'entrée")
    assert "fichier " in msg and "ligne 2" in msg and "colonne « conso »" in msg and "« 1,2,3 »" in msg
