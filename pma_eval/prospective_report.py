"""What the scenario report needs, loaded and computed once, and its tables and figures.

The report notebook (``notebooks/reports/prospective_scenarios.ipynb``) stays thin: it calls
:func:`load_foresight` then the ``*_html`` helpers below. Calculations live in
:mod:`pma_eval.prospective`; this module only assembles inputs (processed tables, reference
files, scenario files) and presents results in French.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from . import charts, fmt
from .config import DEFAULT_DRAWS, DEFAULT_HORIZON, DEFAULT_SCENARIOS, DEFAULT_SEED, Paths, get_paths
from .processed import load, load_territory
from .indicators import load_catalogue
from .errors import ConfigurationError
from .nomenclature import CARRIER_LABELS, SECTOR_LABELS
from .prospective import (base_state, bands, forecast, gaps, lever_contributions, national_index,
                          reference_trajectory, resolve, sgpe_split, simulate, sum_trajectories, target_levels,
                          to_iamc)
from .prospective.effort import INDICATOR_SECTORS
from .prospective.forecast import MODEL_LABELS
from .prospective.model import BaseState, Result, central_value
from .prospective.scenarios import HYPOTHESES, LEVER_LABELS, LEVERS, Scenario
from .prospective.trajectory import METHOD_LABELS
from .reporting import figure_html, html_table
from .sources.prospective import ademe_parameters, read_scenario_folder
from .territory import Territory

DEMO_BANNER = ("Données de démonstration : hormis les émissions de l'inventaire IGT (≈ 2016), les populations et "
               "l'électricité résidentielle Enedis 2023, les séries de départ sont fictives (calées sur les données "
               "réelles). Les hypothèses des scénarios sont des hypothèses de travail, pas des objectifs adoptés.")
SOURCE = "pma-eval (modèle comptable des scénarios), ADEME/TeT (trajectoire de référence)"


@dataclass
class ForesightContext:
    """Everything the scenario report shows, for one territory."""

    year: int
    horizon: int
    draws: int
    seed: int
    geo_level: str
    geo_code: str
    name: str
    of_name: str
    sigle: str
    territory: Territory
    scenarios: dict[str, Scenario]
    base: BaseState
    emissions: pd.DataFrame  # history: sector, year, value, nature
    energy: pd.Series  # history of total final energy [MWh] by year
    reference: pd.DataFrame
    results: dict[str, Result]
    targets: pd.DataFrame
    sgpe: pd.DataFrame
    paths: Paths
    _cache: dict = field(default_factory=dict)

    @property
    def emissions_total(self) -> pd.Series:
        return self.emissions.groupby("year")["value"].sum(min_count=1)

    @property
    def demo_years(self) -> set[int]:
        e = self.emissions
        return {int(y) for y in e.loc[e["nature"] == "demonstration", "year"].unique()}

    @property
    def is_demonstration(self) -> bool:
        return self.base.nature == "demonstration"

    @property
    def source(self) -> str:
        return SOURCE + (" — séries de départ de démonstration" if self.is_demonstration else "")


def _territory_rows(df: pd.DataFrame, level: str, code: str) -> pd.DataFrame:
    return df[(df["geo_level"] == level) & (df["geo_code"] == code)]




def select_scenarios(names: list[str] | None = None, paths: Paths | None = None) -> dict[str, Scenario]:
    """Read, check and resolve the scenario files, and return the requested ones in order.

    Raises :class:`InputDataError` (bad key, unknown parent: file and key named) or
    :class:`ConfigurationError` (unknown scenario name).
    """
    paths = paths or get_paths()
    resolved = resolve(read_scenario_folder(paths.scenarios, paths.root))
    names = list(names or DEFAULT_SCENARIOS)
    unknown = [n for n in names if n not in resolved]
    if unknown:
        raise ConfigurationError(f"scénario(s) inconnu(s) : {', '.join(unknown)} "
                                 f"(scénarios disponibles : {', '.join(sorted(resolved))})")
    return {n: resolved[n] for n in names}


def _common_years(emissions: pd.DataFrame, energy: pd.DataFrame) -> list[int]:
    """Years with both energy and emissions data (possible start years of the scenarios)."""
    return sorted(int(y) for y in set(emissions["year"]) & set(energy["year"]))


def start_year(paths: Paths | None = None) -> int:
    """Latest year with both energy and emissions data: the default start of the scenarios."""
    paths = paths or get_paths()
    return _common_years(load("emissions", paths), load("energy", paths))[-1]


def load_foresight(year: int | None = None, territoire: str = "PMA", scenarios: list[str] | None = None,
                   horizon: int = DEFAULT_HORIZON, draws: int = DEFAULT_DRAWS, seed: int = DEFAULT_SEED,
                   paths: Paths | None = None) -> ForesightContext:
    """Load the inputs of one territory and run the Monte Carlo of every selected scenario."""
    paths = paths or get_paths()
    territory = load_territory(paths)
    level, code = territory.resolve(territoire)
    if level == "commune":
        raise ConfigurationError("le rapport de prospective porte sur le Pôle ou un EPCI (PMA, CALL, CAHC, CABBALR)")
    if not 2030 <= horizon <= 2100:
        raise ConfigurationError(f"horizon {horizon} hors de la plage admise (2030 à 2100)")
    if draws < 100:
        raise ConfigurationError(f"au moins 100 tirages sont nécessaires pour des percentiles ({draws} demandés)")
    em_all = load("emissions", paths)
    em_all = em_all[em_all["in_total"].astype(bool)]
    en_all, rn_all = load("energy", paths), load("renewables", paths)
    common = _common_years(em_all, en_all)
    year = int(year or common[-1])
    if year not in common:
        raise ConfigurationError(f"année de départ {year} sans données d'énergie et d'émissions "
                                 f"(années possibles : {common[0]} à {common[-1]})")
    em, en, rn = (_territory_rows(d, level, code) for d in (em_all, en_all, rn_all))
    base = base_state(en, em, rn, year)

    ademe = ademe_parameters(load("reference_ademe_parametres", paths))
    ref_year = int(ademe[("annee_reference_trajectoire", None)])
    index = national_index(load("reference_tet_trajectoire", paths).drop(columns="source"), base_year=ref_year)
    cols = ["sector", "year", "value", "nature"]
    if level == "pma":
        parts = [reference_trajectory(_territory_rows(em_all, "epci", siren)[cols], index, base_year=ref_year,
                                      horizon=horizon) for siren in territory.epcis["epci_siren"]]
        reference = sum_trajectories(parts)
    else:
        reference = reference_trajectory(em[cols], index, base_year=ref_year, horizon=horizon)

    chosen = select_scenarios(scenarios, paths)
    results = {n: simulate(s, base, horizon, draws=draws, seed=seed, reference=reference) for n, s in chosen.items()}
    try:
        targets = load("targets", paths)
    except ConfigurationError:
        targets = pd.DataFrame()
    sgpe = load("reference_sgpe_leviers", paths).drop(columns="source")
    energy = en.groupby("year")["value"].sum(min_count=1)
    name = territory.name(level, code)
    return ForesightContext(year, horizon, draws, seed, level, code, name, territory.name_after_de(level, code),
                            "PMA" if level == "pma" else name, territory, chosen, base, em[cols], energy, reference,
                            results, targets, sgpe, paths)


# --- numbers ------------------------------------------------------------------------------------

def total_bands(ctx: ForesightContext, name: str, what: str = "emissions") -> pd.DataFrame:
    """Percentile bands of a scenario's total emissions or energy (computed once per context)."""
    key = ("bands", name, what)
    if key not in ctx._cache:
        r = ctx.results[name]
        ctx._cache[key] = bands(r.total_emissions() if what == "emissions" else r.total_energy(), r.years)
    return ctx._cache[key]


def median_series(ctx: ForesightContext, name: str, what: str = "emissions") -> pd.Series:
    return total_bands(ctx, name, what)["p50"]


def reference_total(ctx: ForesightContext) -> pd.Series:
    return ctx.reference.groupby("year")["value"].sum()


def indicator_history(ctx: ForesightContext) -> dict[str, pd.Series]:
    """Observed series of the indicators targets refer to (emissions by group, total energy)."""
    e = ctx.emissions.pivot_table(index="year", columns="sector", values="value", aggfunc="sum")
    out = {"ges_total": e.sum(axis=1, min_count=1), "conso_energie_finale": ctx.energy}
    for iid, sectors in INDICATOR_SECTORS.items():
        if sectors:
            out[iid] = e.reindex(columns=list(sectors)).sum(axis=1, min_count=1)
    return out


def projections(ctx: ForesightContext, indicator_id: str) -> dict[str, pd.Series]:
    """Median projection of each scenario for a target's indicator."""
    out = {}
    for name, r in ctx.results.items():
        if indicator_id == "conso_energie_finale":
            values = r.total_energy()
        else:
            sectors = INDICATOR_SECTORS[indicator_id] or tuple(r.emissions)
            values = sum(r.emissions[s] for s in sectors)
        out[name] = pd.Series(np.median(values, axis=0), index=r.years)
    return out


def gap_table(ctx: ForesightContext) -> pd.DataFrame:
    """Every assessable target × scenario (median), with the pace still required (computed once)."""
    if "gaps" not in ctx._cache:
        ctx._cache["gaps"] = _gap_table(ctx)
    return ctx._cache["gaps"]


def _gap_table(ctx: ForesightContext) -> pd.DataFrame:
    if ctx.targets.empty:
        return pd.DataFrame()
    hist = indicator_history(ctx)
    levels = target_levels(ctx.targets, hist, ctx.geo_level, ctx.sigle)
    rows = []
    for iid, lv in levels.groupby("indicator_id", sort=False):
        last = {iid: float(hist[iid].dropna().get(ctx.year, np.nan))}
        rows.append(gaps(projections(ctx, iid), lv, ctx.year, last))
    return pd.concat(rows, ignore_index=True) if rows else pd.DataFrame()


def effort_by_sector_2019_2030(ctx: ForesightContext) -> dict[str, float]:
    """Reduction of each sector along the reference trajectory between 2019 and 2030 [t CO2e]."""
    ref = ctx.reference.pivot_table(index="year", columns="sector", values="value")
    return {s: float(ref.at[2019, s] - ref.at[2030, s]) for s in ref.columns}


def sgpe_table(ctx: ForesightContext) -> pd.DataFrame:
    return sgpe_split(ctx.sgpe, effort_by_sector_2019_2030(ctx))


def iamc(ctx: ForesightContext) -> pd.DataFrame:
    """Every scenario in the IAMC long format, plus the reference trajectory and the observed years."""
    region = ctx.sigle
    parts = [to_iamc(r, name, region) for name, r in ctx.results.items()]
    ref = ctx.reference.groupby("year")["value"].sum()
    rows = [("pma-eval", "trajectoire_reference", region, "Émissions GES", "kt CO2e/yr", int(y), v / 1000)
            for y, v in ref.items()]
    for s, g in ctx.reference.groupby("sector"):
        rows += [("pma-eval", "trajectoire_reference", region, f"Émissions GES|{SECTOR_LABELS[s]}", "kt CO2e/yr",
                  int(y), v / 1000) for y, v in zip(g["year"], g["value"])]
    hist = ctx.emissions_total.dropna()
    rows += [("pma-eval", "historique", region, "Émissions GES", "kt CO2e/yr", int(y), v / 1000) for y, v in hist.items()]
    for s, g in ctx.emissions.dropna(subset=["value"]).groupby("sector"):
        rows += [("pma-eval", "historique", region, f"Émissions GES|{SECTOR_LABELS[s]}", "kt CO2e/yr", int(y), v / 1000)
                 for y, v in zip(g["year"], g["value"])]
    parts.append(pd.DataFrame(rows, columns=parts[0].columns))
    return pd.concat(parts, ignore_index=True)


# --- presentation ----------------------------------------------------------------------------------

def kt(v: float, decimals: int = 0) -> str:
    return f"{fmt.number(v / 1000, decimals)} kt CO₂e"


def summary_table_html(ctx: ForesightContext) -> str:
    base_total = ctx.emissions_total.get(2015, np.nan)
    h = ctx.horizon

    def cell(b: pd.DataFrame, y: int) -> str:
        return (f"{fmt.number(b.at[y, 'p50'] / 1000, 0)} ({fmt.number(b.at[y, 'p5'] / 1000, 0)} à "
                f"{fmt.number(b.at[y, 'p95'] / 1000, 0)})")

    rows = []
    for name, s in ctx.scenarios.items():
        b, e = total_bands(ctx, name), total_bands(ctx, name, "energy")
        pv = np.median(ctx.results[name].renewables["solaire_pv"], axis=0)
        rows.append({"Scénario": s.title, "GES 2030 [kt CO₂e]": cell(b, 2030), f"GES {h} [kt CO₂e]": cell(b, h),
                     f"GES {h} / 2015": fmt.percent(b.at[h, "p50"] / base_total - 1, 0, signed=True),
                     f"Énergie {h} [GWh]": fmt.number(e.at[h, "p50"] / 1000, 0),
                     f"Photovoltaïque {h} [GWh]": fmt.number(pv[-1] / 1000, 0)})
    ref = reference_total(ctx)
    rows.append({"Scénario": "Trajectoire de référence (ADEME)", "GES 2030 [kt CO₂e]": fmt.number(ref.get(2030) / 1000, 0),
                 f"GES {h} [kt CO₂e]": fmt.number(ref.get(h) / 1000, 0),
                 f"GES {h} / 2015": fmt.percent(ref.get(h) / base_total - 1, 0, signed=True),
                 f"Énergie {h} [GWh]": "—", f"Photovoltaïque {h} [GWh]": "—"})
    return html_table(pd.DataFrame(rows), f"Les scénarios en chiffres {ctx.of_name} : médiane et, entre parenthèses, "
                                          f"90 % des {fmt.number(ctx.draws, 0)} tirages (graine {ctx.seed})")


def uncertainty_sentence(ctx: ForesightContext) -> str:
    return (f"Chaque scénario est calculé {fmt.number(ctx.draws)} fois en tirant ses hypothèses incertaines "
            f"(graine {ctx.seed}) : la médiane et les bandes de percentiles disent ce qui est probable, "
            "pas seulement ce qui est possible.")


def key_sentences(ctx: ForesightContext) -> list[str]:
    """The few sentences an elected official reads first."""
    ref = reference_total(ctx)
    out = []
    last = ctx.emissions_total.get(ctx.year)
    out.append(f"En {ctx.year}, les émissions {ctx.of_name} s'élèvent à {kt(last)}. "
               f"La trajectoire de référence (SNBC territorialisée) demande {kt(ref.get(2030))} en 2030 "
               f"et {kt(ref.get(ctx.horizon))} en {ctx.horizon}.")
    for name, s in ctx.scenarios.items():
        b = total_bands(ctx, name)
        gap30 = b.at[2030, "p50"] - ref.get(2030)
        verdict = ("atteint la trajectoire de référence en 2030" if gap30 <= 0.005 * ref.get(2030) else
                   f"reste au-dessus de la trajectoire de référence de {kt(gap30)} en 2030")
        out.append(f"Scénario « {s.title} » : {kt(b.at[ctx.horizon, 'p50'])} en {ctx.horizon} "
                   f"(9 chances sur 10 entre {fmt.number(b.at[ctx.horizon, 'p5'] / 1000, 0)} et "
                   f"{fmt.number(b.at[ctx.horizon, 'p95'] / 1000, 0)} kt) ; il {verdict}.")
    return out


REFERENCE_LABEL = "Trajectoire de référence (ADEME)"
SCENARIO_COLORS = ["#0072B2", "#009E73", "#CC79A7", "#56B4E9", "#E69F00", "#000000"]


def line_styles(ctx: ForesightContext) -> dict[str, tuple[str, object]]:
    """One colour and line style per scenario, the same on every chart; the reference in vermilion."""
    out = {REFERENCE_LABEL: ("#D55E00", (0, (4, 2)))}
    for k, s in enumerate(ctx.scenarios.values()):
        out[f"{s.title} (médiane)"] = (SCENARIO_COLORS[k % len(SCENARIO_COLORS)],
                                       charts.LINESTYLES[k % len(charts.LINESTYLES)])
    return out


def trajectory_figure(ctx: ForesightContext) -> tuple[str, str]:
    lines = {REFERENCE_LABEL: reference_total(ctx)}
    for name, s in ctx.scenarios.items():
        lines[f"{s.title} (médiane)"] = median_series(ctx, name)
    targets = []
    g = gap_table(ctx)
    if not g.empty:
        t = g[(g["indicator_id"] == "ges_total") & g["level"].notna()].drop_duplicates("target_id")
        for _, row in t.iterrows():
            targets.append((int(row["target_year"]), float(row["level"]),
                            f"{row['framework'].split(' (')[0]} {row['target_year']}{'' if row['verified'] else ' ⚠'}"))
    fig = charts.trajectories(ctx.emissions_total, lines, f"Émissions {ctx.of_name} : scénarios et objectifs",
                              "kt CO₂e", ctx.source, targets, ctx.demo_years, scale=1000, styles=line_styles(ctx))
    parts = [f"{k} : {fmt.number(v.get(ctx.horizon, np.nan) / 1000, 0)} kt en {ctx.horizon}" for k, v in lines.items()]
    alt = (f"Courbes des émissions {ctx.of_name} : observé de {int(ctx.emissions_total.index.min())} à {ctx.year} "
           f"({kt(ctx.emissions_total.get(ctx.year))} en {ctx.year}), puis " + " ; ".join(parts)
           + (". Objectifs : " + " ; ".join(f"{lab} : {fmt.number(v / 1000, 0)} kt en {y}" for y, v, lab in targets)
              if targets else "") + ".")
    return figure_html(fig, alt, "Émissions observées, trajectoire de référence, médiane de chaque scénario et "
                                 "niveaux visés par les objectifs (⚠ : objectif non vérifié)"), alt


def fan_figure(ctx: ForesightContext, name: str) -> tuple[str, str]:
    s = ctx.scenarios[name]
    b = total_bands(ctx, name)
    ymax = max(ctx.emissions_total.max(), b["p95"].max()) * 1.08
    fig = charts.fan(ctx.emissions_total, b["p50"], (b["p25"], b["p75"]), (b["p5"], b["p95"]),
                     ("Médiane", "50 % des tirages (P25–P75)", "90 % des tirages (P5–P95)"),
                     f"Scénario « {s.title} » : incertitude", "kt CO₂e", ctx.source, reference_total(ctx),
                     scale=1000, ymax=ymax)
    alt = (f"Graphique en éventail du scénario {s.title} : médiane {kt(b.at[2030, 'p50'])} en 2030 "
           f"(90 % des tirages entre {fmt.number(b.at[2030, 'p5'] / 1000, 0)} et {fmt.number(b.at[2030, 'p95'] / 1000, 0)} kt), "
           f"{kt(b.at[ctx.horizon, 'p50'])} en {ctx.horizon} (entre {fmt.number(b.at[ctx.horizon, 'p5'] / 1000, 0)} et "
           f"{fmt.number(b.at[ctx.horizon, 'p95'] / 1000, 0)} kt).")
    return figure_html(fig, alt, f"Scénario « {s.title} » : médiane et bandes de {fmt.number(ctx.draws)} tirages Monte-Carlo"), alt


def _annual(s: pd.Series) -> pd.Series:
    """Every year between the first and the last value, gaps interpolated (what ETS needs)."""
    s = s.dropna().sort_index()
    return s.reindex(range(int(s.index.min()), int(s.index.max()) + 1)).interpolate()


def forecast_figure(ctx: ForesightContext, model: str = "damped") -> tuple[str, str, pd.DataFrame]:
    hist = _annual(ctx.emissions_total)
    f = forecast(hist, ctx.horizon, model=model)
    fig = charts.fan(hist, f["mean"], (f["lower_80"], f["upper_80"]), (f["lower_95"], f["upper_95"]),
                     ("Prévision", "intervalle de prévision à 80 %", "intervalle de prévision à 95 %"),
                     f"Prolongation statistique ({MODEL_LABELS[f.attrs['model']]})", "kt CO₂e",
                     "pma-eval (statsmodels ETSModel)" + (" — séries de démonstration" if ctx.is_demonstration else ""),
                     reference_total(ctx), scale=1000, ymax=max(hist.max(), f["upper_95"].max()) * 1.05)
    alt = (f"Prévision statistique des émissions {ctx.of_name} par {MODEL_LABELS[f.attrs['model']]} : "
           f"{kt(f.at[2030, 'mean'])} en 2030 (intervalle à 95 % : {fmt.number(f.at[2030, 'lower_95'] / 1000, 0)} à "
           f"{fmt.number(f.at[2030, 'upper_95'] / 1000, 0)} kt), {kt(f.at[ctx.horizon, 'mean'])} en {ctx.horizon}.")
    return figure_html(fig, alt, "Prolongation statistique des émissions observées, sans hypothèse d'action"), alt, f


def forecast_table(ctx: ForesightContext, model: str = "damped") -> pd.DataFrame:
    """Statistical baseline of every sector, the total and final energy: 2030 and horizon values with
    their 95 % prediction interval. The damped trend is the default: over 25 years an undamped trend
    fitted on a dozen points extrapolates too far (Gardner 1985; the M-competitions)."""
    series = {SECTOR_LABELS[s]: (g.set_index("year")["value"], "kt CO₂e")
              for s, g in ctx.emissions.groupby("sector", sort=False)}
    series = {"Émissions totales": (ctx.emissions_total, "kt CO₂e"), **series,
              "Consommation d'énergie finale": (ctx.energy, "GWh")}
    rows = []
    for label, (s, unit) in series.items():
        s = _annual(s)
        f = forecast(s, ctx.horizon, model=model)
        rows.append({"series": label, "unit": unit, "model": f.attrs["model"],
                     "last": float(s.iloc[-1]), **{f"{k}_{y}": float(f.at[y, k]) for y in (2030, ctx.horizon)
                                                  for k in ("mean", "lower_95", "upper_95")}})
    return pd.DataFrame(rows)


def forecast_table_html(ctx: ForesightContext) -> str:
    t = forecast_table(ctx)
    h = ctx.horizon

    def cell(r_, y):
        return (f"{fmt.number(max(r_[f'mean_{y}'], 0) / 1000, 0)} ({fmt.number(max(r_[f'lower_95_{y}'], 0) / 1000, 0)} "
                f"à {fmt.number(r_[f'upper_95_{y}'] / 1000, 0)})")

    rows = [{"Série": r_["series"], "Unité": r_["unit"], f"{ctx.year} (observé)": fmt.number(r_["last"] / 1000, 0),
             "2030 (intervalle à 95 %)": cell(r_, 2030), f"{h} (intervalle à 95 %)": cell(r_, h),
             "Modèle": MODEL_LABELS[r_["model"]]} for _, r_ in t.iterrows()]
    return html_table(pd.DataFrame(rows), "Prolongation statistique de chaque série, sans hypothèse d'action "
                                          "(lissage exponentiel à tendance amortie ; valeurs négatives ramenées à zéro)",
                      numeric=[f"{ctx.year} (observé)"])


def energy_figure(ctx: ForesightContext) -> tuple[str, str]:
    lines = {f"{s.title} (médiane)": median_series(ctx, n, "energy") for n, s in ctx.scenarios.items()}
    targets = []
    g = gap_table(ctx)
    if not g.empty:
        t = g[(g["indicator_id"] == "conso_energie_finale") & g["level"].notna()].drop_duplicates("target_id")
        targets = [(int(r_["target_year"]), float(r_["level"]),
                    f"{r_['framework'].split(' (')[0]} {r_['target_year']}{'' if r_['verified'] else ' ⚠'}")
                   for _, r_ in t.iterrows()]
    fig = charts.trajectories(ctx.energy, lines, f"Consommation d'énergie finale {ctx.of_name}", "GWh",
                              ctx.source, targets, scale=1000, styles=line_styles(ctx))
    alt = (f"Courbes de la consommation d'énergie finale {ctx.of_name} : {fmt.number(ctx.energy.get(ctx.year) / 1000, 0)} GWh "
           f"en {ctx.year}, puis " + " ; ".join(f"{k} : {fmt.number(v.iloc[-1] / 1000, 0)} GWh en {ctx.horizon}"
                                                for k, v in lines.items()) + ".")
    return figure_html(fig, alt, "Consommation d'énergie finale observée et projetée (médiane des tirages)"), alt


def lever_figure(ctx: ForesightContext, name: str, year: int = 2030) -> tuple[str, str, pd.Series]:
    s = ctx.scenarios[name]
    c = lever_contributions(s, ctx.base, year, ctx.horizon, ctx.reference)
    labels = {**LEVER_LABELS, "complement": "Effort complémentaire non affecté"}
    c = c[c.abs() > 0.5].rename(index=labels) / 1000
    fig = charts.bars(c, f"Scénario « {s.title} » : émissions évitées en {year} par levier", "kt CO₂e évitées",
                      ctx.source, decimals=0)
    alt = (f"Barres horizontales des émissions évitées en {year} par levier dans le scénario {s.title}, "
           f"par rapport à sa propre tendance : " + " ; ".join(f"{k} : {fmt.number(v, 0)} kt" for k, v in c.items()) + ".")
    return figure_html(fig, alt, f"Émissions évitées en {year} par levier (attribution séquentielle)"), alt, c


GLOBAL_INDICATORS = ("ges_total", "conso_energie_finale")


def gap_table_html(ctx: ForesightContext, sectoral: bool = False) -> str:
    """One row per assessable target: level asked, pace required, and the gap of each scenario.

    ``sectoral=False`` gives the targets on total emissions and final energy, ``True`` the sector
    targets (two tables that each fit on a page)."""
    g = gap_table(ctx)
    if not g.empty:
        g = g[g["level"].notna() & (g["indicator_id"].isin(GLOBAL_INDICATORS) != sectoral)]
    if g.empty:
        return "<p>Aucun objectif évaluable pour ce territoire.</p>"
    rows = []
    for _, t in g.groupby("target_id", sort=False):
        first = t.iloc[0]
        unit = "GWh" if first["indicator_id"] == "conso_energie_finale" else "kt"
        row = {"Objectif": f"{_indicator_label(first['indicator_id'])} — {first['framework'].split(' (')[0]} : "
                           f"{first['description']}{'' if first['verified'] else ' ⚠'}",
               "Niveau visé": f"{fmt.number(first['level'] / 1000, 0)} {unit}",
               f"Rythme requis depuis {ctx.year}": fmt.percent(first["required_rate"], 1, signed=True) + " par an"}
        for _, r_ in t.iterrows():
            row[ctx.scenarios[r_["scenario"]].title] = f"{fmt.number(r_['gap'] / 1000, 0, signed=True)} {unit}"
        rows.append(row)
    what = "objectifs sectoriels" if sectoral else "objectifs d'émissions totales et de consommation d'énergie"
    return html_table(pd.DataFrame(rows), f"Écart de la médiane de chaque scénario (colonnes de droite) au niveau "
                                          f"visé, {what} (positif : objectif manqué ; ⚠ : objectif non vérifié)",
                      long=True)


def _indicator_label(iid: str) -> str:
    return load_catalogue()[iid].short_title


def reference_table_html(ctx: ForesightContext) -> str:
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
    return html_table(pd.DataFrame(rows), cap, numeric=["2015", "2030", str(ctx.horizon), f"Indice {ctx.horizon}"])


def sgpe_table_html(ctx: ForesightContext) -> str:
    t = sgpe_table(ctx)
    t = t[t["effort_t"] > 0]
    rows = []
    for _, r_ in t.iterrows():
        if pd.isna(r_["physical"]):
            phys = "—"
        elif r_["intensive"]:
            phys = f"{fmt.number(r_['physical'], 2, signed=True)} (évolution régionale) {r_['unit_phys']}"
        else:
            phys = f"{fmt.number(r_['physical'], 2)} {r_['unit_phys']}"
        rows.append({"Levier (SGPE)": r_["lever"], "Secteur": SECTOR_LABELS[r_["sector"]],
                     "Part du secteur": fmt.percent(r_["share"], 0), "Effort 2019→2030": kt(r_["effort_t"], 1),
                     "Traduction physique": phys})
    return html_table(pd.DataFrame(rows), "Répartition de l'effort 2019 → 2030 par levier (parts régionales SGPE "
                                          "Hauts-de-France appliquées à l'effort de chaque secteur du territoire)",
                      numeric=["Part du secteur", "Effort 2019→2030"], long=True)


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


def assumptions_table_html(ctx: ForesightContext) -> str:
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
    return html_table(pd.DataFrame(rows), "Hypothèses de chaque scénario : valeur centrale, puis bornes de la loi "
                                          "d'incertitude (triangulaire sauf mention)", numeric=[], long=True)


def scenario_descriptions_html(ctx: ForesightContext) -> str:
    items = []
    for s in ctx.scenarios.values():
        heritage = f" Hérite de « {ctx.scenarios[s.parent].title if s.parent in ctx.scenarios else s.parent} »." \
            if s.parent else ""
        target = " Complété jusqu'à la trajectoire de référence." if s.target else ""
        items.append(f"<li><strong>{html.escape(s.title)}</strong> ({html.escape(s.files[0])}) : "
                     f"{html.escape(s.description)}{html.escape(heritage + target)}</li>")
    return "<ul>" + "".join(items) + "</ul>"


def write_iamc(ctx: ForesightContext, folder) -> list:
    """Write ``scenarios_iamc.csv`` (comma, decimal point: the layout pyam reads) and
    ``scenarios_iamc.xlsx`` (sheet ``data``, pyam's default) into ``folder``; the XLSX is made
    reproducible (same bytes from run to run)."""
    from pathlib import Path

    from .xlsx import make_reproducible

    folder = Path(folder)
    table = iamc(ctx)
    csv_path, xlsx_path = folder / "scenarios_iamc.csv", folder / "scenarios_iamc.xlsx"
    table.to_csv(csv_path, index=False, float_format="%.6g", lineterminator="\n")
    with pd.ExcelWriter(xlsx_path, engine="openpyxl") as writer:
        table.to_excel(writer, sheet_name="data", index=False)
        writer.book.properties.creator = "pma-eval"
    make_reproducible(xlsx_path)
    return [csv_path, xlsx_path]
