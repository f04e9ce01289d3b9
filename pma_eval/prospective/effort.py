"""The effort still needed: gaps to targets, required pace, split by lever and physical units.

Split of the 2019 → 2030 effort by lever (SGPE "simulateur territorial")
----------------------------------------------------------------------
The SGPE published, for each region, the emissions each lever should avoid by 2030 versus 2019
(``objCO2`` [kt CO2e]) and a ratio turning avoided kilotonnes into a physical quantity
(``ratioCO2toPhys``, e.g. thousands of electric cars per kt avoided). The workbench scales the
Hauts-de-France figures to the territory with this documented key:

    effort(l) = effort_T(s) × objCO2_HdF(l) / Σ_{l' in s} objCO2_HdF(l')

where ``s`` is the workbench sector of lever ``l`` and ``effort_T(s)`` the territory's own
reduction of sector ``s`` between 2019 and 2030 along its reference trajectory. The region's
shares within a sector thus split the territory's own need (rather than a population or
emissions key applied to regional totals, which would import the region's industrial mix —
Dunkirk's steel — into the Pôle). Carbon-sink levers (forests, hedges, grassland, soil cover,
land take, wood products) are left out: the workbench's inventory is gross emissions.

Levers that replace the boilers of one carrier (:data:`CARRIER_LEVERS`) are the exception: the
region's mix of heating fuels is not the territory's (31 % of the Hauts-de-France residential
effort is on fuel oil, against about 15 % of the Pôle's heating emissions). Together they keep
their regional share of the sector's effort, but split it by the territory's own direct
emissions of each carrier in 2019, ``E_T(s, c)``:

    effort(l) = effort_T(s) × Σ_{l' in C(s)} share_HdF(l') × E_T(s, c_l) / Σ_{l' in C(s)} E_T(s, c_l')

and no lever can take more than the whole stock of its carrier: ``effort(l) ≤ E_T(s, c_l)``
(every boiler of that fuel replaced). What the cap removes is reported as ``beyond_stock_t``:
effort that these levers cannot carry on the territory.

Physical translation: for levers whose unit is an extensive quantity (vehicles, dwellings, TWh,
Mt km, thousand hectares), ``Δphys = effort(l) × ratioCO2toPhys``; for intensive quantities
(L/100 km, kg per inhabitant, km per car, kg CO2/MWh) the ratio is a regional average change and
is kept as such (the territory is asked the same change of intensity as the region).

References
----------
SGPE / MTES-MCT, *planification-territoires*, ``src/lib/assets/data.json`` (MIT licence).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..evaluation.progress import pace_rate
from ..vocabulary import CARRIER_LABELS, SECTOR_LABELS, with_accents
from ..evaluation.targets import applies_to, describe_target

#: SGPE sector → workbench sector(s).
SGPE_SECTORS = {
    "Transport de voyageurs": "transport_routier",
    "Transport de marchandises": "transport_routier",
    "Résidentiel": "residentiel",
    "Tertiaire": "tertiaire",
    "Déchet": "dechets",
    "Agriculture, Forêts et Sols": "agriculture",
    "Industrie": "industrie_hors_energie",
    "Énergie": "branche_energie",
}
#: Levers about carbon sinks (not in a gross-emissions inventory).
SINK_LEVERS = ("co2_foret", "augm_couverts", "augm_haies", "augm_prairies", "reduc_artif", "co2_prodbois")
#: Physical unit of the boiler levers counted in energy (tertiary): translated by the territory's consumption.
ENERGY_UNIT = "TWh"
#: Levers whose physical unit is an intensity (regional change kept as such).
INTENSIVE_LEVERS = ("reduc_consovp", "augm_depla", "augm_covoit", "augm_vélotc", "augm_valodma", "reduc_proddma",
                    "reduc_chal")
#: Levers that replace the boilers of one carrier: split by the territory's own emissions of each carrier,
#: capped at its stock (module docstring).
CARRIER_LEVERS = {"reduc_rfioul": "produits_petroliers", "reduc_rgaz": "gaz",
                  "reduc_tfioul": "produits_petroliers", "reduc_tgaz": "gaz"}
#: The scenario parameter that replaces the same boilers as an SGPE lever (lever, key of the model).
SCENARIO_COUNTERPARTS = {"reduc_rfioul": ("chauffage", "chaudieres_fioul_par_an"),
                         "reduc_rgaz": ("chauffage", "chaudieres_gaz_par_an")}
#: Start and end of the SGPE effort (its objectives are for 2030 against 2019).
SGPE_START, SGPE_END = 2019, 2030

#: Indicator ids that targets of the scenario report refer to.
TARGET_INDICATORS = ("ges_total", "ges_batiments", "ges_transports", "ges_industrie_hors_energie", "ges_agriculture",
                     "ges_dechets", "ges_branche_energie", "conso_energie_finale")


def _indicator_sectors() -> dict[str, tuple[str, ...] | None]:
    """Indicator id → the sectors whose sum it is, read from the catalogue's ``calc.filter.sector``
    (None: every sector, i.e. a total)."""
    from ..indicators import load_catalogue

    cat, out = load_catalogue(), {}
    for iid in TARGET_INDICATORS:
        sector = (cat[iid].calc.get("filter") or {}).get("sector")
        out[iid] = None if sector is None else tuple([sector] if isinstance(sector, str) else sector)
    return out


#: Indicator ids of targets → sectors of the model whose sum they concern (from the catalogue).
INDICATOR_SECTORS = _indicator_sectors()


def target_levels(targets: pd.DataFrame, history: dict[str, pd.Series], geo_level: str, sigle: str,
                  years: tuple[int, ...] = (2030, 2050)) -> pd.DataFrame:
    """Absolute level each applicable target asks of the territory in ``years``.

    Parameters
    ----------
    targets : DataFrame
        The processed targets table.
    history : dict
        Indicator id → observed series of the territory (for relative targets' reference year).

    Returns
    -------
    DataFrame
        ``target_id``, ``framework``, ``indicator_id``, ``description``, ``verified``, ``target_year``,
        ``level`` (NaN when not assessable) and ``reason``.
    """
    rows = []
    for _, t in targets.iterrows():
        if int(t["target_year"]) not in years or t["indicator_id"] not in INDICATOR_SECTORS:
            continue
        if t["kind"] not in ("relative", "zero") or not applies_to(t, geo_level, sigle):
            continue
        s = history.get(t["indicator_id"], pd.Series(dtype=float)).dropna()
        level, reason = np.nan, ""
        if t["kind"] == "zero":
            level = 0.0
        elif pd.isna(t["ref_year"]) or int(t["ref_year"]) not in s.index:
            reason = f"année de référence ({t['ref_text'] or 'non précisée'}) hors des données disponibles"
        else:
            level = float(s[int(t["ref_year"])] * (1 + t["valeur"]))
        rows.append({"target_id": t["target_id"], "framework": t["framework"], "document": t["document"],
                     "indicator_id": t["indicator_id"],
                     "description": describe_target(t), "verified": bool(t["verified"]),
                     "target_year": int(t["target_year"]), "level": level, "reason": reason})
    return pd.DataFrame(rows)


def required_annual_rate(current: float, target: float, periods: int) -> float:
    """Annual rate to go from ``current`` to ``target`` in ``periods`` years, by the one pace rule of
    the verdicts (:func:`pma_eval.evaluation.progress.pace_rate`: linear, relative to ``current``)."""
    if periods <= 0 or not current:
        return np.nan
    return pace_rate(current, target, periods)


def gaps(projections: dict[str, pd.Series], levels: pd.DataFrame, last_year: int, last_value: dict[str, float]) -> pd.DataFrame:
    """Gap between each scenario's projection and each target, with the pace still required.

    Parameters
    ----------
    projections : dict
        Scenario name → projected series of the indicator (central or median), indexed by year.
    levels : DataFrame
        From :func:`target_levels`, for one indicator.
    last_year, last_value : int, dict
        Latest observed year and value per indicator id (start of the required pace).

    Returns
    -------
    DataFrame
        One row per (target, scenario): ``projected``, ``gap`` (projected − target level; positive =
        short of the target), ``gap_pct`` of the level of the latest year, ``required_rate``
        (annual rate from the latest year to the target, by the verdicts' rule) and ``required_slope``
        (the same pace in the indicator's unit per year, as the reports print it).
    """
    rows = []
    for _, t in levels.iterrows():
        current = last_value.get(t["indicator_id"], np.nan)
        rate = (required_annual_rate(current, t["level"], int(t["target_year"]) - last_year)
                if pd.notna(t["level"]) else np.nan)
        for name, proj in projections.items():
            p = float(proj.get(int(t["target_year"]), np.nan))
            gap = p - t["level"] if pd.notna(t["level"]) else np.nan
            slope = ((t["level"] - current) / (int(t["target_year"]) - last_year)
                     if pd.notna(t["level"]) and int(t["target_year"]) > last_year else np.nan)
            rows.append({**t.to_dict(), "scenario": name, "projected": p, "gap": gap,
                         "gap_pct": gap / current if current else np.nan, "required_rate": rate,
                         "required_slope": slope})
    return pd.DataFrame(rows)


def carrier_energy(energy: pd.DataFrame, year: int) -> dict[tuple[str, str], float]:
    """Consumption of each (sector, carrier) in ``year`` [MWh]; a carrier without a value is absent."""
    g = energy[energy["year"] == year].groupby(["sector", "carrier"])["value"].sum(min_count=1).dropna()
    return {(s, c): float(v) for (s, c), v in g.items()}


def carrier_emissions(energy: pd.DataFrame, factors: dict[str, float], year: int) -> dict[tuple[str, str], float]:
    """Direct emissions of each (sector, carrier) in ``year`` [t CO2e]: energy [MWh] × direct factor
    [t CO2e/MWh] (the model's factors, :data:`pma_eval.vocabulary.DIRECT_EMISSION_FACTORS`).

    ``energy``: long ``sector, carrier, year, value`` rows of one territory. A carrier without a value
    that year is absent (never a zero).
    """
    e = energy[(energy["year"] == year) & energy["carrier"].isin(list(factors))]
    g = e.groupby(["sector", "carrier"])["value"].sum(min_count=1).dropna()
    return {(s, c): float(v) * factors[c] for (s, c), v in g.items()}


def sgpe_split(levers: pd.DataFrame, effort_by_sector: dict[str, float],
               stock: dict[tuple[str, str], float], region: str = "Hauts-de-France",
               energy: dict[tuple[str, str], float] | None = None) -> pd.DataFrame:
    """Split the territory's 2019 → 2030 effort by SGPE lever and translate it into physical units.

    Parameters
    ----------
    levers : DataFrame
        The SGPE table (``regionName``, ``id``, ``leverName``, ``sector``, ``group``, ``objCO2``,
        ``startPoint2019``, ``ratioCO2toPhys``, ``unitPhys``).
    effort_by_sector : dict
        Workbench sector → reduction the territory needs between 2019 and 2030 [t CO2e] (positive).
    stock : dict
        (sector, carrier) → the territory's direct emissions of that carrier in 2019 [t CO2e]
        (:func:`carrier_emissions`): the key of the boiler levers and their cap.
    energy : dict, optional
        (sector, carrier) → the territory's consumption of that carrier in 2019 [MWh]
        (:func:`carrier_energy`). A boiler lever counted in energy (« TWh corr. de gaz… ») is then
        translated by the territory's own consumption — the same share of the 2019 level as its share of
        the 2019 emissions — and not by the SGPE's regional ratio, which would give the territory a stock
        it does not have (2,0 TWh of tertiary gas where it consumed 0,87).

    Returns
    -------
    DataFrame
        ``id``, ``lever``, ``sgpe_sector``, ``sector``, ``share_region`` (the lever's share of the
        sector's effort in the region), ``share`` (its share of the territory's sector effort, before the cap),
        ``effort_t`` [t CO2e], ``beyond_stock_t`` [t CO2e] (effort the cap removed; 0 for other levers),
        ``stock_t`` [t CO2e] and ``stock_phys`` (the carrier's stock in the lever's unit; NaN for other
        levers), ``physical`` and ``unit_phys`` (NaN when the SGPE gives no ratio), ``intensive``.

    Raises
    ------
    ValueError
        No lever for ``region``, or a boiler lever whose carrier has no emissions in ``stock`` while
        the others of its sector have some (the split would be wrong, not zero).
    """
    r = levers[(levers["regionName"] == region) & ~levers["id"].isin(SINK_LEVERS)].copy()
    if r.empty:
        raise ValueError(f"aucun levier SGPE pour la région « {region} »")
    r["sgpe_sector"] = r["sector"]
    r["sector"] = r["sector"].map(SGPE_SECTORS)
    r = r.dropna(subset=["sector"])
    r["share_region"] = r["objCO2"] / r.groupby("sector")["objCO2"].transform("sum")
    r["carrier"] = r["id"].map(CARRIER_LEVERS)
    switch = r["carrier"].notna()
    r["stock_t"] = [stock.get((s, c), np.nan) if isinstance(c, str) else np.nan
                    for s, c in zip(r["sector"], r["carrier"])]
    r["share"] = r["share_region"]
    for sector, g in r[switch].groupby("sector"):
        if not effort_by_sector.get(sector):
            continue  # no effort to split
        if g["stock_t"].isna().any():
            missing = " et ".join(CARRIER_LABELS[c].lower() for c in g.loc[g["stock_t"].isna(), "carrier"])
            raise ValueError(f"émissions de {SGPE_START} inconnues pour {missing} dans le secteur "
                             f"{SECTOR_LABELS[sector].lower()} : la répartition de l'effort entre chaudières n'est "
                             "pas calculable")
        total = g["stock_t"].sum()
        if total > 0:  # without any stock, the regional shares stay and the cap moves them beyond the stock
            r.loc[g.index, "share"] = g["share_region"].sum() * g["stock_t"] / total
    wanted = r["share"] * r["sector"].map(effort_by_sector).fillna(0.0)
    r["effort_t"] = np.where(switch, np.minimum(wanted, r["stock_t"].fillna(np.inf)), wanted)
    r["beyond_stock_t"] = wanted - r["effort_t"]
    r["intensive"] = r["id"].isin(INTENSIVE_LEVERS)
    ratio = r["ratioCO2toPhys"].astype(float)
    extensive = ratio * r["effort_t"] / 1000.0  # ratio is per kt
    regional_change = ratio * r["objCO2"]
    r["physical"] = np.where(ratio == 0, np.nan, np.where(r["intensive"], regional_change, extensive))
    r["stock_phys"] = np.where(switch & (ratio != 0), ratio.abs() * r["stock_t"] / 1000.0, np.nan)
    if energy is not None:
        in_energy = switch & r["unitPhys"].astype(str).str.startswith(ENERGY_UNIT) & (ratio != 0)
        mwh = pd.Series([energy.get((s, c), np.nan) if isinstance(c, str) else np.nan
                         for s, c in zip(r["sector"], r["carrier"])], index=r.index)
        own = in_energy & mwh.notna() & (r["stock_t"] > 0)
        r.loc[own, "stock_phys"] = mwh[own] / 1e6  # MWh → TWh
        r.loc[own, "physical"] = np.sign(ratio[own]) * r.loc[own, "effort_t"] / r.loc[own, "stock_t"] * r.loc[own, "stock_phys"]
    out = r.rename(columns={"leverName": "lever", "unitPhys": "unit_phys_sgpe"})
    out["unit_phys"] = [territory_unit(u, i) for u, i in zip(out["unit_phys_sgpe"], out["intensive"])]
    out["lever"] = out["lever"].map(with_accents)
    return out[["id", "lever", "sgpe_sector", "sector", "share_region", "share", "effort_t", "beyond_stock_t",
                "stock_t", "stock_phys", "physical", "unit_phys", "unit_phys_sgpe", "intensive"]].reset_index(drop=True)


def territory_unit(unit: str, intensive: bool) -> str:
    """The SGPE unit as it applies to the territory: an extensive quantity scaled to the territory's
    effort counts the territory's fleet, not the region's (« dans le parc régional » → « dans le parc du
    territoire »); abbreviations are spelled out. Intensive units (a regional average change) are kept."""
    u = " ".join(str(unit).split()).replace("résidences p.", "résidences principales").replace(" corr.", " corrigés")
    if not intensive:
        u = u.replace("dans le parc régional", "dans le parc du territoire")
    return u
