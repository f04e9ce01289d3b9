"""Issue 24: the readings of raw files are kept between builds, found again by content, and never stale."""

from __future__ import annotations

import re

import pandas as pd

from pma_eval.assemble import build
from pma_eval.assemble.readcache import ENV
from pma_eval.checksum import sha256

from ..conftest import tree


def test_a_second_build_reads_from_the_cache_and_writes_the_same_tables(tiny_project, monkeypatch):
    monkeypatch.delenv(ENV, raising=False)  # the project's own cache, data/interim/lectures
    build(tiny_project)
    first = tree(tiny_project.processed)
    cache = tiny_project.root / "data" / "interim" / "lectures"
    entries = sorted(p.name for p in cache.glob("*/*.pkl"))
    assert entries  # one reading a raw file (the activity registers are read by their own step)
    build(tiny_project)
    assert sorted(p.name for p in cache.glob("*/*.pkl")) == entries  # nothing read again
    assert tree(tiny_project.processed) == first


def test_a_changed_file_is_read_again_and_its_old_reading_pruned(tiny_project, monkeypatch):
    """Content-addressed: one population changed by hand is what the next build publishes, and the
    project's cache keeps only the readings of its current files."""
    monkeypatch.delenv(ENV, raising=False)
    build(tiny_project)
    cache = tiny_project.root / "data" / "interim" / "lectures"
    before = {p.name for p in cache.glob("*/*.pkl")}
    raw = tiny_project.raw / "population" / "pma_population_communes.csv"
    lines = raw.read_text(encoding="utf-8").splitlines()
    header, row = lines[0].split(","), lines[1].split(",")
    col = header.index("population_municipale")
    code, year, old = row[header.index("code_insee")], int(row[header.index("millesime")]), int(row[col])
    row[col] = str(old + 1)
    raw.write_text("\n".join([lines[0], ",".join(row), *lines[2:]]) + "\n", encoding="utf-8")
    meta = raw.with_name(raw.name + ".meta.yml")  # a producer's file changed without its checksum stops the build
    meta.write_text(re.sub(r"(?m)^sha256: *\S+$", f"sha256: {sha256(raw)}", meta.read_text(encoding="utf-8")),
                    encoding="utf-8")
    build(tiny_project)
    after = {p.name for p in cache.glob("*/*.pkl")}
    assert len(after) == len(before) and len(after - before) == 1  # that file read again, its old reading gone
    pop = pd.read_parquet(tiny_project.processed / "population.parquet")
    got = pop.loc[(pop["geo_level"] == "commune") & (pop["geo_code"] == code) & (pop["year"] == year), "value"]
    assert float(got.iloc[0]) == old + 1  # hand: the row as written, plus one inhabitant


def test_the_cache_can_be_turned_off(tiny_project, monkeypatch):
    monkeypatch.setenv(ENV, "0")
    build(tiny_project)
    assert not (tiny_project.root / "data" / "interim").exists()
