"""One step per processed table: gather the rows of every raw file that feeds it, process them
(precedence, gaps, aggregation), and leave the sanity checks to the end of the pipeline.

Each step takes what the discover stage read (``read``: format → list of (file, frame)) and
returns its table; none of them writes anything.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from ..config import Paths
from ..errors import InputDataError, Problem, display_path
from ..sources.odre import TECHNOLOGIES
from ..sources.prices import ALL_SECTORS
from ..territory import Territory, worst_nature
from ..vocabulary import HEAT_GAS_VECTOR, POLLUTANTS, stored_unit
from .common import ORE_TO_PCAET, BuildReport, RawFile
from .reconcile import combine, emission_gaps, energy_member_gaps, release_gaps

Read = dict[str, list[tuple[RawFile, pd.DataFrame]]]


def population(frames: list[tuple[RawFile, pd.DataFrame]], territory: Territory) -> pd.DataFrame:
    out = []
    for f, df in frames:
        d = pd.DataFrame({"geo_code": df["code_insee"], "year": df["millesime"].astype(int),
                          "value": df["population_municipale"].astype(float),
                          "nature": f.nature, "source": f.path.name, "millesime_statut": df["millesime_statut"]})
        out.append(d)
    pop = pd.concat(out, ignore_index=True)
    # Missing millésimes inside the covered span: linear interpolation, flagged "estimated".
    wide = pop.pivot(index="geo_code", columns="year", values="value")
    span = list(range(int(wide.columns.min()), int(wide.columns.max()) + 1))
    filled = wide.reindex(columns=span).interpolate(axis=1, limit_area="inside")
    est = filled.stack().rename("value").reset_index()
    est = est.merge(pop[["geo_code", "year"]].assign(_have=True), on=["geo_code", "year"], how="left")
    est = est.loc[est["_have"].isna()].drop(columns="_have")
    est = est.assign(nature="estimated", source="interpolation linéaire entre millésimes voisins",
                     millesime_statut="interpolee")
    pop = pd.concat([pop, est], ignore_index=True)
    pop["variable"] = "population_municipale"
    agg = territory.aggregate(pop.drop(columns="millesime_statut"), ["year", "variable"])
    status = pop.groupby("year")["millesime_statut"].agg(lambda s: sorted(set(s))[0])
    agg["millesime_statut"] = agg["year"].map(status)
    agg["unit"] = stored_unit("hab")
    return agg



def check_population_cross(pop: pd.DataFrame, raw_dir: Path, scope=None) -> list[str]:
    """Compare the aggregation with the collector's EPCI/PMA table when present (and when it speaks for the
    territory in use: ``scope``, :class:`pma_eval.assemble.discover.Scope`)."""
    ref_path = raw_dir / "population" / "pma_population_epci_pma.csv"
    if not ref_path.exists() or (scope is not None and scope.excludes(ref_path)):
        return []
    ref = pd.read_csv(ref_path, dtype={"territoire_code": str})
    mine = pop.loc[pop["geo_level"] != "commune"].set_index(["geo_code", "year"])["value"]
    diffs = []
    for row in ref.itertuples():
        key = (row.territoire_code, int(row.millesime))
        if key in mine.index and abs(mine[key] - row.population_municipale) > 0.5:
            diffs.append(f"{row.territoire_sigle} {row.millesime} : {mine[key]:.0f} ≠ {row.population_municipale}")
    if diffs:
        raise InputDataError([Problem(display_path(ref_path), "somme des communes différente du total publié : " + d)
                              for d in diffs])
    return []



def activity(files: list[RawFile], paths: Paths, territory: Territory, indicator_ids: set[str]) -> dict:
    """The activity records (events, participations, projects, strategy, actions), pseudonymised,
    with cross-file checks (unknown event or commitment ids), and their indicators."""
    from ..activity import readers as ar
    from ..activity.indicators import activity_indicators

    by = {f.meta["format"][len("activite_"):]: f for f in files if f.meta["format"].startswith("activite_")}
    if not by:
        return {}
    needed = {"evenements", "participations", "projets_labellises", "strategie", "actions"}
    if set(by) != needed:
        raise InputDataError([Problem("data/raw/activite", "registres d'activité incomplets : il manque "
                                      + ", ".join(sorted(needed - set(by))))])
    opt = {k: (f.meta.get("options") or {}).get("sheet", 0) for k, f in by.items()}
    problems: list[Problem] = []

    def attempt(fn, *a, **kw):
        try:
            return fn(*a, **kw)
        except InputDataError as exc:
            problems.extend(exc.problems)
            return None

    events = attempt(ar.read_events, by["evenements"].path, by["evenements"].display, opt["evenements"])
    strategy = attempt(ar.read_strategy, by["strategie"].path, indicator_ids, by["strategie"].display, opt["strategie"])
    f = by["participations"]
    key = ar.pseudonymisation_key(paths.root, f.nature)
    parts = attempt(ar.read_participations, f.path, key, set(events["event_id"]) if events is not None else None,
                    f.display, opt["participations"])
    projects = attempt(ar.read_projects, by["projets_labellises"].path, by["projets_labellises"].display,
                       opt["projets_labellises"])
    actions = attempt(ar.read_actions, by["actions"].path,
                      set(strategy["commitment_id"]) if strategy is not None else None, by["actions"].display,
                      opt["actions"])
    if problems:
        raise InputDataError(problems)
    natures = {f.nature for f in by.values()}
    nature = "demonstration" if "demonstration" in natures else "observed"
    epci_codes = dict(zip(territory.epcis["epci_sigle"], territory.epcis["epci_siren"]))
    ind = activity_indicators(events, parts, projects, strategy, actions, nature, epci_codes)
    drop = ["line"]
    return {"activity_events": events.drop(columns=drop).assign(nature=nature),
            "activity_participations": parts.drop(columns=drop).assign(nature=nature),
            "activity_projects": projects.drop(columns=drop).assign(nature=nature),
            "activity_strategy": strategy.drop(columns=drop).assign(nature=nature),
            "activity_actions": actions.drop(columns=drop).assign(nature=nature),
            "activity_indicators": ind}



def region_comparisons(read: dict, territory: Territory) -> dict[str, pd.DataFrame]:
    """The region's inventory by territory (commune, EPCI, département, region, Pôle) for the
    comparisons on observed data (:mod:`pma_eval.comparisons`), or nothing without both files."""
    from ..comparisons import aggregate

    inventories, communes = read.get("igt_citepa_region", []), read.get("communes_region", [])
    if not inventories or not communes:
        return {}
    parts = []
    for f, inv in inventories:
        for g, com in communes:
            parts.append(aggregate(inv, com, set(territory.communes["code_insee"]), (territory.code, territory.whole.name),
                                   territory.whole.region or None)
                         .assign(nature=f.nature, source=f"{f.path.name} ; {g.path.name}", unit=stored_unit("t CO₂e")))
    return {"comparisons_ges": pd.concat(parts, ignore_index=True)}


#: Formats of the energy and renewable comparison levels (sources.levels): département, region, France.
LEVEL_FORMATS = ("enedis_conso_departement", "enedis_prod_departement", "odre_enr_region", "odre_parc_region",
                 "odre_conso_brute")


def energy_levels(read: dict) -> dict[str, pd.DataFrame]:
    """The energy and renewable comparison levels (département, region, France), each row with its scope
    note, the producer's status, its nature and its file (:mod:`pma_eval.comparisons`), or nothing."""
    from ..comparisons import levels_table

    frames = [(f.path.name, f.nature, df) for fmt in LEVEL_FORMATS for f, df in read.get(fmt, [])]
    if not frames:
        return {}
    return {"comparisons_energy": levels_table(frames)}


def comparisons(read: dict) -> dict[str, pd.DataFrame]:
    """Département, region and France sums kept from the producers' files, for comparisons.

    Taken from observed files only (a demonstration file covers the Pôle, not its
    département); each value carries the file it comes from.
    """
    out = {}
    for fmt, name in (("ore_conso", "energy_comparisons"), ("odre_registre", "renewables_comparisons")):
        frames = [df.attrs["aggregates"].assign(source=f.path.name) for f, df in read.get(fmt, [])
                  if f.nature != "demonstration" and df.attrs.get("aggregates") is not None]
        if frames:
            out[name] = pd.concat(frames, ignore_index=True)
    if "energy_comparisons" in out:
        out["energy_comparisons"]["sector"] = out["energy_comparisons"]["sector"].replace(ORE_TO_PCAET)
    return out


def emissions(read: Read, inventory: list, territory: Territory, report: BuildReport) -> pd.DataFrame | None:
    """Greenhouse-gas emissions by commune, EPCI and Pôle, sector and year [t CO2e].

    The IGT gives every sector of a commune (cover "*"); the inventory template one sector a row.
    """
    cols = ["geo_level", "geo_code", "year", "sector", "value", "nature", "file_nature", "source", "in_total",
            "complete", "cover"]
    parts = [df.rename(columns={"code_insee": "geo_code"})
             .assign(geo_level="commune", nature=f.nature, file_nature=f.nature, source=f.path.name,
                     complete=~df["gap"], cover="*")[cols]
             for f, df in read.get("igt_citepa", [])]
    parts += [df.loc[df["carrier"] == "ges"].assign(nature=f.nature, file_nature=f.nature, in_total=True,
                                                    complete=True, cover=lambda d: d["sector"])[cols]
              for f, df in inventory]
    if not parts:
        return None
    return combine(pd.concat(parts, ignore_index=True), ["year", "sector", "in_total"],
                   ["geo_level", "geo_code", "year"], territory, report, "émissions",
                   gaps=emission_gaps).assign(unit=stored_unit("t CO₂e"))


def energy(read: Read, inventory: list, territory: Territory, report: BuildReport) -> pd.DataFrame | None:
    """Final energy consumption by commune, EPCI and Pôle, sector, carrier and year [MWh].

    Where ORE covers a commune, year and energy, its sectors (unassigned included) are the whole
    consumption of that energy: cover "*" drops every demonstration sector of that energy there. The SDES
    IRIS heat files do the same for the heat of the networks (``chaleur_reseau``).
    """
    cols = ["geo_level", "geo_code", "year", "sector", "carrier", "value", "nature", "file_nature", "source",
            "complete", "cover"]
    parts = [df.assign(source=f.path.name, sector=df["sector"].replace(ORE_TO_PCAET), file_nature=f.nature,
                       complete=True, cover="*")
             .assign(nature=lambda d, n=f.nature: np.where(d["nature"] == "secret", "secret", n))[cols]
             for f, df in read.get("ore_conso", [])]
    parts += [df.loc[~df["carrier"].isin(["ges", *POLLUTANTS])].assign(nature=f.nature, file_nature=f.nature,
                                                                       complete=True, cover=lambda d: d["sector"])[cols]
              for f, df in inventory]
    parts += [df.assign(geo_level="epci", geo_code=df["epci_siren"], sector="residentiel", carrier="electricite",
                        nature=f.nature, file_nature=f.nature, source=f.path.name, complete=True,
                        cover="residentiel")[cols]
              for f, df in read.get("enedis_residentiel_epci", [])]
    # Heat networks (SDES, IRIS → commune): the whole « réseau de chaleur » of a commune and year (cover "*"); a
    # sector with a secret or « nd » cell keeps its known part as a minimum (complete False), never 0.
    parts += [df.assign(source=f.path.name, sector=df["sector"].replace(ORE_TO_PCAET), file_nature=f.nature,
                        cover="*")
              .assign(nature=lambda d, n=f.nature: np.where(d["nature"] == "secret", "secret", n))[cols]
              for f, df in read.get("sdes_iris_chaleur", [])]
    if not parts:
        return None
    return combine(pd.concat(parts, ignore_index=True), ["year", "sector", "carrier"],
                   ["geo_level", "geo_code", "year", "carrier"], territory, report, "énergie",
                   gaps=release_gaps, member_gaps=energy_member_gaps).assign(unit=stored_unit("MWh"))


def air(inventory: list, territory: Territory, report: BuildReport) -> pd.DataFrame | None:
    """Emissions of the six air pollutants by commune, EPCI and Pôle, sector and year [t].

    From the inventory template only (an air-quality observatory's long form): a row covers its own
    pollutant and sector, so an observed file replaces the demonstration values of what it gives.
    """
    cols = ["geo_level", "geo_code", "year", "sector", "pollutant", "value", "nature", "file_nature", "source",
            "complete", "cover"]
    parts = [df.loc[df["carrier"].isin(POLLUTANTS)].rename(columns={"carrier": "pollutant"})
             .assign(nature=f.nature, file_nature=f.nature, complete=True, cover=lambda d: d["sector"])[cols]
             for f, df in inventory]
    parts = [p for p in parts if not p.empty]
    if not parts:
        return None
    return combine(pd.concat(parts, ignore_index=True), ["year", "sector", "pollutant"],
                   ["geo_level", "geo_code", "year", "pollutant"], territory, report,
                   "polluants de l'air").assign(unit=stored_unit("t"))


def sequestration(read: Read, territory: Territory, years: list[int]) -> pd.DataFrame | None:
    """Carbon stocks [t C] and net sequestration [t CO₂e a year, positive = absorbed] by EPCI and Pôle,
    land use and year, from ALDO outputs (:mod:`pma_eval.sources.sequestration`).

    ALDO's flows are yearly averages over a land-cover period: the latest entered year at or before each
    year of the emissions (the first entered year before it) stands for that year, ``estimated``. The
    Pôle is the sum of its EPCIs where every EPCI has the value, unless the Pôle is entered itself.
    """
    frames = [df.assign(nature=f.nature, source=f.path.name) for f, df in read.get("sequestration_aldo", [])]
    frames = [d for d in frames if not d.empty]
    if not frames:
        return None
    df = pd.concat(frames, ignore_index=True)
    keys = ["geo_level", "geo_code", "land_use", "variable"]
    flows = df[df["variable"] == "sequestration"]
    filled = []
    for key, g in flows.groupby(keys):
        entered = g.set_index("year").sort_index()
        for y in sorted(set(years) | set(entered.index)):
            before = [e for e in entered.index if e <= y]
            src = before[-1] if before else entered.index[0]
            row = entered.loc[src]
            filled.append({**dict(zip(keys, key)), "year": int(y), "value": float(row["value"]),
                           "nature": row["nature"] if y == src else worst_nature([row["nature"], "estimated"]),
                           "source": row["source"] if y == src else f"{row['source']} (flux ALDO de {src})"})
    cols = [*keys, "year", "value", "nature", "source"]
    out = pd.concat([df[df["variable"] == "stock"][cols], pd.DataFrame(filled, columns=cols)], ignore_index=True)
    epci = out[out["geo_level"] == "epci"]
    n_epci = len(territory.epcis)
    g = epci.groupby(["land_use", "variable", "year"])
    pma = pd.DataFrame({"value": g["value"].sum(), "n": g["geo_code"].nunique(),
                        "nature": g["nature"].agg(worst_nature),
                        "source": g["source"].agg(lambda s: " ; ".join(sorted(set(s))))}).reset_index()
    pma = pma[pma["n"] == n_epci].drop(columns="n").assign(geo_level="pma", geo_code=territory.code)
    given = out[out["geo_level"] == "pma"]
    if not given.empty:
        k = ["land_use", "variable", "year"]
        pma = pma[~pd.MultiIndex.from_frame(pma[k]).isin(pd.MultiIndex.from_frame(given[k]))]
    out = pd.concat([epci.assign(origin="given"), given.assign(origin="given"), pma.assign(origin="aggregate")],
                    ignore_index=True)
    unit = {"stock": stored_unit("t C"), "sequestration": stored_unit("t CO₂e")}
    return out.assign(unit=out["variable"].map(unit), complete=True)


def _with_nature(natures: pd.Series, others: pd.Series, *fixed: str) -> list[str]:
    """Each value's nature combined with the nature of what it was multiplied by (a price, a share, the
    degree-days): the least reliable of them; a secret value stays secret."""
    return [n if n == "secret" else worst_nature([n, o, *fixed]) for n, o in zip(natures, others)]


def delivery_points(read: Read, territory: Territory, report: BuildReport) -> pd.DataFrame | None:
    """Delivery points of the electricity and gas networks by commune, EPCI and Pôle, sector and year
    (Agence ORE ``pdlX`` / ``nb_sites``). A secret cell's count is unknown, never zero."""
    cols = ["geo_level", "geo_code", "year", "sector", "carrier", "value", "nature", "file_nature", "source",
            "complete", "cover"]
    parts = [df.assign(value=df["delivery_points"].where(df["nature"] != "secret"), source=f.path.name,
                       sector=df["sector"].replace(ORE_TO_PCAET), file_nature=f.nature, complete=True, cover="*")
             .assign(nature=lambda d, n=f.nature: np.where(d["nature"] == "secret", "secret", n))[cols]
             for f, df in read.get("ore_conso", []) if "delivery_points" in df and df["delivery_points"].notna().any()]
    if not parts:
        return None
    return combine(pd.concat(parts, ignore_index=True), ["year", "sector", "carrier"],
                   ["geo_level", "geo_code", "year", "carrier"], territory, report,
                   "points de livraison").assign(unit=stored_unit("nombre"))


def energy_bill(read: Read, energy: pd.DataFrame | None) -> pd.DataFrame | None:
    """The territory's energy bill [€]: each consumption value × the average price of its energy in its
    sector (else the price for every sector, ``tous``) in the same year. Only the years of the price
    table; a value without a price is unknown (``complete`` False), never zero."""
    files = read.get("prix_energie", [])
    if energy is None or not files:
        return None
    prices = pd.concat([df.assign(price_nature=f.nature, price_source=f.path.name) for f, df in files],
                       ignore_index=True)
    keep = ["carrier", "year", "price", "price_nature", "price_source"]
    e = energy.loc[energy["year"].isin(set(prices["year"]))]
    e = e.merge(prices.loc[prices["sector"] != ALL_SECTORS, ["sector", *keep]], on=["sector", "carrier", "year"], how="left")
    general = prices.loc[prices["sector"] == ALL_SECTORS, keep].rename(columns=lambda c: c if c in ("carrier", "year") else c + "_all")
    e = e.merge(general, on=["carrier", "year"], how="left")
    for c in ("price", "price_nature", "price_source"):
        e[c] = e[c].fillna(e[c + "_all"])
    priced = e["price"].notna()
    e["value"] = e["value"] * e["price"]
    e.loc[priced, "nature"] = _with_nature(e.loc[priced, "nature"], e.loc[priced, "price_nature"])
    e.loc[~priced, "complete"] = False
    e.loc[priced, "source"] = e.loc[priced, "source"].astype(str) + " × " + e.loc[priced, "price_source"]
    return e.drop(columns=[c for c in e.columns if c.startswith("price")]).assign(unit=stored_unit("€"))


#: Share of the territory's residential consumption of an energy (that year) that the communes with an ORE ``partr``
#: must hold for their weighted share to stand for the territory: one commune's share is not the territory's.
PARTR_COVERAGE = 0.5


def ore_thermosensitivity(read: Read, energy: pd.DataFrame | None = None,
                          report: BuildReport | None = None) -> pd.DataFrame:
    """The residential thermosensitive share (``partr``) the Agence ORE publishes by commune, as one share a
    year and energy for the whole territory (communes weighted by their residential consumption), so that
    communes, EPCIs and the Pôle are corrected alike and still add up. With ``energy`` (the energy table), a
    year and energy whose ``partr`` communes hold less than :data:`PARTR_COVERAGE` of the territory's residential
    consumption is left out (the table of shares stands), and the build says so."""
    cols = ["sector", "carrier", "year", "share", "share_nature", "share_source"]
    parts = [df.assign(nature_file=f.nature, file=f.path.name) for f, df in read.get("ore_conso", [])
             if "thermosensitive_share" in df and df["thermosensitive_share"].notna().any()]
    if not parts:
        return pd.DataFrame(columns=cols)
    o = pd.concat(parts, ignore_index=True)
    o = o[(o["geo_level"] == "commune") & o["thermosensitive_share"].notna() & o["value"].notna()]
    o = o.assign(pw=o["thermosensitive_share"] * o["value"])
    g = o.groupby(["carrier", "year"])
    out = pd.DataFrame({"share": g["pw"].sum() / g["value"].sum(), "share_nature": g["nature_file"].agg(worst_nature),
                        "share_source": g["file"].agg(lambda s: "Agence ORE, partr : " + ", ".join(sorted(set(s)))),
                        "_covered": g["value"].sum()})
    if energy is not None:
        from .. import fmt
        from ..vocabulary import CARRIER_LABELS

        res = energy[(energy["geo_level"] == "commune") & (energy["sector"] == "residentiel")]
        total = res.groupby(["carrier", "year"])["value"].sum()
        held = (out["_covered"] / total.reindex(out.index)).fillna(0.0)
        short = held < PARTR_COVERAGE
        if report is not None:
            report.notes += [
                f"parts thermosensibles : le partr de l'Agence ORE ({CARRIER_LABELS.get(carrier, carrier).lower()}, "
                f"{year}) ne couvre que {fmt.number(100 * h, 0)} % de la consommation résidentielle du territoire ; "
                "la part du tableau des parts thermosensibles est gardée" for (carrier, year), h in held[short].items()]
        out = out[~short]
    return out.reset_index().assign(sector="residentiel")[cols]


def _real_degree_days(read: Read, report: BuildReport | None
                      ) -> tuple[pd.DataFrame, RawFile, pd.DataFrame] | None:
    """Yearly degree-days of the daily temperature file (:func:`~pma_eval.sources.weather.heating_degree_days`):
    one file, one area (the ``region`` or ``departement`` option names it when the file holds several), and its
    monthly degree-days. Incomplete years are left out and said in the build report; missing days of the
    complete ones too."""
    from .. import fmt
    from ..sources.weather import heating_degree_days, monthly_heating_degree_days

    files = read.get("temperature_quotidienne", [])
    if not files:
        return None
    if len(files) > 1:
        raise InputDataError([Problem(f.display, "un seul fichier de températures quotidiennes est lu (data/raw) : "
                                      "retirez les autres ou déclarez « replaces » dans les métadonnées") for f, _ in files])
    f, daily = files[0]
    opts = f.meta.get("options") or {}
    level = str(daily["area_level"].iloc[0])
    wanted = opts.get(level)
    areas = sorted(set(daily["area_code"]))
    if wanted is None and len(areas) > 1:
        raise InputDataError([Problem(f.display + ".meta.yml", f"le fichier couvre {len(areas)} zones : indiquez "
                                      f"laquelle représente le territoire (options : {{{level}: code}})", column="options")])
    code = str(wanted) if wanted is not None else areas[0]
    daily = daily.loc[daily["area_code"] == code]
    if daily.empty:
        raise InputDataError([Problem(f.display + ".meta.yml", f"aucune ligne pour la zone {code} dans le fichier",
                                      column="options", value=code)])
    yearly = heating_degree_days(daily)
    yearly = yearly.assign(area=str(daily["area_name"].iloc[0]) or code)
    if report is not None:
        gaps = yearly.loc[yearly["complete"] & (yearly["days_missing"] > 0)]
        if len(gaps):
            report.notes.append(f"{f.display} : jours manquants dans la saison de chauffe, mois ramenés à leur durée : "
                                   + ", ".join(f"{r.year} ({fmt.count(int(r.days_missing), 'jour')})"
                                               for r in gaps.itertuples()))
        for r in yearly.loc[~yearly["complete"]].itertuples():
            missing = fmt.count(int(r.days_missing), "jour manquant", "jours manquants")
            report.notes.append(f"{f.display} : {r.year} incomplet ({missing} dans la saison de chauffe), "
                                   "année sans degrés-jours")
    return yearly, f, monthly_heating_degree_days(daily)


def _national_degree_days(read: Read, real: tuple, years: list[int], report: BuildReport | None
                          ) -> tuple[pd.DataFrame, RawFile] | None:
    """Degree-days of ``years`` estimated from the SDES national index (:func:`~pma_eval.sources.weather.
    national_index_degree_days`), nature ``estimated``; a year without the index of every month of the season
    has none, and the build says which cell was unreadable."""
    from .. import fmt
    from ..sources.weather import HEATING_SEASON_MONTHS, NATIONAL_INDEX_RULE, national_index_degree_days

    files = read.get("sdes_indice_rigueur", [])
    if not files or real is None:
        return None
    if len(files) > 1:
        raise InputDataError([Problem(f.display, "un seul fichier d'indice de rigueur est lu (data/raw) : retirez les "
                                      "autres ou déclarez « replaces » dans les métadonnées") for f, _ in files])
    f, index = files[0]
    yearly, _, monthly = real
    estimates, k, gaps = national_index_degree_days(index, monthly, yearly)
    if estimates.empty:
        return None
    both = sorted(int(y) for y in gaps.index)
    calib = ", ".join(str(y) for y in both)
    source = (f"{f.path.name} : {NATIONAL_INDEX_RULE} (× {fmt.number(k, 3)}, années {calib} ; écart de l'estimation "
              f"aux degrés-jours réels de {fmt.percent(gaps.min(), 1, signed=True)} à "
              f"{fmt.percent(gaps.max(), 1, signed=True)})")
    out = estimates.loc[estimates["year"].isin(years)].assign(nature="estimated", source=source)
    if report is not None:
        for period, text, line in index.attrs.get("unreadable", []):
            if int(period[:4]) in years and int(period[5:]) in HEATING_SEASON_MONTHS:
                report.notes.append(f"{f.display}, ligne {line} : indice {period} illisible (« {text} », un nombre "
                                    "changé en date par un tableur), laissé inconnu : "
                                    f"{period[:4]} sans degrés-jours estimés d'après l'indice national")
    return out[["year", "dju", "nature", "source"]], f


def _span(years) -> str:
    """« 2012–2014 », or « 2015 » for one year."""
    ys = sorted(int(y) for y in years)
    return str(ys[0]) if ys[0] == ys[-1] else f"{ys[0]}–{ys[-1]}"


def yearly_degree_days(read: Read, report: BuildReport | None = None,
                       years: list[int] | None = None) -> tuple[pd.DataFrame, float, str] | None:
    """The degree-days of every year, the normal they refer to and the normal's description.

    Real degree-days (daily temperatures, :data:`~pma_eval.sources.weather.DJU_CONVENTION`) take
    precedence over a yearly table (``dju_annuels``) for every complete year they cover. With them, the
    normal is the mean of their complete years (period stated). Before them, the SDES national index
    (``sdes_indice_rigueur``, :data:`~pma_eval.sources.weather.NATIONAL_INDEX_RULE`) gives estimated
    degree-days, carried to the same normal, for ``years`` (the years of the energy table; those of the
    yearly table without it). A yearly table of another base or normal keeps only its index for the years
    it alone covers (its DJU ÷ its own normal), carried to the same normal (index × real normal), with its
    own nature — a base-18 demonstration normal is never set beside base-17 real values. Without real
    degree-days, the yearly table alone, as before.

    Returns ``(table, normal, normal_note)``; ``table``: ``year``, ``dju``, ``nature``, ``source`` and, for
    the real years, ``days_missing`` (days of the heating season absent from the daily file).
    """
    from .. import fmt
    from ..sources.weather import DJU_CONVENTION, MISSING_DAYS_RULE

    tables = read.get("dju_annuels", [])
    if len(tables) > 1:
        raise InputDataError([Problem(f.display, "un seul fichier de degrés-jours est lu (data/raw) : retirez les autres "
                                      "ou déclarez « replaces » dans les métadonnées") for f, _ in tables])
    real = _real_degree_days(read, report)
    table = None
    if tables:
        tf, dd = tables[0]
        table_normal = float((tf.meta.get("options") or {}).get("reference_dju") or dd["dju"].mean())
        table = dd.assign(nature=tf.nature, source=f"{tf.path.name} ({dd['station'].iloc[0]})")
    if real is None:
        if table is None:
            return None
        return table[["year", "dju", "nature", "source"]], table_normal, f"normale de {tf.path.name}"
    yearly, f = real[:2]
    got = yearly.loc[yearly["complete"]]
    if got.empty:
        raise InputDataError([Problem(f.display, "aucune année complète de températures quotidiennes")])
    normal = float(got["dju"].mean())
    first, last = int(got["year"].min()), int(got["year"].max())
    note = (f"normale : moyenne des degrés-jours réels des années complètes {first}–{last} "
            f"({fmt.count(len(got), 'année')}, {got['area'].iloc[0]})")
    out = got.assign(nature=f.nature,
                     source=f"{f.path.name} ({got['area'].iloc[0]}) : {DJU_CONVENTION} ; {MISSING_DAYS_RULE}")
    out = out[["year", "dju", "nature", "source", "days_missing"]]
    wanted = sorted(set(years if years is not None else (table["year"] if table is not None else [])) - set(out["year"]))
    national = _national_degree_days(read, real, wanted, report)
    if national is not None and len(national[0]):
        est, nf = national
        out = pd.concat([est, out], ignore_index=True)
        if report is not None:
            report.precedence.append(f"degrés-jours : {_span(est['year'])} estimés d'après l'indice national de rigueur "
                                     f"du SDES ({nf.path.name}), portés à la normale réelle")
    if table is not None:
        rest = table.loc[~table["year"].isin(set(out["year"]))]
        replaced = sorted(set(table["year"]) & set(got["year"]))
        if len(rest):
            base = ", base " + fmt.number_trimmed(float(rest["base"].iloc[0])) + " °C" if "base" in rest else ""
            rest = rest.assign(dju=rest["dju"] / table_normal * normal,
                               source=rest["source"] + f" : indice de l'année (DJU ÷ {fmt.number_trimmed(table_normal)}{base}) "
                                                       f"× normale réelle {fmt.number_trimmed(round(normal))}")
            out = pd.concat([rest[["year", "dju", "nature", "source"]], out], ignore_index=True)
        kept = sorted(rest["year"])
        if (replaced or kept) and report is not None:
            what = {"demonstration": "de démonstration", "estimated": "estimé"}.get(tf.nature, "observé")
            report.precedence.append(
                f"degrés-jours : {first}–{last} réels ({f.path.name})"
                + (f" au lieu de {tf.path.name} pour {_span(replaced)}" if replaced else "")
                + (f" ; {_span(kept)} {'gardent' if len(kept) > 1 else 'garde'} l'indice {what} de {tf.path.name}, "
                   "porté à la normale réelle" if kept else ""))
    return out.sort_values("year").reset_index(drop=True), normal, note


def climate(read: Read, energy: pd.DataFrame | None, territory: Territory,
            report: BuildReport | None = None) -> dict[str, pd.DataFrame]:
    """Heating degree-days of the year and the climate-corrected energy consumption.

    ``climate`` (every commune, EPCI and the Pôle: one station or one region stands for the territory):
    ``dju``, ``dju_reference`` (the normal, see :func:`yearly_degree_days`), ``climate_index`` = DJU /
    normal, each year with its own nature (real years observed, the others those of their file), and
    ``days_missing`` for the years computed from daily temperatures.
    ``energy_corrected``: each value of the energy table divided by
    :func:`~pma_eval.sources.weather.correction_factor` with the thermosensitive share of its sector and
    energy (0, hence unchanged, where none is given); a corrected value carries the least reliable nature
    of the consumption, the degree-days of its year and the share. Years without degree-days have no
    corrected value.
    """
    from ..sources.weather import correction_factor

    got = yearly_degree_days(read, report, None if energy is None else sorted(int(y) for y in energy["year"].unique()))
    if got is None:
        return {}
    dd, reference, note = got
    geos = ([("pma", territory.code)] + [("epci", c) for c in territory.epcis["epci_siren"]]
            + [("commune", c) for c in territory.communes["code_insee"]])
    parts = [dd.assign(variable="dju", value=dd["dju"]),
             dd.assign(variable="dju_reference", value=reference, source=note),
             dd.assign(variable="climate_index", value=dd["dju"] / reference)]
    if "days_missing" in dd:  # counted, never summed as 0 (sources.weather.MISSING_DAYS_RULE)
        counted = dd.dropna(subset=["days_missing"])
        parts.append(counted.assign(variable="days_missing", value=counted["days_missing"].astype(float)))
    per_year = pd.concat(parts, ignore_index=True)
    unit = {"dju": stored_unit("DJU"), "dju_reference": stored_unit("DJU"), "climate_index": stored_unit("indice"),
            "days_missing": stored_unit("nombre")}
    clim = pd.concat([per_year.assign(geo_level=lvl, geo_code=code) for lvl, code in geos], ignore_index=True)
    clim = clim.assign(complete=True, origin="given", unit=clim["variable"].map(unit))[
        ["geo_level", "geo_code", "year", "variable", "value", "unit", "nature", "source", "complete", "origin"]]
    out = {"climate": clim}
    shares = [df.assign(share_nature=sf.nature, share_source=sf.path.name)
              for sf, df in read.get("parts_thermosensibles", [])]
    ore = ore_thermosensitivity(read, energy, report)
    if energy is None or (not shares and ore.empty):
        return out
    cols = ["sector", "carrier", "share", "share_nature", "share_source"]
    sh = (pd.concat(shares, ignore_index=True).drop_duplicates(["sector", "carrier"], keep="last")[cols] if shares
          else pd.DataFrame(columns=cols))
    e = (energy.merge(dd[["year", "dju", "nature"]].rename(columns={"nature": "dju_nature"}), on="year", how="inner")
         .merge(sh, on=["sector", "carrier"], how="left"))
    if not ore.empty:  # the Agence ORE's partr of the year, where published, before the table's share
        e = e.merge(ore, on=["sector", "carrier", "year"], how="left", suffixes=("", "_ore"))
        has = e["share_ore"].notna()
        for c in ("share", "share_nature", "share_source"):
            e.loc[has, c] = e.loc[has, c + "_ore"]
        e = e.drop(columns=[c for c in e.columns if c.endswith("_ore")])
    sensitive = e["share"].fillna(0) > 0
    e["value"] = e["value"] / correction_factor(e["share"].fillna(0.0), e["dju"], reference)
    e.loc[sensitive, "nature"] = [n if n == "secret" else worst_nature([n, s_, d_]) for n, s_, d_ in
                                  zip(e.loc[sensitive, "nature"], e.loc[sensitive, "share_nature"],
                                      e.loc[sensitive, "dju_nature"])]
    e.loc[sensitive, "source"] = e.loc[sensitive, "source"].astype(str) + " ; corrigé du climat"
    out["energy_corrected"] = e.drop(columns=["dju", "dju_nature", "share", "share_nature", "share_source"])
    return out


def renewables_heat(read: Read, territory: Territory, report: BuildReport) -> pd.DataFrame | None:
    """Renewable heat and gas by source: production [MWh]; injection sites and their yearly capacity
    [MWh a year] for biomethane.

    The production template gives a source's production where it is entered (commune, EPCI or Pôle).
    The biomethane register gives sites and capacities, not injected energy (its yearly-injection
    columns, where present, give production): see :func:`biomethane_in_service` for the year rule. It
    lists every site of France, so a commune without a site has 0 sites, observed.
    """
    cols = ["geo_level", "geo_code", "year", "technology", "variable", "value", "nature", "file_nature", "source",
            "complete"]
    parts = [df.assign(variable="production", nature=f.nature, file_nature=f.nature, complete=True)[cols]
             for f, df in read.get("production_enr_chaleur_gaz", []) if not df.empty]
    for f, df in read.get("odre_biomethane", []):
        opts = f.meta.get("options") or {}
        last = int(opts.get("snapshot_year") or 0)
        date = pd.Timestamp(str(opts["snapshot_date"])) if opts.get("snapshot_date") else None
        rows = []
        if last and "capacity_mwh" in df:
            first = df.attrs.get("first_commissioning")
            for y, live in biomethane_in_service(df, last, int(first[:4]) if first else None).items():
                n, cap = live.groupby("code_insee").size(), live.groupby("code_insee")["capacity_mwh"].sum()
                # The register's own year is known only up to its date: a lower bound.
                whole = date is None or y < last or (date.month, date.day) == (12, 31)
                for code in territory.communes["code_insee"]:
                    rows += [{"geo_code": code, "year": y, "variable": "installations", "value": float(n.get(code, 0)),
                              "complete": whole},
                             {"geo_code": code, "year": y, "variable": "injection_capacity",
                              "value": float(cap.get(code, 0.0)), "complete": whole}]
        if "injected_mwh" in df:
            inj = df.dropna(subset=["injected_mwh"]).groupby(["code_insee", "year"], as_index=False)["injected_mwh"].sum()
            rows += [{"geo_code": r.code_insee, "year": int(r.year), "variable": "production",
                      "value": float(r.injected_mwh), "complete": True} for r in inj.itertuples()]
        if rows:
            parts.append(pd.DataFrame(rows).assign(geo_level="commune", technology="biomethane", nature=f.nature,
                                                   file_nature=f.nature, source=f.path.name)[cols])
    if not parts:
        return None
    out = combine(pd.concat(parts, ignore_index=True), ["year", "technology", "variable"],
                  ["geo_level", "geo_code", "year", "technology", "variable"], territory, report,
                  "chaleur et gaz renouvelables")
    out["unit"] = out["variable"].map({"production": stored_unit("MWh"), "injection_capacity": stored_unit("MWh"),
                                       "installations": stored_unit("nombre")})
    # A Pôle value summed from EPCIs that do not all have the source entered is a lower bound.
    k = ["year", "technology", "variable"]
    n_epci = out[out["geo_level"] == "epci"].groupby(k)["geo_code"].nunique()
    pma = out["geo_level"] == "pma"
    short = out.loc[pma, k].apply(tuple, axis=1).map(n_epci).fillna(0) < len(territory.epcis)
    out.loc[short[short].index, "complete"] = False
    out["vector"] = out["technology"].map(HEAT_GAS_VECTOR)
    return out


def register_extent(f: RawFile, report: BuildReport) -> str:
    """What a register speaks for: the ``etendue`` of its metadata (``data add`` writes it). A real file added
    before that rule is read as before (the agglomerations it has rows in), with a warning."""
    from ..sources.layouts import EXTENTS

    extent = f.meta.get("etendue")
    if extent is None:
        if f.nature != "demonstration":  # the demonstration registers are generated for the whole territory
            report.warnings.append(
                f"{f.display} : étendue non déclarée ; il est lu comme couvrant {EXTENTS['epci']}. Ajoutez "
                "« etendue: communes », « epci » ou « departement » à ses métadonnées")
        return "epci"
    if extent not in EXTENTS:
        raise InputDataError([Problem(f.display + ".meta.yml", f"étendue inconnue (étendues admises : {', '.join(EXTENTS)})",
                                      column="etendue", value=str(extent))])
    return extent


def biomethane_in_service(sites: pd.DataFrame, last: int, first: int | None = None) -> dict[int, pd.DataFrame]:
    """Sites of the biomethane register in service at 31 December of each year, from ``first`` (the
    register's first commissioning anywhere; else the sites' first) to the register's year ``last``.

    Rule: a site counts in year Y if it was commissioned on or before 31/12/Y and not closed on or
    before 31/12/Y (so it counts in its commissioning year, and not in its closing year). A site the
    register says closed without a date counts until the year before the register's. A site without a
    commissioning date counts in the register's year only. For the register's year itself, the state
    is that of the register's date (sites commissioned after it are not known). Rows repeated
    identically (same name, commune, date, capacity) count once.
    """
    s = sites.dropna(subset=["capacity_mwh"])
    s = s.drop_duplicates([c for c in ("name", "code_insee", "commissioning_date", "capacity_mwh") if c in s])
    if s["commissioning_year"].notna().any():
        first = min(first or last, int(s["commissioning_year"].min()))
    first = min(first or last, last)
    start = s["commissioning_year"].fillna(last)
    closing = s["closing_date"].dt.year if "closing_date" in s else pd.Series(float("nan"), index=s.index)
    if "open" in s:  # closed at an unknown date: closed by the register's year at the latest
        closing = closing.where(s["open"] | closing.notna(), last)
    return {y: s[(start <= y) & ~(closing <= y)] for y in range(first, last + 1)}


def renewables(read: Read, territory: Territory, report: BuildReport) -> pd.DataFrame | None:
    """Renewable (and other) electricity: capacity [kW], installations, production [MWh].

    A registry snapshot lists every installation of the area it was downloaded for, which its metadata
    names (:func:`register_extent`): its communes only, the whole EPCIs it has rows in, or whole
    départements. Within that area a commune without a row has no installation; outside it, a commune
    keeps its other values (demonstration, another file), and where nothing speaks for a commune its
    EPCI's and the Pôle's sums are incomplete.
    """
    parts = []
    c2e = territory.commune_to_epci
    covered: dict[int, set[str]] = {}  # per year, the communes an area file speaks for without a row
    for f, df in read.get("odre_registre", []):
        extent = register_extent(f, report)
        by = df.groupby(["code_insee", "year", "technology"])  # sums in pandas' own loops, not a Python call a group
        g = pd.DataFrame({"capacity": by["capacity_kw"].sum(), "installations": by["installations"].sum(),
                          "production": by["energy_mwh"].sum(min_count=1)}).reset_index()
        long = g.melt(id_vars=["code_insee", "year", "technology"], var_name="variable", value_name="value")
        departements = {c[:2] for c in g["code_insee"]}
        long = long.rename(columns={"code_insee": "geo_code"})
        # what the precedence covers: the row's commune, its whole EPCI, or every commune (whole départements)
        if extent == "communes":
            cover = ""
        elif extent == "departement" and all(c[:2] in departements for c in c2e):
            cover = "*"
        else:
            cover = long["geo_code"].map(c2e)
        parts.append(long.assign(geo_level="commune", nature=f.nature, file_nature=f.nature, source=f.path.name,
                                 complete=True, cover_geo=cover))
        for year, rows in g.groupby("year"):
            epcis = set(rows["code_insee"].map(c2e))
            covered.setdefault(int(year), set()).update(
                {c for c, e in c2e.items() if extent == "epci" and e in epcis
                 or extent == "departement" and c[:2] in departements})
    if not parts:
        return None

    def member_gaps(communes: pd.DataFrame, territory: Territory) -> pd.DataFrame:
        """(level, code, year) sums missing a commune that no file speaks for that year."""
        missing = [(c, y) for y, g in communes.groupby("year") for have in [set(g["geo_code"])]
                   for c in territory.communes["code_insee"] if c not in covered.get(int(y), set()) and c not in have]
        if not missing:
            return pd.DataFrame(columns=["geo_level", "geo_code", "year"])
        m = pd.DataFrame(missing, columns=["commune", "year"])
        return pd.concat([m.assign(geo_level="epci", geo_code=m["commune"].map(c2e)),
                          m.assign(geo_level="pma", geo_code=territory.code)])[["geo_level", "geo_code", "year"]] \
            .drop_duplicates()

    agg = combine(pd.concat(parts, ignore_index=True), ["year", "technology", "variable"],
                  ["geo_level", "geo_code", "year"], territory, report, "électricité renouvelable",
                  member_gaps=member_gaps)
    agg["unit"] = agg["variable"].map({"capacity": stored_unit("kW"), "installations": stored_unit("nombre"),
                                       "production": stored_unit("MWh")})
    agg["renewable"] = agg["technology"].map({t: r for t, r in TECHNOLOGIES.values()}).fillna(False).astype(bool)
    return agg


