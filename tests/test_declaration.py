"""``pma-eval territoire creer``: a territory's declaration and tables from the national reference (issue 27).

Expected figures:
- CA Douaisis Agglo, 2016: the hand sum of its 35 rows of millésime 2016 in ``populations_communes.csv`` of the
  shared folder (copied below as literals) = 148 910; the same 35 communes in the shipped regional table
  ``data/raw/comparaisons/hdf_communes_epci.csv`` (column population_2016) sum to the same; 2022: 148 901, the
  DGCL figure of the EPCI in ``epci.csv``.
- CA d'Hénin-Carvin, 2016: 125 453, its row of the shipped ``data/raw/population/pma_population_epci_pma.csv``.
- The Pôle: the 150 communes and EPCI memberships of the shipped ``data/raw/territoire/pma_communes.csv``, and the
  1 650 population values of ``pma_population_communes.csv`` (the collector's README: all identical).
"""

from __future__ import annotations

import csv
import subprocess
import sys
import time

import pandas as pd
import pytest

from pma_eval import declaration as D
from pma_eval.config import get_paths
from pma_eval.errors import ConfigurationError, InputDataError
from pma_eval.sources import read_communes, read_epci, read_population
from pma_eval.sources.geo import read_commune_shapes
from pma_eval.yamltext import safe_load

from .conftest import REPO, cli

DOUAISIS = "200044618"
CAHC = "246200299"
PMA_EPCI = {"246200364": "CALL", "246200299": "CAHC", "200072460": "CABBALR"}

#: (code_insee, population_municipale) of millésime 2016, source da0.4.0-c, statut exacte: the 35 communes of CA
#: Douaisis Agglo, copied from the shipped national reference (data/reference/france/populations_communes.csv.gz, the same rows
#: as the collector's populations_communes.csv described in data/reference/README.md).
DOUAISIS_2016 = [
    ("59007", 904), ("59015", 3130), ("59026", 1184), ("59028", 7285), ("59115", 712), ("59117", 993),
    ("59126", 1549), ("59156", 2804), ("59165", 6454), ("59170", 5307), ("59178", 39657), ("59199", 695),
    ("59211", 897), ("59214", 1119), ("59222", 2148), ("59224", 1746), ("59228", 1472), ("59234", 5876),
    ("59239", 5544), ("59254", 884), ("59263", 1018), ("59276", 4651), ("59280", 778), ("59327", 6164),
    ("59329", 5152), ("59334", 1715), ("59336", 1369), ("59379", 727), ("59486", 2738), ("59489", 4055),
    ("59509", 6191), ("59513", 450), ("59569", 15446), ("59620", 619), ("59654", 7477),
]
# 904 + 3130 + … + 7477, added by hand from the rows above
DOUAISIS_2016_SUM = 148_910


@pytest.fixture(scope="module")
def reference():
    """The national reference, read once for the module (its geometry is read for each territory's communes)."""
    return D.load_reference(get_paths(REPO))


@pytest.fixture
def paths(tmp_path, monkeypatch):
    """An empty project whose reference is the repository's."""
    monkeypatch.setenv("PMA_EVAL_REFERENCE_DIR", str(REPO / "data" / "reference" / "france"))
    (tmp_path / "data" / "raw").mkdir(parents=True)
    return get_paths(tmp_path)


def _shipped(path: str) -> pd.DataFrame:
    return pd.read_csv(REPO / path, dtype=str)


def test_the_hand_sum_is_right():
    assert len(DOUAISIS_2016) == 35 and sum(p for _, p in DOUAISIS_2016) == DOUAISIS_2016_SUM


def test_douaisis_agglo(paths, reference):
    made = D.create(paths, "douaisis", "Douaisis Agglo", [DOUAISIS], ref=reference, today="2026-12-07")
    folder = paths.raw / "territoire" / "douaisis"
    assert made.declaration == paths.root / "territoires" / "douaisis.yml" and made.folder == folder
    # the tables read back with the workbench's own readers
    communes = read_communes(folder / "communes.csv")
    assert sorted(communes["code_insee"]) == [c for c, _ in DOUAISIS_2016]
    assert set(communes["epci_siren"]) == {DOUAISIS} and set(communes["epci_sigle"]) == {"CADA"}
    epci = read_epci(folder / "epci.csv")
    assert epci[["epci_siren", "epci_nom", "nb_communes"]].values.tolist() == [[DOUAISIS, "CA Douaisis Agglo", 35]]
    pop = read_population(folder / "population_communes.csv")
    by_year = pop.groupby("millesime")["population_municipale"].sum()
    assert by_year[2016] == DOUAISIS_2016_SUM
    assert dict(zip(pop.loc[pop["millesime"] == 2016, "code_insee"],
                    pop.loc[pop["millesime"] == 2016, "population_municipale"])) == dict(DOUAISIS_2016)
    with open(REPO / "data/raw/comparaisons/hdf_communes_epci.csv", encoding="utf-8") as f:
        regional = sum(int(r["population_2016"]) for r in csv.DictReader(f) if r["epci_siren"] == DOUAISIS)
    assert regional == DOUAISIS_2016_SUM
    assert by_year[2022] == 148_901  # the DGCL's EPCI figure (epci.csv, millésime 2022)
    assert 2015 not in by_year.index
    assert set(pop.loc[pop["millesime"] == 2017, "millesime_statut"]) == {"inferee"}
    assert len(read_commune_shapes(folder / "communes.geojson")) == 35
    # every table is described, with the sha256 of what was written
    from pma_eval.checksum import sha256

    for name in ("communes.csv", "epci.csv", "population_communes.csv", "communes.geojson"):
        meta = safe_load((folder / f"{name}.meta.yml").read_text(encoding="utf-8"))
        assert meta["sha256"] == sha256(folder / name) and meta["nature"] == "observed", name
        assert "format" not in meta, "the build would read it and refuse a second commune table"
    decl = safe_load(made.declaration.read_text(encoding="utf-8"))
    assert decl == made.decl
    assert (decl["id"], decl["nom"], decl["nature"], decl["departements"], decl["communes"]) == (
        "douaisis", "Douaisis Agglo", "epci", ["59"], 35)
    assert decl["regions"] == [{"code": "32", "nom": "Hauts-de-France"}]
    assert decl["designation"]["sujet"] == "l'agglomération" and decl["designation"]["genre"] == "féminin"
    assert [(e["siren"], e["nom_court"], e["nature_juridique"], e["entier"]) for e in decl["epci"]] == [
        (DOUAISIS, "CADA", "CA", True)]
    assert decl["population"] == {"millesime": 2023, "population_municipale": 149_282, "communes_sans_valeur": 0}
    assert decl["comparables"]["facteur_population"] == 2
    assert decl["tables"]["communes"] == {"fichier": "data/raw/territoire/douaisis/communes.csv", "format": "communes"}


def test_two_epcis_of_two_departements(paths, reference):
    made = D.create(paths, "douai-henin", "Douaisis et Hénin-Carvin", [DOUAISIS, CAHC], ref=reference)
    decl = made.decl
    assert (decl["nature"], decl["nom_court"], decl["communes"], decl["departements"]) == (
        "groupement", "DOUAI-HENIN", 35 + 14, ["59", "62"])
    assert decl["designation"]["sujet"] == "le territoire"
    assert [(e["nom_court"], e["departements"]) for e in decl["epci"]] == [("CADA", ["59"]), ("CAHC", ["62"])]
    pop = made.tables.population
    assert pop.loc[pop["millesime"] == 2016, "population_municipale"].sum() == DOUAISIS_2016_SUM + 125_453
    communes = made.tables.communes
    assert communes.groupby("code_departement")["epci_siren"].unique().map(list).to_dict() == {
        "59": [DOUAISIS], "62": [CAHC]}


def test_the_pole_derived_from_the_reference_is_the_shipped_pole(paths, reference):
    codes = list(reference.communes.loc[reference.communes["epci_siren"].isin(set(PMA_EPCI)), "code_insee"])
    derived = D.derive(reference, codes)
    shipped = _shipped("data/raw/territoire/pma_communes.csv")
    assert len(derived.communes) == len(shipped) == 150
    mine = derived.communes.set_index("code_insee")
    theirs = shipped.set_index("code_insee").loc[mine.index]
    assert (mine["epci_siren"] == theirs["epci_siren"]).all()
    assert (mine["epci_sigle"] == theirs["epci_sigle"]).all()  # CALL, CAHC, CABBALR from the DGCL names
    assert (mine["siren_commune"] == theirs["siren_commune"]).all()
    # names follow the COG: 2025 in the shipped table, 2026 in the reference
    renamed = mine.index[mine["nom"] != theirs["nom"]]
    assert {c: (theirs.at[c, "nom"], mine.at[c, "nom"]) for c in renamed} == {"62486": ("Lambres", "Lambres-lez-Aire")}
    # the 1 650 population values are those of the shipped table
    pop = _shipped("data/raw/population/pma_population_communes.csv")
    pop["millesime"] = pop["millesime"].astype(int)
    pop["population_municipale"] = pop["population_municipale"].astype(int)
    both = derived.population.merge(pop, on=["code_insee", "millesime"], suffixes=("", "_pma"), validate="1:1")
    assert len(both) == len(pop) == 1_650
    assert (both["population_municipale"] == both["population_municipale_pma"]).all()
    assert (both["millesime_statut"] == both["millesime_statut_pma"]).all()
    assert derived.missing_geometry == []


def test_the_declaration_of_the_pole():
    decl = safe_load((REPO / "territoires" / "pma.yml").read_text(encoding="utf-8"))
    epci = _shipped("data/raw/territoire/pma_epci.csv")
    assert {e["siren"]: e["nom_court"] for e in decl["epci"]} == dict(zip(epci["epci_siren"], epci["epci_sigle"])) \
        == PMA_EPCI
    assert (decl["id"], decl["nom_court"], decl["nature"], decl["communes"], decl["departements"]) == (
        "pma", "PMA", "pole_metropolitain", 150, ["62"])
    assert decl["designation"]["sujet"] == "le Pôle" and decl["designation"]["de"] == "du Pôle"
    for table in decl["tables"].values():
        meta = safe_load((REPO / (table["fichier"] + ".meta.yml")).read_text(encoding="utf-8"))
        assert meta["format"] == table["format"], table
    from pma_eval.checksum import sha256

    assert decl["reference"]["fichiers"] == {n: sha256(REPO / decl["reference"]["dossier"] / n)
                                             for n in decl["reference"]["fichiers"]}


def test_short_names_of_the_pole_come_from_the_dgcl_names():
    assert [D.short_name(n) for n in ("CA de Lens - Liévin", "CA d'Hénin-Carvin",
                                      "CA de Béthune-Bruay, Artois-Lys Romane", "Métropole Européenne de Lille")] == [
        "CALL", "CAHC", "CABBALR", "MEL"]


def test_an_unknown_epci_is_refused_at_once_with_the_nearest_names(paths, monkeypatch, capsys):
    t0 = time.perf_counter()
    code = cli(monkeypatch, paths, "territoire", "creer", "--id", "douaisis", "--nom", "Douaisis", "--epci", "20004461")
    assert time.perf_counter() - t0 < 1.0
    err = capsys.readouterr().err
    assert code == 2
    assert "EPCI inconnu du référentiel national" in err and "« 20004461 »" in err
    assert "200044618 CA Douaisis Agglo" in err
    assert cli(monkeypatch, paths, "territoire", "creer", "--id", "douaisis", "--nom", "D", "--epci", "Douaisis") == 2
    assert "les plus proches : 200044618 CA Douaisis Agglo" in capsys.readouterr().err
    assert not (paths.root / "territoires").exists() and not (paths.raw / "territoire").exists()


def test_an_existing_territory_is_refused(paths, monkeypatch, capsys):
    (paths.root / "territoires").mkdir()
    (paths.root / "territoires" / "pma.yml").write_text("id: pma\n", encoding="utf-8")
    t0 = time.perf_counter()
    code = cli(monkeypatch, paths, "territoire", "creer", "--id", "pma", "--nom", "Pôle", "--epci", DOUAISIS)
    assert time.perf_counter() - t0 < 1.0
    assert code == 2
    assert "le territoire « pma » existe déjà (territoires/pma.yml)" in capsys.readouterr().err
    with pytest.raises(ConfigurationError, match="identifiant de territoire invalide"):
        D.check(paths, "Douai", [DOUAISIS])
    with pytest.raises(ConfigurationError, match="un territoire de nature « epci » a un seul EPCI"):
        D.check(paths, "deux", [DOUAISIS, CAHC], nature="epci")


def test_the_refusal_does_not_wait_for_pandas():
    """What keeps a refusal under a second on a loaded machine: the checks read the EPCI list with the standard
    library, so the command exits before pandas is imported (about 1 s here)."""
    code = ("import sys; from pma_eval.config import get_paths; from pma_eval import declaration as D\n"
            "try:\n    D.check(get_paths(), 'x1', ['123456789'])\nexcept D.ConfigurationError:\n    pass\n"
            "assert 'pandas' not in sys.modules, 'pandas imported'")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=REPO)


def test_a_list_of_communes(paths, reference, tmp_path):
    listing = tmp_path / "communes.csv"
    listing.write_text("code_insee\n62498\n62510\n59178\n", encoding="utf-8")  # Lens, Liévin (CALL), Douai
    made = D.create(paths, "extrait", "Extrait", communes_file=str(listing), ref=reference)
    assert list(made.tables.communes["code_insee"]) == ["59178", "62498", "62510"]
    assert made.decl["nature"] == "groupement"
    assert [(e["nom_court"], e["communes"], e["entier"]) for e in made.decl["epci"]] == [
        ("CADA", 1, False), ("CALL", 2, False)]
    bad = tmp_path / "mauvais.csv"
    bad.write_text("code_insee\n62498\n62999\n22016\n", encoding="utf-8")
    with pytest.raises(InputDataError) as err:
        D.create(paths, "mauvais", "Mauvais", communes_file=str(bad), ref=reference)
    text = str(err.value)
    assert "ligne 3, colonne « code_insee » : commune inconnue du référentiel national" in text
    assert "ligne 4, colonne « code_insee » : commune sans EPCI à fiscalité propre" in text
    assert not (paths.raw / "territoire" / "mauvais").exists()


def test_declaration_and_tables_appear_together_or_not_at_all(paths, reference, monkeypatch):
    def fail(*args, **kwargs):
        raise OSError("disque plein")

    monkeypatch.setattr(D, "dump_declaration", fail)
    with pytest.raises(OSError):
        D.create(paths, "douaisis", "Douaisis Agglo", [DOUAISIS], ref=reference)
    assert not (paths.raw / "territoire" / "douaisis").exists()
    assert not (paths.root / "territoires" / "douaisis.yml").exists()
