"""The first page of the scenario report: summary table, key sentences, decision points."""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from ... import fmt
from ...config import REFERENCE_SCENARIOS, REFERENCE_SCENARIOS_DIR, TREND_SCENARIO, own_strategies
from ...prospective.results import sector_gaps
from ...vocabulary import SECTOR_LABELS
from ..blocks import Bullets, Table, Text
from ..foresight import ForesightContext
from .common import TARGET_SCENARIO, kt, natures, own_strategy, source
from .options import _contributions, _uncovered
from .trajectories import trend_sentence

log = logging.getLogger(__name__)


def summary_table(ctx: ForesightContext) -> Table:
    base_total = ctx.emissions_total.get(2015, np.nan)
    h = ctx.horizon

    def cell(b: pd.DataFrame, y: int) -> str:
        return (f"{fmt.number(b.at[y, 'p50'] / 1000, 0)} ({fmt.number(b.at[y, 'p5'] / 1000, 0)} à "
                f"{fmt.number(b.at[y, 'p95'] / 1000, 0)})")

    rows = []
    for name, s in ctx.scenarios.items():
        b, e = ctx.bands(name), ctx.bands(name, "energy")
        pv = np.median(ctx.results[name].renewables["solaire_pv"], axis=0)
        rows.append({"Scénario": s.title, "GES 2030 [kt CO₂e]": cell(b, 2030), f"GES {h} [kt CO₂e]": cell(b, h),
                     f"GES {h} / 2015": fmt.percent(b.at[h, "p50"] / base_total - 1, 0, signed=True),
                     f"Énergie {h} [GWh]": fmt.number(e.at[h, "p50"] / 1000, 0),
                     f"Photovoltaïque {h} [GWh]": fmt.number(pv[-1] / 1000, 0)})
    ref = ctx.reference_total
    rows.append({"Scénario": "Trajectoire de référence (ADEME)", "GES 2030 [kt CO₂e]": fmt.number(ref.get(2030) / 1000, 0),
                 f"GES {h} [kt CO₂e]": fmt.number(ref.get(h) / 1000, 0),
                 f"GES {h} / 2015": fmt.percent(ref.get(h) / base_total - 1, 0, signed=True),
                 f"Énergie {h} [GWh]": "—", f"Photovoltaïque {h} [GWh]": "—"})
    return Table(pd.DataFrame(rows), f"Les scénarios en chiffres {ctx.of_name} : médiane et, entre parenthèses, "
                                          f"90 % des {fmt.number(ctx.draws, 0)} tirages (graine {ctx.seed})",
                 sources=(source(ctx),), natures=natures(ctx))


def uncertainty_sentence(ctx: ForesightContext) -> Text:
    return Text(f"Chaque scénario est calculé {fmt.number(ctx.draws)} fois en tirant ses hypothèses incertaines "
            f"(graine {ctx.seed}) : la médiane et les bandes montrent la plage des hypothèses retenues (où tombent "
            "la moitié et 90 % des tirages), pas la probabilité que l'avenir s'y tienne.")


def key_sentences(ctx: ForesightContext) -> Bullets:
    """The few sentences an elected official reads first."""
    ref = ctx.reference_total
    out = []
    last = ctx.emissions_total.get(ctx.year)
    out.append(f"En {ctx.year}, les émissions {ctx.of_name} s'élèvent à {ctx.at_least(ctx.year)}{kt(last)}. "
               f"La trajectoire de référence (SNBC territorialisée) demande {kt(ref.get(2030))} en 2030 "
               f"et {kt(ref.get(ctx.horizon))} en {ctx.horizon}"
               + (f". Ce sont des émissions brutes, l'étalon de ce rapport. {NEUTRALITY}" if ctx.horizon >= 2050
                  else "."))
    trend = trend_sentence(ctx)
    if trend:
        out.append(trend)
    for name, s in ctx.scenarios.items():
        b = ctx.bands(name)
        gap30 = b.at[2030, "p50"] - ref.get(2030)
        verdict = ("atteint la trajectoire de référence en 2030" if gap30 <= 0.005 * ref.get(2030) else
                   f"reste au-dessus de la trajectoire de référence de {kt(gap30)} en 2030")
        out.append(f"Scénario « {s.title} » : {kt(b.at[ctx.horizon, 'p50'])} en {ctx.horizon} "
                   f"(plage des hypothèses retenues, 90 % des tirages : entre {fmt.number(b.at[ctx.horizon, 'p5'] / 1000, 0)} et "
                   f"{fmt.number(b.at[ctx.horizon, 'p95'] / 1000, 0)} kt) ; il {verdict}.")
    return Bullets(out, natures=natures(ctx))


#: What carbon neutrality means for a territory, said once (key sentences; the notebook's annex reads it).
NEUTRALITY = ("La neutralité carbone est un objectif national : un territoire ne peut pas être neutre à sa seule "
              "échelle, il y contribue (avis de l'ADEME, 2021) en suivant la trajectoire de ses émissions brutes et en "
              "développant ses puits de carbone. Ses émissions nettes (émissions moins séquestration) sont données "
              "pour information dans le rapport annuel, section « Séquestration de carbone et émissions nettes ».")


def no_strategy_sentence(ctx: ForesightContext) -> str:
    """What the report says when the territory has entered no strategy of its own (no scenario of its own branching
    off the trend, :func:`pma_eval.config.own_strategies`): that only the reference scenarios are run, and how to add
    one, in a reader's words; the file to write goes to the log, for the operator."""
    where = ctx.paths.own_scenarios
    shown = where.relative_to(ctx.paths.root) if where.is_relative_to(ctx.paths.root) else where
    log.warning("aucune stratégie locale pour le territoire « %s » (scénarios lus : %s) : pour en ajouter une, "
                "copier %s dans %s/ et y écrire la stratégie, <nom>.yml avec « parent: %s » (scenarios/README.md)",
                ctx.paths.territory, ", ".join(ctx.scenarios), " et ".join(f"scenarios/{REFERENCE_SCENARIOS_DIR}/{n}.yml"
                                                                          for n in REFERENCE_SCENARIOS),
                shown.as_posix(), TREND_SCENARIO)
    return ("Stratégie du territoire : aucune stratégie locale n'a été saisie pour ce territoire ; ce rapport ne "
            "calcule que les scénarios de référence (tendanciel et SNBC territorialisée). Pour qu'il la compare à la "
            "trajectoire de référence, le territoire peut décrire ses propres leviers chiffrés (logements rénovés "
            "et chaudières remplacées chaque année, photovoltaïque, mobilité, tertiaire, industrie…) comme un "
            "scénario qui part du tendanciel : il s'ajoutera aux scénarios de référence.")


def decision_points(ctx: ForesightContext, year: int = 2030) -> Bullets:
    """« À décider » of the scenario report, by these rules, in this order: the effort no lever covers
    (scenarios with a target); the gap of the territory's own strategy to the reference trajectory in
    ``year``; the two levers that carry most of the target scenario's reductions in ``year``."""
    out = []
    uncovered = uncovered_sentence(ctx, year)
    if uncovered:
        out.append(uncovered)
    ref = ctx.reference_total
    own = own_strategy(ctx)
    if own is None and not own_strategies(ctx.paths):
        out.append(no_strategy_sentence(ctx))
    if own and year in ctx.bands(own).index and ref.get(year) == ref.get(year):
        gap = ctx.bands(own).at[year, "p50"] - ref.get(year)
        title = ctx.scenarios[own].title
        out.append(f"Stratégie du territoire : le scénario « {title} » reste au-dessus de la trajectoire de référence "
                   f"de {kt(gap)} en {year} (médiane) ; ses leviers sont à renforcer ou "
                   "à compléter." if gap > 0.005 * ref.get(year) else
                   f"Stratégie du territoire : le scénario « {title} » atteint la trajectoire de référence en {year} "
                   "(médiane) ; il reste à tenir le rythme de ses leviers.")
    name = TARGET_SCENARIO if TARGET_SCENARIO in ctx.scenarios else next(iter(ctx.scenarios), None)
    if name:
        c = _contributions(ctx, name, year).drop("Effort complémentaire non affecté", errors="ignore")
        top = c.sort_values(ascending=False).head(2)
        if len(top) and top.iloc[0] > 0:
            out.append(f"Leviers principaux du scénario « {ctx.scenarios[name].title} » en {year}, à engager d'abord : "
                       + " ; ".join(f"{k.lower()} : {kt(v * 1000)} évitées" for k, v in top.items()) + ".")
    return Bullets(out, natures=natures(ctx))


def target_scenario_note(ctx: ForesightContext, name: str = TARGET_SCENARIO) -> Text | None:
    """Why the scenario held to the reference trajectory can pass below it: each sector is held to its
    own trajectory at most, and levers that run ahead of a sector's trajectory are not slowed down.
    None when the scenario never goes more than 1 kt below."""
    if name not in ctx.scenarios or ctx.scenarios[name].target != "trajectoire_reference":
        return None
    by_sector = sector_gaps(ctx.results[name], ctx.reference)
    total = by_sector.sum(axis=1, min_count=1)
    below = total[total < -0.005 * ctx.reference_total.reindex(total.index)]  # the tolerance of « atteint »
    if below.empty:
        return None
    worst = int(below.idxmin())
    sectors = by_sector.loc[worst]
    ahead = [f"{SECTOR_LABELS[s_].lower()} {kt(v)}" for s_, v in sectors.sort_values().items() if v < -1000]
    back = abs(total.iloc[-1]) <= 0.005 * ctx.reference_total.get(ctx.horizon, np.nan)
    return Text(f"Le scénario « {ctx.scenarios[name].title} » passe sous la trajectoire de référence de "
                f"{int(below.index.min())} à {int(below.index.max())}, jusqu'à {kt(-below.min())} en {worst} (somme des "
                "médianes des secteurs). Il est tenu à la trajectoire de chaque secteur au plus, jamais au moins : là où "
                "ses leviers vont plus vite que la trajectoire nationale du secteur au milieu de leur calendrier, "
                f"il passe dessous (en {worst} : " + ", ".join(ahead) + "). C'est un écart de calendrier, pas une "
                "marge qui dispenserait d'autres secteurs"
                + (f" : en {ctx.horizon}, il rejoint la trajectoire." if back else "."), natures=natures(ctx))


def uncovered_sentence(ctx: ForesightContext, year: int = 2030) -> str | None:
    """The effort no lever covers, for the first page: the complement of each scenario with a target,
    on central values (the same figure as the last bar of its lever chart)."""
    parts = []
    for name, sc in ctx.scenarios.items():
        if year > ctx.horizon or year <= ctx.year:
            continue
        total = float(_uncovered(ctx, name, year).sum())
        if round(total / 1000) > 0:
            parts.append(f"{kt(total)} dans le scénario « {sc.title} »")
    if not parts:
        return None
    return (f"Effort sans levier : pour suivre la trajectoire de référence en {year}, il manque "
            + " ; ".join(parts) + " (valeurs centrales des hypothèses) : des réductions qu'aucune action chiffrée ne "
            "porte encore, à attribuer à des leviers.")
