"""« À retenir et à décider »: the page that opens the annual report of the Pôle and of each EPCI.

Key figures
-----------
For each headline indicator of the catalogue: the value of the report's year (« au moins » for an
incomplete total), the change from the year before (a share changes by points), and **one** target, the one
:func:`pma_eval.evaluation.targets.headline_target` names (the territory's own, then the adopted
SRADDET, then national, then the regional orientations; verified targets only), with its verdict,
and the period of that verdict — the indicator's :class:`~pma_eval.report.statement.Statement`, as on
the synthesis page (which adds the trend and Eurostat's cross-check).

Decision points
---------------
Generated from the data by these rules, in this order, four at most (the page stays one page); a rule
whose data are missing
gives no point. Each point is one French sentence with its figure, marked when it rests on
demonstration values.

1. **Largest stakes** — for every pending target (verified, or « à vérifier » for a sector off pace),
   what would be missing in its year if the verdict's observed pace went on, in t CO₂e (emission
   sectors) or MWh (energy; a share's gap becomes the renewable MWh missing at today's consumption):
   the largest emission stake and the largest energy stake, each with an option from the actions
   table (the unfinished action tied to the indicator with the largest budget, its pilot and budget).
   Stakes are ranked in tonnes and MWh, never by ratios of relative rates.
2. **Uncovered effort** — in 2030, the emissions of the target scenario (``scenarios/snbc.yml``,
   central values of its assumptions) that none of its levers covers: the gap between what its levers
   achieve and the reference trajectory. The scenario report gives the same figure as the median of
   its draws.
3. **Commitments without a completed action** — the strategy's commitments none of whose actions is
   « réalisé » by the report's year (three named at most).
4. **Largest move of the year** — the emission sector whose emissions changed the most (in t CO₂e)
   from the year before, with the main factor of the year's change of total emissions (LMDI).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from ... import fmt
from ...evaluation.targets import named_framework
from ...narrative import section_text
from ...narrative.sentences import render
from ...territory import worst_nature
from ...vocabulary import PCAET, SECTOR_LABELS
from ..blocks import Bullets, Group, Heading, Table, Text
from ..context import NATURE_SHORT, ReportContext, natures, series, source_line, value
from ...evaluation.progress import RATES_FR
from ..statement import least, pace_text, statements
from .synthesis import change_text, trend_label

MAX_POINTS = 4
#: The rules in French, for the methods annex.
RULES_FR = (
    "À retenir et à décider : un seul objectif par indicateur phare (celui de la synthèse) ; puis, dans cet ordre "
    "et quatre au plus, les points de décision : le secteur d'émissions et l'indicateur d'énergie auxquels il "
    "manquerait le plus, en tonnes de CO₂e et en MWh, à l'année de leur objectif si le rythme observé se "
    "poursuivait (objectifs vérifiés, ou à vérifier pour un secteur à fort enjeu), chacun avec une action du plan "
    "qui s'y rattache, son pilote et son budget ; les émissions de 2030 que les leviers du scénario SNBC "
    "(valeurs centrales) ne couvrent pas ; les engagements sans action réalisée ; la plus forte variation d'un "
    "secteur sur l'année et le premier facteur de la variation des émissions totales (LMDI).")
#: Target scenario of rule 2 and the year its uncovered effort is read.
TARGET_SCENARIO, EFFORT_YEAR = "snbc", 2030
DEMO_SUFFIX = " (données de démonstration)"


@dataclass(frozen=True)
class DecisionPoint:
    rule: str  # "pace_gap", "uncovered_effort", "commitments", "largest_move"
    text: str
    natures: frozenset[str]

    @property
    def sentence(self) -> str:
        return self.text + (DEMO_SUFFIX if "demonstration" in self.natures else "") + "."


def key_figures(ctx: ReportContext) -> pd.DataFrame:
    """One row per headline indicator: value, change from the year before, trend, target and verdict
    (the indicator's :class:`~pma_eval.report.statement.Statement`: the same verdict as the synthesis)."""
    rows = []
    for iid, st in statements(ctx).items():
        s = series(ctx, iid).dropna()
        prev = s.get(ctx.year - 1, math.nan)
        val = st.value
        change = (val - prev) if st.in_points else (val / prev - 1 if prev else math.nan)
        n = natures(ctx, iid)
        rows.append({"indicator_id": iid, "indicator": st.title, "value": val, "shown": st.shown(ctx),
                     "complete": st.complete, "change": change, "in_points": st.in_points, "trend": trend_label(s),
                     "target": st.target_text, "verdict": st.verdict, "eurostat": st.eurostat_cell,
                     "nature": worst_nature(n.loc[ctx.year - 1:ctx.year])})
    return pd.DataFrame(rows)


def key_figures_table(ctx: ReportContext) -> Table:
    k = key_figures(ctx)
    frame = pd.DataFrame({
        "Indicateur": k.get("indicator", []),
        str(ctx.year): k.get("shown", []),
        f"Depuis {ctx.year - 1}": [change_text(c, p, decimals=1) for c, p in zip(k.get("change", []),
                                                                                 k.get("in_points", []))],
        "Objectif retenu": k.get("target", []), "Verdict": k.get("verdict", []), "Nature": k.get("nature", [])})
    return Table(frame, section_text("decider", "tableau", annee=ctx.year, de_nom=ctx.of_name), formats={"Nature": lambda n: NATURE_SHORT[n]},
                 numeric=[str(ctx.year), f"Depuis {ctx.year - 1}"], css="decide",
                 sources=(source_line(ctx, k.get("indicator_id", [])),), natures=frozenset(k.get("nature", [])))


# --- rules -----------------------------------------------------------------------------------------

#: Units a stake is counted in: emissions in t CO₂e, energy in MWh (a share's gap becomes the MWh of
#: renewable energy missing at the consumption of the report's year). Per-inhabitant indicators are
#: left to their totals.
STAKE_UNITS = {"t CO₂e": "emissions", "MWh": "energy", "%": "energy"}


def stakes(ctx: ReportContext) -> pd.DataFrame:
    """Shortfall of every pending target at its year if the verdict's observed pace goes on.

    One row per indicator (its nearest pending target, best framework first): ``shortfall`` in t CO₂e
    or MWh (> 0: the target is missed by that much), ``kind`` (``emissions``/``energy``), ``verified``
    and the verdict row. Unverified targets count: a large sector off pace is a stake even while its
    target is « à vérifier ».
    """
    v = ctx.verdicts
    if v is None or v.empty or "end_value" not in v:
        return pd.DataFrame()
    v = v.loc[(v["category"] != "not_assessable") & (v["target_year"] > v["end_year"])
              & v["pace_category"].isin(["significant_progress", "moderate_progress", "insufficient_progress",
                                         "movement_away"])].copy()
    if v.empty:
        return pd.DataFrame()
    rows = []
    conso, _ = value(ctx, "conso_energie_finale")
    for r in v.itertuples():
        ind = ctx.catalogue[r.indicator_id]
        kind = STAKE_UNITS.get(ind.short_unit)
        if kind is None or (kind == "emissions" and not _sectors(ind)):
            continue  # emissions are weighed sector by sector (total and net emissions are their sums)
        sign = 1.0 if ind.direction == "increase" else -1.0
        projected = r.end_value + r.observed_slope * (r.target_year - r.end_year)
        shortfall = sign * (r.target_value - projected)
        if ind.short_unit == "%":
            shortfall = shortfall / 100 * conso if conso == conso else math.nan
        if not shortfall > 0:
            continue
        rows.append({"indicator_id": r.indicator_id, "kind": kind, "shortfall": shortfall,
                     "verified": bool(r.verified), "priority": r.priority, "target_year": r.target_year,
                     "demand": abs(r.required_slope), "row": r})
    out = pd.DataFrame(rows)
    if out.empty:
        return out
    # one target per indicator: verified first, the best framework, the nearest year, the most demanding
    return (out.sort_values(["indicator_id", "verified", "priority", "target_year", "demand"],
                            ascending=[True, False, True, True, False])
            .drop_duplicates("indicator_id").sort_values("shortfall", ascending=False).reset_index(drop=True))


def _sectors(ind) -> list[str]:
    sectors = (ind.calc or {}).get("filter", {}).get("sector") or []
    return [sectors] if isinstance(sectors, str) else list(sectors)


def related_indicators(ctx: ReportContext, iid: str) -> set[str]:
    """The indicator, those it is computed from (catalogue ``depends_on``, followed through) and those of
    the sectors it sums (``ges_transports`` → ``ges_transport_routier``…)."""
    seen, todo = set(), [iid]
    while todo:
        i = todo.pop()
        if i in seen:
            continue
        seen.add(i)
        todo.extend(ctx.catalogue[i].depends_on)
    return seen | {f"{p}_{s}" for i in seen for s in _sectors(ctx.catalogue[i]) for p in ("ges", "conso")}


def option_for(ctx: ReportContext, iid: str) -> str:
    """« option : « Action fictive 8 : … » (CALL, 225 000 € prévus, en cours) »: the
    unfinished action with the largest budget among those of the commitments tied to the indicator (the
    strategy's ``indicateurs``), or a sentence saying none is tied to it."""
    from ..network import action_state, activity_of

    act = activity_of(ctx)  # an EPCI's own actions in an EPCI's report
    none = render("decider/option.j2", action=None)
    if not act or "actions" not in act or "strategy" not in act:
        return none
    related = related_indicators(ctx, iid)
    strategy, a = act["strategy"], act["actions"]
    tied_commitments = strategy.loc[strategy["indicators"].fillna("").map(
        lambda text: bool({i.strip() for i in str(text).split(",")} & related)), "commitment_id"]
    tied = a.loc[a["commitment_id"].isin(tied_commitments) & (a["status"] != "réalisé")]
    if tied.empty:
        return none
    if "end" in tied:  # an action still « en cours » after its end date is late, as the actions table says
        tied = tied.assign(status=action_state(tied, ctx.year))
    best = tied.sort_values("budget_planned", ascending=False, na_position="last").iloc[0]
    budget = best.get("budget_planned", math.nan)
    state = str(best["status"]).replace(" (", ", ").rstrip(")")  # « en retard, échéance dépassée »: no nested brackets
    return render("decider/option.j2", action=best["title"], pilote=best["pilot"], etat=state,
                  budget=f"{fmt.number(budget, 0)}\u00a0€" if budget == budget else None)


def pace_gaps(ctx: ReportContext, n: int = 2) -> list[DecisionPoint]:
    """Rule 1: the largest stakes, in tonnes and in MWh — the emission indicator and the energy indicator
    whose pending target would be missed by the most at the observed pace, each with an option."""
    st = stakes(ctx)
    if st.empty:
        return []
    out = []
    for kind in ("emissions", "energy"):
        k = st.loc[st["kind"] == kind]
        if k.empty or len(out) >= n:
            continue
        best = k.iloc[0]
        r = best["row"]
        ind = ctx.catalogue[r.indicator_id]
        amount = (f"{fmt.significant(best['shortfall'] / 1000, 2)} kt CO₂e" if kind == "emissions" else
                  f"{fmt.significant(best['shortfall'] / 1000, 2)} GWh"
                  + (" d’énergie renouvelable" if ind.short_unit == "%" else ""))
        weight = ""
        if not best["verified"]:
            total, _ = value(ctx, "ges_total") if kind == "emissions" else value(ctx, "conso_energie_finale")
            mine, _ = value(ctx, r.indicator_id)
            weight = (f"{least(ctx, r.indicator_id)}{fmt.percent(mine / total, 0)} des "
                      f"{'émissions' if kind == 'emissions' else 'consommations'}"
                      if total == total and mine == mine and total else "un secteur à fort enjeu")
        out.append(DecisionPoint("pace_gap", render(
            "decider/enjeu.j2", indicateur=ind.short_title, poids=weight, debut=int(r.start_year),
            fin=int(r.end_year), rythme=pace_text(ind.short_unit, r.observed_slope), manque=amount,
            annee=int(r.target_year), cadre=named_framework(r.framework, r.document), verifie=bool(best["verified"]),
            option=option_for(ctx, r.indicator_id)),
            frozenset(natures(ctx, r.indicator_id).loc[int(r.start_year):int(r.end_year)])))
    return out


def uncovered_effort(ctx: ReportContext) -> list[DecisionPoint]:
    """Rule 2: the 2030 emissions the target scenario's levers leave to no lever (central values)."""
    from ...errors import ConfigurationError, InputDataError
    from ...prospective.model import simulate
    from ..foresight import load_inputs

    try:
        inputs = load_inputs(ctx.year, ctx.sigle, [TARGET_SCENARIO], paths=ctx.paths)
        if inputs.year != ctx.year or inputs.horizon < EFFORT_YEAR:
            return []
        r = simulate(inputs.scenarios[TARGET_SCENARIO], inputs.base, inputs.horizon, reference=inputs.reference)
    except (ConfigurationError, InputDataError, KeyError, ValueError):
        return []
    col = EFFORT_YEAR - int(r.years[0])
    if not r.complement or not 0 <= col < len(r.years):
        return []
    uncovered = float(sum(v[0, col] for v in r.complement.values()))
    if uncovered <= 0:
        return []
    nat = {"demonstration"} if inputs.is_demonstration else {"observed"}
    return [DecisionPoint("uncovered_effort", render(
        "decider/effort.j2", effort=f"{fmt.significant(uncovered / 1000, 3)} kt CO₂e", annee=EFFORT_YEAR,
        scenario=inputs.scenarios[TARGET_SCENARIO].title), frozenset(nat))]


def idle_commitments(ctx: ReportContext, n: int = 2) -> list[DecisionPoint]:
    """Rule 3: commitments with no action « réalisé » by the report's year — in an EPCI's report, the
    Pôle's commitments the EPCI's own actions serve, said so (:func:`pma_eval.report.network.commitments`)."""
    from ..network import commitments

    c = commitments(ctx)
    if c is None or c.idle.empty:
        return []
    idle = c.idle
    return [DecisionPoint("commitments", render(
        "decider/engagements.j2", nombre=len(idle), total=c.total, portee=c.scope,
        cites=list(idle["commitment"].head(n)), autres=len(idle) - min(n, len(idle))), c.natures)]


def largest_move(ctx: ReportContext) -> list[DecisionPoint]:
    """Rule 4: the sector whose emissions moved most over the year, and the year's main factor."""
    from .emissions import drivers

    y0, y1 = ctx.year - 1, ctx.year
    moves = {}
    for s in PCAET:
        (a, na), (b, nb) = value(ctx, f"ges_{s}", y0), value(ctx, f"ges_{s}", y1)
        if a == a and b == b:
            moves[s] = (b - a, frozenset({na, nb}))
    if not moves:
        return []
    sector, (delta, nat) = max(moves.items(), key=lambda kv: abs(kv[1][0]))
    eff = drivers(ctx, y0)
    factor, effect = None, None
    if eff is not None and len(eff):
        from ...evaluation import FACTOR_LABELS_FR

        main = eff.abs().idxmax()
        factor, effect = FACTOR_LABELS_FR[main].lower(), f"{fmt.number(eff[main] / 1000, 0, signed=True)} kt"
    return [DecisionPoint("largest_move", render(
        "decider/variation.j2", debut=y0, fin=y1, secteur=SECTOR_LABELS[sector],
        variation=f"{fmt.number(delta / 1000, 0, signed=True)} kt CO₂e", facteur=factor, effet=effect), nat)]


def decision_points(ctx: ReportContext) -> list[DecisionPoint]:
    """The decision points of the page, by the rules of this module, in their order; a rule is not
    evaluated once the page is full."""
    points: list[DecisionPoint] = []
    for rule in (pace_gaps, uncovered_effort, idle_commitments, largest_move):
        if len(points) >= MAX_POINTS:
            break
        points += rule(ctx)
    return points[:MAX_POINTS]


def decide_page(ctx: ReportContext) -> Group:
    """The page: key figures, then the decision points."""
    points = decision_points(ctx)
    bullets = (Bullets([p.sentence for p in points], natures=frozenset().union(*(p.natures for p in points)))
               if points else Text(section_text("decider", "aucun_point")))
    return Group([key_figures_table(ctx), Heading(section_text("decider", "a_decider"), 3), bullets,
                  Text(RATES_FR, "note")])
