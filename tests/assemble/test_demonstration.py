"""The demonstration series are reproducible and anchored on the real data."""

from __future__ import annotations

import filecmp

import pandas as pd
import pytest
import yaml

from pma_eval import demonstration

from ..conftest import REPO


@pytest.fixture(scope="module")
def generated(tmp_path_factory) -> tuple[list, dict]:
    """``demonstration.write`` once for the module: the files it wrote, and the tables it generated for them (the
    generator's run is the costly part; the anchors are checked on the very tables the committed files come from)."""
    tables: dict[str, pd.DataFrame] = {}
    generate = demonstration.generate

    def kept(*args, **kwargs):
        out = generate(*args, **kwargs)
        tables.update(out)
        return out

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(demonstration, "generate", kept)
        written = demonstration.write(REPO / "data/raw", tmp_path_factory.mktemp("demonstration"))
    assert tables, "demonstration.write no longer calls demonstration.generate"
    return written, tables


def test_committed_demonstration_files_are_what_the_seeded_generator_writes(generated):
    written = generated[0]
    committed = REPO / "data/raw/demonstration"
    assert sorted(p.name for p in written) == sorted(p.name for p in committed.glob("*.csv"))
    for p in written:
        assert filecmp.cmp(p, committed / p.name, shallow=False), p.name
        meta = yaml.safe_load((committed / (p.name + ".meta.yml")).read_text(encoding="utf-8"))
        assert meta["nature"] == "demonstration" and "DÉMONSTRATION" in meta["title"]


def test_anchors_hold_exactly(generated):
    """On the tables generated for the committed files (``generated``: the same call, seed and inputs as
    ``demonstration.generate(REPO / "data/raw")``)."""
    t = generated[1]
    inv = t["inventaire"]
    ges16 = inv[(inv["annee"] == 2016) & (inv["energie_ou_gaz"] == "GES")]
    igt = pd.read_csv(REPO / "data/raw/ges/igt_citepa_ges_communes_pma.csv", dtype={"INSEE commune": str})
    lens_igt = igt.set_index("INSEE commune").loc["62498", "Résidentiel"]
    lens_demo = ges16[(ges16["territoire"] == "62498") & (ges16["secteur"] == "residentiel")]["valeur"].iloc[0]
    assert lens_demo == pytest.approx(lens_igt, abs=1e-3)  # 2016 demonstration = IGT (rounded to 3 decimals)
    ore = t["ore_epci"]
    call = ore[(ore["year"] == 2023) & (ore["code"] == "246200364") & (ore["carrier"] == "electricite")
               & (ore["sector"] == "residentiel")]
    assert float(call["value"].iloc[0]) == pytest.approx(405217.563, abs=0.01)  # Enedis 2023 CALL


def test_demonstration_files_use_the_published_layouts():
    """The generator writes what the producers publish (FORMATS.md), so the real readers read it."""
    from pma_eval.sources.layouts import identify

    folder = REPO / "data/raw/demonstration"
    assert identify(folder / "ore_conso_elec_gaz_communes_2012_2021_demo.csv").id == "ore_large_2011_2021"
    assert identify(folder / "ore_conso_elec_gaz_communes_2022_2023_demo.csv").id == "ore_long_2022"
    assert identify(folder / "odre_registre_au_31122023_demo.csv").id == "odre_registre"
    header = (folder / "odre_registre_au_31122023_demo.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header == header.lower()  # today's ODRÉ exports: lower-case field names
