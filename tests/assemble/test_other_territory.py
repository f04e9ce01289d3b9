"""A declared territory that is not the Pôle is built like the Pôle (issue 27): CA Douaisis Agglo, created from the
national reference, given demonstration series by the generator, built, and checked against a hand sum of the
shipped regional inventory."""

from __future__ import annotations

import csv
import functools
import gzip
import json
import shutil

import pandas as pd
import pytest

from pma_eval.config import get_paths

from ..conftest import REPO, cli

#: CA Douaisis Agglo (Nord, 59): 35 communes in the national reference (EPCI of 1 January 2025).
SIREN = "200044618"


@functools.cache  # read once for both tests: the files are shipped, the sum is the same
def _hand_sum() -> tuple[float, int, int]:
    """Total 2016 emissions [t CO2e] and 2016 population of the Douaisis communes, read with the standard library
    from the shipped files, as a reader of them would add them by hand:

    - the communes: rows of data/reference/france/communes.csv.gz whose ``epci_siren`` is 200044618 (35);
    - the emissions: their rows of data/raw/comparaisons/igt_2016_hauts_de_france.csv (CITEPA IGT, 2016), summing
      the eight sector columns of the territorial total — Agriculture, Autres transports, Déchets, Energie,
      Industrie hors-énergie, Résidentiel, Routier, Tertiaire — and leaving out the two memo columns « CO2
      biomasse hors-total » and « Autres transports international », which the IGT counts outside its total; an
      empty cell adds nothing;
    - the population: their municipal populations of millésime 2016 in
      data/reference/france/populations_communes.csv.gz.

    Returns the total, the population and the number of communes found in the inventory.
    """
    with gzip.open(REPO / "data/reference/france/communes.csv.gz", "rt", encoding="utf-8", newline="") as f:
        codes = {r["code_insee"] for r in csv.DictReader(f) if r["epci_siren"] == SIREN}
    memo = {"INSEE commune", "Commune", "CO2 biomasse hors-total", "Autres transports international"}
    total, found = 0.0, 0
    with open(REPO / "data/raw/comparaisons/igt_2016_hauts_de_france.csv", encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f):
            if r["INSEE commune"] in codes:
                found += 1
                total += sum(float(v) for k, v in r.items() if k not in memo and v)
    with gzip.open(REPO / "data/reference/france/populations_communes.csv.gz", "rt", encoding="utf-8",
                   newline="") as f:
        population = sum(int(r["population_municipale"]) for r in csv.DictReader(f)
                         if r["code_insee"] in codes and r["millesime"] == "2016")
    assert len(codes) == 35
    return total, population, found


@pytest.fixture(scope="module")
def douaisis(tmp_path_factory):
    """A project copy (data/raw, the national reference, the declarations) where Douaisis Agglo is declared by
    ``pma-eval territoire creer``."""
    root = tmp_path_factory.mktemp("douaisis") / "projet"
    shutil.copytree(REPO / "data" / "raw", root / "data" / "raw")
    shutil.copytree(REPO / "territoires", root / "territoires")
    (root / "data" / "reference").symlink_to(REPO / "data" / "reference")  # read only
    with pytest.MonkeyPatch.context() as mp:
        assert cli(mp, get_paths(root), "territoire", "creer", "--id", "douaisis", "--nom", "Douaisis Agglo",
                   "--epci", SIREN) == 0
    return get_paths(root)


def test_douaisis_is_built_and_its_2016_emissions_per_inhabitant_are_the_hand_sum(douaisis, tmp_path, monkeypatch,
                                                                                   capsys):
    paths, root = douaisis, douaisis.root
    assert cli(monkeypatch, paths, "data", "build", "--territoire", "douaisis") == 0
    out = capsys.readouterr().out
    assert "Douaisis Agglo" in out and "Pôle" not in out.split("Couverture des données")[1]

    built = get_paths(root, "douaisis").processed
    assert built == root / "data" / "territoires" / "douaisis" / "processed"
    assert not (root / "data" / "processed" / "manifest.json").exists()  # the Pôle's data were not touched

    total, population, found = _hand_sum()
    assert found == 35 and population == 148_910  # 2016 population, as tests/test_declaration.py sums it
    assert total == pytest.approx(742_014.6, abs=0.1)
    expected = total / population  # ≈ 4,983 t CO2e per inhabitant

    ind = pd.read_parquet(built / "indicators.parquet")
    per_hab = ind.loc[(ind["indicator_id"] == "ges_par_habitant") & (ind["year"] == 2016)]
    whole = per_hab.loc[per_hab["geo_level"] == "pma"]
    assert list(whole["geo_code"]) == ["CADA"]  # the whole territory: its declared short name
    assert float(whole["value"].iloc[0]) == pytest.approx(expected, rel=1e-9)
    assert whole["nature"].iloc[0] == "observed"  # its communes' rows of the region's observed inventory
    epci = per_hab.loc[per_hab["geo_level"] == "epci"]
    assert list(epci["geo_code"]) == [SIREN] and float(epci["value"].iloc[0]) == pytest.approx(expected, rel=1e-9)
    communes = pd.read_parquet(built / "territory.parquet")
    assert len(communes) == 35 and set(communes["epci_siren"]) == {SIREN}

    # nothing that speaks for the Pôle alone was read (its demonstration series, its extracts, its targets)
    manifest = json.loads((built / "manifest.json").read_text(encoding="utf-8"))
    read = [i["path"] for i in manifest["inputs"]]
    assert "data/raw/territoire/douaisis/communes.csv" in read
    assert not any(p.startswith(("data/raw/demonstration/", "data/raw/activite/")) or "pma_" in p for p in read), read

    # the export of its indicators names it, never the Pôle or its EPCIs
    assert cli(monkeypatch, paths, "indicators", "export", "--territoire", "douaisis",
               "--out", str(tmp_path / "douaisis.csv"), "--annees", "2016") == 0
    text = (tmp_path / "douaisis.csv").read_text(encoding="utf-8-sig")
    assert "Douaisis Agglo" in text and "CADA" in text
    assert not any(name in text for name in ("CALL", "CAHC", "CABBALR", "Artois"))


def test_the_demonstration_generator_serves_douaisis_anchored_on_the_regional_inventory(douaisis, tmp_path):
    """Its series cover its 35 communes and its EPCI; 2016 is the region's observed inventory exactly (rounded to
    3 decimals, as the template is written); every file is marked demonstration."""
    from pma_eval import demonstration

    inputs = demonstration.inputs_of(get_paths(douaisis.root, "douaisis"))
    assert inputs.anchor == "l'IGT 2016 de la région" and not inputs.national and inputs.enedis is None
    written = demonstration.write(None, tmp_path / "demo", inputs=inputs)
    inv = pd.read_csv(tmp_path / "demo" / "inventaire_energie_ges_communes_2012_2023_demo.csv", sep=";",
                      dtype={"territoire": str})
    assert inv["territoire"].nunique() == 35
    ges16 = inv.loc[(inv["annee"] == 2016) & (inv["energie_ou_gaz"] == "GES"), "valeur"].sum()
    total, _, _ = _hand_sum()
    assert ges16 == pytest.approx(total, abs=0.001 * len(inv.loc[(inv["annee"] == 2016)]))
    ore = pd.read_csv(tmp_path / "demo" / "ore_conso_elec_gaz_epci_2022_2023_demo.csv", sep=";", dtype=str)
    assert set(ore["code_epci"]) == {SIREN} and set(ore["nom_departement"]) == {"Nord"}
    for p in written:
        meta = (p.parent / (p.name + ".meta.yml")).read_text(encoding="utf-8")
        assert "nature: demonstration" in meta and "DÉMONSTRATION" in meta
        assert not any(name in meta for name in ("CALL", "CAHC", "CABBALR", "Enedis 2023"))
