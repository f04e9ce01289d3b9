"""A sum with unknown parts says how much is known (issue 25, points 6 and 7): the build lists, for every EPCI and
Pôle value with unknown parts, which of its communes are known, secret, incomplete or absent (manifest « parts »),
and ``data etat`` and the annual report's annex say it."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from ..conftest import cli

CALL = "246200364"


def _parts(paths) -> list[dict]:
    return json.loads((paths.processed / "manifest.json").read_text(encoding="utf-8"))["parts"]


def _entry(parts, code, year, where):
    return next(e for e in parts if e["geo_code"] == code and e["year"] == year and e["where"] == where)


def test_an_incomplete_sum_says_how_many_communes_are_known(tiny_built_paths, monkeypatch, capsys):
    """The small territory's CALL has 4 communes; in the demonstration ORE file of 2022, the industrial electricity
    of Ablain-Saint-Nazaire (62001) and Acheville (62003) is secret, Lens's is 10 509,31 MWh and Aix-Noulette's
    916,565 MWh (data/raw/demonstration/ore_conso_elec_gaz_communes_2022_2023_demo.csv, lines 715 and 19). By hand:
    the CALL's sum is 10 509,31 + 916,565 = 11 425,875 MWh, « au moins », known for 2 communes out of 4."""
    from pma_eval.processed import load

    tiny_project = tiny_built_paths  # the run's shared build of the small territory (tests/tiny.py)
    energy = load("energy", tiny_project)
    call = energy.loc[(energy["geo_level"] == "epci") & (energy["geo_code"] == CALL) & (energy["year"] == 2022)
                      & (energy["sector"] == "industrie_hors_energie") & (energy["carrier"] == "electricite")]
    assert call["value"].item() == pytest.approx(10_509.31 + 916.565) and not call["complete"].item()
    e = _entry(_parts(tiny_project), CALL, 2022, "CALL, industrie hors branche énergie, électricité")
    assert (e["origin"], e["members"], e["known"], e["secret"], e["partial"], e["absent"]) == (
        "aggregate", 4, 2, ["62001", "62003"], [], [])
    assert e["known_sum"] == pytest.approx(11_425.875) and e["published"] is None
    assert cli(monkeypatch, tiny_project, "data", "etat") == 0
    out = capsys.readouterr().out
    assert ("CALL, industrie hors branche énergie, électricité, 2012-2023 : somme connue de 2\u00a0communes sur 4 ; "
            "inconnues : 2\u00a0cellules au secret statistique (Ablain-Saint-Nazaire, Acheville)") in out
    # the annual report's annex says it for its own territory and year (the CALL's 2023), not for another's
    from pma_eval.report.annual.annex import coverage_notes
    from pma_eval.report.context import load_context

    line = ("Somme incomplète, à lire « au moins » : CALL, industrie hors branche énergie, électricité, 2023 : somme "
            "connue de 2\u00a0communes sur 4 ; inconnues : 2\u00a0cellules au secret statistique (Ablain-Saint-Nazaire, "
            "Acheville).")
    assert line in coverage_notes(load_context(2023, "CALL", tiny_project)).items
    assert not any("CALL, " in x for x in coverage_notes(load_context(2023, "CAHC", tiny_project)).items)


def test_the_call_industry_electricity_2022_hand_sum_reconciles(built_paths, full_added):
    """Issue 25, point 7: « CALL industry electricity 2022 is 314 892 by hand and 313 122 built ». Re-checked on the
    shipped data (the demonstration files have been regenerated since; the gap is the same 1 770 MWh).

    Shipped: the CALL's value is the one published in the ORE EPCI file, 322 670,347 MWh; its 36 communes give
    320 900,201 MWh for the 21 known, and 15 cells are secret: the published value holds them, 1 770,146 MWh.

    With Lens's observed ORE 2022 file (tests/fixtures/ore_long_2022.csv, no industrial electricity: 0), the
    published EPCI value no longer applies (one of its communes is observed). By hand from the published value:
    322 670,347 − 10 509,31 (Lens's demonstration value) = 312 161,037 MWh. Built: the sum of the known communes,
    320 900,201 − 10 509,31 = 310 390,891 MWh, « au moins »: the 1 770,146 MWh of the 15 secret cells are the
    difference, and the product says so (which cells, and that the published value held them).

    Shipped: the run's shared build (``built_paths``). With Lens's file: the run's shared build of the whole territory
    with the build tests' additions (tests/assemble/added.py, ``add_full``), where ``data add`` took this file; its
    other additions touch neither the CALL's industrial electricity of 2022 (ORE 2021, renewables, residential gas)."""
    from pma_eval.coverage import parts_line
    from pma_eval.processed import load, load_territory

    def call_2022(paths) -> pd.Series:
        energy = load("energy", paths)
        return energy.loc[(energy["geo_level"] == "epci") & (energy["geo_code"] == CALL) & (energy["year"] == 2022)
                          & (energy["sector"] == "industrie_hors_energie")
                          & (energy["carrier"] == "electricite")].iloc[0]

    where = "CALL, industrie hors branche énergie, électricité"
    shipped = call_2022(built_paths)
    assert shipped["value"] == pytest.approx(322_670.347) and shipped["origin"] == "given" and shipped["complete"]
    e = _entry(_parts(built_paths), CALL, 2022, where)
    assert (e["origin"], e["members"], e["known"], len(e["secret"])) == ("given", 36, 21, 15)
    assert e["known_sum"] == pytest.approx(320_900.201)
    assert e["value"] - e["known_sum"] == pytest.approx(1_770.146)  # the secret cells, held by the published value

    said = json.loads((full_added.root / "commandes.json").read_text(encoding="utf-8"))
    assert said["add ore_long_2022.csv"][0] == 0 and said["build"][0] == 0
    built = full_added
    after = call_2022(built)
    assert after["value"] == pytest.approx(320_900.201 - 10_509.31) and not after["complete"]
    hand = 322_670.347 - 10_509.31
    assert hand == pytest.approx(312_161.037)
    e = _entry(_parts(built), CALL, 2022, where)
    assert (e["origin"], e["members"], e["known"], e["published"]) == ("aggregate", 36, 21, pytest.approx(322_670.347))
    assert hand - e["value"] == pytest.approx(1_770.146)  # the secret cells again: what the recomputed sum cannot know
    # the line data etat and the annex print for it (data etat cites the first 20 sums; all are in the manifest)
    assert parts_line(e, load_territory(built)) == (
        f"{where}, 2022 : somme connue de 21\u00a0communes sur 36 ; inconnues : 15\u00a0cellules au secret statistique "
        "(Ablain-Saint-Nazaire, Acheville, Bénifontaine et 12\u00a0autres) ; la valeur publiée pour ce territoire, qui les "
        "comptait, n'est plus retenue depuis qu'une de ses communes est observée : la somme recalculée ne le peut pas")
