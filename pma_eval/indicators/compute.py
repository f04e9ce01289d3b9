"""Indicator calculations: pure functions from the processed tables to one tidy table.

Output columns: ``indicator_id, geo_level, geo_code, year, value, unit, nature, complete``.
Rules (DESIGN.md): sums are taken over the rows of the processed tables at each level (the
build already aggregated communes to EPCI and the whole territory, level ``pma``); ratios are recomputed from numerator and
denominator *at each level*, never averaged; a secret input makes the result unknown (``NaN``,
nature ``secret``); the nature of a result is the least reliable nature of its inputs; a result
is ``complete`` only when every input is (a gap in a commune's road transport makes its total,
its EPCI's and the whole territory's incomplete: see :func:`pma_eval.assemble.reconcile.emission_gaps`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..territory import NATURES
from .catalogue import Catalogue, Indicator

KEYS = ["geo_level", "geo_code", "year"]
_RANK = {n: i for i, n in enumerate(NATURES)}


def _worst(a: pd.Series, b: pd.Series) -> pd.Series:
    ra, rb = a.map(_RANK).astype(float), b.map(_RANK).astype(float)  # float: an empty frame compares too
    return pd.Series(np.where(ra <= rb, a, b), index=a.index)


def _from_table(df: pd.DataFrame, flt: dict) -> pd.DataFrame:
    mask = pd.Series(True, index=df.index)
    for col, val in flt.items():
        mask &= df[col].isin(val) if isinstance(val, list) else df[col] == val
    rows = df.loc[mask, [*KEYS, "value", "nature"]].assign(
        _rank=lambda d: d["nature"].map(_RANK),
        complete=df.loc[mask, "complete"].astype(bool) if "complete" in df else True)
    g = rows.groupby(KEYS, sort=True)
    out = pd.DataFrame({"value": g["value"].sum(min_count=1), "_rank": g["_rank"].min(),
                        "complete": g["complete"].all()}).reset_index()
    out["nature"] = out["_rank"].map(dict(enumerate(NATURES)))
    out.loc[out["nature"] == "secret", "value"] = np.nan
    return out.drop(columns="_rank")


def _ratio(num: pd.DataFrame, den: pd.DataFrame, scale: float) -> pd.DataFrame:
    j = num.merge(den, on=KEYS, suffixes=("_n", "_d"), how="inner")
    with np.errstate(divide="ignore", invalid="ignore"):
        value = j["value_n"] / j["value_d"].where(j["value_d"] != 0) * scale
    return pd.DataFrame({**{k: j[k] for k in KEYS}, "value": value, "nature": _worst(j["nature_n"], j["nature_d"]),
                         "complete": j["complete_n"] & j["complete_d"]})


def _difference(a: pd.DataFrame, b: pd.DataFrame) -> pd.DataFrame:
    """``a − b`` where both exist (net emissions = gross emissions − sequestration), same rules of nature."""
    j = a.merge(b, on=KEYS, suffixes=("_a", "_b"), how="inner")
    return pd.DataFrame({**{k: j[k] for k in KEYS}, "value": j["value_a"] - j["value_b"],
                         "nature": _worst(j["nature_a"], j["nature_b"]), "complete": j["complete_a"] & j["complete_b"]})


def _sum(parts: list[pd.DataFrame], optional: list[pd.DataFrame]) -> pd.DataFrame:
    """Σ parts where every part exists, plus the optional parts where they exist (Territoires en
    Transitions' ``val(a) + val(b) + opt_val(c)``), same rules of nature."""
    out = parts[0]
    for other, how in [*((p, "inner") for p in parts[1:]), *((o, "left") for o in optional)]:
        j = out.merge(other, on=KEYS, suffixes=("", "_o"), how=how)
        has = j["value_o"].notna()
        out = pd.DataFrame({**{k: j[k] for k in KEYS}, "value": j["value"] + j["value_o"].fillna(0.0),
                            "nature": _worst(j["nature"], j["nature_o"].where(has, j["nature"])),
                            "complete": j["complete"] & j["complete_o"].where(has, True).astype(bool)})
    return out


def _change(base: pd.DataFrame) -> pd.DataFrame:
    prev = base.assign(year=base["year"] + 1)
    j = base.merge(prev, on=KEYS, suffixes=("", "_prev"), how="inner")
    value = (j["value"] / j["value_prev"] - 1) * 100
    return pd.DataFrame({**{k: j[k] for k in KEYS}, "value": value, "nature": _worst(j["nature"], j["nature_prev"]),
                         "complete": j["complete"] & j["complete_prev"]})


def compute_indicator(ind: Indicator, tables: dict[str, pd.DataFrame], done: dict[str, pd.DataFrame]) -> pd.DataFrame:
    calc = ind.calc
    empty = pd.DataFrame(columns=["indicator_id", *KEYS, "value", "unit", "nature", "complete"])
    if "table" in calc:
        if calc["table"] not in tables:  # no raw file feeds it (e.g. no air-quality inventory)
            return empty
        out = _from_table(tables[calc["table"]], calc.get("filter") or {})
    elif "ratio" in calc:
        out = _ratio(done[calc["ratio"][0]], done[calc["ratio"][1]], float(calc.get("scale", 1)))
    elif "activity" in calc:
        act = tables.get("activity_indicators")
        if act is None or act.empty:
            return empty
        out = act.loc[act["indicator_id"] == ind.id, [*KEYS, "value", "nature"]].assign(complete=True)
    elif "difference" in calc:
        out = _difference(done[calc["difference"][0]], done[calc["difference"][1]])
    elif "sum" in calc:
        out = _sum([done[i] for i in calc["sum"]], [done[i] for i in calc.get("optional") or []])
    elif "share" in calc:
        # ``denominator_optional``: parts added to the denominator where they exist (the ambient heat
        # of heat pumps, counted in the numerator, belongs to the consumption too)
        den = done[calc["share"][1]]
        if calc.get("denominator_optional"):
            den = _sum([den], [done[i] for i in calc["denominator_optional"]])
        out = _ratio(done[calc["share"][0]], den, 100.0)
    else:
        out = _change(done[calc["change"]])
    out = out.loc[out["geo_level"].isin(ind.levels)]
    return out.assign(indicator_id=ind.id, unit=ind.short_unit)


def compute_indicators(tables: dict[str, pd.DataFrame], catalogue: Catalogue) -> pd.DataFrame:
    """Every indicator of the catalogue, at every level it declares, for every year with data."""
    done: dict[str, pd.DataFrame] = {}
    for ind in catalogue.order():
        done[ind.id] = compute_indicator(ind, tables, done)
    out = pd.concat(done.values(), ignore_index=True)
    out = out[["indicator_id", *KEYS, "value", "unit", "nature", "complete"]]
    out["year"] = out["year"].astype(int)
    out["complete"] = out["complete"].astype(bool)
    order = {i.id: n for n, i in enumerate(catalogue)}
    level = {"pma": 0, "epci": 1, "commune": 2}
    return (out.assign(_o=out["indicator_id"].map(order), _l=out["geo_level"].map(level))
            .sort_values(["_o", "_l", "geo_code", "year"]).drop(columns=["_o", "_l"]).reset_index(drop=True))
