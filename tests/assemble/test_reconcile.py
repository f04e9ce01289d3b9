"""Published EPCI totals against the sum of their communes (issue 25, point 6).

Every number below is written by hand: a territory of four communes in two EPCIs, energy rows as the
ORE readers give them, and an EPCI total published beside its communes (as the ORE « EPCI » files do).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pma_eval.assemble.common import BuildReport
from pma_eval.assemble.reconcile import SHOWN_GAPS, combine
from pma_eval.territory import Territory

A, B = "200000001", "200000002"
TERRITORY = Territory.from_communes(pd.DataFrame({
    "code_insee": ["62001", "62002", "62003", "62004"], "nom": ["Alpha", "Bêta", "Gamma", "Delta"],
    "epci_siren": [A, A, B, B], "epci_sigle": ["CA-A", "CA-A", "CA-B", "CA-B"]}))
KEYS = ["year", "sector", "carrier"]
SCOPE = ["geo_level", "geo_code", "year", "carrier"]


def row(level, code, value, nature="observee", year=2022, sector="industrie", carrier="electricite"):
    return {"geo_level": level, "geo_code": code, "year": year, "sector": sector, "carrier": carrier,
            "value": value, "nature": nature, "file_nature": "observee", "source": "f.csv", "complete": True,
            "cover": "*"}


def run(rows):
    report = BuildReport()
    out = combine(pd.DataFrame(rows), KEYS, SCOPE, TERRITORY, report, "énergie")
    epci = out.loc[out["geo_level"] == "epci"].set_index("geo_code")
    return epci, out.loc[out["geo_level"] == "pma"].iloc[0], report.warnings


def test_a_published_total_above_a_sum_with_secret_parts_holds_those_parts_and_warns_nothing():
    # Alpha 100 MWh, Bêta secret: the communes' sum is at least 100; the EPCI publishes 160, so Bêta's
    # secret value is 60 and nothing disagrees.
    epci, pma, warnings = run([row("commune", "62001", 100.0), row("commune", "62002", np.nan, "secret"),
                               row("commune", "62003", 10.0), row("commune", "62004", 5.0),
                               row("epci", A, 160.0)])
    assert warnings == []
    assert epci.at[A, "value"] == 160.0 and bool(epci.at[A, "complete"])
    assert pma["value"] == 160.0 + 10.0 + 5.0  # the Pôle recomputed from its EPCIs


def test_a_complete_sum_that_differs_is_said_in_words_published_value_first():
    epci, _, warnings = run([row("commune", "62001", 100.0), row("commune", "62002", 50.0),
                             row("commune", "62003", 10.0), row("commune", "62004", 5.0),
                             row("epci", A, 160.0)])
    assert warnings == ["énergie : CA-A, 2022, industrie, électricité : valeur publiée 160, "
                        "somme des communes 150 ; la valeur publiée est retenue"]
    assert epci.at[A, "value"] == 160.0


def test_a_known_part_larger_than_the_published_whole_is_a_disagreement_even_with_secret_parts():
    _, _, warnings = run([row("commune", "62001", 100.0), row("commune", "62002", np.nan, "secret"),
                          row("commune", "62003", 10.0), row("commune", "62004", 5.0),
                          row("epci", A, 90.0)])
    assert len(warnings) == 1 and "valeur publiée 90, somme des communes 100" in warnings[0]


def test_beyond_the_cited_gaps_the_others_are_counted():
    years, rows = SHOWN_GAPS + 2, []
    for i, year in enumerate(range(2012, 2012 + years)):
        rows += [row("commune", "62001", 100.0, year=year), row("commune", "62002", 50.0, year=year),
                 row("commune", "62003", 10.0, year=year), row("commune", "62004", 5.0, year=year),
                 row("epci", A, 160.0 + i, year=year)]  # gaps 10 … 16 MWh, the largest in the last year
    _, _, warnings = run(rows)
    assert len(warnings) == SHOWN_GAPS + 1
    assert warnings[0].startswith(f"énergie : CA-A, {2012 + years - 1},")
    assert warnings[-1] == ("énergie : 2 autres valeurs publiées diffèrent de la somme des communes "
                            f"(les {SHOWN_GAPS} plus grands écarts sont cités)")


def test_the_shipped_data_build_without_a_reconciliation_warning(built_paths):
    """A fresh clone's `make report` prints no warning (issue 25, point 6): the demonstration EPCI totals
    hold their communes' secret cells, which the rule above accepts."""
    import json

    m = json.loads((built_paths.processed / "manifest.json").read_text(encoding="utf-8"))
    assert [w for w in m["warnings"] if "somme des communes" in w] == []
