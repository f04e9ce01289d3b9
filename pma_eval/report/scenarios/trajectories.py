"""Trajectories to the horizon: scenarios against the reference, fans, energy, gaps."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ... import charts, fmt
from ...evaluation.progress import period_start, SHORT_TERM_YEARS
from ...evaluation.targets import named_framework, short_framework
from ...indicators import load_catalogue
from ...prospective.trajectory import METHOD_LABELS
from ...vocabulary import SECTOR_LABELS, members_noun, number_word
from ..blocks import Figure, Table, Text
from ...declaration import in_use_or_default
from ..context import epci_kinds, formats_line
from ..foresight import ForesightContext
from ..statement import pace_text
from .common import (REFERENCE_FORMATS, REFERENCE_LABEL, history_label, kt, line_styles, natures, scenario_color,
                     source)


def trend_sentence(ctx: ForesightContext, name: str = "tendanciel") -> str | None:
    """The trend scenario's pace to 2030 set against the observed short-term pace (same rule as the
    verdicts), and why they differ; None without that scenario or history."""
    if name not in ctx.scenarios or 2030 not in ctx.bands(name).index:
        return None
    hist = ctx.emissions_total.dropna()
    start = period_start(hist, SHORT_TERM_YEARS)
    if start is None or ctx.year not in hist.index:
        return None
    observed = (hist[ctx.year] - hist[start]) / (ctx.year - start)
    b = ctx.bands(name)
    projected = (b.at[2030, "p50"] - b.at[ctx.year, "p50"]) / (2030 - ctx.year)
    demo = ", ici sur des séries de démonstration," if "demonstration" in natures(ctx) else ""
    return (f"Le scénario « {ctx.scenarios[name].title} » fait varier les émissions de "
            f"{pace_text('t CO₂e', projected)} jusqu'en 2030, quand les émissions observées{demo} ont "
            f"varié de {pace_text('t CO₂e', observed)} de {start} à {ctx.year} (court terme) : il prolonge "
            "l'évolution de l'activité et de l'intensité énergétique sans nouvelle action, alors que l'évolution "
            "observée contient aussi les effets d'actions déjà faites, de la douceur des hivers et de la crise "
            "sanitaire de 2020, qui ne se répètent pas d'eux-mêmes.")


def trajectory_figure(ctx: ForesightContext) -> Figure:
    lines = {REFERENCE_LABEL: ctx.reference_total}
    for name, s in ctx.scenarios.items():
        lines[f"{s.title} (médiane)"] = ctx.bands(name)["p50"]
    targets = []
    g = ctx.gaps
    if not g.empty:
        t = g[(g["indicator_id"] == "ges_total") & g["level"].notna()].drop_duplicates("target_id")
        for _, row in t.iterrows():
            targets.append((int(row["target_year"]), float(row["level"]),
                            f"{short_framework(row['framework'])} {row['target_year']}{'' if row['verified'] else ' (à vérifier)'}"))
    fig = charts.trajectories(ctx.emissions_total, lines, f"Émissions {ctx.of_name} : scénarios et objectifs",
                              "kt CO₂e", source(ctx), targets, ctx.demo_years, scale=1000, styles=line_styles(ctx),
                              history_label=history_label(ctx.emissions["nature"].dropna()))
    parts = [f"{k} : {fmt.number(v.get(ctx.horizon, np.nan) / 1000, 0)} kt en {ctx.horizon}" for k, v in lines.items()]
    alt = (f"Courbes des émissions {ctx.of_name} : {history_label(ctx.emissions['nature'].dropna()).lower()} de "
           f"{int(ctx.emissions_total.index.min())} à {ctx.year} "
           f"({ctx.at_least(ctx.year)}{kt(ctx.emissions_total.get(ctx.year))} en {ctx.year}), puis " + " ; ".join(parts)
           + (". Objectifs : " + " ; ".join(f"{lab} : {fmt.number(v / 1000, 0)} kt en {y}" for y, v, lab in targets)
              if targets else "") + ".")
    return Figure(fig, alt, "Émissions observées, trajectoire de référence, médiane de chaque scénario et "
                                 "niveaux visés par les objectifs", pd.DataFrame(lines),
                  (source(ctx),), natures(ctx))


def fan_figure(ctx: ForesightContext, name: str) -> Figure:
    s = ctx.scenarios[name]
    b = ctx.bands(name)
    ymax = max(ctx.emissions_total.max(), b["p95"].max()) * 1.08
    fig = charts.fan(ctx.emissions_total, b["p50"], (b["p25"], b["p75"]), (b["p5"], b["p95"]),
                     ("Médiane", "50 % des tirages (P25–P75)", "90 % des tirages (P5–P95)"),
                     f"Scénario « {s.title} » : incertitude", "kt CO₂e", source(ctx), ctx.reference_total,
                     scale=1000, ymax=ymax, history_label=history_label(ctx.emissions["nature"].dropna()),
                     color=scenario_color(ctx, name))
    alt = (f"Graphique en éventail du scénario {s.title} : médiane {kt(b.at[2030, 'p50'])} en 2030 "
           f"(90 % des tirages entre {fmt.number(b.at[2030, 'p5'] / 1000, 0)} et {fmt.number(b.at[2030, 'p95'] / 1000, 0)} kt), "
           f"{kt(b.at[ctx.horizon, 'p50'])} en {ctx.horizon} (entre {fmt.number(b.at[ctx.horizon, 'p5'] / 1000, 0)} et "
           f"{fmt.number(b.at[ctx.horizon, 'p95'] / 1000, 0)} kt).")
    return Figure(fig, alt, f"Scénario « {s.title} » : médiane et bandes de {fmt.number(ctx.draws)} tirages Monte-Carlo",
                  b, (source(ctx),), natures(ctx))


def energy_figure(ctx: ForesightContext) -> Figure:
    """Final energy observed and projected, at normal climate where the corrected series is known (the
    base on which consumption targets are set and judged): the history is the corrected one and the
    projections are scaled by the base year's normal-over-raw factor."""
    normal = not ctx.energy_normal.dropna().empty
    history, k = (ctx.energy_normal, ctx.climate_factor) if normal else (ctx.energy, 1.0)
    lines = {f"{s.title} (médiane)": ctx.bands(n, "energy")["p50"] * k for n, s in ctx.scenarios.items()}
    targets = []
    g = ctx.gaps
    if not g.empty:
        t = g[(g["indicator_id"] == "conso_energie_finale") & g["level"].notna()].drop_duplicates("target_id")
        targets = [(int(r_["target_year"]), float(r_["level"]),
                    f"{short_framework(r_['framework'])} {r_['target_year']}{'' if r_['verified'] else ' (à vérifier)'}")
                   for _, r_ in t.iterrows()]
    climate = " à climat normal" if normal else ""
    fig = charts.trajectories(history, lines, f"Consommation d'énergie finale{climate} {ctx.of_name}", "GWh",
                              source(ctx), targets, scale=1000, styles=line_styles(ctx),
                              history_label=history_label(ctx.energy_natures))
    alt = (f"Courbes de la consommation d'énergie finale{climate} {ctx.of_name} : "
           f"{fmt.number(history.get(ctx.year) / 1000, 0)} GWh "
           f"en {ctx.year}, puis " + " ; ".join(f"{k} : {fmt.number(v.iloc[-1] / 1000, 0)} GWh en {ctx.horizon}"
                                                for k, v in lines.items()) + ".")
    return Figure(fig, alt, f"Consommation d'énergie finale{climate} observée et projetée (médiane des tirages)"
                  + (f" ; l'année {ctx.year}, "
                     f"{'plus douce' if history.get(ctx.year) > ctx.energy.get(ctx.year) else 'plus froide'} que la "
                     f"normale, est ramenée au climat normal "
                     f"({fmt.number((history.get(ctx.year) - ctx.energy.get(ctx.year)) / 1000, 0, signed=True)} GWh), "
                     "la base des objectifs de consommation" if normal else ""),
                  pd.DataFrame(lines), (source(ctx),), natures(ctx))


GLOBAL_INDICATORS = ("ges_total", "conso_energie_finale")


def gap_table_block(ctx: ForesightContext, sectoral: bool = False) -> Table | Text:
    """One row per assessable target: level asked, pace required, and the gap of each scenario.

    ``sectoral=False`` gives the targets on total emissions and final energy, ``True`` the sector
    targets (two tables that each fit on a page)."""
    g = ctx.gaps
    if not g.empty:
        g = g[g["level"].notna() & (g["indicator_id"].isin(GLOBAL_INDICATORS) != sectoral)]
    if g.empty:
        return Text("Aucun objectif évaluable pour ce territoire.")
    rows = []
    for _, t in g.groupby("target_id", sort=False):
        first = t.iloc[0]
        unit = "GWh" if first["indicator_id"] == "conso_energie_finale" else "kt"
        row = {"Objectif": f"{_indicator_label(first['indicator_id'])} — "
                           f"{named_framework(first['framework'], first.get('document', ''))} : "
                           f"{first['description']}{'' if first['verified'] else ' (à vérifier)'}",
               "Niveau visé": f"{fmt.number(first['level'] / 1000, 0)} {unit}",
               # every target here asks a decrease: a positive pace means the level is already met
               f"Encore nécessaire depuis {ctx.year}": ("déjà atteint" if first["required_slope"] > 0 else
                                                       pace_text("MWh" if unit == "GWh" else "t CO₂e",
                                                                 first["required_slope"]))}
        for _, r_ in t.iterrows():
            gap = round(r_["gap"] / 1000)  # a gap that rounds to zero is « 0 », never « −0 »
            row[ctx.scenarios[r_["scenario"]].title] = f"{fmt.number(gap, 0, signed=gap != 0)} {unit}"
        rows.append(row)
    what = "objectifs sectoriels" if sectoral else "objectifs d'émissions totales et de consommation d'énergie"
    return Table(pd.DataFrame(rows), f"Écart de la médiane de chaque scénario (colonnes de droite) au niveau "
                                          f"visé, {what} (positif : objectif manqué)",
                      long=True, natures=natures(ctx))


def _indicator_label(iid: str) -> str:
    return load_catalogue()[iid].short_title


def members_sum(ctx: ForesightContext) -> str:
    """« (somme des trois agglomérations) »: how the whole territory's reference trajectory is made
    (:func:`pma_eval.report.foresight.load_inputs` sums its EPCIs'), by the number and kind of its EPCIs from its
    declaration; '' for an EPCI's report and for a territory of one EPCI (its reference is its EPCI's)."""
    n = len(ctx.territory.epcis)
    if ctx.geo_level != "pma" or n < 2:
        return ""
    kinds = epci_kinds(in_use_or_default(ctx.paths)).values()
    return f" (somme des {number_word(n)} {members_noun(kinds)})"


def reference_table(ctx: ForesightContext) -> Table:
    ref = ctx.reference
    rows = []
    for s, g in ref.groupby("sector", sort=False):
        g = g.set_index("year")
        rows.append({"Secteur": SECTOR_LABELS[s], "2015": kt(g.at[2015, "value"]),
                     "2030": kt(g.at[2030, "value"]), str(ctx.horizon): kt(g.at[ctx.horizon, "value"]),
                     f"Indice {ctx.horizon}": fmt.number(g.at[ctx.horizon, "index"], 2),
                     "Méthode": METHOD_LABELS[g["method"].iloc[0]]})
    cap = "Trajectoire de référence par secteur" + members_sum(ctx)
    return Table(pd.DataFrame(rows), cap, numeric=["2015", "2030", str(ctx.horizon), f"Indice {ctx.horizon}"],
                 sources=(formats_line(ctx.manifest, REFERENCE_FORMATS),), natures=frozenset(ctx.reference["nature"]))
