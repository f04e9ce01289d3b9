"""Territory aggregation rules, checked on small hand-made territories and with hypothesis."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pma_eval.errors import ConfigurationError
from pma_eval.territory import Territory

COMMUNES = pd.DataFrame({
    "code_insee": ["62001", "62002", "62003", "62004"],
    "nom": ["A", "B", "C", "D"],
    "epci_siren": ["111111111", "111111111", "222222222", "222222222"],
    "epci_sigle": ["UN", "UN", "DEUX", "DEUX"],
})


def _t() -> Territory:
    return Territory.from_communes(COMMUNES)


def _rows(values, natures=None):
    natures = natures or ["observed"] * len(values)
    return pd.DataFrame({"geo_code": COMMUNES["code_insee"], "year": 2020, "value": values, "nature": natures})


def test_aggregate_sums_communes_to_epci_and_pole():
    out = _t().aggregate(_rows([1.0, 2.0, 3.0, 4.0]), ["year"]).set_index(["geo_level", "geo_code"])["value"]
    assert out[("epci", "111111111")] == 3.0 and out[("epci", "222222222")] == 7.0  # 1+2, 3+4
    assert out[("pma", "PMA")] == 10.0


def test_secret_part_is_never_zero_the_sum_of_known_parts_is_flagged_incomplete():
    out = _t().aggregate(_rows([1.0, float("nan"), 3.0, 4.0], ["observed", "secret", "demonstration", "observed"]),
                         ["year"]).set_index(["geo_level", "geo_code"])
    # EPCI "UN" = A (1, observed) + B (secret): a lower bound of 1, not complete.
    un = out.loc[("epci", "111111111")]
    assert un["value"] == 1.0 and un["nature"] == "observed" and not un["complete"]
    assert out.loc[("epci", "222222222"), "value"] == 7.0 and out.loc[("epci", "222222222"), "complete"]
    assert out.loc[("epci", "222222222"), "nature"] == "demonstration"
    pma = out.loc[("pma", "PMA")]
    assert pma["value"] == 1.0 + 3.0 + 4.0 and pma["nature"] == "demonstration" and not pma["complete"]


def test_all_parts_secret_stays_unknown():
    out = _t().aggregate(_rows([float("nan")] * 2 + [3.0, 4.0], ["secret", "secret", "observed", "observed"]),
                         ["year"]).set_index(["geo_level", "geo_code"])
    assert math.isnan(out.loc[("epci", "111111111"), "value"]) and out.loc[("epci", "111111111"), "nature"] == "secret"


def test_missing_value_that_is_not_secret_is_skipped():
    out = _t().aggregate(_rows([1.0, float("nan"), 3.0, 4.0]), ["year"]).set_index(["geo_level", "geo_code"])
    assert out.loc[("epci", "111111111"), "value"] == 1.0


def test_check_codes_names_unmapped_and_unused():
    unmapped, unused = _t().check_codes(["62001", "62002", "62999"])
    assert unmapped == ["62999"] and unused == ["62003", "62004"]


def test_resolve_and_unknown_territory_message():
    t = _t()
    assert t.resolve("pma") == ("pma", "PMA") and t.resolve("UN") == ("epci", "111111111")
    assert t.resolve("62003") == ("commune", "62003")
    with pytest.raises(ConfigurationError, match="territoire inconnu"):
        t.resolve("XYZ")


def test_commune_outside_the_territory_is_refused():
    rows = _rows([1.0, 2.0, 3.0, 4.0])
    rows.loc[0, "geo_code"] = "59350"
    with pytest.raises(ConfigurationError, match="59350"):
        _t().aggregate(rows, ["year"])


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_aggregation_invariants_on_random_territories(data):
    """Communes sum to their EPCI, EPCIs to the Pôle, whatever the territory's shape."""
    n = data.draw(st.integers(1, 30))
    n_epci = data.draw(st.integers(1, min(n, 5)))
    epci_of = [f"{100000000 + data.draw(st.integers(0, n_epci - 1))}" for _ in range(n)]
    communes = pd.DataFrame({"code_insee": [f"{62000 + i:05d}" for i in range(n)], "nom": "x",
                             "epci_siren": epci_of, "epci_sigle": epci_of})
    values = data.draw(st.lists(st.floats(0, 1e7, allow_nan=False), min_size=n, max_size=n))
    t = Territory.from_communes(communes)
    rows = pd.DataFrame({"geo_code": communes["code_insee"], "year": 2020, "value": values, "nature": "observed"})
    out = t.aggregate(rows, ["year"])
    epcis = out[out["geo_level"] == "epci"].set_index("geo_code")["value"]
    for code, grp in rows.assign(e=epci_of).groupby("e"):
        assert epcis[code] == pytest.approx(grp["value"].sum(), rel=1e-12, abs=1e-6)
    pma = out.loc[out["geo_level"] == "pma", "value"].iloc[0]
    assert pma == pytest.approx(epcis.sum(), rel=1e-12, abs=1e-6)
    assert pma == pytest.approx(sum(values), rel=1e-12, abs=1e-6)
