"""Comparisons on observed data: the territory in use and its EPCIs among the region's territories (CITEPA IGT
2016); the region and the names of the départements come from its declaration.

Pure functions over two tables read by the build: the region's inventory by commune and sector
(``igt_citepa_region``) and the region's communes with their EPCI and population (``communes_region``).

Rules
-----
- A per-inhabitant value is a total over the perimeter divided by the population of the same perimeter,
  never an average of ratios. Totals are the 8 PCAET sectors (memo items left out).
- A total that contains a gap (an empty cell of an always-present sector, e.g. Béthune's road transport)
  is incomplete: a minimum, flagged up to the département and the region.
- **Point sources** (:data:`POINT_SOURCES`): each total row also carries its value without industry and the energy
  branch (``value_core``, ``per_capita_core``, ``complete_core``). A refinery, a steelworks or a power plant
  makes a territory's total (Dunkerque: 53,6 t CO₂e per inhabitant in 2016) and says nothing of what its
  residents, firms and services emit; a comparison gives both.
- A commune without a 2016 population (absorbed before 2019: its inhabitants are counted in the commune
  that absorbed it) has no per-inhabitant value of its own; its emissions count in every total.
- **Comparable agglomerations** (:func:`peers`): an EPCI is compared with the EPCIs of the region of the
  same kind (communauté d'agglomération, urbaine, de communes, métropole) whose population lies within
  a factor :data:`PEER_POPULATION_FACTOR` of its own; the Pôle, a grouping of agglomerations, with every
  agglomeration, urban community and métropole of the region of at least
  :data:`POLE_PEER_MIN_POPULATION` inhabitants (:data:`POLE_PEER_KINDS`). These are the defaults of
  :class:`PeerRule`; each declaration writes its own rule (``comparables:``), which its reports apply. A declared
  territory of one EPCI is that EPCI: its whole is compared by the EPCI rule (:func:`comparables_of`).
- **Rank among comparables** (:func:`rank_among_peers`): the territory's per-inhabitant total among its own and its
  comparables' (the département and the region are not ranked), the lowest first; a total with a gap is a minimum,
  so a rank that involves one is marked.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .vocabulary import PCAET

#: Peers of an EPCI: population between its own divided and multiplied by this factor.
PEER_POPULATION_FACTOR = 2.0
#: Peers of the Pôle: EPCIs of these kinds, of at least this population.
POLE_PEER_KINDS = ("CA", "CU", "Métropole")
POLE_PEER_MIN_POPULATION = 100_000
#: Sectors of the large point sources, left out of the ``*_core`` values of the comparisons.
POINT_SOURCES = ("industrie_hors_energie", "branche_energie")
KIND_LABELS = {"CA": "communauté d'agglomération", "CU": "communauté urbaine", "CC": "communauté de communes",
               "Métropole": "métropole"}
KIND_PLURALS = {"CA": "communautés d'agglomération", "CU": "communautés urbaines", "CC": "communautés de communes",
                "Métropole": "métropoles"}
#: Names of the départements (national list of :mod:`pma_eval.declaration`).
from .declaration import DEPARTEMENTS  # noqa: E402


def region_in_use() -> tuple[str, str]:
    """(code, name) of the region of the territory in use (its declaration's first region): the region whose
    inventory the comparisons read."""
    from .config import get_paths
    from .declaration import in_use

    decl = in_use(get_paths())
    if decl is None or not decl.regions:  # a project without declarations: the default one's region
        decl = _default_declaration()
    return decl.regions[0] if decl is not None and decl.regions else ("", "")


def _default_declaration():
    from .config import PACKAGE_DIR, get_paths
    from .declaration import load_file

    paths = get_paths()
    path = PACKAGE_DIR.parent / paths.declaration.relative_to(paths.root)
    return load_file(path, paths) if path.is_file() else None


def epci_kind(name: str) -> str:
    """``CA``, ``CU``, ``CC`` or ``Métropole`` from the EPCI's name, else ``autre``."""
    first = str(name).split(" ")[0]
    return first if first in KIND_LABELS else "autre"


def aggregate(inventory: pd.DataFrame, communes: pd.DataFrame, pole_codes: set[str] | None = None,
              whole: tuple[str, str] | None = None, region: tuple[str, str] | None = None) -> pd.DataFrame:
    """Emissions, population and completeness by territory, sector and total.

    Parameters
    ----------
    inventory : DataFrame
        ``code_insee, year, sector, value, in_total, gap`` (the IGT reader's table).
    communes : DataFrame
        ``code_insee, nom, code_departement, epci_siren, epci_nom, population``.
    pole_codes : set of str, optional
        The communes of the territory in use: adds a ``pma`` level (the whole territory).
    whole : (code, name), optional
        Its ``geo_code`` and name (default: those of the territory in use).
    region : (code, name), optional
        The region of the inventory (default: the region of the territory in use).

    Returns
    -------
    DataFrame
        ``geo_level`` (``commune``, ``epci``, ``departement``, ``region``, ``pma``), ``geo_code``,
        ``name``, ``kind`` (EPCIs), ``departement``, ``year``, ``sector`` (each PCAET sector and
        ``total``), ``value`` [t CO2e], ``population``, ``complete`` and ``per_capita`` [t CO2e/hab]; on the
        ``total`` rows, the same without :data:`POINT_SOURCES`: ``value_core``, ``complete_core`` and
        ``per_capita_core`` (NaN on the sector rows).
    """
    region = region or region_in_use()
    communes = communes.assign(epci_siren=communes["epci_siren"].replace("", pd.NA))  # no EPCI: left the region
    inv = inventory.loc[inventory["in_total"] & inventory["sector"].isin(PCAET)]
    inv = inv.merge(communes[["code_insee", "nom", "code_departement", "epci_siren", "epci_nom"]], on="code_insee",
                    how="left")
    pop = communes.set_index("code_insee")["population"].astype("Float64")
    levels = {
        "commune": ("code_insee", "nom"),
        "epci": ("epci_siren", "epci_nom"),
        "departement": ("code_departement", None),
        "region": (None, None),
    }
    frames = []
    for level, (code_col, name_col) in levels.items():
        key = inv[code_col] if code_col else pd.Series(region[0], index=inv.index)
        frames.append(_sum(inv.assign(_key=key, _name=inv[name_col] if name_col else None), pop, communes,
                           code_col, level, region=region))
    if pole_codes:
        if whole is None:
            from .territory import whole_in_use

            w = whole_in_use()
            whole = (w.code, w.name)
        sub = inv.loc[inv["code_insee"].isin(pole_codes)]
        frames.append(_sum(sub.assign(_key=whole[0], _name=whole[1]), pop, communes, None, "pma",
                           members=pole_codes, region=region))
    out = pd.concat(frames, ignore_index=True)
    out["per_capita"] = (out["value"] / out["population"]).astype(float)
    out["per_capita_core"] = (out["value_core"] / out["population"]).astype(float)
    return out


def _sum(inv: pd.DataFrame, pop: pd.Series, communes: pd.DataFrame, code_col: str | None, level: str,
         members: set[str] | None = None, region: tuple[str, str] = ("", "")) -> pd.DataFrame:
    inv = inv.dropna(subset=["_key"])
    by = inv.groupby(["_key", "year", "sector"], sort=True)
    s = pd.DataFrame({"value": by["value"].sum(min_count=1), "gap": by["gap"].any()}).reset_index()
    tot = s.groupby(["_key", "year"], as_index=False).agg(value=("value", "sum"), gap=("gap", "any"))
    core = (s.loc[~s["sector"].isin(POINT_SOURCES)].groupby(["_key", "year"], as_index=False)
            .agg(value_core=("value", "sum"), gap_core=("gap", "any")))
    tot = tot.merge(core, on=["_key", "year"], how="left")
    s = pd.concat([s, tot.assign(sector="total")], ignore_index=True)
    names = inv.groupby("_key")["_name"].first()
    if level == "commune":
        population = pop
    else:
        c = communes.copy()
        if level == "pma":
            c = c.loc[c["code_insee"].isin(members or set())].assign(_key=inv["_key"].iloc[0] if len(inv) else "")
        elif code_col:
            c = c.assign(_key=c[code_col])
        else:
            c = c.assign(_key=region[0])
        population = c.dropna(subset=["_key"]).groupby("_key")["population"].sum(min_count=1).astype("Float64")
    s["population"] = s["_key"].map(population).astype(float)
    s["complete"] = ~s["gap"]
    s["complete_core"] = ~s["gap_core"].astype("boolean").fillna(True).astype(bool)  # rows of a sector: no core value
    s["name"] = s["_key"].map(names)
    if level == "departement":
        s["name"] = s["_key"].map(DEPARTEMENTS)
    elif level == "region":
        s["name"] = region[1]
    s["kind"] = s["name"].map(epci_kind) if level == "epci" else ""
    # the most frequent département of each territory's rows (the first in order on a tie), as Series.mode
    counts = inv.dropna(subset=["code_departement"]).groupby(["_key", "code_departement"]).size().rename("n")
    first_dep = (counts.reset_index().sort_values(["_key", "n", "code_departement"], ascending=[True, False, True])
                 .drop_duplicates("_key").set_index("_key")["code_departement"])
    s["departement"] = s["_key"].map(first_dep).fillna("") if level in ("commune", "epci", "pma") else ""
    return s.rename(columns={"_key": "geo_code"}).assign(geo_level=level)[
        ["geo_level", "geo_code", "name", "kind", "departement", "year", "sector", "value", "population", "complete",
         "value_core", "complete_core"]]


@dataclass(frozen=True)
class PeerRule:
    """The rule that finds a territory's comparables, as its declaration writes it (``comparables:``,
    :data:`pma_eval.declaration.COMPARABLES`): an EPCI's peers are the region's EPCIs of its legal kind
    (``same_kind``) whose population lies within ``factor`` of its own and, when ``industry_points`` is given, whose
    share of industry and the energy branch in their total emissions lies within that many points of its own; the
    peers of a grouping of several EPCIs are the region's EPCIs of ``whole_kinds`` of at least ``whole_min`` inhabitants."""

    factor: float = PEER_POPULATION_FACTOR
    same_kind: bool = True
    industry_points: float | None = None
    whole_kinds: tuple[str, ...] = POLE_PEER_KINDS
    whole_min: int = POLE_PEER_MIN_POPULATION

    @classmethod
    def of(cls, comparables) -> "PeerRule":
        """The rule of a declaration's checked ``comparables`` pairs (:attr:`pma_eval.declaration.Whole.comparables`);
        the default rule when there are none."""
        c = dict(comparables or ())
        if not c:
            return cls()
        return cls(factor=float(c["facteur_population"]), same_kind=bool(c["meme_nature_juridique"]),
                   industry_points=None if c["part_industrie"] is None else float(c["part_industrie"]),
                   whole_kinds=tuple(c["ensemble_natures"]), whole_min=int(c["ensemble_population_min"]))


def _point_share(rows: pd.DataFrame) -> pd.Series:
    """Share of industry and the energy branch in each total [points of percentage] (NaN when unknown)."""
    return 100 * (1 - rows["value_core"] / rows["value"])


def peers(table: pd.DataFrame, geo_level: str, geo_code: str, rule: PeerRule = PeerRule()) -> pd.DataFrame:
    """The comparable EPCIs of a territory (``rule``), its own row excluded, totals only."""
    tot = table.loc[(table["sector"] == "total")]
    epcis = tot.loc[tot["geo_level"] == "epci"]
    if geo_level == "pma":
        return epcis.loc[epcis["kind"].isin(rule.whole_kinds) & (epcis["population"] >= rule.whole_min)]
    me = epcis.loc[epcis["geo_code"] == geo_code]
    if me.empty:
        return epcis.iloc[0:0]
    kind, population = me["kind"].iloc[0], float(me["population"].iloc[0])
    keep = (epcis["geo_code"] != geo_code) & epcis["population"].between(population / rule.factor,
                                                                          population * rule.factor)
    if rule.same_kind:
        keep &= epcis["kind"] == kind
    if rule.industry_points is not None:
        own = float(_point_share(me).iloc[0])
        keep &= (_point_share(epcis) - own).abs() <= rule.industry_points  # unknown share: not comparable
    return epcis.loc[keep]


def comparables_of(geo_level: str, geo_code: str, members=frozenset()) -> tuple[str, str]:
    """The level and code whose peer rule applies to a territory: the whole of a territory of one EPCI (``members``:
    its EPCIs) is that EPCI, compared by the EPCI rule (same kind, population within a factor), never by the rule of
    a grouping of agglomerations."""
    members = set(members)
    if geo_level == "pma" and len(members) == 1:
        return "epci", next(iter(members))
    return geo_level, geo_code


def ranking(table: pd.DataFrame, geo_level: str, geo_code: str, members: set[str] = frozenset(),
            rule: PeerRule = PeerRule()) -> pd.DataFrame:
    """Per-inhabitant total emissions of the territory, its peers, its département(s) and the region,
    highest first, with ``role`` (``territoire``, ``membre`` — an EPCI of the Pôle —, ``pair``,
    ``departement``, ``region``). ``members``: the territory's EPCIs when ``geo_level`` is its whole (one EPCI: its
    peers are that EPCI's, :func:`comparables_of`)."""
    tot = table.loc[table["sector"] == "total"]
    me = tot.loc[(tot["geo_level"] == geo_level) & (tot["geo_code"] == geo_code)].assign(role="territoire")
    others = peers(table, *comparables_of(geo_level, geo_code, members), rule=rule)
    others = others.assign(role=others["geo_code"].map(lambda c: "membre" if c in members else "pair"))
    rows = [me, others,
            tot.loc[tot["geo_level"] == "departement"].assign(role="departement"),
            tot.loc[tot["geo_level"] == "region"].assign(role="region")]
    out = pd.concat(rows, ignore_index=True).dropna(subset=["per_capita"])
    return out.sort_values("per_capita", ascending=False).reset_index(drop=True)


def rule_text(geo_level: str, rule: PeerRule = PeerRule(), members=frozenset()) -> str:
    """The peer rule in French, for captions and methods (``members``: as :func:`ranking` takes them)."""
    from . import fmt

    geo_level = comparables_of(geo_level, "", members)[0]
    if geo_level == "pma":
        names = [KIND_PLURALS[k] for k in rule.whole_kinds]
        kinds = ", ".join(names[:-1]) + " et " + names[-1] if len(names) > 1 else names[0]
        return f"{kinds} de la région de plus de {fmt.number(rule.whole_min, 0)} habitants"
    kind = " de même nature" if rule.same_kind else ""
    size = ("dont la population est comprise entre la moitié et le double de la sienne" if rule.factor == 2 else
            f"dont la population est à un facteur {fmt.number(rule.factor, 1)} près de la sienne")
    industry = ("" if rule.industry_points is None else
                f", et dont la part de l'industrie et de la branche énergie dans les émissions est à "
                f"{fmt.number(rule.industry_points, 0)}\u00a0points près de la sienne")
    return f"EPCI de la région{kind} {size}{industry}"


@dataclass(frozen=True)
class Rank:
    """A territory's place among its comparables by per-inhabitant total emissions (:func:`rank_among_peers`)."""

    rank: int  # 1: the lowest per-inhabitant emissions of the territory and its comparables
    count: int  # the territory and its comparables
    year: int
    value: float  # its per-inhabitant total [t CO2e per inhabitant], the ranked value
    complete: bool  # False: its total has a gap, the value is a minimum
    value_core: float  # the same without industry and the energy branch (NaN if unknown)
    complete_core: bool
    all_complete: bool  # every ranked total (its own and its comparables') is complete

    @property
    def ordinal(self) -> str:
        return "1er" if self.rank == 1 else f"{self.rank}ᵉ"

    def text(self) -> str:
        """« 3ᵉ sur 12 », with « * » when a ranked total has a gap (a minimum: the rank may differ)."""
        return f"{self.ordinal} sur {self.count}" + ("" if self.all_complete else " *")


def rank_among_peers(table: pd.DataFrame, geo_level: str, geo_code: str, members=frozenset(),
                     rule: PeerRule = PeerRule()) -> Rank | None:
    """The rank of the territory's per-inhabitant total emissions (``per_capita``, the value of the reports'
    comparison) among its own and its comparables' (role ``pair`` of :func:`ranking`: same rule, its member EPCIs
    and the département and region left out), the lowest first; a tie shares the better rank. None when the table
    does not hold the territory."""
    r = ranking(table, geo_level, geo_code, members=members, rule=rule)
    me = r.loc[r["role"] == "territoire"]
    if me.empty:
        return None
    me = me.iloc[0]
    pairs = r.loc[r["role"] == "pair"]
    core = me.get("per_capita_core", float("nan"))
    return Rank(rank=int((pairs["per_capita"] < me["per_capita"]).sum()) + 1, count=len(pairs) + 1,
                year=int(me["year"]), value=float(me["per_capita"]), complete=bool(me["complete"]),
                value_core=float(core) if pd.notna(core) else float("nan"),
                complete_core=bool(me.get("complete_core", True)),
                all_complete=bool(me["complete"]) and bool(pairs["complete"].astype(bool).all()))


def similar_communes(table: pd.DataFrame, code_insee: str, tolerance: float = 0.25) -> pd.DataFrame:
    """Communes of the same département whose population is within ± ``tolerance`` of the commune's
    (totals, per inhabitant), the commune excluded."""
    return similar_communes_of(table, [code_insee], tolerance)[code_insee]


def similar_communes_of(table: pd.DataFrame, codes, tolerance: float = 0.25) -> dict[str, pd.DataFrame]:
    """:func:`similar_communes` for many communes at once: the table is filtered once, then each commune's
    peers are one numpy mask (the fiches ask for 150 communes)."""
    tot = table.loc[(table["sector"] == "total") & (table["geo_level"] == "commune")]
    code = tot["geo_code"].to_numpy(dtype=object)
    dep = tot["departement"].to_numpy(dtype=object)
    pop = tot["population"].to_numpy(dtype=float)
    first: dict[str, int] = {}
    for i, c in enumerate(code):
        first.setdefault(c, i)
    out = {}
    for c in codes:
        i = first.get(c)
        if i is None or np.isnan(pop[i]):
            out[c] = tot.iloc[0:0]
            continue
        p = pop[i]
        out[c] = tot.iloc[np.flatnonzero((dep == dep[i]) & (code != c)
                                         & (pop >= p * (1 - tolerance)) & (pop <= p * (1 + tolerance)))]
    return out


#: Levels of the comparison rows published with the indicators (the Pôle's own EPCIs and communes are
#: already there, from the Pôle's data).
EXPORTED_LEVELS = ("departement", "region", "epci")


def as_indicators(table: pd.DataFrame, own_epcis: set[str] = frozenset()) -> pd.DataFrame:
    """The comparisons as indicator rows: ``ges_total``, ``ges_<sector>`` and ``ges_par_habitant`` for
    the départements, the region and the region's other EPCIs (columns of the indicators table, plus
    ``name``)."""
    from .indicators import load_catalogue

    catalogue = load_catalogue()
    t = table.loc[table["geo_level"].isin(EXPORTED_LEVELS) & ~table["geo_code"].isin(own_epcis)]
    base = ["geo_level", "geo_code", "name", "year", "complete", "nature"]
    values = t.assign(indicator_id=t["sector"].map(lambda s: "ges_total" if s == "total" else f"ges_{s}"))
    tot = t.loc[t["sector"] == "total"]
    per = tot.assign(indicator_id="ges_par_habitant", value=tot["per_capita"])
    out = pd.concat([values, per], ignore_index=True)[base + ["indicator_id", "value"]].dropna(subset=["value"])
    return out.assign(unit=out["indicator_id"].map(lambda i: catalogue[i].short_unit))  # as the indicators table


# --- energy and renewables: the département, the region and France (issue 26) ---------------------------

#: The comparison levels' rows that become indicator rows: (variable, breakdown) → indicator id. Gas in PCS,
#: sites and the sectors stay in the comparison table only (the catalogue's gas is final consumption).
LEVEL_INDICATORS = {
    ("conso_electricite", "total"): "conso_electricite",
    ("conso_electricite_brute", "total"): "conso_electricite",
    ("production_electricite_renouvelable", "total"): "enr_elec_production",
    ("production_electricite", "solaire_pv"): "enr_production_solaire_pv",
    ("production_electricite", "eolien"): "enr_production_eolien",
    ("production_electricite", "bioenergies"): "enr_production_bioenergies",
    ("capacity", "eolien"): "enr_puissance_eolien",
    ("capacity", "solaire_pv"): "enr_puissance_solaire_pv",
}
LEVEL_NAMES_FR = {"departement": "département", "region": "région", "france": "France"}


def levels_table(frames: list[tuple[str, str, pd.DataFrame]]) -> pd.DataFrame:
    """The rows of the comparison-level readers (:mod:`pma_eval.sources.levels`) in one table, with the sums the
    files do not publish (:func:`~pma_eval.sources.levels.with_totals`), their ``nature`` and ``source``.

    ``frames``: (file name, nature, rows) for each file read."""
    from .sources.levels import with_totals

    from .errors import InputDataError, Problem

    parts = [with_totals(df).assign(nature=nature, source=name) for name, nature, df in frames]
    out = pd.concat(parts, ignore_index=True).drop(columns="line")
    key = ["geo_level", "geo_code", "year", "variable", "breakdown"]
    dup = out.loc[out.duplicated(key, keep=False)]
    if len(dup):  # two files for one level, year and quantity (a second vintage without replaces:)
        first = dup.iloc[0]
        files = sorted(set(dup.loc[(dup[key] == first[key]).all(axis=1), "source"]))
        raise InputDataError([Problem(" et ".join(files), f"deux fichiers donnent la même valeur de comparaison "
                                      f"({first['name']}, {int(first['year'])}, {first['variable']}) : retirez l'ancien "
                                      "(pma-eval data retire) ou déclarez-le remplacé (data add --remplace)")])
    return out


def levels_as_indicators(table: pd.DataFrame) -> pd.DataFrame:
    """The energy and renewable comparison levels as indicator rows (columns of the indicators table, plus
    ``name``, ``status`` and ``scope``): France's gross electricity under ``conso_electricite`` with its scope
    note, the Enedis sums with « réseau Enedis seulement »."""
    from .indicators import load_catalogue

    catalogue = load_catalogue()
    key = list(zip(table["variable"], table["breakdown"]))
    t = table.assign(indicator_id=[LEVEL_INDICATORS.get(k) for k in key]).dropna(subset=["indicator_id", "value"])
    t = t.loc[t["unit"].isin(["MWh", "kW"])]
    out = t[["geo_level", "geo_code", "name", "year", "complete", "nature", "indicator_id", "value", "status", "scope"]]
    return out.assign(unit=out["indicator_id"].map(lambda i: catalogue[i].short_unit)).reset_index(drop=True)


def indexed(series: dict[str, pd.Series], base: int | None = None) -> tuple[pd.DataFrame, int | None]:
    """Series indexed on a common year (base 100): the first year every series has, or ``base``.

    ``series``: label → values by year (any unit: each is divided by its own base-year value, so that
    scopes of different extent are never compared as sums). Returns the indexed frame (years × labels) and
    the base year (None, and an empty frame, when the series share no year)."""
    frame = pd.DataFrame({k: v.astype(float) for k, v in series.items() if v is not None and len(v)}).sort_index()
    common = frame.dropna().index
    if base is None:
        base = int(common.min()) if len(common) else None
    if base is None or base not in frame.index or frame.loc[base].isna().any() or (frame.loc[base] == 0).any():
        return frame.iloc[0:0], None
    return frame / frame.loc[base] * 100.0, int(base)


def comparison_indicator_rows(paths, territory) -> pd.DataFrame | None:
    """Every comparison level as indicator rows, for the exports: the emissions of the départements, the region
    and the region's other EPCIs (:func:`as_indicators`), and the energy and renewable levels with their scope
    notes (:func:`levels_as_indicators`); None when the build wrote neither table."""
    from .errors import ConfigurationError
    from .processed import load

    parts = []
    try:
        parts.append(as_indicators(load("comparisons_ges", paths), set(territory.epcis["epci_siren"])))
    except ConfigurationError:
        pass
    try:
        parts.append(levels_as_indicators(load("comparisons_energy", paths)))
    except ConfigurationError:
        pass
    return pd.concat(parts, ignore_index=True) if parts else None
