"""Real files in: ``data add``, ``data fetch`` (against a local fake portal), precedence per
geography, coverage, and bad input that changes nothing.

Expected values are hand sums of the fixture rows (tests/fixtures/*, laid out as the producers
publish them, FORMATS.md), written in each test.
"""

from __future__ import annotations

import hashlib
import re

import pandas as pd
import pytest
import yaml

from pma_eval.assemble import build
from pma_eval.processed import load

from ..conftest import FIXTURES, cli, tree
from ..fake_portal import FakePortal

from .added import ODRE_NAME


def _export(monkeypatch, project, tmp_path, *extra) -> pd.DataFrame:
    out = tmp_path / "export.csv"
    assert cli(monkeypatch, project, "indicators", "export", "--out", str(out), *extra) == 0
    return pd.read_csv(out, sep=";", decimal=",", dtype={"code": str}, encoding="utf-8-sig")


@pytest.fixture
def added(full_added):
    """A project where the three published layouts were added with ``data add`` and built: the run's shared build of
    the whole territory with the build tests' additions (tests/assemble/added.py, ``add_full``; read-only)."""
    import json

    said = json.loads((full_added.root / "commandes.json").read_text(encoding="utf-8"))
    for key in ("add ore_large_2011_2021.csv", "add ore_long_2022.csv", "add odre", "build"):
        assert said[key][0] == 0, key
    return full_added


def test_data_add_recognises_the_producer_and_writes_the_metadata(added):
    meta = yaml.safe_load((added.raw / "energie" / "ore_large_2011_2021.csv.meta.yml").read_text(encoding="utf-8"))
    assert meta["producer"] == "Agence ORE" and meta["layout"] == "ore_large_2011_2021"
    assert meta["nature"] == "observed" and meta["years"] == "2021" and meta["format"] == "ore_conso"
    assert meta["sha256"] == hashlib.sha256((FIXTURES / "ore_large_2011_2021.csv").read_bytes()).hexdigest()
    assert (added.raw / "energie" / "ore_large_2011_2021.csv").read_bytes() == \
        (FIXTURES / "ore_large_2011_2021.csv").read_bytes()  # copied unchanged
    odre = yaml.safe_load((added.raw / "renouvelables" / (ODRE_NAME + ".meta.yml")).read_text(encoding="utf-8"))
    assert odre["options"]["snapshot_year"] == 2022  # from the "-311222" of the published name
    assert odre["licence"].startswith("Licence Ouverte")


def test_added_files_come_out_right_in_the_export(added, monkeypatch, tmp_path):
    ex = _export(monkeypatch, added, tmp_path, "--niveaux", "commune", "--annees", "2021,2022")
    row = ex.set_index(["indicateur", "code", "annee"])
    # 2022, long layout: Lens electricity = residential 12 345,678 + 100,5 + tertiary 6 000 + 2 000.
    lens_elec = row.loc[("conso_electricite", "62498", 2022)]
    assert lens_elec["valeur"] == pytest.approx(12345.678 + 100.5 + 6000 + 2000)
    assert lens_elec["unite"] == "MWh" and lens_elec["nature"] == "observée"
    # Lens gas 2022: the industry is secret (one empty row, one "secret" row): the total is unknown.
    lens_gas = row.loc[("conso_gaz", "62498", 2022)]
    assert pd.isna(lens_gas["valeur"]) and lens_gas["nature"] == "secret statistique"
    # 2021, wide layout: Lens gas = tertiary 5 000 + residential 20 000, industry secret → unknown.
    assert row.loc[("conso_gaz", "62498", 2021), "nature"] == "secret statistique"
    # ODRÉ 2022 (kWh in the file): Lens PV 1 234,5 + 5 000 kW; Béthune production
    # 173 003 kWh (hydro) + 24 000 000 kWh (wind) = 24 173,003 MWh.
    pv = row.loc[("enr_puissance_solaire_pv", "62498", 2022)]
    assert pv["valeur"] == pytest.approx(6234.5) and pv["unite"] == "kW" and pv["nature"] == "observée"
    prod = row.loc[("enr_elec_production", "62119", 2022)]
    assert prod["valeur"] == pytest.approx(24173.003) and prod["unite"] == "MWh" and prod["nature"] == "observée"
    # Communes outside the Pôle (Lille, a Savoie lake plant) never come out; they are counted.
    assert not set(ex["code"]) & {"59350", "73011"}
    extent = load("coverage", added)  # the coverage table exists and names 2022 observed renewables
    com = extent[(extent["theme"] == "renewables") & (extent["geo_level"] == "commune") & (extent["year"] == 2022)]
    assert int(com["observed"].iloc[0]) > 0


def test_ore_total_replaces_every_demonstration_sector_of_that_energy(added):
    """Where ORE covers a commune, year and energy, the commune's consumption of it *is* ORE's total."""
    energy = load("energy", added)
    lens = energy[(energy["geo_code"] == "62498") & (energy["year"] == 2022) & (energy["carrier"] == "electricite")]
    assert set(lens["nature"]) == {"observed"}  # no demonstration transport slice added on top
    assert lens["value"].sum() == pytest.approx(12345.678 + 100.5 + 8000)


def test_a_partial_observed_file_replaces_only_what_it_covers(built, monkeypatch):
    """The issue's case: a hand-made file for 3 communes, 2020–2021, must not wipe the other 147."""
    project = built
    before = load("energy", project)
    pma_before = before[(before["geo_level"] == "pma") & (before["year"] == 2021) & (before["carrier"] == "electricite")]
    three = ["62498", "62119", "62510"]
    header, *_ = (FIXTURES / "ore_large_2011_2021.csv").read_text(encoding="utf-8").splitlines()
    cols = header.split(";")
    lines = [header]
    for year in (2020, 2021):
        for code in three:
            cells = dict.fromkeys(cols, "0")
            cells.update({"operateur": "Enedis", "annee": str(year), "filiere": "Electricité", "consor": "1000",
                          "pdlr": "100", "consot": "500", "pdlt": "10", "thermor": "", "partr": "",
                          "code_commune": code, "libelle_commune": "x", "code_departement": "62",
                          "code_region": "32", "code_epci": "", "libelle_epci": "", "libelle_departement": "",
                          "libelle_region": "", "id_filiere": "100", "consototale": "1500"})
            lines.append(";".join(cells[c] for c in cols))
    f = project.root / "partiel.csv"
    f.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert cli(monkeypatch, project, "data", "add", str(f)) == 0
    build(project)
    after = load("energy", project)
    com = after[(after["geo_level"] == "commune") & (after["carrier"] == "electricite") & (after["year"] == 2021)]
    # The three communes: 1 000 + 500 MWh each, observed; the other 147 keep their values.
    mine = com[com["geo_code"].isin(three)].groupby("geo_code")["value"].sum()
    assert list(mine) == [1500.0, 1500.0, 1500.0]
    assert set(com.loc[com["geo_code"].isin(three), "nature"]) == {"observed"}
    others_before = before[(before["geo_level"] == "commune") & (before["carrier"] == "electricite")
                           & (before["year"] == 2021) & ~before["geo_code"].isin(three)]
    others_after = com[~com["geo_code"].isin(three)]
    assert others_after["value"].sum(min_count=1) == pytest.approx(others_before["value"].sum(min_count=1))
    # The Pôle stays of the order of 3 TWh (not the 0.95 TWh of the bug) and is not called observed.
    pma = after[(after["geo_level"] == "pma") & (after["year"] == 2021) & (after["carrier"] == "electricite")]
    assert pma["value"].sum() > 0.8 * pma_before["value"].sum()
    assert "observed" not in set(pma["nature"])
    # Without the demonstration EPCI totals, the secret industry and agriculture cells of some
    # demonstration communes are unknown: those sums are lower bounds, flagged incomplete.
    assert not pma.set_index("sector").loc["industrie_hors_energie", "complete"]
    # CAHC gas is untouched by an electricity-only file.
    cahc_gas = after[(after["geo_code"] == "246200299") & (after["carrier"] == "gaz") & (after["year"] == 2021)]
    assert cahc_gas["value"].notna().any()


def test_data_add_never_overwrites_a_different_file(added, monkeypatch, tmp_path):
    other = tmp_path / "ore_large_2011_2021.csv"
    other.write_text((FIXTURES / "ore_large_2011_2021.csv").read_text(encoding="utf-8").replace("8000", "8001"),
                     encoding="utf-8")
    before = tree(added.raw)
    assert cli(monkeypatch, added, "data", "add", str(other)) == 2
    assert tree(added.raw) == before
    # The same file again is not an error: nothing to do.
    assert cli(monkeypatch, added, "data", "add", str(FIXTURES / "ore_large_2011_2021.csv")) == 0
    assert tree(added.raw) == before


def test_data_add_refuses_an_unknown_layout_with_the_known_ones(added, monkeypatch, tmp_path, capsys):
    f = tmp_path / "inconnu.csv"
    f.write_text("commune;annee;kwh\n62498;2022;12\n", encoding="utf-8")
    assert cli(monkeypatch, added, "data", "add", str(f)) == 2
    err = capsys.readouterr().err
    assert "disposition de fichier inconnue" in err and "Agence ORE 2011–2021" in err and "ODRÉ" in err


def test_odre_snapshot_year_is_required_when_the_name_does_not_say_it(added, monkeypatch, capsys):
    assert cli(monkeypatch, added, "data", "add", str(FIXTURES / "odre_registre.csv")) == 2
    assert "--annee-instantane" in capsys.readouterr().err


def test_data_etat_shows_natures_and_what_is_missing(added, monkeypatch, capsys):
    assert cli(monkeypatch, added, "data", "etat") == 0
    out = capsys.readouterr().out
    assert "O observée" in out and "consommation d'énergie — commune" in out
    assert "pma-eval data fetch ore --annees" in out  # names the download that would fill the gaps
    assert re.search(r"hors du Pôle laissées? de côté", out) and "sans code commune" in out
    assert "(s)" not in out  # real French plurals


# --- data fetch, against a local portal ------------------------------------------------------------

def _portal_exports():
    from pma_eval.portals import ODRE_SNAPSHOT, ORE_LONG, ORE_WIDE

    return {ORE_WIDE: (FIXTURES / "ore_large_2011_2021.csv").read_bytes(),
            ORE_LONG: (FIXTURES / "ore_long_2022.csv").read_bytes(),
            ODRE_SNAPSHOT.format(yy=22): (FIXTURES / "odre_registre.csv").read_bytes()}


def test_fetch_downloads_filters_and_adds(tiny_project, monkeypatch, capsys):
    """Into a fresh project of the small territory (tests/tiny.py): it lies in the same département, the Pas-de-Calais,
    which the exports are filtered on; the files fetched are the same, and the build reads them the same way."""
    project = tiny_project
    monkeypatch.setenv("PMA_EVAL_PAUSE_RETRY", "0")
    with FakePortal(_portal_exports(), fail_first=1) as portal:
        monkeypatch.setenv("PMA_EVAL_PORTAIL_ORE", portal.url)
        monkeypatch.setenv("PMA_EVAL_PORTAIL_ODRE", portal.url)
        assert cli(monkeypatch, project, "data", "fetch", "ore", "odre", "--annees", "2021-2022") == 0
    asked = [r for r in portal.requests if r["path"].endswith("/exports/csv")]
    assert all(r["query"]["use_labels"] == "false" and r["query"]["delimiter"] == ";" for r in asked)
    assert any('annee=2021' in r["query"]["where"] and 'code_departement="62"' in r["query"]["where"] for r in asked)
    files = sorted(p.name for p in (project.raw / "energie").glob("*.csv"))
    assert "conso-elec-gaz-annuelle-par-secteur-dactivite-agregee-commune_2021_dep62.csv" in files
    meta = yaml.safe_load((project.raw / "energie" / "consommation-annuelle-d-electricite-et-gaz-par-commune_2022_dep62.csv.meta.yml")
                          .read_text(encoding="utf-8"))
    assert meta["url"].startswith(portal.url) and meta["date d'accès"] and meta["layout"] == "ore_long_2022"
    # issue 25, point 3: the download's year bounds the observed years (published then or earlier)
    assert meta["annee_publication"] == int(meta["date d'accès"][:4])
    assert meta["annee_publication_source"] == "au plus tard : année du téléchargement"
    odre = list((project.raw / "renouvelables").glob("*311222*.csv.meta.yml"))
    meta = yaml.safe_load(odre[0].read_text(encoding="utf-8"))
    assert meta["options"]["snapshot_year"] == 2022
    assert meta["etendue"] == "departement"  # the export was filtered on the département
    build(project)  # what was fetched builds


def test_fetch_resumes_a_cut_download(tmp_path, monkeypatch):
    from pma_eval.portals import download

    body = (FIXTURES / "ore_long_2022.csv").read_bytes()
    with FakePortal({"jeu": body}, cut_first=True) as portal:
        url = f"{portal.url}/api/explore/v2.1/catalog/datasets/jeu/exports/csv"
        out = download(url, tmp_path / "f.csv", pause=0)
    assert out.read_bytes() == body
    ranges = [r["range"] for r in portal.requests]
    assert ranges[0] is None and ranges[1] and ranges[1].startswith("bytes=") and ranges[1] != "bytes=0-"


def test_fetch_offline_says_so_in_french_and_keeps_the_data(built, monkeypatch, capsys):
    project = built
    before = tree(project.processed), tree(project.raw)
    monkeypatch.setenv("PMA_EVAL_PAUSE_RETRY", "0")
    import socket

    with socket.socket() as sock:  # a port that was free a moment ago: nothing listens there now
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    monkeypatch.setenv("PMA_EVAL_PORTAIL_ORE", f"http://127.0.0.1:{port}")
    assert cli(monkeypatch, project, "data", "fetch", "ore", "--annees", "2022") == 3
    err = capsys.readouterr().err
    assert "portail injoignable" in err and "restent utilisés" in err
    assert (tree(project.processed), tree(project.raw)) == before


# --- bad input: located French error, exit 2, data/processed unchanged ---------------------------------

def _bad_build(project, monkeypatch, capsys, name: str, content: bytes, meta: str):
    before = tree(project.processed)
    f = project.raw / "energie" / name
    f.write_bytes(content)
    f.with_name(name + ".meta.yml").write_text(meta, encoding="utf-8")
    assert cli(monkeypatch, project, "data", "build") == 2
    assert tree(project.processed) == before
    return capsys.readouterr().err


META = "title: t\nproducer: Agence ORE\nlicence: l\nyears: '2022'\nnature: observed\nformat: ore_conso\n"


def test_header_only_file_is_a_located_error(built, monkeypatch, capsys):
    project = built
    header = (FIXTURES / "ore_long_2022.csv").read_bytes().splitlines()[0] + b"\n"
    err = _bad_build(project, monkeypatch, capsys, "vide.csv", header, META)
    assert "data/raw/energie/vide.csv, ligne 2" in err and "que l'en-tête" in err
    assert "Traceback" not in err


def test_nul_bytes_are_refused_with_their_line(built, monkeypatch, capsys):
    project = built
    lines = (FIXTURES / "ore_long_2022.csv").read_bytes().splitlines()
    lines[3] = lines[3].replace(b"Lens", b"Le\x00ns")
    err = _bad_build(project, monkeypatch, capsys, "nul.csv", b"\n".join(lines) + b"\n", META)
    assert "data/raw/energie/nul.csv, ligne 4" in err and "octet nul" in err


def test_unknown_epci_in_the_communes_file_is_named_where_it_is(built, monkeypatch, capsys):
    project = built
    before = tree(project.processed)
    f = project.raw / "territoire" / "pma_communes.csv"
    lines = f.read_text(encoding="utf-8").splitlines()
    lines[5] = lines[5].replace(",200072460,", ",200093201,")  # line 6 (Ames): MEL's SIREN instead of CABBALR's
    f.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert cli(monkeypatch, project, "data", "build") == 2
    err = capsys.readouterr().err
    assert "pma_communes.csv, ligne 6, colonne « epci_siren » : EPCI inconnu du territoire" in err
    assert "200093201" in err and "population" not in err
    assert tree(project.processed) == before
