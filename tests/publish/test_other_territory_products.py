"""A declared territory that is not the Pôle is published like the Pôle (issue 27): CA Douaisis Agglo, created from
the national reference in a project copy, given demonstration series, built; its annual report (once), a few fiches,
its scenario report and the index of its year go to its own reports folder and never name the Pôle or its EPCIs.

Slow: one annual report notebook and one scenario report, made once per pytest run in the background
(tests/background.py).

Every text takes its names from the declaration in use (the report's section texts and methods, the comparison
sentence of the fiches, the glossary, the caveats of the shared raw files): no product of another territory names
the Pôle, its EPCIs or its programme (the Turbine).
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest

from pma_eval.config import get_paths

from ..conftest import REPO, cli_each, once, territory_project

SIREN = "200044618"  # CA Douaisis Agglo (Nord): one EPCI, 35 communes
COMMUNES = ["59178", "59007", "59015"]  # Douai, Anhiers, Arleux
#: Names that only the Pôle's products may hold: the Pôle, its EPCIs, its programme.
FORBIDDEN = re.compile(r"Pôle|Artois|\bPMA\b|\bCALL\b|\bCAHC\b|\bCABBALR\b|Turbine")


def _text(path) -> str:
    """The reader's text of a published HTML page: no style, no embedded image, tags removed, entities decoded."""
    raw = path.read_text(encoding="utf-8")
    raw = re.sub(r"<style.*?</style>", " ", raw, flags=re.S)
    raw = re.sub(r"data:[^\"')\s]+", " ", raw)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", raw)).split())


def _mentions(text: str) -> list[str]:
    return [text[max(0, m.start() - 90):m.end() + 60] for m in FORBIDDEN.finditer(text)]


#: What is published for Douaisis Agglo, in order: each command's exit code is recorded (``codes.json``).
SCENARIOS = ("report", "scenarios", "--year", "2023", "--territoire", "douaisis", "--tirages", "100")
COMMANDS = (("territoire", "creer", "--id", "douaisis", "--nom", "Douaisis Agglo", "--epci", SIREN),
            ("data", "demo", "--territoire", "douaisis"),
            ("data", "build", "--territoire", "douaisis"),
            ("report", "annual", "--year", "2023", "--territoire", "douaisis"),
            ("fiches", "--year", "2023", "--territoire", "douaisis", "--processus", "1",
             "--communes", ",".join(COMMUNES)),
            SCENARIOS)


def publish(root: Path) -> None:
    """Douaisis Agglo declared, given demonstration series and built in a project copy at ``root``; its annual report
    2023, the fiches of three communes, its scenario report (100 draws) and the index of its year published, each
    command's exit code recorded in ``codes.json`` (the tests read them). Made once per pytest run, in the background
    (tests/background.py), by the fixture otherwise."""
    territory_project(root)
    with pytest.MonkeyPatch.context() as mp:
        codes = cli_each(mp, get_paths(root), COMMANDS)
        if not any(codes.values()):  # cli_each stops at a failure: the fixture says which and why
            mp.setenv("PMA_EVAL_ROOT", str(root))
            mp.setenv("PMA_EVAL_TERRITOIRE", "douaisis")
            from pma_eval.publish.index import write_index

            write_index(2023, get_paths(root, "douaisis"))
    (root / "codes.json").write_text(json.dumps(codes), encoding="utf-8")


@pytest.fixture(scope="session")
def published_douaisis(request, tmp_path_factory):
    """The paths of Douaisis Agglo published (:func:`publish`), read-only."""
    from ..background import journal

    root = once(request.config, tmp_path_factory, "douaisis_publie", publish)
    codes = json.loads((root / "codes.json").read_text(encoding="utf-8"))
    # the scenario report's own code is its test's (test_douaisis_scenario_report_never_names_the_pole)
    failed = {command: code for command, code in codes.items() if code != 0 and command != " ".join(SCENARIOS)}
    assert not failed, f"{failed}\n{journal(request.config, 'douaisis_publie')}"
    return get_paths(root, "douaisis")


def _products(paths):
    year = paths.reports / "2023"
    return {"rapport annuel": year / "CADA" / "rapport_annuel.html", "index": year / "index.html",
            **{f"fiche {c}": next((year / "fiches" / "communes").glob(f"{c}_*.html")) for c in COMMUNES}}


@pytest.mark.slow
def test_douaisis_products_go_to_its_own_folder_and_name_it(published_douaisis):
    root = published_douaisis.root
    assert published_douaisis.reports == root / "reports" / "territoires" / "douaisis"
    assert not (root / "reports" / "2023").exists()  # nothing went to the Pôle's folder
    products = _products(published_douaisis)
    texts = {k: _text(p) for k, p in products.items()}
    assert "Douaisis Agglo" in texts["rapport annuel"] and "Douaisis Agglo" in texts["index"]
    # one EPCI: no report, synthesis or bar of its own beside the whole
    folders = sorted(p.name for p in (published_douaisis.reports / "2023").iterdir() if p.is_dir())
    assert folders == ["CADA", "fiches", "prospective"]
    assert [p.name for p in (published_douaisis.reports / "2023" / "prospective").iterdir()] == ["CADA"]
    assert not (published_douaisis.reports / "2023" / "fiches" / "epci").exists()
    from pma_eval.publish.fiches import prepare

    douai = prepare(2023, published_douaisis, codes=["59178"])[0]
    assert [b.label.split("*")[0].strip() for b in douai.bars] == ["Douai", "CADA"] and not douai.whole_subject


#: What a fiche of a territory of one EPCI must not say: its commune compared twice with the same whole, once as the
#: EPCI and once as « l'agglomération » (its whole is that EPCI).
FICHE_TWICE = re.compile(r"celles? de la CADA \([^)]*\) et de l’agglomération \(")


@pytest.mark.slow
def test_douaisis_products_never_name_the_pole(published_douaisis):
    texts = {k: _text(p) for k, p in _products(published_douaisis).items()}
    found = {k: _mentions(t) for k, t in texts.items()}
    assert not any(found.values()), found
    assert not any(FICHE_TWICE.search(t) for k, t in texts.items() if k.startswith("fiche"))


@pytest.mark.slow
def test_douaisis_report_names_it_from_its_declaration(published_douaisis):
    """The generic texts take the declaration's names (« l'agglomération », its short name), and the layer of its
    EPCIs is absent: a territory of one EPCI is that EPCI."""
    text = _text(_products(published_douaisis)["rapport annuel"])
    assert "CADA Douaisis Agglo" in text  # the glossary: its own acronym, spelled out from its declaration
    assert "le total de l’agglomération reste connu" in text  # the statistical secret, one EPCI
    assert "Les réseaux d’acteurs que l’agglomération anime :" in text  # no registers: no network of another
    assert "de ses agglomérations" not in text and "de ses intercommunalités" not in text  # no EPCI chart
    assert "Douaisis Agglo. Évaluation" not in text  # no programme: the cover does not repeat the title's name


@pytest.mark.slow
def test_douaisis_scenario_report_never_names_the_pole(published_douaisis):
    """Its scenario report (100 draws: about two minutes of processor) names its territory, never the Pôle: without
    a strategy of its own (no scenarios/territoires/douaisis/), it runs the reference scenarios only (trend and SNBC,
    scenarios/reference/, whose SNBC builds on the trend, not on the Pôle's Turbine) and says so."""
    from pma_eval.config import default_scenarios, own_strategies

    assert default_scenarios(published_douaisis) == ("tendanciel", "snbc") and own_strategies(published_douaisis) == ()
    assert published_douaisis.scenarios == published_douaisis.root / "scenarios" / "reference"
    codes = json.loads((published_douaisis.root / "codes.json").read_text(encoding="utf-8"))
    assert codes[" ".join(SCENARIOS)] == 0  # published with its own set by default, not the default territory's
    text = _text(published_douaisis.reports / "2023" / "prospective" / "CADA" / "rapport_prospective.html")
    assert "Douaisis Agglo" in text and "Douaisis Agglo. Où mène" not in text  # no programme: no second name
    assert not _mentions(text), _mentions(text)
    assert "aucune stratégie locale n’a été saisie pour ce territoire" in text.replace("'", "’")
    # one EPCI: its reference is its own, no « (somme des trois agglomérations) »
    assert not re.search(r"somme des \w+ (?:agglomérations|intercommunalités)", text)


def test_the_default_territory_keeps_its_scenario_set(tmp_path):
    """The Pôle's scenarios are as before (its folder is scenarios/, its own strategy the Turbine); another
    territory reads its own folder once it has one, and its strategy is the scenario there that branches off the
    trend (a variant of it runs on request only)."""
    from pma_eval.config import default_scenarios, get_paths, own_strategies

    pole = get_paths(REPO)
    assert pole.scenarios == REPO / "scenarios" and default_scenarios(pole) == ("tendanciel", "turbine", "snbc")
    other = get_paths(tmp_path, "ailleurs")
    assert other.scenarios == tmp_path / "scenarios" / "reference" and own_strategies(other) == ()
    own = tmp_path / "scenarios" / "territoires" / "ailleurs"
    own.mkdir(parents=True)
    for name, parent in (("tendanciel", None), ("cap2030", "tendanciel"), ("cap2030_sans_pv", "cap2030"),
                         ("snbc", "cap2030")):
        (own / f"{name}.yml").write_text(f"titre: {name}\n" + (f"parent: {parent}\n" if parent else ""),
                                         encoding="utf-8")
    assert other.scenarios == own and default_scenarios(other) == ("tendanciel", "cap2030", "snbc")


# --- the names of the texts come from the declaration (fast) ----------------------------------------------------


def test_the_glossary_lists_the_acronyms_of_the_report_territory_only():
    """The Pôle's glossary spells out its own acronyms as before (from its declaration: « CA de Lens - Liévin »
    with the legal form spelled out and a tight hyphen); a territory of one EPCI lists its short name once, with
    its own name, and « EPCI » gets no note."""
    from types import SimpleNamespace

    from pma_eval.declaration import EPCI_KINDS, Kind, load_file
    from pma_eval.vocabulary import GENERIC_GLOSSARY, glossary

    pole = glossary(load_file(REPO / "territoires" / "pma.yml", get_paths(REPO)))
    assert pole["CALL"] == {"long": "communauté d'agglomération de Lens-Liévin"}
    assert pole["CABBALR"] == {"long": "communauté d'agglomération de Béthune-Bruay, Artois-Lys Romane"}
    assert pole["PMA"] == {"long": "Pôle métropolitain de l'Artois"}
    assert pole["EPCI"]["note"] == "ici les trois agglomérations du Pôle"
    ca = EPCI_KINDS["CA"].as_yaml()
    one = SimpleNamespace(short="CADA", name="Douaisis Agglo", kind=Kind(**{
        "label": ca["libelle"], "subject": ca["sujet"], "of": ca["de"], "to": ca["a"], "gender": ca["genre"]}),
        epcis=({"siren": SIREN, "nom": "CA Douaisis Agglo", "nom_court": "CADA", "nature_juridique": "CA",
                "nature": ca},))
    mine = glossary(one)
    assert mine["CADA"] == {"long": "Douaisis Agglo"} and "note" not in mine["EPCI"]
    assert set(mine) - set(GENERIC_GLOSSARY) == {"CADA"}
    assert not FORBIDDEN.search(repr(mine))


def test_a_caveat_about_another_declared_territory_is_not_quoted():
    from pma_eval.report.annual.annex import published_note

    pole = re.compile(r"(?<![\w-])(?:Pôle|CALL|CAHC|CABBALR)(?![\w-])")  # as other_territories builds it
    note = ("Premiers caractères du code IRIS. Pour le Pôle, 2020 : Béthune (CABBALR) ; Lens (CALL). "
            "Données 2018.")
    assert published_note(note, pole) == "Premiers caractères du code IRIS. Données 2018."
    assert published_note(note) == note  # the Pôle's own report quotes it whole


def test_operator_jargon_stays_out_of_the_annex():
    from pma_eval.report.annual.annex import published_note

    assert published_note("Données 2018. La même année est aussi dans la livraison 2019-10 "
                          "(conso-pdl-iris-chaleur-froid.2019-10.xlsx, non conservée ici : elle n'apporte rien).") \
        == "Données 2018."
    assert published_note("Colonnes Géo-shape et Géo-point (GeoJSON) ignorées par la lecture.") == ""


def test_a_programme_is_named_with_its_article():
    from pma_eval.declaration import programme_forms

    assert programme_forms("La Turbine de l'écotransition", "du Pôle") == (
        "la Turbine de l'écotransition", "de la Turbine de l'écotransition")
    assert programme_forms("", "de l'agglomération") == ("", "de la stratégie de l'agglomération")
    assert programme_forms("Cap 2030") == ("Cap 2030", "du programme « Cap 2030 »")


def test_a_departement_is_named_with_its_article():
    from pma_eval.report.annual.levels import _dans

    assert [_dans(f"{n} (réseau Enedis seulement)") for n in ("Pas-de-Calais", "Nord", "Aisne", "Somme",
                                                               "Haut-Rhin", "Hérault", "Hauts-de-France")] == [
        "le Pas-de-Calais", "le Nord", "l'Aisne", "la Somme", "le Haut-Rhin", "l'Hérault", "les Hauts-de-France"]


def test_the_reference_sum_names_the_declared_epcis():
    """The scenario report's reference table: the Pôle's reference is the sum of its three agglomerations, as its
    caption said; a territory of one EPCI (or an EPCI's report) says no sum."""
    from types import SimpleNamespace

    from pma_eval.report.scenarios.trajectories import members_sum

    pole = get_paths(REPO)
    three, one = SimpleNamespace(epcis=[1, 2, 3]), SimpleNamespace(epcis=[1])
    assert members_sum(SimpleNamespace(geo_level="pma", territory=three, paths=pole)) == \
        " (somme des trois agglomérations)"
    assert members_sum(SimpleNamespace(geo_level="epci", territory=three, paths=pole)) == ""
    assert members_sum(SimpleNamespace(geo_level="pma", territory=one, paths=pole)) == ""


def test_the_comparison_sentence_names_the_whole_it_is_given():
    """comparison_sentence passes the whole's names to comparaison.j2: the Pôle's by default (the territory in use),
    another's when given (« de l'agglomération », « l'agglomération »)."""
    from pma_eval.narrative.sentences import comparison_sentence

    args = ("ges_par_habitant", "de Lens", 2016, 3.9, "t CO₂e", "la CALL", 4.2, 5.1)
    assert comparison_sentence(*args).text.endswith("inférieures à celles de la CALL (4,2\u00a0t CO₂e) et du Pôle "
                                                    "(5,1\u00a0t CO₂e).")
    other = comparison_sentence(*args, du_tout="de l'agglomération", le_tout="l'agglomération", pma_complete=False)
    assert "de l'agglomération" in other.text or "l'agglomération" in other.text
    assert "Pôle" not in other.text
