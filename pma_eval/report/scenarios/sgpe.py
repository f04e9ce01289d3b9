"""The SGPE's regional levers split to the territory, reconciled with the scenario; factor notes."""

from __future__ import annotations

import pandas as pd

from ... import fmt
from ...prospective import sgpe_split
from ...prospective.effort import (carrier_emissions, carrier_energy, CARRIER_LEVERS, SCENARIO_COUNTERPARTS, SGPE_END,
                                    SGPE_START)
from ...prospective.model import calibration
from ...prospective.options import cumulated_quantity
from ...prospective.results import reference_effort
from ...vocabulary import DIRECT_EMISSION_FACTORS, SECTOR_LABELS
from ..blocks import Bullets, Table, Text
from ..foresight import ForesightContext
from .common import BOILER_FUELS, TARGET_SCENARIO, kt, natures
from .options import _uncovered


def sgpe_frame(ctx: ForesightContext) -> pd.DataFrame:
    """The 2019 → 2030 effort of each sector split between SGPE levers, the boiler levers by the
    territory's own emissions of each carrier in 2019 and capped at its stock
    (:func:`pma_eval.prospective.effort.sgpe_split`). Raises ValueError when 2019 lacks a carrier."""
    key = ("sgpe",)
    if key not in ctx._cache:
        stock = carrier_emissions(ctx.energy_carriers, DIRECT_EMISSION_FACTORS, SGPE_START)
        ctx._cache[key] = sgpe_split(ctx.sgpe, reference_effort(ctx.reference, SGPE_START, SGPE_END), stock,
                                     energy=carrier_energy(ctx.energy_carriers, SGPE_START))
    return ctx._cache[key]


def _sgpe_physical(r_) -> str:
    """The physical translation of one lever; a boiler lever says which share of the 2019 stock it asks."""
    if pd.isna(r_["physical"]):
        return "—"
    if r_["intensive"]:
        return f"{fmt.significant(r_['physical'], 2, signed=True)} (évolution régionale) {r_['unit_phys']}"
    text = f"{fmt.significant(r_['physical'], 2)} {r_['unit_phys']}"
    if pd.notna(r_["stock_phys"]) and r_["stock_phys"] > 0:
        text += (f", soit {fmt.percent(abs(r_['physical']) / r_['stock_phys'], 0)} du niveau de {SGPE_START} "
                 f"({fmt.significant(r_['stock_phys'], 2)})")
    return text


def _sgpe_natures(ctx: ForesightContext) -> frozenset[str]:
    """The reference trajectory's natures, and those of the 2019 energy the boiler levers are split by."""
    e = ctx.energy_carriers
    start = e.loc[e["year"] == SGPE_START, "nature"] if not e.empty else pd.Series(dtype=str)
    return frozenset(ctx.reference["nature"]) | frozenset(start.dropna())


def sgpe_table(ctx: ForesightContext) -> Table | Text:
    try:
        t = sgpe_frame(ctx)
    except ValueError as err:
        return Text(f"Répartition de l'effort {SGPE_START} → {SGPE_END} par levier non calculée : {err}.")
    rows = []
    for sector, g in t.groupby("sector", sort=False):
        for _, r_ in g[g["effort_t"] > 0].iterrows():
            rows.append({"Levier (SGPE)": r_["lever"], "Secteur": SECTOR_LABELS[sector],
                         "Part du secteur": fmt.percent(r_["share"], 0), f"Effort {SGPE_START}→{SGPE_END}": kt(r_["effort_t"], 1),
                         "Traduction physique": _sgpe_physical(r_)})
        beyond = float(g["beyond_stock_t"].sum())
        if beyond > 0:
            rows.append({"Levier (SGPE)": "Au-delà du parc de chaudières du territoire", "Secteur": SECTOR_LABELS[sector],
                         "Part du secteur": fmt.percent(beyond / g["effort_t"].add(g["beyond_stock_t"]).sum(), 0),
                         f"Effort {SGPE_START}→{SGPE_END}": kt(beyond, 1),
                         "Traduction physique": "non couvert : toutes les chaudières concernées seraient déjà remplacées"})
    return Table(pd.DataFrame(rows), f"Répartition de l'effort {SGPE_START} → {SGPE_END} par levier (parts régionales "
                                     "SGPE Hauts-de-France appliquées à l'effort de chaque secteur du territoire ; "
                                     "changements de chaudière répartis selon les émissions du territoire par énergie "
                                     f"en {SGPE_START}, sans dépasser son parc)",
                 numeric=["Part du secteur", f"Effort {SGPE_START}→{SGPE_END}"], long=True, natures=_sgpe_natures(ctx))


def sgpe_reconciliation(ctx: ForesightContext, name: str = TARGET_SCENARIO) -> Bullets | None:
    """The SGPE split set against the target scenario: the effort its levers leave uncovered in
    ``SGPE_END`` by sector (the same quantity as the first page's), and, for each boiler lever, the
    homes the SGPE asks against the change observed since 2019 and the boilers the scenario replaces."""
    if name not in ctx.scenarios:
        return None
    try:
        t = sgpe_frame(ctx)
    except ValueError:
        return None
    sc, out = ctx.scenarios[name], []
    uncovered = _uncovered(ctx, name, SGPE_END)
    total = float(t["effort_t"].sum() + t["beyond_stock_t"].sum())
    if not uncovered.empty:
        parts = [f"{SECTOR_LABELS[s_].lower()} : {kt(v)}" for s_, v in uncovered.sort_values(ascending=False).items()
                 if round(v / 1000) > 0]
        out.append(f"Sur les {kt(total)} de l'effort {SGPE_START} → {SGPE_END}, le scénario « {sc.title} » laisse "
                   f"{kt(uncovered.sum())} sans levier chiffré en {SGPE_END} (l'effort sans levier de la première page)"
                   + (" : " + " ; ".join(parts) if parts else "") + ". Le reste est couvert par la baisse observée "
                   f"depuis {SGPE_START}, la tendance et les leviers du scénario.")
    beyond = float(t["beyond_stock_t"].sum())
    if beyond > 0:
        out.append(f"{kt(beyond, 1)} de l'effort des changements de chaudière dépassent le parc du territoire : "
                   "aucun remplacement de chaudière ne peut les porter, d'autres leviers doivent les prendre.")
    e = ctx.energy_carriers
    for _, r_ in t[t["id"].isin(list(SCENARIO_COUNTERPARTS)) & (t["effort_t"] > 0)].iterrows():
        lever, key = SCENARIO_COUNTERPARTS[r_["id"]]
        carrier, fuel = CARRIER_LEVERS[r_["id"]], BOILER_FUELS[CARRIER_LEVERS[r_["id"]]]
        homes_per_t = r_["stock_phys"] * 1000 / r_["stock_t"]  # the SGPE ratio, in homes per t CO2e
        text = (f"{r_['lever']} ({SECTOR_LABELS[r_['sector']].lower()}) : le SGPE demande "
                f"{fmt.significant(abs(r_['physical']) * 1000, 2)} résidences chauffées au {fuel} de moins de "
                f"{SGPE_START} à {SGPE_END}, sur {fmt.significant(r_['stock_phys'] * 1000, 2)} en {SGPE_START}.")
        rows = e[(e["sector"] == r_["sector"]) & (e["carrier"] == carrier)]
        by_year = rows.groupby("year")["value"].sum(min_count=1).dropna()
        if {SGPE_START, ctx.year} <= set(by_year.index):
            drop_t = (by_year[SGPE_START] - by_year[ctx.year]) * DIRECT_EMISSION_FACTORS[carrier]
            demo = " (démonstration)" if "demonstration" in set(rows["nature"]) else ""
            text += (f" De {SGPE_START} à {ctx.year}, ses émissions ont {'baissé' if drop_t >= 0 else 'augmenté'} de "
                     f"{kt(abs(drop_t))}{demo}, l'équivalent de {fmt.significant(abs(drop_t) * homes_per_t, 2)} "
                     "résidences au même ratio ;")
        replaced = cumulated_quantity(sc, lever, key, ctx.base.year, SGPE_END, ctx.horizon)
        text += (f" le scénario « {sc.title} » remplace {fmt.significant(replaced, 2)} chaudières au {fuel} de "
                 f"{ctx.base.year + 1} à {SGPE_END} (valeurs centrales).")
        out.append(text)
    return Bullets(out, natures=_sgpe_natures(ctx) | natures(ctx)) if out else None


def factor_note(ctx: ForesightContext) -> Text:
    """Which emission factors the model uses, and, on demonstration data, why another set appears
    elsewhere: the demonstration energy was inferred from the inventory with total (upstream) factors,
    and the difference between the two sets stays in the calibrated non-energy emissions."""
    f = DIRECT_EMISSION_FACTORS
    direct = (f"gaz naturel {fmt.number_trimmed(f['gaz'])}, produits pétroliers {fmt.number_trimmed(f['produits_petroliers'])}, "
              f"bois {fmt.number_trimmed(f['bois_energie'])}, électricité et chaleur des réseaux 0 t CO₂e/MWh")
    text = (f"Facteurs d'émission. Le modèle des scénarios applique les facteurs directs de la combustion chez le "
            f"consommateur ({direct}), ceux d'un inventaire cadastral comme celui du CITEPA.")
    if ctx.is_demonstration:
        from ...demonstration import EF as DEMO_FACTORS

        cal = calibration(ctx.base, f)
        parts = [f"{SECTOR_LABELS[s_].lower()} {kt(r_['non_energy'])} ({fmt.percent(r_['non_energy'] / r_['inventory'], 0)})"
                 for s_, r_ in cal.sort_values("non_energy", ascending=False).iterrows()
                 if r_["inventory"] > 0 and r_["non_energy"] >= 1000]
        text += (" Les consommations de démonstration ont été déduites des émissions de l'inventaire avec un autre jeu, "
                 f"des facteurs complets, amont compris (gaz {fmt.number_trimmed(DEMO_FACTORS['gaz'])}, fioul "
                 f"{fmt.number_trimmed(DEMO_FACTORS['produits_petroliers'])}, électricité "
                 f"{fmt.number_trimmed(DEMO_FACTORS['electricite'])} t CO₂e/MWh). Au calage, la part des émissions "
                 "que l'énergie et les facteurs directs n'expliquent pas est comptée comme non énergétique, et les "
                 "leviers de consommation ne la touchent pas ; avec ces consommations de démonstration, elle contient "
                 f"aussi l'écart entre les deux jeux (en {ctx.base.year} : " + ", ".join(parts) + "). Sur des "
                 "consommations mesurées, elle ne contiendrait que les émissions réellement non énergétiques "
                 "(fluides frigorigènes, procédés, élevage).")
    return Text(text, natures=natures(ctx))
