"""Consistency checks run inside the pipeline (the build stops when one fails)."""

from __future__ import annotations

import pandas as pd

from ..errors import InputDataError, Problem
from ..territory import SUM_TOLERANCE, Territory, sums_differ
from ..vocabulary import PCAET
from .catalogue import Catalogue

PCAET_GES = [f"ges_{s}" for s in PCAET]


def _wide(ind: pd.DataFrame, ids: list[str]) -> pd.DataFrame:
    sub = ind.loc[ind["indicator_id"].isin(ids)]
    wide = sub.pivot_table(index=["geo_level", "geo_code", "year"], columns="indicator_id", values="value",
                           aggfunc="first", dropna=False)
    return wide.reindex(columns=ids)


def plausibility_flags(ind: pd.DataFrame, catalogue: Catalogue) -> pd.DataFrame:
    """Values outside the catalogue's plausible range (``bounds``), kept and flagged, never refused: a
    village where a factory sits really consumes 1 776 MWh per inhabitant.

    Returns
    -------
    DataFrame
        ``indicator_id, geo_level, geo_code, year, value, low, high`` (a missing bound is NaN), in the
        order of ``ind``.
    """
    low = ind["indicator_id"].map({i.id: i.bounds[0] for i in catalogue}).astype(float)  # None → NaN: no bound
    high = ind["indicator_id"].map({i.id: i.bounds[1] for i in catalogue}).astype(float)
    out = (ind["value"] < low) | (ind["value"] > high)  # a missing value or bound compares False
    cols = ["indicator_id", "geo_level", "geo_code", "year", "value"]
    return ind.loc[out, cols].assign(low=low[out], high=high[out]).reset_index(drop=True)


def check_indicators(ind: pd.DataFrame, catalogue: Catalogue, territory: Territory,
                     rel_tol: float = SUM_TOLERANCE) -> None:
    """Communes sum to their EPCI and EPCIs to the whole territory (sum indicators); sectors sum to totals.
    Raises :class:`InputDataError` listing every failure. (The catalogue's bounds are a plausible range:
    :func:`plausibility_flags`.)"""
    problems: list[Problem] = []
    where = "indicateurs calculés"
    # 1. Communes → EPCI → whole territory for sum indicators (where every part is known), every indicator at
    # once (one groupby, not a few per indicator); failures listed by indicator, in the catalogue's order.
    ids = [i.id for i in catalogue if i.aggregation == "sum" and {"commune", "epci"} <= set(i.levels)]
    v = ind.loc[ind["indicator_id"].isin(ids), ["indicator_id", "geo_level", "geo_code", "year", "value"]]
    com = v.loc[v["geo_level"] == "commune"]
    keys = [com["indicator_id"], com["geo_code"].map(territory.commune_to_epci).rename("epci"), com["year"]]
    complete = com["value"].notna().groupby(keys).all()
    sums = com["value"].groupby(keys).sum()
    epcis = v.loc[v["geo_level"] == "epci"]
    epci = epcis.set_index(["indicator_id", "geo_code", "year"])["value"].rename_axis(["indicator_id", "epci", "year"])
    j = pd.concat([sums.rename("c"), complete.rename("ok"), epci.rename("e")], axis=1, join="inner").dropna()
    j = j.loc[j["ok"].astype(bool)]
    bad1 = j.loc[sums_differ(j["c"], j["e"], rel_tol)]
    whole = v.loc[v["geo_level"] == "pma"].set_index(["indicator_id", "year"])["value"]
    e_sum = epcis.groupby(["indicator_id", "year"])["value"].sum(min_count=len(territory.epcis))
    j2 = pd.concat([e_sum.rename("e"), whole.rename("p")], axis=1, join="inner").dropna()
    bad2 = j2.loc[sums_differ(j2["e"], j2["p"], rel_tol)]
    first1 = dict(tuple(bad1.groupby(level="indicator_id", sort=False)))
    first2 = dict(tuple(bad2.groupby(level="indicator_id", sort=False)))
    for iid in ids:
        for (_, e, year), row in first1[iid].head(5).iterrows() if iid in first1 else ():
            problems.append(Problem(where, f"{iid} : la somme des communes diffère du total de l'EPCI",
                                    value=f"{(e, year)} : {row['c']:.1f} ≠ {row['e']:.1f}"))
        for (_, year), row in first2[iid].head(5).iterrows() if iid in first2 else ():
            problems.append(Problem(where, f"{iid} : la somme des EPCI diffère du total {territory.whole.name_of}",
                                    value=f"{year} : {row['e']:.1f} ≠ {row['p']:.1f}"))

    # 2. Sectors sum to totals.
    w = _wide(ind, ["ges_total", *PCAET_GES])
    if not w.empty:
        parts = w[PCAET_GES].sum(axis=1, min_count=1)
        j = pd.concat([parts.rename("s"), w["ges_total"].rename("t")], axis=1).dropna()
        bad = sums_differ(j["s"], j["t"], rel_tol)
        for key in j.index[bad][:5]:
            problems.append(Problem(where, "la somme des secteurs diffère du total des émissions", value=str(key)))
    raw_energy = [i for i in catalogue if i.calc.get("table") == "energy"]  # not the climate-corrected ones
    e_sect = [i.id for i in raw_energy if i.calc.get("filter", {}).keys() == {"sector"}]
    e_carr = [i.id for i in raw_energy if i.calc.get("filter", {}).keys() == {"carrier"}]
    w = _wide(ind, ["conso_energie_finale", *e_sect, *e_carr])
    if not w.empty:
        for parts_ids, label in ((e_sect, "secteurs"), (e_carr, "énergies")):
            parts = w[parts_ids].sum(axis=1, min_count=1)
            j = pd.concat([parts.rename("s"), w["conso_energie_finale"].rename("t")], axis=1).dropna()
            bad = j["s"] > j["t"] + rel_tol * j["t"].abs().clip(lower=1)  # parts may miss some, never exceed
            for key in j.index[bad][:5]:
                problems.append(Problem(where, f"la somme des {label} dépasse la consommation totale", value=str(key)))
    if problems:
        raise InputDataError(problems)
