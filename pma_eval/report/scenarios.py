"""Tables and figures of the scenario report, as report blocks (:mod:`pma_eval.report.blocks`).

Calculations are in :mod:`pma_eval.prospective` (``results``, ``forecast``, ``effort``); the
context comes from :mod:`pma_eval.report.foresight`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import charts, fmt
from ..evaluation.progress import SHORT_TERM_YEARS, period_start
from ..evaluation.targets import short_framework
from ..indicators import load_catalogue
from ..prospective import forecast, lever_contributions, sgpe_split
from ..prospective.cobenefits import air_cobenefits
from ..prospective.effort import (CARRIER_LEVERS, SCENARIO_COUNTERPARTS, SGPE_END, SGPE_START, carrier_emissions)
from ..prospective.forecast import MODEL_LABELS, annual_series, forecast_table
from ..prospective.model import calibration, central_value, uncovered_by_sector
from ..prospective.options import (HOLDERS, NOT_OBSERVED, PRODUCTION_LEVERS, OBSERVED, cumulated_quantity, observed_pace,
                                   required_efforts, yearly_cost)
from ..prospective.results import reference_effort, sector_gaps
from ..prospective.scenarios import HYPOTHESES, LEVER_LABELS, LEVERS
from ..prospective.trajectory import METHOD_LABELS
from ..territory import worst_nature
from ..vocabulary import CARRIER_LABELS, DIRECT_EMISSION_FACTORS, POLLUTANT_SHORT, SECTOR_LABELS
from .blocks import Bullets, Figure, Table, Text
from .context import formats_line
from .foresight import ForesightContext
from .statement import pace_text

DEMO_BANNER = ("Données de démonstration : hormis les émissions de l'inventaire IGT (≈ 2016), les populations et "
               "l'électricité résidentielle Enedis 2023, les séries de départ sont fictives (calées sur les données "
               "réelles). Les hypothèses des scénarios sont des hypothèses de travail, pas des objectifs adoptés.")
REFERENCE_FORMATS = ("tet_trajectoire", "ademe_parametres")
#: How a heating carrier of the boiler levers reads in « chauffées au … ».
BOILER_FUELS = {"produits_petroliers": "fioul", "gaz": "gaz"}


def source(ctx: ForesightContext) -> str:
    """Source line of the scenario charts: the model, then the reference files' producers (metadata)."""
    return ("pma-eval (modèle comptable des scénarios) ; " + formats_line(ctx.manifest, REFERENCE_FORMATS)
            + (" — séries de départ de démonstration" if ctx.is_demonstration else ""))


def natures(ctx: ForesightContext) -> frozenset[str]:
    """Natures behind a scenario figure: the history's, and the projections' (estimated, or
    demonstration when they start from demonstration values)."""
    return frozenset(set(ctx.emissions["nature"].dropna()) | {worst_nature(["estimated", ctx.base.nature])})


def history_label(history_natures) -> str:
    """The legend of the history line: « Observé » only when every value shown is observed."""
    n = set(history_natures)
    if n <= {"observed"}:
        return "Observé"
    if n == {"demonstration"}:
        return "Historique (démonstration)"
    if "demonstration" in n:
        return "Historique (observé et démonstration)"
    return "Historique (observé et estimé)"


def sgpe_frame(ctx: ForesightContext) -> pd.DataFrame:
    """The 2019 → 2030 effort of each sector split between SGPE levers, the boiler levers by the
    territory's own emissions of each carrier in 2019 and capped at its stock
    (:func:`pma_eval.prospective.effort.sgpe_split`). Raises ValueError when 2019 lacks a carrier."""
    key = ("sgpe",)
    if key not in ctx._cache:
        stock = carrier_emissions(ctx.energy_carriers, DIRECT_EMISSION_FACTORS, SGPE_START)
        ctx._cache[key] = sgpe_split(ctx.sgpe, reference_effort(ctx.reference, SGPE_START, SGPE_END), stock)
    return ctx._cache[key]


def kt(v: float, decimals: int = 0) -> str:
    """Tonnes of CO₂e as the report prints them: kilotonnes, no decimal unless asked (one rounding per
    quantity: a figure printed twice reads the same)."""
    return f"{fmt.number(v / 1000, decimals)}\u00a0kt CO₂e"


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
    out.append(f"En {ctx.year}, les émissions {ctx.of_name} s'élèvent à {kt(last)}. "
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


#: The territory's own strategy among the scenarios, and the scenario that follows the reference.
OWN_STRATEGY, TARGET_SCENARIO = "turbine", "snbc"


def decision_points(ctx: ForesightContext, year: int = 2030) -> Bullets:
    """« À décider » of the scenario report, by these rules, in this order: the effort no lever covers
    (scenarios with a target); the gap of the territory's own strategy to the reference trajectory in
    ``year``; the two levers that carry most of the target scenario's reductions in ``year``."""
    out = []
    uncovered = uncovered_sentence(ctx, year)
    if uncovered:
        out.append(uncovered)
    ref = ctx.reference_total
    if OWN_STRATEGY in ctx.scenarios and year in ctx.bands(OWN_STRATEGY).index and ref.get(year) == ref.get(year):
        gap = ctx.bands(OWN_STRATEGY).at[year, "p50"] - ref.get(year)
        title = ctx.scenarios[OWN_STRATEGY].title
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
                    "n'est saisi pour ce territoire (docs/polluants_air.md).")
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


REFERENCE_LABEL = "Trajectoire de référence (ADEME)"
SCENARIO_COLORS = ["#0072B2", "#009E73", "#CC79A7", "#56B4E9", "#E69F00", "#000000"]


def line_styles(ctx: ForesightContext) -> dict[str, tuple[str, object]]:
    """One colour and line style per scenario, the same on every chart; the reference in vermilion."""
    out = {REFERENCE_LABEL: ("#D55E00", (0, (4, 2)))}
    for k, s in enumerate(ctx.scenarios.values()):
        out[f"{s.title} (médiane)"] = (SCENARIO_COLORS[k % len(SCENARIO_COLORS)],
                                       charts.LINESTYLES[k % len(charts.LINESTYLES)])
    return out


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
           f"({kt(ctx.emissions_total.get(ctx.year))} en {ctx.year}), puis " + " ; ".join(parts)
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
                     scale=1000, ymax=ymax, history_label=history_label(ctx.emissions["nature"].dropna()))
    alt = (f"Graphique en éventail du scénario {s.title} : médiane {kt(b.at[2030, 'p50'])} en 2030 "
           f"(90 % des tirages entre {fmt.number(b.at[2030, 'p5'] / 1000, 0)} et {fmt.number(b.at[2030, 'p95'] / 1000, 0)} kt), "
           f"{kt(b.at[ctx.horizon, 'p50'])} en {ctx.horizon} (entre {fmt.number(b.at[ctx.horizon, 'p5'] / 1000, 0)} et "
           f"{fmt.number(b.at[ctx.horizon, 'p95'] / 1000, 0)} kt).")
    return Figure(fig, alt, f"Scénario « {s.title} » : médiane et bandes de {fmt.number(ctx.draws)} tirages Monte-Carlo",
                  b, (source(ctx),), natures(ctx))


def forecast_figure(ctx: ForesightContext, model: str = "damped") -> Figure:
    hist = annual_series(ctx.emissions_total)
    f = forecast(hist, ctx.horizon, model=model)
    forecast_source = "pma-eval (statsmodels ETSModel)" + (" — séries de démonstration" if ctx.is_demonstration else "")
    title = f"Prolongation statistique ({MODEL_LABELS[f.attrs['model']]})"
    history = history_label(ctx.emissions["nature"].dropna())
    if f.attrs["deterministic"]:  # a fixed curve plus noise: no interval (pma_eval.prospective.forecast)
        fig = charts.trajectories(hist, {"Prévision (ajustement déterministe, sans intervalle)": f["mean"]}, title,
                                  "kt CO₂e", forecast_source, scale=1000, history_label=history)
        interval = "ajustement déterministe, sans intervalle"
    else:
        fig = charts.fan(hist, f["mean"], (f["lower_80"], f["upper_80"]), (f["lower_95"], f["upper_95"]),
                         ("Prévision", "intervalle de prévision à 80 %", "intervalle de prévision à 95 %"),
                         title, "kt CO₂e", forecast_source, ctx.reference_total, scale=1000,
                         ymax=max(hist.max(), f["upper_95"].max()) * 1.05, history_label=history)
        interval = (f"intervalle à 95 % : {fmt.number(f.at[2030, 'lower_95'] / 1000, 0)} à "
                    f"{fmt.number(f.at[2030, 'upper_95'] / 1000, 0)} kt")
    alt = (f"Prévision statistique des émissions {ctx.of_name} par {MODEL_LABELS[f.attrs['model']]} : "
           f"{kt(f.at[2030, 'mean'])} en 2030 ({interval}), {kt(f.at[ctx.horizon, 'mean'])} en {ctx.horizon}.")
    return Figure(fig, alt, "Prolongation statistique des émissions passées, sans hypothèse d'action", f,
                  (forecast_source,), natures(ctx))


def _forecast_inputs(ctx: ForesightContext) -> dict[str, tuple[pd.Series, str]]:
    """The series the statistical baseline prolongs: total emissions, each sector, final energy."""
    series = {SECTOR_LABELS[s]: (g.set_index("year")["value"], "kt CO₂e")
              for s, g in ctx.emissions.groupby("sector", sort=False)}
    return {"Émissions totales": (ctx.emissions_total, "kt CO₂e"), **series,
            "Consommation d'énergie finale": (ctx.energy, "GWh")}


def _forecast_frame(ctx: ForesightContext, model: str) -> pd.DataFrame:
    key = ("forecast", model)
    if key not in ctx._cache:
        ctx._cache[key] = forecast_table(_forecast_inputs(ctx), ctx.horizon, model)
    return ctx._cache[key]


def _forecast_cell(r_, y: int) -> str:
    """« 812 (756 à 867) »: the forecast and its 95 % interval, in thousands, negative bounds at zero;
    one decimal when whole numbers would hide the interval; « 11 (sans intervalle) » for a deterministic fit."""
    mean = max(r_[f"mean_{y}"], 0) / 1000
    if r_["deterministic"]:
        return f"{fmt.number(mean, 0)} (sans intervalle)"
    lo, hi = max(r_[f"lower_95_{y}"], 0) / 1000, r_[f"upper_95_{y}"] / 1000
    d = 1 if round(lo) == round(hi) else 0
    return f"{fmt.number(mean, d)} ({fmt.number(lo, d)} à {fmt.number(hi, d)})"


def forecast_summary(ctx: ForesightContext, model: str = "damped") -> Table:
    t = _forecast_frame(ctx, model)
    last = worst_nature(ctx.emissions.loc[ctx.emissions["year"] == ctx.year, "nature"])
    last_col = f"{ctx.year} ({ {'observed': 'observé', 'estimated': 'estimé'}.get(last, 'démonstration')})"
    h = ctx.horizon
    rows = [{"Série": r_["series"], "Unité": r_["unit"], last_col: fmt.number(r_["last"] / 1000, 0),
             "2030 (intervalle à 95 %)": _forecast_cell(r_, 2030), f"{h} (intervalle à 95 %)": _forecast_cell(r_, h),
             "Modèle": MODEL_LABELS[r_["model"]]} for _, r_ in t.iterrows()]
    return Table(pd.DataFrame(rows), "Prolongation statistique de chaque série, sans hypothèse d'action "
                                     "(lissage exponentiel à tendance amortie ; valeurs négatives ramenées à zéro)",
                 numeric=[last_col], natures=natures(ctx))


def forecast_note(ctx: ForesightContext, model: str = "damped") -> Text:
    """What the forecast intervals are worth, and which series have none (deterministic fits)."""
    t = _forecast_frame(ctx, model)
    det = list(t.loc[t["deterministic"], "series"])
    text = ("Les intervalles de prévision (formule exacte du modèle à erreurs additives) mesurent la variabilité "
            "d'une année à l'autre que le modèle a vue, prolongée, en supposant exacts sa forme et ses paramètres : "
            "estimés sur une douzaine d'années, ils sous-estiment l'incertitude réelle et ne disent rien d'un "
            "changement de politique.")
    if det:
        names = [f"« {d} »" for d in det]
        listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " et " + names[-1]
        text += (f" Pour {'la série' if len(det) == 1 else 'les séries'} {listed}, l'ajustement est déterministe "
                 "(paramètres de lissage nuls : une courbe fixe plus un bruit) ; "
                 f"{'son' if len(det) == 1 else 'leur'} intervalle garderait la même largeur en 2030 et en {ctx.horizon} : "
                 "il n'est pas donné (« sans intervalle »).")
    return Text(text, natures=natures(ctx))


def energy_figure(ctx: ForesightContext) -> Figure:
    lines = {f"{s.title} (médiane)": ctx.bands(n, "energy")["p50"] for n, s in ctx.scenarios.items()}
    targets = []
    g = ctx.gaps
    if not g.empty:
        t = g[(g["indicator_id"] == "conso_energie_finale") & g["level"].notna()].drop_duplicates("target_id")
        targets = [(int(r_["target_year"]), float(r_["level"]),
                    f"{short_framework(r_['framework'])} {r_['target_year']}{'' if r_['verified'] else ' (à vérifier)'}")
                   for _, r_ in t.iterrows()]
    fig = charts.trajectories(ctx.energy, lines, f"Consommation d'énergie finale {ctx.of_name}", "GWh",
                              source(ctx), targets, scale=1000, styles=line_styles(ctx),
                              history_label=history_label(ctx.energy_natures))
    alt = (f"Courbes de la consommation d'énergie finale {ctx.of_name} : {fmt.number(ctx.energy.get(ctx.year) / 1000, 0)} GWh "
           f"en {ctx.year}, puis " + " ; ".join(f"{k} : {fmt.number(v.iloc[-1] / 1000, 0)} GWh en {ctx.horizon}"
                                                for k, v in lines.items()) + ".")
    return Figure(fig, alt, "Consommation d'énergie finale observée et projetée (médiane des tirages)",
                  pd.DataFrame(lines), (source(ctx),), natures(ctx))


def _contributions(ctx: ForesightContext, name: str, year: int) -> pd.Series:
    """Emissions avoided in ``year`` by each lever of a scenario [kt CO₂e], computed once per report."""
    key = ("levers", name, year)
    if key not in ctx._cache:
        s = ctx.scenarios[name]
        c = lever_contributions(s, ctx.base, year, ctx.horizon, ctx.reference)
        labels = {**LEVER_LABELS, "complement": "Effort complémentaire non affecté"}
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
    fig = charts.bars(c, f"Scénario « {s.title} » : émissions évitées en {year} par levier", "kt CO₂e évitées",
                      source(ctx), decimals=0, xmax=top * 1.18 if top > 0 else None)
    alt = (f"Barres horizontales des émissions évitées en {year} par levier dans le scénario {s.title}, "
           f"par rapport à sa propre tendance : " + " ; ".join(f"{k} : {fmt.number(v, 0)} kt" for k, v in c.items()) + ".")
    return Figure(fig, alt, f"Émissions évitées en {year} par levier (attribution séquentielle), même échelle pour "
                            "tous les scénarios", c, (source(ctx),), natures(ctx))


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
        row = {"Objectif": f"{_indicator_label(first['indicator_id'])} — {short_framework(first['framework'])} : "
                           f"{first['description']}{'' if first['verified'] else ' (à vérifier)'}",
               "Niveau visé": f"{fmt.number(first['level'] / 1000, 0)} {unit}",
               f"Rythme requis depuis {ctx.year}": fmt.percent(first["required_rate"], 1, signed=True) + " par an"}
        for _, r_ in t.iterrows():
            row[ctx.scenarios[r_["scenario"]].title] = f"{fmt.number(r_['gap'] / 1000, 0, signed=True)} {unit}"
        rows.append(row)
    what = "objectifs sectoriels" if sectoral else "objectifs d'émissions totales et de consommation d'énergie"
    return Table(pd.DataFrame(rows), f"Écart de la médiane de chaque scénario (colonnes de droite) au niveau "
                                          f"visé, {what} (positif : objectif manqué)",
                      long=True, natures=natures(ctx))


def _indicator_label(iid: str) -> str:
    return load_catalogue()[iid].short_title


def reference_table(ctx: ForesightContext) -> Table:
    ref = ctx.reference
    rows = []
    for s, g in ref.groupby("sector", sort=False):
        g = g.set_index("year")
        rows.append({"Secteur": SECTOR_LABELS[s], "2015": kt(g.at[2015, "value"]),
                     "2030": kt(g.at[2030, "value"]), str(ctx.horizon): kt(g.at[ctx.horizon, "value"]),
                     f"Indice {ctx.horizon}": fmt.number(g.at[ctx.horizon, "index"], 2),
                     "Méthode": METHOD_LABELS[g["method"].iloc[0]]})
    cap = ("Trajectoire de référence par secteur (somme des trois agglomérations)" if ctx.geo_level == "pma"
           else "Trajectoire de référence par secteur")
    return Table(pd.DataFrame(rows), cap, numeric=["2015", "2030", str(ctx.horizon), f"Indice {ctx.horizon}"],
                 sources=(formats_line(ctx.manifest, REFERENCE_FORMATS),), natures=frozenset(ctx.reference["nature"]))


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
        from ..demonstration import EF as DEMO_FACTORS

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


def _value_text(v) -> str:
    """``4 000 (2 500 à 5 000)``: central value, then the range of its distribution."""
    if isinstance(v, dict):
        law = v["loi"]
        if law == "triangulaire":
            return f"{fmt.number_trimmed(v['mode'])} ({fmt.number_trimmed(v['min'])} à {fmt.number_trimmed(v['max'])})"
        if law == "uniforme":
            return f"{fmt.number_trimmed(central_value(v))} ({fmt.number_trimmed(v['min'])} à {fmt.number_trimmed(v['max'])}, uniforme)"
        return f"{fmt.number_trimmed(v['moyenne'])} (écart type {fmt.number_trimmed(v['ecart_type'])})"
    return fmt.number_trimmed(v)


def _calendar(params: dict) -> str:
    if not params or not any(k in params for k in ("debut", "fin", "forme")):
        return "—"
    shape = "courbe en S" if params.get("forme") == "s" else "linéaire"
    return f"{params.get('debut', '…')} → {params.get('fin', '…')}, {shape}"


def assumptions_table(ctx: ForesightContext) -> Table:
    """Every lever parameter and hypothesis, one column per scenario ("—" when not set)."""
    names = list(ctx.scenarios)
    rows = []
    for lever, params in LEVERS.items():
        used = [ctx.scenarios[n].levers.get(lever, {}) for n in names]
        if not any(used):
            continue
        for k, label in params.items():
            if k in ("debut", "fin", "forme") or not any(k in u for u in used):
                continue
            rows.append({"Hypothèse": f"{LEVER_LABELS[lever]} : {label}",
                         **{ctx.scenarios[n].title: "—" if k not in u else _value_text(u[k]) for n, u in zip(names, used)}})
        rows.append({"Hypothèse": f"{LEVER_LABELS[lever]} : calendrier (début → pleine valeur)",
                     **{ctx.scenarios[n].title: _calendar(u) for n, u in zip(names, used)}})
    for h, (kind, label) in HYPOTHESES.items():
        if kind == "valeur":
            vals = [ctx.scenarios[n].hypotheses.get(h) for n in names]
            if any(v is not None for v in vals):
                rows.append({"Hypothèse": f"Hypothèse commune : {label}",
                             **{ctx.scenarios[n].title: "—" if v is None else _value_text(v) for n, v in zip(names, vals)}})
            continue
        subs = sorted({s for n in names for s in (ctx.scenarios[n].hypotheses.get(h) or {})})
        for sub in subs:
            vals = [(ctx.scenarios[n].hypotheses.get(h) or {}).get(sub) for n in names]
            rows.append({"Hypothèse": f"Hypothèse commune : {label} — "
                                      f"{SECTOR_LABELS.get(sub) or CARRIER_LABELS.get(sub, sub)}",
                         **{ctx.scenarios[n].title: "—" if v is None else _value_text(v) for n, v in zip(names, vals)}})
    return Table(pd.DataFrame(rows), "Hypothèses de chaque scénario : valeur centrale, puis bornes de la loi "
                                          "d'incertitude (triangulaire sauf mention)", numeric=[], long=True)


def scenario_descriptions(ctx: ForesightContext) -> Bullets:
    items = []
    for sc in ctx.scenarios.values():
        heritage = f" Hérite de « {ctx.scenarios[sc.parent].title if sc.parent in ctx.scenarios else sc.parent} »." \
            if sc.parent else ""
        target = " Complété jusqu'à la trajectoire de référence." if sc.target else ""
        items.append((sc.title, f" ({sc.files[0]}) : {sc.description}{heritage}{target}"))
    return Bullets(items)
