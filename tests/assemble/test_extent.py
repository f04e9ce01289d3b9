"""What a register speaks for (issue 25, point 1).

A register lists every installation of the area it was downloaded for, but the area is not written in the
file. A 3-commune extract (Lens, Liévin, Béthune) was read as covering the whole CALL and CABBALR and erased
their other communes' renewables. Now ``data add`` asks for the extent unless the file shows it (rows for
most communes of each département), writes it in the metadata, and the build covers exactly that area.
"""

from __future__ import annotations


import pandas as pd
import pytest
import yaml

from pma_eval.assemble import build
from pma_eval.processed import load

from ..conftest import cli, tree

HEADER = ("nomInstallation;codeINSEECommune;codeEPCI;codeDepartement;codeRegion;filiere;technologie;"
          "puisMaxInstallee;nbInstallations;energieAnnuelleGlissanteInjectee;dateMiseEnservice;regime")
#: A snapshot at 31/12/2022, as the published name says (ODRÉ « -311222 »).
NAME = "registre-national-installation-production-stockage-electricite-agrege-311222.csv"
THREE = {"62498": "246200364", "62510": "246200364", "62119": "200072460"}  # Lens, Liévin (CALL), Béthune


def register(folder, codes: dict[str, str]):
    """One aggregated photovoltaic row per commune: 100 kW, 20 installations, 90 MWh."""
    lines = [HEADER] + [f"Agrégation des installations de moins de 36KW;{c};{e};{c[:2]};32;Solaire;Photovoltaïque;"
                        "100;20;90000;;En service" for c, e in codes.items()]
    path = folder / NAME
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_an_extract_whose_area_is_not_evident_is_refused_with_the_choices(built, monkeypatch, tmp_path, capsys):
    before = tree(built.root / "data")
    assert cli(monkeypatch, built, "data", "add", str(register(tmp_path, THREE))) == 2
    err = capsys.readouterr().err
    assert "étendue du fichier inconnue" in err and "3 des 150 communes du territoire" in err
    assert "Béthune, Lens, Liévin" in err and "0 commune hors du territoire" in err
    assert "--etendue communes" in err and "--etendue epci" in err and "--etendue departement" in err
    assert tree(built.root / "data") == before  # nothing written, nothing built


#: Three communes of the small territory (tests/tiny.py) in both its EPCIs: Lens, Ablain-Saint-Nazaire (CALL), Carvin
#: (CAHC).
TINY_THREE = {"62498": "246200364", "62001": "246200364", "62215": "246200299"}


def test_a_three_commune_extract_leaves_the_other_communes_as_they_were_and_a_newer_vintage_replaces_it(
        tiny_built, monkeypatch, tmp_path, capsys):
    """The issue's case, with ``--etendue communes``, on a copy of the run's shared build of the small territory
    (tests/tiny.py): three of its 7 communes in both its EPCIs (the 3-commune extract of the issue erased the other
    communes of its two agglomerations; here the CALL keeps two others, the CAHC two).

    A newer vintage of that extract (150 kW and 30 installations where the first has 100 kW and 20) is added with
    ``--remplace`` before the one build: the new one is read, the old one kept but not read. The three communes are
    observed (150 kW each, hand value of the newer file), the 4 others keep their values and natures, and the
    agglomerations' sums, which now mix observed and demonstration values, are not called observed. Then a mistake is
    retired."""
    built = tiny_built
    before = load("renewables", built)
    first = register(tmp_path, TINY_THREE)
    assert cli(monkeypatch, built, "data", "add", str(first), "--etendue", "communes") == 0
    out = capsys.readouterr().out
    assert "étendue : communes" in out and "les seules communes où il a des lignes" in out
    meta = yaml.safe_load((built.raw / "renouvelables" / f"{NAME}.meta.yml").read_text(encoding="utf-8"))
    assert meta["etendue"] == "communes"
    newer = tmp_path / "v2" / NAME.replace(".csv", "_v2.csv")
    newer.parent.mkdir()
    newer.write_text(first.read_text(encoding="utf-8").replace(";100;20;", ";150;30;"), encoding="utf-8")
    assert cli(monkeypatch, built, "data", "add", str(newer), "--etendue", "communes", "--remplace", NAME) == 0
    meta = yaml.safe_load((built.raw / "renouvelables" / f"{newer.name}.meta.yml").read_text(encoding="utf-8"))
    assert meta["replaces"] == NAME and meta["etendue"] == "communes"
    build(built)
    after = load("renewables", built)
    r = after
    lens = r[(r["geo_code"] == "62498") & (r["year"] == 2022) & (r["technology"] == "solaire_pv")
             & (r["variable"] == "capacity")]
    assert lens["value"].item() == 150.0  # the new vintage is read, the old one kept but not read
    key = ["geo_code", "technology", "variable"]

    def communes(df):
        return df[(df["geo_level"] == "commune") & (df["year"] == 2022)].set_index(key).sort_index()

    b, a = communes(before), communes(after)
    mine = a.loc[a.index.get_level_values("geo_code").isin(list(TINY_THREE))]
    assert set(mine["nature"]) == {"observed"}
    assert mine.xs(("solaire_pv", "capacity"), level=("technology", "variable"))["value"].tolist() == [150.0] * 3
    others_b = b.loc[~b.index.get_level_values("geo_code").isin(list(TINY_THREE))]
    others_a = a.loc[~a.index.get_level_values("geo_code").isin(list(TINY_THREE))]
    assert others_a.index.get_level_values("geo_code").nunique() == 4  # Acheville, Aix-Noulette, Bois-Bernard, Courrières
    pd.testing.assert_frame_equal(others_a[["value", "nature"]], others_b[["value", "nature"]])
    epci = after[(after["geo_level"] == "epci") & (after["year"] == 2022)]
    for siren in set(TINY_THREE.values()):
        assert "observed" not in set(epci.loc[epci["geo_code"] == siren, "nature"])
    # the Pôle keeps the production of its other communes (the bug printed −92,6 %): on 150 communes the three were a
    # small part of it, here they held most of it, so the check is the sum itself: the 4 other communes' production
    # of 2022 as it was, plus the file's 3 × 90 000 kWh = 3 × 90 MWh (shipped data: the Pôle's 3 654,2 MWh were
    # 2 592,5 of the three and 1 061,7 of the others; after, 1 061,7 + 270 = 1 331,7 MWh, where the bug left 270)
    def pma_production(df):
        return df[(df["geo_level"] == "pma") & (df["year"] == 2022) & (df["variable"] == "production")
                  & df["renewable"]]["value"].sum()

    def production(df, codes, keep):
        c = df[(df["geo_level"] == "commune") & (df["year"] == 2022) & (df["variable"] == "production")
               & df["renewable"]]
        return c.loc[c["geo_code"].isin(codes) == keep, "value"].sum()

    assert pma_production(before) == pytest.approx(production(before, list(TINY_THREE), True)
                                                   + production(before, list(TINY_THREE), False))
    others = production(before, list(TINY_THREE), False)
    assert others > 0 and production(after, list(TINY_THREE), False) == pytest.approx(others)
    assert pma_production(after) == pytest.approx(others + 3 * 90.0)

    # the old file cannot be retired while the new one names it; the new one can
    capsys.readouterr()
    assert cli(monkeypatch, built, "data", "retire", f"data/raw/renouvelables/{NAME}") == 2
    assert "est remplacé par" in capsys.readouterr().err
    assert cli(monkeypatch, built, "data", "retire", f"data/raw/renouvelables/{newer.name}") == 0
    assert not (built.raw / "renouvelables" / newer.name).exists()
    assert not (built.raw / "renouvelables" / f"{newer.name}.meta.yml").exists()
    log = (built.root / "data" / "journal_des_donnees.log").read_text(encoding="utf-8").splitlines()
    assert log[-1].endswith(f"retiré : data/raw/renouvelables/{newer.name} (et ses métadonnées)")
    assert sum("ajouté : " in x for x in log) == 2


def test_a_departement_download_is_recognised_from_its_rows(tiny_built, monkeypatch, tmp_path, capsys):
    """Rows for every commune of the Pas-de-Calais (the region's communes table of data/raw gives them): the
    file is a département's download, and says so; the build covers all the communes of the territory with it (the
    small territory's 7: the rule is the same for 150)."""
    built = tiny_built
    region = pd.read_csv(built.raw / "comparaisons" / "hdf_communes_epci.csv", dtype=str)
    dep62 = region[region["code_departement"] == "62"]
    codes = dict(zip(dep62["code_insee"], dep62["epci_siren"].fillna("")))
    assert cli(monkeypatch, built, "data", "add", str(register(tmp_path, codes))) == 0
    assert "étendue : departement" in capsys.readouterr().out
    meta = yaml.safe_load((built.raw / "renouvelables" / f"{NAME}.meta.yml").read_text(encoding="utf-8"))
    assert meta["etendue"] == "departement"
    build(built)
    r = load("renewables", built)
    com = r[(r["geo_level"] == "commune") & (r["year"] == 2022)]
    assert set(com["nature"]) == {"observed"} and com["geo_code"].nunique() == 7
    pv = r[(r["geo_level"] == "pma") & (r["year"] == 2022) & (r["technology"] == "solaire_pv")
           & (r["variable"] == "capacity")]
    assert pv["value"].item() == 7 * 100.0 and bool(pv["complete"].item())  # hand sum: 7 rows of 100 kW


def test_where_nothing_speaks_for_a_commune_its_sums_are_incomplete(tiny_project, monkeypatch, tmp_path):
    """On the small territory without its demonstration registers: an extract for Lens alone, ``--etendue
    communes``, leaves the CALL's three other communes unknown (its sum is a minimum); ``--etendue epci``
    says the CALL's other communes have no installation (its sum is complete), and the CAHC, for which no
    file speaks, stays incomplete. Both extents in one build: the snapshot of 31/12/2022 (« -311222 ») with
    ``communes``, the same 100 kW of Lens (21 installations instead of 20) as the snapshot of 31/12/2021
    (« -311221 ») with ``epci``."""
    for p in tiny_project.raw.glob("demonstration/odre_registre_*"):
        p.unlink()
    for p in tiny_project.raw.glob("renouvelables/*"):
        p.unlink()
    path = register(tmp_path, {"62498": "246200364"})
    older = tmp_path / "2021" / NAME.replace("-311222", "-311221")
    older.parent.mkdir()
    older.write_text(path.read_text(encoding="utf-8").replace(";100;20;", ";100;21;"), encoding="utf-8")  # not a copy
    cases = ((path, "communes", 2022, False), (older, "epci", 2021, True))
    for f, extent, _, _ in cases:
        assert cli(monkeypatch, tiny_project, "data", "add", str(f), "--etendue", extent) == 0
        meta = yaml.safe_load((tiny_project.raw / "renouvelables" / f"{f.name}.meta.yml").read_text(encoding="utf-8"))
        assert meta["etendue"] == extent
    build(tiny_project)
    renewables = load("renewables", tiny_project)
    for _, extent, year, call_complete in cases:
        r = renewables[(renewables["year"] == year) & (renewables["technology"] == "solaire_pv")
                       & (renewables["variable"] == "capacity")]
        call = r[(r["geo_level"] == "epci") & (r["geo_code"] == "246200364")]
        assert call["value"].item() == 100.0 and bool(call["complete"].item()) is call_complete, extent
        assert not bool(r.loc[r["geo_level"] == "pma", "complete"].item())


# --- overlaps (issue 25, point 2) ------------------------------------------------------------------

def test_a_second_copy_of_the_same_data_is_refused_naming_both_files(built, monkeypatch, tmp_path, capsys):
    """The same rows saved again (other bytes: Windows line ends, as Excel writes them) under another name."""
    first = register(tmp_path, THREE)
    assert cli(monkeypatch, built, "data", "add", str(first), "--etendue", "communes") == 0
    copy = tmp_path / "excel" / NAME.replace(".csv", "_excel.csv")
    copy.parent.mkdir()
    copy.write_bytes(first.read_bytes().replace(b"\n", b"\r\n"))
    before = tree(built.root / "data")
    capsys.readouterr()
    assert cli(monkeypatch, built, "data", "add", str(copy), "--etendue", "communes") == 2
    err = capsys.readouterr().err
    assert f"recouvre data/raw/renouvelables/{NAME}" in err and copy.name in err
    assert "3 valeurs en commun" in err  # Lens, Liévin and Béthune in 2022
    assert f"--remplace {NAME}" in err and f"pma-eval data retire data/raw/renouvelables/{NAME}" in err
    assert tree(built.root / "data") == before


def test_a_build_that_meets_two_files_for_one_value_names_both(tiny_project):
    """Two observed files written by hand into data/raw (not through ``data add``): the build stops with
    both names and the fix, not with the table check's « clé en double »."""
    from pma_eval.errors import InputDataError

    for p in tiny_project.raw.glob("demonstration/odre_registre_*"):
        p.unlink()
    folder = tiny_project.raw / "renouvelables"
    folder.mkdir(exist_ok=True)
    for name in ("a-311222.csv", "b-311222.csv"):
        path = register(folder, {"62498": "246200364"}).rename(folder / name)
        (folder / f"{name}.meta.yml").write_text(yaml.safe_dump(
            {"title": name, "producer": "ODRÉ", "licence": "Licence Ouverte", "years": "2022", "nature": "observed",
             "format": "odre_registre", "etendue": "communes", "options": {"snapshot_year": 2022}}), encoding="utf-8")
        assert path.exists()
    with pytest.raises(InputDataError) as exc:
        build(tiny_project)
    text = str(exc.value)
    assert "a-311222.csv et b-311222.csv" in text and "données par plusieurs fichiers" in text
    assert "Lens, 2022" in text and "pma-eval data retire" in text
    assert "clé en double" not in text
