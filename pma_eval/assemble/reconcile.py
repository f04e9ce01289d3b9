"""Reconcile: gaps, aggregation of communes to EPCI and Pôle, published totals, consistency."""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import fmt
from ..errors import InputDataError, Problem
from ..vocabulary import (ALWAYS_PRESENT_SECTORS, CARRIER_LABELS, HEAT_GAS_LABELS, SECTOR_LABELS, TECHNOLOGY_LABELS,
                          VARIABLE_LABELS)
from ..territory import SUM_TOLERANCE, Territory, sums_differ, worst_nature
from .common import SUM_TOLERANCE_PUBLISHED, TABLES, BuildReport
from .precedence import apply_precedence


#: Published values that differ from the sum of their communes, cited one by one (largest gaps first);
#: the others are counted in one more line.
SHOWN_GAPS = 5


def _described(where: dict, territory: Territory) -> str:
    """« CALL, 2022, agriculture, électricité », « CAHC, 2023, biométhane injecté, capacité d’injection »: a key of
    a reconciled table in words."""
    words = {"sector": SECTOR_LABELS, "carrier": CARRIER_LABELS,
             "technology": {**TECHNOLOGY_LABELS, **HEAT_GAS_LABELS}, "variable": VARIABLE_LABELS}
    parts = [territory.name(where["geo_level"], where["geo_code"])] if where.get("geo_code") else []
    if "year" in where:
        parts.append(str(int(where["year"])))
    for column, value in where.items():
        if column in ("geo_level", "geo_code", "year"):
            continue
        label = words.get(column, {}).get(value)
        parts.append(str(value) if label is None else label if column == "variable" else label.lower())
    return ", ".join(parts)


def combine(df: pd.DataFrame, keys: list[str], scope: list[str], territory: Territory,
             report: BuildReport, label: str, gaps=None, member_gaps=None) -> pd.DataFrame:
    """Precedence, gaps, aggregation of communes, then values published at EPCI/Pôle level.

    1. Demonstration rows are dropped wherever a real file covers the same geography, year
       (and energy) — see :func:`apply_precedence`.
    2. ``gaps(communes, territory)`` may add rows for values that should exist and do not
       (``complete`` False, value unknown).
    3. Commune rows are summed to EPCI and Pôle (``origin = "aggregate"``); an aggregate is
       ``complete`` only when all its parts are, and ``member_gaps(communes, territory)``
       may name further (level, code, year…) aggregates that miss a commune.
    4. A value published at EPCI level (``origin = "given"``) replaces the aggregate of
       that EPCI; the Pôle is then recomputed from its EPCIs unless it is published too.
    """
    detail = "sector" if "sector" in keys else None
    published = df.loc[(df["geo_level"] != "commune") & df["value"].notna(), ["geo_level", "geo_code", *keys, "value"]]
    df, notes = apply_precedence(df, scope, territory, detail)
    _refuse_overlaps(df, keys, territory, label)
    df = _demonstration_split_to_observed_total(df, keys, territory, report, label)
    report.precedence += [f"{label} : {n}" for n in notes]
    df = df.drop(columns=[c for c in ("file_nature", "cover", "cover_geo") if c in df])
    communes = df.loc[df["geo_level"] == "commune"].drop(columns="geo_level")
    if gaps is not None:
        communes = gaps(communes, territory)
    agg = territory.aggregate(communes, keys).assign(origin="aggregate")
    absent = pd.DataFrame(columns=["geo_code", "year"])
    if member_gaps is not None:
        missing = member_gaps(communes, territory)
        absent = missing.loc[missing["geo_level"] == "commune"].drop(columns="geo_level")
        missing = missing.loc[missing["geo_level"] != "commune"]
        if not missing.empty:
            on = list(missing.columns)
            hit = agg[on].merge(missing.assign(_missing=True), on=on, how="left")["_missing"].notna().to_numpy()
            agg.loc[hit, "complete"] = False
    given = df.loc[df["geo_level"] != "commune"].assign(origin="given")
    if given.empty:
        report.parts += unknown_parts(communes, agg, absent, published, keys, territory, label)
        return agg
    k = ["geo_level", "geo_code", *keys]
    for level in ("epci", "pma"):
        g = given.loc[given["geo_level"] == level]
        if g.empty:
            continue
        g_idx = pd.MultiIndex.from_frame(g[k])
        a_idx = pd.MultiIndex.from_frame(agg[k])
        hit = a_idx.isin(g_idx)
        before = agg.loc[hit].set_index(k)["value"]
        after = g.set_index(k)["value"]
        common = before.dropna().index.intersection(after.dropna().index)
        # ``before`` holds the sums of the communes, ``after`` the values published for the territory
        gap = ((before[common] - after[common]).abs() / after[common].abs().clip(lower=1e-9))
        # A sum with unknown parts (secret cells, missing communes) is a lower bound: a published value above
        # it holds those parts and agrees with it. Only a complete sum that differs, or a known part larger
        # than the published whole, is a disagreement.
        partial = ~agg.loc[hit].set_index(k)["complete"].reindex(common).fillna(True).astype(bool)
        below = (before[common] - after[common]) / after[common].abs().clip(lower=1e-9) <= SUM_TOLERANCE_PUBLISHED
        off = gap[(gap > SUM_TOLERANCE_PUBLISHED) & ~(partial & below)].sort_values(ascending=False)
        for key in off.index[:SHOWN_GAPS]:
            where = dict(zip(k, key if isinstance(key, tuple) else (key,)))
            report.warnings.append(
                f"{label} : {_described(where, territory)} : valeur publiée {fmt.number(after[key], 0)}, somme des "
                f"communes {fmt.number(before[key], 0)} ; la valeur publiée est retenue")
        if len(off) > SHOWN_GAPS:
            more = len(off) - SHOWN_GAPS
            report.warnings.append(f"{label} : {more} autre{'s' * (more > 1)} valeur{'s' * (more > 1)} publiée"
                                   f"{'s' * (more > 1)} diff{'èrent' if more > 1 else 'ère'} de la somme des communes "
                                   f"(les {SHOWN_GAPS} plus grands écarts sont cités)")
        agg = pd.concat([agg.loc[~hit], g], ignore_index=True)
        if level == "epci":
            # The Pôle of every key touched at EPCI level is recomputed from the three EPCIs.
            touched = g[keys].drop_duplicates()
            epcis = agg.loc[agg["geo_level"] == "epci"].merge(touched, on=keys)
            pma = territory.sum_epcis_to_pma(epcis, keys).assign(origin="aggregate")
            p_idx = pd.MultiIndex.from_frame(agg[k])
            agg = pd.concat([agg.loc[~p_idx.isin(pd.MultiIndex.from_frame(pma[k]))], pma], ignore_index=True)
    agg["complete"] = agg["complete"].fillna(True).astype(bool)
    report.parts += unknown_parts(communes, agg, absent, published, keys, territory, label)
    return agg


def unknown_parts(communes: pd.DataFrame, agg: pd.DataFrame, absent: pd.DataFrame, published: pd.DataFrame,
                  keys: list[str], territory: Territory, label: str) -> list[dict]:
    """How much an EPCI or Pôle value knows of its communes, for every value with unknown parts (issue 25,
    points 6 and 7): an incomplete sum (« au moins »), and a value published for an EPCI whose communes have
    secret cells (it holds them: the sum of the communes known is smaller).

    Each entry: the value's territory and key in words (``where``, without the year), ``year``, ``origin`` (``aggregate`` or ``given``), ``members`` (its
    communes), ``known`` (those whose value is known: neither secret, nor partial, nor absent), the INSEE codes
    of the ``secret`` cells (statistical secrecy), of the ``partial`` values (a commune's own total that is a
    minimum, or a sector the inventory lacks) and of the ``absent`` communes (no file speaks for them), the
    ``value``, ``known_sum`` (the sum of the communes' known values) and ``published`` (a value published for
    that EPCI and dropped because one of its communes is now observed: it held the secret cells, the recomputed
    sum cannot).
    """
    if agg.empty or "complete" not in communes:
        return []
    k = [c for c in keys if c not in ("in_total", "year")]
    com = communes.assign(_epci=communes["geo_code"].map(territory.commune_to_epci))
    secret = com["nature"].eq("secret")
    partial = ~secret & ~com["complete"].fillna(True).astype(bool)
    group = ["_epci", *keys]
    # looked up once per EPCI value below: dicts, not Series (a MultiIndex lookup costs ~50 µs, 4 000 values)
    sums = com.groupby(group, dropna=False)["value"].sum(min_count=1).to_dict()
    lists = {kind: com.loc[mask].groupby(group, dropna=False)["geo_code"].agg(lambda s: sorted(set(s))).to_dict()
             for kind, mask in (("secret", secret), ("partial", partial))}
    on = [c for c in absent.columns if c in keys]
    away = (absent.assign(_epci=absent["geo_code"].map(territory.commune_to_epci))
            .groupby(["_epci", *on])["geo_code"].agg(lambda s: sorted(set(s))).to_dict() if len(absent) else {})
    dropped = published.set_index(["geo_level", "geo_code", *keys])["value"] if len(published) else pd.Series(dtype=float)
    dropped = dropped[~dropped.index.duplicated()]
    out, by_epci = [], {}
    rows = agg.loc[agg["geo_level"].isin(["epci", "pma"])].sort_values(["geo_level", "geo_code", *keys])
    for r in rows.itertuples(index=False):
        r = r._asdict()
        key = tuple(r[c] for c in keys)
        incomplete = r["origin"] == "aggregate" and not bool(r["complete"])
        if r["geo_level"] == "epci":
            found = {kind: set(lists[kind].get((r["geo_code"], *key), [])) for kind in lists}
            found["absent"] = set(away.get((r["geo_code"], *(r[c] for c in on)), [])) if on else set()
            if incomplete:
                by_epci[(r["geo_code"], key)] = found
            elif not (r["origin"] == "given" and found["secret"] | found["partial"]):
                continue
            known_sum = sums.get((r["geo_code"], *key))
        elif incomplete:  # the Pôle: the unknown parts of its incomplete EPCI sums (a published EPCI holds its own)
            found = {kind: set().union(*(f[kind] for (e, kk), f in by_epci.items() if kk == key))
                     for kind in ("secret", "partial", "absent")}
            known_sum = None
        else:
            continue
        unknown = found["secret"] | found["partial"] | found["absent"]
        members = len(territory.members(r["geo_level"], r["geo_code"]))
        where = {"geo_level": r["geo_level"], "geo_code": r["geo_code"], **{c: r[c] for c in k}}
        out.append({"label": label, "geo_level": r["geo_level"], "geo_code": r["geo_code"], "year": int(r["year"]),
                    "where": _described(where, territory), "origin": r["origin"], "members": members,
                    "known": members - len(unknown), **{kind: sorted(v) for kind, v in found.items()},
                    "value": None if pd.isna(r["value"]) else float(r["value"]),
                    "known_sum": None if known_sum is None or pd.isna(known_sum) else float(known_sum),
                    "published": (float(dropped[(r["geo_level"], r["geo_code"], *key)]) if incomplete and
                                  (r["geo_level"], r["geo_code"], *key) in dropped.index else None)})
    return out



def _demonstration_split_to_observed_total(df: pd.DataFrame, keys: list[str], territory: Territory,
                                           report: BuildReport, label: str) -> pd.DataFrame:
    """Where an agglomeration's value is observed (a figure of the inventory template, a published EPCI file)
    and its communes' values are all demonstration and all known, the demonstration split is brought to the
    observed total: the communes stay demonstration values, their sum is the observed figure, and nothing
    else changes (a split that already adds up is left as it is)."""
    if "file_nature" not in df or not (df["geo_level"] == "epci").any():
        return df
    real = df.loc[(df["geo_level"] == "epci") & (df["file_nature"] != "demonstration") & df["value"].notna()]
    if real.empty:
        return df
    com = df.loc[df["geo_level"] == "commune"]
    com = com.assign(_epci=com["geo_code"].map(territory.commune_to_epci),
                     _unknown=com["value"].isna().astype(int), _real=(com["file_nature"] != "demonstration").astype(int))
    k = ["_epci", *keys]
    groups = com.groupby(k, dropna=False).agg(_sum=("value", "sum"), _unknown=("_unknown", "sum"),
                                              _real=("_real", "sum"))
    groups = groups.assign(_known=groups["_unknown"] == 0, _demo=groups["_real"] == 0)
    target = real.rename(columns={"geo_code": "_epci"}).set_index(k)["value"]
    j = groups.join(target.rename("_observed"), how="inner")
    j = j.loc[j["_known"] & j["_demo"] & (j["_sum"] > 0)]
    j = j.loc[sums_differ(j["_sum"], j["_observed"], SUM_TOLERANCE)]
    if j.empty:
        return df
    factor = (j["_observed"] / j["_sum"]).rename("_factor")
    scaled = com.join(factor, on=k)["_factor"]
    hit = scaled.notna()
    df = df.copy()
    df.loc[scaled.index[hit], "value"] = com.loc[hit, "value"] * scaled[hit]
    report.precedence.append(f"{label} : {len(j)} répartition{'s' * (len(j) > 1)} de démonstration entre communes "
                             "ramenée" + "s" * (len(j) > 1) + " au total observé de l'agglomération")
    return df


def _refuse_overlaps(df: pd.DataFrame, keys: list[str], territory: Territory, label: str) -> None:
    """Two files that give a value for the same key (after precedence) stop the build with both names and the
    fix, instead of the duplicated keys of the table check (``data add`` refuses most of these earlier)."""
    k = ["geo_level", "geo_code", *keys]
    dup = df.loc[df.duplicated(k, keep=False)]
    if dup.empty or "source" not in dup:
        return
    files = dup.groupby(k, dropna=False)["source"].agg(lambda s: tuple(sorted(set(s))))
    files = files[files.map(len) > 1]
    problems = []
    for pair, g in files.groupby(files):
        where = _described(dict(zip(k, g.index[0])), territory)
        problems.append(Problem(
            " et ".join(pair), f"{label} : {len(g)} valeur{'s' * (len(g) > 1)} donnée{'s' * (len(g) > 1)} par "
            f"plusieurs fichiers (par exemple {where}). Gardez-en un : « pma-eval data retire FICHIER » retire celui "
            "ajouté par erreur ; une version plus récente s'ajoute par « pma-eval data add NOUVEAU --remplace "
            "ANCIEN »", value=where))
    if problems:
        raise InputDataError(problems)


def emission_gaps(communes: pd.DataFrame, territory: Territory) -> pd.DataFrame:
    """Add a gap row (value unknown, ``complete`` False) for every commune and year with
    emissions that lacks a sector every inhabited commune has (:data:`~pma_eval.vocabulary.ALWAYS_PRESENT_SECTORS`).

    The rule, written once (also in the reports' annex): an empty or absent road-transport,
    residential or tertiary value is a gap, never zero; the commune's total, and the totals of
    its EPCI and of the Pôle, are then flagged incomplete. An empty value of another sector is
    the absence of the activity (see :mod:`pma_eval.sources.igt`).
    """
    if communes.empty:
        return communes
    years = sorted(communes["year"].unique())
    full = pd.MultiIndex.from_product([territory.communes["code_insee"], years, ALWAYS_PRESENT_SECTORS],
                                      names=["geo_code", "year", "sector"])
    missing = full.difference(pd.MultiIndex.from_frame(communes[["geo_code", "year", "sector"]]))
    if len(missing) == 0:
        return communes
    year_nature = communes.groupby("year")["nature"].agg(worst_nature)
    gaps = missing.to_frame(index=False)
    gaps = gaps.assign(value=np.nan, nature=gaps["year"].map(year_nature), source="absent des sources",
                       in_total=True, complete=False)
    return pd.concat([communes, gaps[communes.columns]], ignore_index=True)



#: Carriers whose only source is published for some years: a year of the energy table without any value of the
#: carrier, while other years have some, is a year no release gives (the SDES heat network deliveries: none before
#: 2018, none for 2019 and 2021), never a year without deliveries.
RELEASED_CARRIERS = ("chaleur_reseau",)
RELEASE_GAP_SOURCE = "aucune livraison publiée pour cette année (réseaux de chaleur du SDES) : inconnue, jamais 0"


def release_gaps(communes: pd.DataFrame, territory: Territory) -> pd.DataFrame:
    """Add a gap row (value unknown, ``complete`` False) for each commune and sector that has a carrier of
    :data:`RELEASED_CARRIERS` in some year, in every year of the table without any value of that carrier: the
    carrier is missing that year, and the commune's, its EPCI's and the Pôle's totals are incomplete."""
    if communes.empty:
        return communes
    years = set(communes["year"])
    # the least reliable nature of the year's known values (a gap is not secret: secrecy would blank the totals)
    known = communes.loc[communes["nature"] != "secret"]
    year_nature = known.groupby("year")["nature"].agg(worst_nature)
    frames = [communes]
    for carrier in RELEASED_CARRIERS:
        has = communes.loc[communes["carrier"] == carrier]
        absent = sorted(years - set(has["year"]))
        if has.empty or not absent:
            continue
        pairs = has[["geo_code", "sector"]].drop_duplicates()
        gaps = pairs.merge(pd.DataFrame({"year": absent}), how="cross")
        gaps = gaps.assign(carrier=carrier, value=np.nan, nature=gaps["year"].map(year_nature),
                           source=RELEASE_GAP_SOURCE, complete=False)
        frames.append(gaps.reindex(columns=communes.columns))
    return pd.concat(frames, ignore_index=True) if len(frames) > 1 else communes


def energy_member_gaps(communes: pd.DataFrame, territory: Territory) -> pd.DataFrame:
    """(geo_level, geo_code, year, carrier) aggregates that miss one of their communes, and those communes
    (``geo_level`` ``commune``: what no file speaks for, named in the build's list of unknown parts).

    Electricity reaches every commune: a commune without any electricity value in a year that
    has electricity data is a gap. Another energy (gas, heat…) is expected in a commune that
    has it in at least one year; a commune that never has it is taken to have no network. A
    sector absent for a commune that has the energy is no consumption in that sector.
    """
    present = communes[["geo_code", "year", "carrier"]].drop_duplicates()
    frames = []
    for carrier, g in present.groupby("carrier"):
        expected = (territory.communes["code_insee"] if carrier == "electricite" else g["geo_code"]).unique()
        full = pd.MultiIndex.from_product([expected, g["year"].unique(), [carrier]],
                                          names=["geo_code", "year", "carrier"])
        frames.append(full.difference(pd.MultiIndex.from_frame(g)).to_frame(index=False))
    missing = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    if missing.empty:
        return pd.DataFrame(columns=["geo_level", "geo_code", "year", "carrier"])
    epci = missing.assign(geo_level="epci", geo_code=missing["geo_code"].map(territory.commune_to_epci))
    pma = missing.assign(geo_level="pma", geo_code=territory.code)
    return pd.concat([missing.assign(geo_level="commune"), epci, pma],
                     ignore_index=True)[["geo_level", "geo_code", "year", "carrier"]].drop_duplicates()



def check_consistency(tables: dict[str, pd.DataFrame], territory: Territory, rel_tol: float = SUM_TOLERANCE) -> None:
    """Communes sum to their EPCI and EPCIs to the whole territory, for every key (where not overridden)."""
    problems = []
    c2e = territory.commune_to_epci
    for name, df in tables.items():
        keys = ["year", *TABLES[name]]
        com = df.loc[df["geo_level"] == "commune"].assign(epci=lambda d: d["geo_code"].map(c2e))
        by_epci = com.groupby(["epci", *keys])["value"].sum(min_count=1)
        epci = df.loc[df["geo_level"] == "epci"].set_index(["geo_code", *keys])
        ev = epci.loc[epci["origin"] == "aggregate", "value"] if "origin" in epci else epci["value"]
        joined = pd.concat([by_epci.rename("communes"), ev.rename("epci")], axis=1, join="inner").dropna()
        bad = sums_differ(joined["communes"], joined["epci"], rel_tol)
        for key in joined.index[bad][:10]:
            problems.append(Problem(f"table produite « {name} »", "la somme des communes diffère du total de l'EPCI",
                                    value=f"{key} : {joined.at[key, 'communes']:.3f} ≠ {joined.at[key, 'epci']:.3f}"))
        by_pma = epci.groupby(keys)["value"].sum(min_count=1)
        pma = df.loc[df["geo_level"] == "pma"]
        pma = pma.loc[pma["origin"] == "aggregate"] if "origin" in pma else pma
        pma = pma.set_index(keys)["value"]
        j2 = pd.concat([by_pma.rename("epci"), pma.rename("pma")], axis=1, join="inner").dropna()
        bad2 = sums_differ(j2["epci"], j2["pma"], rel_tol)
        for key in j2.index[bad2][:10]:
            problems.append(Problem(f"table produite « {name} »", "la somme des EPCI diffère du total "
                                    + territory.whole.name_of,
                                    value=f"{key} : {j2.at[key, 'epci']:.3f} ≠ {j2.at[key, 'pma']:.3f}"))
    if problems:
        raise InputDataError(problems)

