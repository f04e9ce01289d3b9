"""Energy and renewable sections of the annual report."""

from __future__ import annotations

import pandas as pd

from ... import charts, fmt
from ...territory import NATURE_LABELS_FR
from ...vocabulary import (CARRIER_LABELS, ENERGY_SECTORS, RENEWABLE_TECHNOLOGIES, REPORT_CARRIERS,
                           TECHNOLOGY_COLORS, TECHNOLOGY_HATCHES, TECHNOLOGY_LABELS)
from ..blocks import Figure, Table
from ..context import ReportContext, demo_years_sentence, display, source_line, value, wide


def carrier_table(ctx: ReportContext) -> Table:
    total, nt = value(ctx, "conso_energie_finale")
    rows, seen = [], {nt}
    for c in REPORT_CARRIERS:
        v, n = value(ctx, f"conso_{c}")
        seen.add(n)
        rows.append({"Énergie": CARRIER_LABELS[c], "Consommation (GWh)": v, "Part": v / total, "Nature": n})
    return Table(pd.DataFrame(rows), f"Consommation par énergie en {ctx.year}",
                 formats={"Consommation (GWh)": lambda x: display("MWh", x, with_unit=False),
                          "Part": lambda x: fmt.percent(x, 0), "Nature": NATURE_LABELS_FR.get},
                 numeric=["Consommation (GWh)", "Part"],
                 sources=(source_line(ctx, [f"conso_{c}" for c in REPORT_CARRIERS]),), natures=frozenset(seen))


def energy_figure(ctx: ReportContext) -> Figure:
    w, demo, seen = wide(ctx, "conso_", ENERGY_SECTORS)
    src = source_line(ctx, [f"conso_{s}" for s in ENERGY_SECTORS])
    fig = charts.stacked_sectors(w, f"Consommation d'énergie finale par secteur — {ctx.name}", "GWh", src,
                                 demo_years=demo, scale=1000)
    tot = w.sum(axis=1, min_count=1) / 1000
    first, last = int(w.index.min()), int(w.index.max())
    alt = (f"Histogramme empilé de la consommation d'énergie finale {ctx.of_name} par secteur, de {first} à {last} : "
           f"{fmt.number(tot[first], 0)} GWh en {first}, {fmt.number(tot[last], 0)} GWh en {last}." + demo_years_sentence(demo))
    return Figure(fig, alt, "Consommation d'énergie finale par secteur, toutes énergies", w, (src,), seen)


def enr_figure(ctx: ReportContext, title: str | None = None) -> Figure:
    w, demo, seen = wide(ctx, "enr_production_", RENEWABLE_TECHNOLOGIES)
    src = source_line(ctx, [f"enr_production_{t}" for t in RENEWABLE_TECHNOLOGIES])
    title = title or f"Production d'électricité renouvelable — {ctx.name}"

    def make():
        return charts.stacked(w, title, "GWh", src, TECHNOLOGY_LABELS, TECHNOLOGY_COLORS, TECHNOLOGY_HATCHES,
                              demo, scale=1000)

    tot = w.sum(axis=1, min_count=1) / 1000
    first, last = int(w.index.min()), int(w.index.max())
    alt = (f"Histogramme empilé de la production d'électricité renouvelable {ctx.of_name} par filière : "
           f"{fmt.number(tot[first], 0)} GWh en {first}, {fmt.number(tot[last], 0)} GWh en {last}." + demo_years_sentence(demo))
    return Figure(make(), alt, "Production d'électricité renouvelable par filière (registre au 31/12)", w, (src,),
                  seen, make)
