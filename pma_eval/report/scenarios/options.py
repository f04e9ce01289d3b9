"""What each lever asks, against today's observed pace; its co-benefits and contributions."""

from __future__ import annotations

import pandas as pd

from ... import charts, fmt
from ...prospective import lever_contributions
from ...prospective.cobenefits import air_cobenefits
from ...prospective.model import uncovered_by_sector
from ...prospective.options import (HOLDERS, NOT_OBSERVED, OBSERVED, PRODUCTION_LEVERS, observed_pace,
                                    required_efforts, yearly_cost)
from ...prospective.scenarios import LEVER_LABELS
from ...territory import worst_nature
from ...vocabulary import MARK_COLORS, POLLUTANT_SHORT
from ..blocks import Figure, Table, Text
from ..foresight import ForesightContext
from ..statement import pace_text
from .common import TARGET_SCENARIO, kt, natures, scenario_color, source

#: The bar of the effort no lever covers, beside the levers' bars.
COMPLEMENT_LABEL = "Effort complémentaire non affecté"


def _effort_text(r_) -> str:
    """« 6 000 logements rénovés par an (plein rythme en 2030) », « −30 % de consommation en 2040
    (−1,9 point par an de 2024 à 2040) », « 95 % des kilomètres … en 2045 (+4,5 points par an …) »."""
    if r_["kind"] == "rate":
        return f"{fmt.significant(r_['value'], 2)} {r_['what']} (plein rythme en {r_['end']})"
    points = r_["per_year"] * 100
    pace = (f"{'−' if r_['decrease'] else '+'}{fmt.number(points, 1)} point{'s' if round(points, 1) >= 2 else ''} "
            f"par an de {r_['start']} à {r_['end']}")
    return f"{'−' if r_['decrease'] else ''}{fmt.percent(r_['value'], 0)} {r_['what']} en {r_['end']} ({pace})"


def _observed_series(ctx: ForesightContext, table: str, code: str) -> tuple[pd.Series, str, bool]:
    """The observed series of a lever, its least reliable nature, and whether it is at normal climate."""
    frame = {"energy": ctx.energy_sectors, "emissions": ctx.emissions, "capacity": ctx.capacity}[table]
    if frame.empty:
        return pd.Series(dtype=float), "observed", False
    rows = frame[frame["technology" if table == "capacity" else "sector"] == code]
    normal = bool(rows["corrected"].all()) if "corrected" in rows and len(rows) else False
    return rows.groupby("year")["value"].sum(min_count=1), worst_nature(rows["nature"]), normal


def _observed_text(ctx: ForesightContext, lever: str) -> str:
    parts = [NOT_OBSERVED[lever]] if lever in NOT_OBSERVED else []
    table, code, label = OBSERVED[lever]
    series, nature, normal = _observed_series(ctx, table, code)
    pace = observed_pace(series, table)
    if pace is None:
        parts.append(f"{label} : série trop courte")
    else:
        when = (f"{pace['start']}-{pace['end']}" + (", à climat normal" if normal else "")
                + (", démonstration" if nature == "demonstration" else ""))
        unit = {"energy": "MWh", "emissions": "t CO₂e"}.get(table)
        parts.append(f"{label} : {fmt.significant(pace['value'] / 1000, 2, signed=True)} MWc par an ({when})"
                     if table == "capacity" else f"{label} : {pace_text(unit, pace['value'])} ({when})")
    return " ; ".join(parts)


def options_table(ctx: ForesightContext, name: str = TARGET_SCENARIO, year: int = 2030) -> Table | Text:
    """For each lever of a scenario: the yearly physical effort it asks (central values) against today's
    observed pace, who holds it, the emissions it avoids in ``year``, and an order-of-magnitude yearly
    cost where a referenced unit cost was entered (never otherwise)."""
    if name not in ctx.scenarios:
        name = next(iter(ctx.scenarios))
    sc = ctx.scenarios[name]
    efforts = required_efforts(sc, ctx.year, ctx.horizon)
    if efforts.empty:
        return Text(f"Le scénario « {sc.title} » ne fixe aucun levier.")
    costs = yearly_cost(efforts, ctx.unit_costs).set_index("lever")
    avoided = _contributions(ctx, name, year)
    rows = []
    for lever, g in efforts.groupby("lever", sort=False):
        label = LEVER_LABELS[lever]
        cost = (f"≈ {fmt.significant(costs.at[lever, 'cost'] / 1e6, 2)} M€ par an ({costs.at[lever, 'sources']})"
                if lever in costs.index else "non chiffré : aucun coût unitaire référencé")
        rows.append({"Levier": label, "Effort demandé": " ; ".join(_effort_text(r_) for _, r_ in g.iterrows()),
                     "Rythme observé": _observed_text(ctx, lever), "Qui le porte": HOLDERS[lever],
                     f"Évité en {year}": ("production (hors inventaire)" if lever in PRODUCTION_LEVERS else
                                          kt(avoided.get(label, 0.0) * 1000)),
                     "Coût annuel": cost})
    return Table(pd.DataFrame(rows), f"Options du scénario « {sc.title} » : l'effort physique que chaque levier "
                                     "demande (valeurs centrales) face au rythme observé, qui le porte, les émissions "
                                     f"évitées en {year} et un ordre de grandeur du coût là où un coût unitaire "
                                     "référencé est saisi", numeric=[], css="options", long=True,
                 sources=(source(ctx),), natures=natures(ctx))


def cobenefits_table(ctx: ForesightContext, name: str = TARGET_SCENARIO, year: int = 2030) -> Table | Text:
    """Air pollutants the levers of a scenario avoid in ``year`` by burning less fuel (an order of
    magnitude, :mod:`pma_eval.prospective.cobenefits`)."""
    if ctx.air is None or ctx.air.empty:
        return Text("Co-bénéfices pour la qualité de l'air non estimés : aucun inventaire des polluants de l'air "
                    "n'est saisi pour ce territoire.")
    if name not in ctx.scenarios:
        name = next(iter(ctx.scenarios))
    t = air_cobenefits(ctx.scenarios[name], ctx.base, ctx.air, year, ctx.horizon)
    if t.empty:
        return Text(f"Co-bénéfices pour la qualité de l'air non estimés : l'inventaire des polluants n'a pas "
                    f"l'année de départ {ctx.year}.")
    frame = pd.DataFrame({"Polluant": t["pollutant"].map(POLLUTANT_SHORT),
                          f"Émissions {ctx.year} (t, trois secteurs)": t["base"],
                          f"Évitées en {year} (t)": t["avoided"], "Soit": t["share"]})
    seen = frozenset(ctx.air.loc[ctx.air["year"] == ctx.year, "nature"]) | natures(ctx)
    return Table(frame, f"Co-bénéfices pour la qualité de l'air du scénario « {ctx.scenarios[name].title} » en {year} : "
                        "polluants évités par les combustibles que les leviers économisent (résidentiel, tertiaire, "
                        "transport routier ; ordre de grandeur)",
                 formats={f"Émissions {ctx.year} (t, trois secteurs)": lambda x: fmt.significant(x, 3),
                          f"Évitées en {year} (t)": lambda x: "non estimées" if pd.isna(x) else fmt.significant(x, 2),
                          "Soit": lambda x: "" if pd.isna(x) else fmt.percent(x, 0)},
                 numeric=[f"Émissions {ctx.year} (t, trois secteurs)", f"Évitées en {year} (t)", "Soit"],
                 sources=(source(ctx) + " ; inventaire des polluants de l'air",), natures=seen - {"secret"})


def _contributions(ctx: ForesightContext, name: str, year: int) -> pd.Series:
    """Emissions avoided in ``year`` by each lever of a scenario [kt CO₂e], computed once per report."""
    key = ("levers", name, year)
    if key not in ctx._cache:
        s = ctx.scenarios[name]
        c = lever_contributions(s, ctx.base, year, ctx.horizon, ctx.reference)
        labels = {**LEVER_LABELS, "complement": COMPLEMENT_LABEL}
        ctx._cache[key] = c[c.abs() > 0.5].rename(index=labels) / 1000
    return ctx._cache[key]


def _uncovered(ctx: ForesightContext, name: str, year: int) -> pd.Series:
    """The effort no lever of a scenario covers in ``year``, by sector [t CO₂e] (central values, the
    complement bar of the lever chart), computed once per report; empty without a target."""
    key = ("uncovered", name, year)
    if key not in ctx._cache:
        ctx._cache[key] = uncovered_by_sector(ctx.scenarios[name], ctx.base, year, ctx.horizon, ctx.reference)
    return ctx._cache[key]


def lever_figure(ctx: ForesightContext, name: str, year: int = 2030) -> Figure:
    """Avoided emissions by lever; every scenario's chart on the same scale, so that bars compare."""
    s = ctx.scenarios[name]
    c = _contributions(ctx, name, year)
    top = max((float(_contributions(ctx, n, year).max()) for n in ctx.scenarios), default=0.0)
    own = scenario_color(ctx, name)  # the scenario's colour; the effort no lever covers in the neutral mark
    colors = {k: MARK_COLORS["neutral"] if k == COMPLEMENT_LABEL else own for k in c.index}
    fig = charts.bars(c, f"Scénario « {s.title} » : émissions évitées en {year} par levier", "kt CO₂e évitées",
                      source(ctx), decimals=0, xmax=top * 1.18 if top > 0 else None, colors=colors)
    alt = (f"Barres horizontales des émissions évitées en {year} par levier dans le scénario {s.title}, "
           f"par rapport à sa propre tendance : " + " ; ".join(f"{k} : {fmt.number(v, 0)} kt" for k, v in c.items()) + ".")
    return Figure(fig, alt, f"Émissions évitées en {year} par levier (attribution séquentielle), même échelle pour "
                            "tous les scénarios", c, (source(ctx),), natures(ctx))
