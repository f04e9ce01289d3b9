"""The national reference (data/reference/france, issue 27): stored gzipped, read as it is, every problem located.

Expected counts and sums are those of the collector's README (copied into data/reference/README.md and the
``.meta.yml`` files): 34 875 communes, 1 255 EPCIs (CC 989, CA 230, METRO 21, CU 14, MET69 1), 383 469 population
rows, national municipal population 68 350 798 in 2023 and 66 361 658 in 2016.
"""

from __future__ import annotations

import gzip
import hashlib

import pytest

from pma_eval.errors import InputDataError
from pma_eval.reference import FILES, store_gzip
from pma_eval.sources.france import read_france_communes, read_france_epci, read_france_populations
from pma_eval.sources.geo import read_commune_features, read_commune_shapes
from pma_eval.yamltext import safe_load

from ..conftest import REPO

REFERENCE = REPO / "data" / "reference" / "france"


def _gz(path, text: str):
    with open(path, "wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as out:
        out.write(text.encode("utf-8"))
    return path


def test_each_stored_file_is_described_and_gives_back_the_collected_bytes():
    for name in FILES.values():
        stored = REFERENCE / name
        meta = safe_load((REFERENCE / f"{name}.meta.yml").read_text(encoding="utf-8"))
        assert {"title", "producer", "licence", "origine", "years", "nature", "sha256", "sha256_original",
                "etendue_texte", "lecteur"} <= set(meta), name
        assert meta["origine"].startswith("obtenu depuis une copie publique"), name
        assert hashlib.sha256(stored.read_bytes()).hexdigest() == meta["sha256"], name
        original = gzip.decompress(stored.read_bytes())
        assert hashlib.sha256(original).hexdigest() == meta["sha256_original"], name
        assert len(original) == meta["taille_originale"], name


def test_the_gzip_is_reproducible(tmp_path):
    """Same bytes, same archive: no file name, mtime 0 (the EPCI list: 91 kB)."""
    original = tmp_path / "epci.csv"
    original.write_bytes(gzip.decompress((REFERENCE / FILES["epci"]).read_bytes()))
    again = store_gzip(original, tmp_path / "epci.csv.gz")
    assert again.read_bytes() == (REFERENCE / FILES["epci"]).read_bytes()
    assert again.read_bytes()[3:8] == b"\x00\x00\x00\x00\x00"  # FLG without FNAME, MTIME 0


def test_communes_and_epci_of_the_reference():
    communes = read_france_communes(REFERENCE / FILES["communes"])
    assert len(communes) == 34_875
    assert int(communes["population_municipale"].sum()) == 68_350_798
    assert set(communes.loc[communes["epci_siren"] == "", "code_insee"]) == {"22016", "29083", "29155", "85113"}
    epci = read_france_epci(REFERENCE / FILES["epci"])
    assert len(epci) == 1_255
    assert epci["nature_juridique"].value_counts().to_dict() == {"CC": 989, "CA": 230, "METRO": 21, "CU": 14, "MET69": 1}
    lens = epci.set_index("siren").loc["246200364"]
    assert (lens["nom"], lens["nb_communes"], lens["population_municipale"], lens["population_municipale_2023"]) == (
        "CA de Lens - Liévin", 36, 242_591, 242_013)
    # every member of an EPCI is a commune of the reference, and the EPCI's member count is what the communes say
    members = communes.loc[communes["epci_siren"] != ""].groupby("epci_siren").size()
    assert members.sum() == 34_871
    assert (epci.set_index("siren")["nb_communes"] == members).all()


def test_populations_by_millesime():
    pop = read_france_populations(REFERENCE / FILES["populations"])
    assert len(pop) == 383_469
    assert sorted(pop["millesime"].unique()) == [2012, 2013, 2014, 2016, 2017, 2018, 2019, 2020, 2021, 2022, 2023]
    sums = pop.groupby("millesime")["population_municipale"].sum()
    assert (sums[2016], sums[2023]) == (66_361_658, 68_350_798)
    kinds = pop["statut"].str.replace(r"^(somme|inclut_retablies)_.*$", r"\1", regex=True).value_counts().to_dict()
    assert kinds == {"exacte": 381_104, "somme": 2_348, "inclut_retablies": 17}


def test_a_faulty_gzipped_csv_names_its_line_column_and_value(tmp_path):
    path = _gz(tmp_path / "populations.csv.gz", "code_insee,millesime,population_municipale,statut,source\n"
               "62001,2016,1742,exacte,da0.4.0-c\n"
               "6201,2016,1100,exacte,da0.4.0-c\n"
               "62003,2016,-5,fusion,da0.4.0-c\n")
    with pytest.raises(InputDataError) as err:
        read_france_populations(path, "populations.csv.gz")
    text = str(err.value)
    assert "fichier populations.csv.gz, ligne 3, colonne « code_insee » : code commune INSEE sur 5 caractères" in text
    assert "(valeur lue : « 6201 »)" in text
    assert "ligne 4, colonne « population_municipale » : quantité négative impossible (valeur lue : « -5 »)" in text
    assert "ligne 4, colonne « statut » : statut inconnu" in text


def test_a_damaged_archive_is_refused_with_its_name(tmp_path):
    good = _gz(tmp_path / "epci.csv.gz", "siren,nom\n200044618,CA Douaisis Agglo\n").read_bytes()
    truncated = tmp_path / "tronque.csv.gz"
    truncated.write_bytes(good[: len(good) // 2])
    with pytest.raises(InputDataError, match=r"fichier tronque\.csv\.gz : archive gzip tronquée"):
        read_france_epci(truncated, "tronque.csv.gz")
    plain = tmp_path / "clair.csv.gz"
    plain.write_text("siren,nom\n200044618,CA Douaisis Agglo\n", encoding="utf-8")
    with pytest.raises(InputDataError, match="ce n'est pas une archive gzip"):
        read_france_epci(plain, "clair.csv.gz")


def test_a_gzipped_geojson_is_read_as_it_is_and_its_faulty_features_located(tmp_path):
    square = '{"type":"Polygon","coordinates":[[[2.8,50.4],[2.9,50.4],[2.9,50.5],[2.8,50.4]]]}'
    good = _gz(tmp_path / "ok.geojson.gz", '{"type":"FeatureCollection","features":[\n'
               f'{{"type":"Feature","properties":{{"code":"62498","nom":"Lens"}},"geometry":{square}}}\n]}}\n')
    shapes = read_commune_shapes(good)
    assert list(shapes) == ["62498"] and shapes["62498"][0].shape == (4, 2)
    bad = _gz(tmp_path / "ko.geojson.gz", '{"type":"FeatureCollection","features":[\n'
              f'{{"type":"Feature","properties":{{"code":"62498","nom":"Lens"}},"geometry":{square}}},\n'
              f'{{"type":"Feature","properties":{{"code":"6249","nom":"Liévin"}},"geometry":{square}}},\n'
              '{"type":"Feature","properties":{"code":"62510","nom":"Loos"},"geometry":{"type":"Point","coordinates":[2.8,50.4]}}\n'
              ']}\n')
    with pytest.raises(InputDataError) as err:
        read_commune_features(bad, "ko.geojson.gz")
    text = str(err.value)
    assert "ligne 3, colonne « code » : entité n° 2 : propriété « code » absente ou invalide" in text
    assert "(valeur lue : « 6249 »)" in text
    assert "ligne 4, colonne « geometry » : entité n° 3 : géométrie absente ou non surfacique" in text
    assert "(valeur lue : « Point »)" in text
