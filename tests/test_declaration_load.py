"""Reading a declaration back (issue 27): the territory in use, its names, the files it owns, and the located
refusals of an undeclared territory or a malformed declaration."""

from __future__ import annotations

import shutil

import pytest

from pma_eval.config import get_paths
from pma_eval.declaration import in_use, load, name_with_de, resolve_id, NATURES, EPCI_KINDS
from pma_eval.errors import ConfigurationError, InputDataError

from .conftest import REPO


@pytest.fixture
def root(tmp_path):
    (tmp_path / "data" / "raw").mkdir(parents=True)
    shutil.copytree(REPO / "territoires", tmp_path / "territoires")
    return tmp_path


def test_the_default_territory_is_the_pole_with_its_names_and_its_own_files(root):
    paths = get_paths(root)
    decl = load(paths)
    assert (decl.ident, decl.code, decl.name_of) == ("pma", "PMA", "du Pôle métropolitain de l'Artois")
    assert decl.regions == (("32", "Hauts-de-France"),) and decl.departements == ("62",)
    assert root / "data/raw/demonstration" in decl.own_folders
    assert paths.processed == root / "data" / "processed"
    other = get_paths(root, "douaisis")
    assert other.processed == root / "data" / "territoires" / "douaisis" / "processed"


def test_names_take_the_article_of_the_designation_only_when_the_name_opens_with_its_noun():
    assert name_with_de("Pôle métropolitain de l'Artois", NATURES["pole_metropolitain"]) == \
        "du Pôle métropolitain de l'Artois"
    assert name_with_de("Douaisis Agglo", EPCI_KINDS["CA"]) == "de Douaisis Agglo"
    assert name_with_de("Agglomération du Boulonnais", EPCI_KINDS["CA"]) == "de l'Agglomération du Boulonnais"
    assert name_with_de("Arras", EPCI_KINDS["CU"]) == "d'Arras"


def test_an_undeclared_territory_is_refused_with_the_nearest(root):
    with pytest.raises(ConfigurationError) as exc:
        load(get_paths(root, "pmaa"))
    assert "territoire non déclaré : « pmaa »" in str(exc.value) and "les plus proches : pma" in str(exc.value)
    assert exc.value.exit_code == 2


def test_a_territory_is_found_by_an_epci_of_its_declaration(root):
    paths = get_paths(root)
    assert resolve_id(paths, "CALL") == "pma" and resolve_id(paths, "246200299") == "pma"
    assert resolve_id(paths, "PMA") == "pma"
    with pytest.raises(ConfigurationError):
        resolve_id(paths, "200044618")  # Douaisis Agglo: not declared here


def test_a_malformed_declaration_names_its_file_line_and_key(root):
    bad = root / "territoires" / "pma.yml"
    bad.write_text(bad.read_text(encoding="utf-8").replace("nom_court: PMA\n", "nom_court: [PMA\n"), encoding="utf-8")
    with pytest.raises(InputDataError) as exc:
        load(get_paths(root))
    problem = exc.value.problems[0]
    # the bracket opened on line 10 is found unclosed on line 11, where the parser stops
    assert problem.file == "territoires/pma.yml" and problem.line == 11 and "YAML illisible" in problem.message

    text = (REPO / "territoires" / "pma.yml").read_text(encoding="utf-8")
    bad.write_text(text.replace("nom_court: PMA\n", ""), encoding="utf-8")
    with pytest.raises(InputDataError) as exc:
        load(get_paths(root))
    assert "clé « nom_court » absente ou vide" in exc.value.problems[0].message


def test_a_project_without_declarations_builds_its_one_commune_table_as_before(tmp_path):
    (tmp_path / "data" / "raw").mkdir(parents=True)
    assert in_use(get_paths(tmp_path)) is None
    with pytest.raises(ConfigurationError):
        in_use(get_paths(tmp_path, "douaisis"))


def test_the_build_leaves_out_the_files_another_declaration_owns(root):
    from pma_eval.assemble.discover import scope_of

    import yaml

    other = yaml.safe_load((REPO / "territoires" / "pma.yml").read_text(encoding="utf-8"))
    other.update(id="autre", donnees=[])
    (root / "territoires" / "autre.yml").write_text(yaml.safe_dump(other, allow_unicode=True), encoding="utf-8")
    scope = scope_of(get_paths(root, "autre"))
    assert scope.excludes(root / "data/raw/demonstration/parts_thermosensibles_demo.csv")
    assert scope.excludes(root / "data/raw/ges/igt_citepa_ges_communes_pma.csv")
    assert not scope.excludes(root / "data/raw/comparaisons/igt_2016_hauts_de_france.csv")
    assert not scope.excludes(root / "data/raw/territoire/pma_communes.csv")  # its own table too (declared alike)
    mine = scope_of(get_paths(root))
    assert not mine.excludes(root / "data/raw/demonstration/parts_thermosensibles_demo.csv")
    assert mine.excludes(root / "data/raw/territoire/autre/communes.csv")


def test_another_territorys_files_being_written_do_not_stop_a_build(root):
    """Issue 27, found by a regional batch: two territories run side by side, one writing its demonstration series
    (the CSV before its .meta.yml) while the other's build looks at data/raw. The other's folder
    data/raw/territoire/<id>/ is not this build's: a data file without metadata there, or a half-written metadata
    file, is neither read nor refused; the same file in a shared folder is refused, naming it."""
    from pma_eval.assemble.discover import discover, scope_of
    from pma_eval.errors import InputDataError

    import shutil

    paths = get_paths(root)
    for table in ("territoire/pma_communes.csv", "territoire/pma_epci.csv", "population/pma_population_communes.csv",
                  "geo/pma_communes.geojson"):  # the Pôle's own tables, with their metadata
        for name in (table, table + ".meta.yml"):
            (paths.raw / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(REPO / "data" / "raw" / name, paths.raw / name)
    folder = root / "data" / "raw" / "territoire" / "voisin" / "demonstration"
    folder.mkdir(parents=True)
    (folder / "ore_demo.csv").write_text("code_insee;annee\n", encoding="utf-8")  # its .meta.yml not yet written
    (folder / "registre.csv").write_text("x\n", encoding="utf-8")
    (folder / "registre.csv.meta.yml").write_text("title: [coupé", encoding="utf-8")  # half written
    assert len(discover(paths.raw, root, scope_of(paths))) == 4  # its four tables, nothing of the neighbour's
    (root / "data" / "raw" / "ore_demo.csv").write_text("code_insee;annee\n", encoding="utf-8")
    with pytest.raises(InputDataError) as exc:
        discover(paths.raw, root, scope_of(paths))
    assert [p.file for p in exc.value.problems] == ["data/raw/ore_demo.csv"]


def test_departements_come_from_the_commune_table_never_from_the_code(tmp_path):
    """Corsica (2A, 2B) and the overseas départements (97x): a code's first two characters are not its
    département."""
    from pma_eval.acquire import _departements_of

    table = tmp_path / "communes.csv"
    table.write_text("code_insee,nom,code_departement\n2A004,Ajaccio,2A\n97411,Saint-Denis,974\n", encoding="utf-8")
    assert _departements_of(table, get_paths(tmp_path)) == {"2A004": "2A", "97411": "974"}
    bare = tmp_path / "sans.csv"
    bare.write_text("code_insee,nom\n2B033,Bastia\n97209,Fort-de-France\n", encoding="utf-8")
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "reference").symlink_to(REPO / "data" / "reference")
    found = _departements_of(bare, get_paths(tmp_path))
    assert found["2B033"] == "2B" and found["97209"] == "972"


@pytest.mark.parametrize("line, key, words", [
    ("  densite: null\n", "densite: 1.5\n", "comparables.densite"),
    ("  facteur_population: 2\n", "facteur_population: 0.5\n", "comparables.facteur_population"),
    ("  part_industrie: null\n", "part_industrie: oui\n", "comparables.part_industrie"),
    ("  part_industrie: null\n", "taille: 3\n", "comparables.taille"),
])
def test_a_comparables_rule_that_cannot_be_applied_is_refused_where_it_is_written(root, line, key, words):
    """Issue 27: the declaration's comparables rule is read by the reports; a value they cannot apply is refused with
    the file, the line of « comparables: » and the key."""
    bad = root / "territoires" / "pma.yml"
    text = bad.read_text(encoding="utf-8")
    assert line in text
    bad.write_text(text.replace(line, "  " + key), encoding="utf-8")
    with pytest.raises(InputDataError) as exc:
        load(get_paths(root))
    problem = exc.value.problems[0]
    expected_line = text[: text.index("\ncomparables:")].count("\n") + 2
    assert problem.file == "territoires/pma.yml" and problem.column == words and problem.line == expected_line
