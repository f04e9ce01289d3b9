"""The build on the shipped data: figures checked against PROVENANCE.md and independent sums,
precedence of real over demonstration data, atomicity, and the command-line contract."""

from __future__ import annotations

import csv
import hashlib
import json

import pandas as pd
import pytest

from pma_eval.cli import main
from pma_eval.assemble import build
from pma_eval.processed import load

from ..conftest import REPO, tree


def test_pole_emissions_of_the_igt_year_equal_an_independent_sum(built_paths):
    # Independent sum of the shipped IGT file with the csv module: the eight PCAET sectors,
    # biomass CO2 and international transport excluded; PROVENANCE.md gives ≈ 3 267 kt.
    sectors = ["Agriculture", "Autres transports", "Déchets", "Energie", "Industrie hors-énergie",
               "Résidentiel", "Routier", "Tertiaire"]
    with open(REPO / "data/raw/ges/igt_citepa_ges_communes_pma.csv", encoding="utf-8") as f:
        expected = sum(float(row[s]) for row in csv.DictReader(f) for s in sectors if row[s])
    assert round(expected / 1000) == 3267
    em = load("emissions", built_paths)
    pma = em[(em["geo_level"] == "pma") & (em["year"] == 2016) & em["in_total"]]
    assert pma["value"].sum() == pytest.approx(expected, rel=1e-9)
    assert set(pma["nature"]) == {"observed"}  # the real IGT replaces the demonstration 2016
    road = pma.set_index("sector").loc["transport_routier", "value"]
    assert round(road / 1000) == 871  # PROVENANCE.md: routier 871 kt


def test_population_matches_provenance_and_2015_is_estimated(built_paths):
    pop = load("population", built_paths)
    pma = pop[pop["geo_level"] == "pma"].set_index("year")
    # PROVENANCE.md: PMA municipal population 644 236 (2012), 645 227 (2020), 644 460 (2022), 642 834 (2023).
    assert pma.loc[2012, "value"] == 644236 and pma.loc[2020, "value"] == 645227
    assert pma.loc[2022, "value"] == 644460 and pma.loc[2023, "value"] == 642834
    assert pma.loc[2015, "nature"] == "estimated" and pma.loc[2014, "nature"] == "observed"
    lens = pop[(pop["geo_code"] == "62498")].set_index("year")["value"]
    assert lens[2015] == pytest.approx((lens[2014] + lens[2016]) / 2)  # linear interpolation


def test_demonstration_nature_travels_and_real_enedis_replaces_it(built_paths):
    en = load("energy", built_paths)
    assert {"demonstration", "secret"} <= set(en["nature"])
    real = en[(en["geo_level"] == "epci") & (en["year"] == 2023) & (en["sector"] == "residentiel")
              & (en["carrier"] == "electricite")].set_index("geo_code")
    assert real.loc["246200364", "value"] == pytest.approx(405217.563)  # Enedis 2023, CALL
    assert set(real["nature"]) == {"observed"}
    pma = en[(en["geo_level"] == "pma") & (en["year"] == 2023) & (en["sector"] == "residentiel")
             & (en["carrier"] == "electricite")]
    assert pma["value"].iloc[0] == pytest.approx(544676.229 + 211583.454 + 405217.563)
    assert pma["nature"].iloc[0] == "observed"


def test_manifest_lists_inputs_with_checksums_and_outputs(built_paths):
    m = json.loads((built_paths.processed / "manifest.json").read_text(encoding="utf-8"))
    ins = {i["path"]: i for i in m["inputs"]}
    igt = ins["data/raw/ges/igt_citepa_ges_communes_pma.csv"]
    assert igt["sha256"] == "714d873d1697fe545115f0a37f4a6f224560e8ad287fdbd98b4ed88fc3bde9b8"  # PROVENANCE.md
    for name, out in m["outputs"].items():
        f = built_paths.processed / out["file"]
        assert hashlib.sha256(f.read_bytes()).hexdigest() == out["sha256"]
        if f.suffix == ".parquet":
            assert len(pd.read_parquet(f)) == out["rows"]


def test_a_real_file_takes_precedence_over_demonstration(tiny_added):
    """tests/fixtures/ore_commune.csv, added as data/raw/energie/ore_2022_test.csv (tests/assemble/added.py): Lens's
    2022 residential electricity is 12 345,678 + 100,5 = 12 446,178 MWh (its two rows), observed."""
    en = load("energy", tiny_added)
    lens = en[(en["geo_code"] == "62498") & (en["year"] == 2022) & (en["carrier"] == "electricite")
              & (en["sector"] == "residentiel")]
    assert lens["value"].iloc[0] == pytest.approx(12345.678 + 100.5) and lens["nature"].iloc[0] == "observed"
    # Sectors covered by the real file replace the demonstration rows of every commune that year.
    precedence = json.loads((tiny_added.processed / "manifest.json").read_text(encoding="utf-8"))["precedence"]
    assert any("commune 2022" in n for n in precedence)


def test_corrupted_file_exits_2_names_line_and_column_and_keeps_processed(tiny_built, capsys):
    before = tree(tiny_built.processed)  # built once for the run (tests/tiny.py), copied for this test
    raw_before = tree(tiny_built.raw)
    igt = tiny_built.raw / "ges" / "igt_citepa_ges_communes_pma.csv"
    lines = igt.read_text(encoding="utf-8").splitlines()
    cells = lines[3].split(",")
    cells[9] = "12a5"  # Résidentiel of the 3rd commune: not a number
    lines[3] = ",".join(cells).replace('"', "")
    igt.chmod(0o644)
    igt.write_text("\n".join(lines) + "\n", encoding="utf-8")
    import os

    os.environ["PMA_EVAL_ROOT"] = str(tiny_built.root)
    try:
        code = main(["data", "build"])
    finally:
        del os.environ["PMA_EVAL_ROOT"]
    err = capsys.readouterr().err
    assert code == 2
    assert "ligne 4" in err and "colonne « Résidentiel »" in err and "nombre attendu" in err
    assert "igt_citepa_ges_communes_pma.csv" in err
    assert tree(tiny_built.processed) == before  # byte-for-byte unchanged
    raw_after = tree(tiny_built.raw)
    raw_after.pop("ges/igt_citepa_ges_communes_pma.csv")
    raw_before.pop("ges/igt_citepa_ges_communes_pma.csv")
    assert raw_after == raw_before  # the build wrote nothing under data/raw


def test_code_outside_the_territory_is_an_error_unless_the_file_says_it_is_wider(tiny_project, tiny_added):
    """The IGT extract with Aix-Noulette's row (line 4) turned into Lille (59350): refused, line 4 named; the same
    file whose metadata says ``extent: plus_large`` goes in without Lille (its build: ``tiny_added``)."""
    from pma_eval.errors import InputDataError

    from .added import IGT_META, igt_outside

    dest = tiny_project.raw / "ges" / "igt_hors.csv"
    dest.write_text(igt_outside(), encoding="utf-8")
    dest.with_name(dest.name + ".meta.yml").write_text(IGT_META)
    with pytest.raises(InputDataError, match="hors du territoire") as exc:
        build(tiny_project)
    assert exc.value.problems[0].line == 4 and exc.value.problems[0].value == "59350"
    wider = (tiny_added.raw / "ges" / "igt_hors.csv.meta.yml").read_text()
    assert wider == IGT_META + "  extent: plus_large\n"
    assert (tiny_added.raw / "ges" / "igt_hors.csv").read_text(encoding="utf-8") == igt_outside()
    emissions = load("emissions", tiny_added)
    assert "59350" not in set(emissions["geo_code"])
    # the two communes of the territory it gives are read: Ablain-Saint-Nazaire's 2017 residential emissions
    # are its row's « Résidentiel » (tests/fixtures/igt_extrait.csv, line 2)
    ablain = emissions[(emissions["geo_code"] == "62001") & (emissions["year"] == 2017)
                       & (emissions["sector"] == "residentiel")]
    assert ablain["value"].item() == pytest.approx(2740.539844294819) and ablain["nature"].item() == "observed"


def test_producers_files_leave_out_outside_communes_silently_and_count_them(tiny_added):
    """An ORE or ODRÉ download is national: communes outside the Pôle are left out and counted
    (tests/fixtures/ore_large_2011_2021.csv, added as data/raw/energie/ore_2021.csv: one row of Lille, 59350)."""
    import json

    assert "59350" not in set(load("energy", tiny_added)["geo_code"])
    extent = json.loads((tiny_added.processed / "manifest.json").read_text(encoding="utf-8"))["extent"]
    assert extent["data/raw/energie/ore_2021.csv"]["hors_territoire"] == {"rows": 1, "communes": 1}


def test_missing_metadata_is_reported(tiny_project):
    from pma_eval.errors import InputDataError

    (tiny_project.raw / "energie" / "nouveau.csv").write_text("a;b\n1;2\n")
    with pytest.raises(InputDataError, match="métadonnées absentes"):
        build(tiny_project)


def test_the_targets_vintage_replaces_the_first_and_the_template_reads_empty(built_paths):
    """Issue 13: the second vintage of the targets is a new raw file that ``replaces`` the first
    (kept untouched in data/raw); the territory's template is read, empty, without error."""
    m = json.loads((built_paths.processed / "manifest.json").read_text(encoding="utf-8"))
    read = {i["path"] for i in m["inputs"]}
    assert "data/raw/objectifs/objectifs_climat_energie_millesime_2026-12.csv" in read
    assert "data/raw/objectifs/objectifs_climat_energie.csv" not in read
    assert (REPO / "data/raw/objectifs/objectifs_climat_energie.csv").exists()
    assert "data/raw/objectifs/objectifs_territoire.csv" in read
    t = load("targets", built_paths).set_index("target_id")
    # PROVENANCE.md, second vintage: a new row, and the L100-4 energy targets verified in stored copies.
    assert t.loc["fr_lec_conso_finale_2023", "valeur"] == pytest.approx(-0.07)
    assert t.loc["fr_lec_conso_finale_2030", "verification"] == "verifie_copie_stockee"
    assert int((t["verification"] == "non_verifie_memoire").sum()) == 12


def test_a_replaced_file_that_does_not_exist_is_named(tiny_project):
    from pma_eval.errors import InputDataError

    meta = tiny_project.raw / "objectifs" / "objectifs_climat_energie_millesime_2026-12.csv.meta.yml"
    meta.write_text(meta.read_text(encoding="utf-8").replace("replaces: objectifs_climat_energie.csv",
                                                             "replaces: absent.csv"), encoding="utf-8")
    with pytest.raises(InputDataError, match="absent.csv"):
        build(tiny_project)


def test_a_territory_target_entered_in_the_template_heads_the_synthesis(tiny_added):
    """The template data/raw/objectifs/objectifs_territoire.csv with one CALL row appended (tests/assemble/added.py)."""
    from pma_eval.evaluation import evaluate_targets, headline_target

    from .added import CALL_TARGET

    tpl = (tiny_added.raw / "objectifs" / "objectifs_territoire.csv").read_text(encoding="utf-8")
    assert tpl.endswith("\n" + CALL_TARGET)
    t = load("targets", tiny_added)
    row = t.set_index("target_id").loc["pcaet_call_ges_2030"]
    assert row["framework"] == "Local (PCAET CALL)" and row["priority"] == 0
    terr = load("territory", tiny_added)
    call = terr.loc[terr["epci_sigle"] == "CALL", "epci_siren"].iloc[0]
    ind = load("indicators", tiny_added)
    s = ind[(ind["geo_level"] == "epci") & (ind["geo_code"] == call) & (ind["indicator_id"] == "ges_total")]
    v = evaluate_targets({"ges_total": s.set_index("year")["value"]}, t, "epci", "CALL", {"ges_total": "decrease"})
    assert headline_target(v, "ges_total", 2023)["target_id"] == "pcaet_call_ges_2030"
    cahc = evaluate_targets({"ges_total": s.set_index("year")["value"]}, t, "epci", "CAHC", {"ges_total": "decrease"})
    assert "pcaet_call_ges_2030" not in set(cahc["target_id"])  # a CALL target does not apply to the CAHC


def test_an_unchanged_build_is_skipped_and_any_change_rebuilds(tiny_project, monkeypatch):
    """Issue 24: the yearly run skips the build when data/processed was made from the same inputs. The rule on a
    hand-made manifest (no build needed): a one-byte change of a raw file, an altered processed table or another
    pseudonymisation key each make it stale, and build_if_needed then builds."""
    import hashlib

    from pma_eval.assemble import build_if_needed, pipeline
    from pma_eval.assemble.write import inputs_fingerprint, is_current

    p = tiny_project
    (p.processed / "t.parquet").write_bytes(b"table")
    manifest = p.processed / "manifest.json"

    def write_manifest():
        manifest.write_text(json.dumps({"inputs_fingerprint": inputs_fingerprint(p.raw, p.root), "outputs": {
            "t": {"file": "t.parquet", "sha256": hashlib.sha256(b"table").hexdigest()}}}), encoding="utf-8")

    write_manifest()
    assert is_current(p.raw, p.processed, p.root)
    calls = []
    monkeypatch.setattr(pipeline, "build", lambda paths: calls.append(paths) or (manifest, "construit"))
    assert build_if_needed(p) == (manifest, None) and calls == []  # skipped
    igt = p.raw / "ges" / "igt_citepa_ges_communes_pma.csv"
    igt.chmod(0o644)
    igt.write_bytes(igt.read_bytes() + b"\n")  # one byte more
    assert not is_current(p.raw, p.processed, p.root)
    assert build_if_needed(p) == (manifest, "construit") and calls == [p]
    write_manifest()
    (p.processed / "t.parquet").write_bytes(b"tablE")  # a processed table altered by hand
    assert not is_current(p.raw, p.processed, p.root)
    (p.processed / "t.parquet").write_bytes(b"table")
    monkeypatch.setenv("PMA_EVAL_CLE_PSEUDO", "une-autre-cle")  # the pseudonyms would change
    assert not is_current(p.raw, p.processed, p.root)
