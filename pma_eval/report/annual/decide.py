"""« À retenir et à décider »: the page that opens the annual report of the Pôle and of each EPCI.

Key figures
-----------
For each headline indicator of the catalogue: the value of the report's year, the change from the
year before (a share changes by points), the trend (Mann–Kendall test), and **one** target, the one
:func:`pma_eval.evaluation.targets.headline_target` names (the territory's own, then the adopted
SRADDET, then national, then the regional orientations; verified targets only), with its verdict
and the period of that verdict.

Decision points
---------------
Generated from the data by these rules, in this order, five at most; a rule whose data are missing
gives no point. Each point is one French sentence with its figure, marked when it rests on
demonstration values.

1. **Pace gap** — among verified, assessable targets not yet met, the indicators whose required pace
   most exceeds the observed one (required − observed yearly rate in the desired direction, by the
   verdicts' one rule); two at most, one per indicator.
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
from ...evaluation import headline_target
from ...evaluation.targets import short_framework
from ...territory import worst_nature
from ...vocabulary import PCAET, SECTOR_LABELS
from ..blocks import Bullets, Group, Heading, Table, Text, Verdict
from ..context import NATURE_SHORT, ReportContext, display, natures, series, source_line, value
from .synthesis import change_text, trend_label

MAX_POINTS = 5
#: The rules in French, for the methods annex.
RULES_FR = (
    "À retenir et à décider : un seul objectif par indicateur phare (celui de la synthèse) ; puis, dans cet ordre "
    "et cinq au plus, les points de décision : les deux indicateurs dont le rythme nécessaire dépasse le plus le "
    "rythme observé (objectifs vérifiés, non atteints) ; les émissions de 2030 que les leviers du scénario SNBC "
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
    """One row per headline indicator: value, change from the year before, trend, target and verdict."""
    rows = []
    verdicts = ctx.verdicts if ctx.verdicts is not None else pd.DataFrame()
    for ind in ctx.catalogue.headlines():
        s = series(ctx, ind.id).dropna()
        if ctx.year not in s.index:
            continue
        val, nat = value(ctx, ind.id)
        in_points = ind.short_unit == "%"
        prev = s.get(ctx.year - 1, math.nan)
        change = (val - prev) if in_points else (val / prev - 1 if prev else math.nan)
        b = headline_target(verdicts, ind.id, ctx.year) if len(verdicts) else None
        target = f"{short_framework(b['framework'])} : {b['description']}" if b is not None else "aucun objectif vérifié"
        verdict = (Verdict(b["category"], f"{b['label_fr']} ({int(b['start_year'])}-{int(b['end_year'])})")
                   if b is not None else Verdict("not_assessable", "sans objectif vérifié"))
        n = natures(ctx, ind.id)
        rows.append({"indicator_id": ind.id, "indicator": ind.short_title, "value": val, "change": change,
                     "in_points": in_points, "trend": trend_label(s), "target": target, "verdict": verdict,
                     "nature": worst_nature(n.loc[ctx.year - 1:ctx.year])})
    return pd.DataFrame(rows)


def key_figures_table(ctx: ReportContext) -> Table:
    k = key_figures(ctx)
    frame = pd.DataFrame({
        "Indicateur": k.get("indicator", []),
        str(ctx.year): [display(i, v, ctx) for i, v in zip(k.get("indicator_id", []), k.get("value", []))],
        f"Depuis {ctx.year - 1}": [change_text(c, p, decimals=1) for c, p in zip(k.get("change", []),
                                                                                 k.get("in_points", []))],
        "Tendance": k.get("trend", []), "Objectif retenu": k.get("target", []), "Verdict": k.get("verdict", []),
        "Nature": k.get("nature", [])})
    return Table(frame, f"Chiffres clés {ctx.year} {ctx.of_name}", formats={"Nature": lambda n: NATURE_SHORT[n]},
                 numeric=[str(ctx.year), f"Depuis {ctx.year - 1}"], css="decide",
                 sources=(source_line(ctx, k.get("indicator_id", [])),), natures=frozenset(k.get("nature", [])))


# --- rules -----------------------------------------------------------------------------------------

def pace_gaps(ctx: ReportContext, n: int = 2) -> list[DecisionPoint]:
    """Rule 1: the verified targets not yet met whose required pace most exceeds the observed one."""
    v = ctx.verdicts
    if v is None or v.empty:
        return []
    directions = {i.id: i.direction for i in ctx.catalogue}
    v = v.loc[v["assessable"] & v["verified"] & ~v["category"].isin(["target_achieved", "target_missed"])].copy()
    if v.empty:
        return []
    sign = v["indicator_id"].map(lambda i: 1.0 if directions[i] == "increase" else -1.0)
    v["shortfall"] = sign * (v["required_rate"] - v["observed_rate"])
    v = v.loc[v["shortfall"] > 0].sort_values("shortfall", ascending=False).drop_duplicates("indicator_id")
    out = []
    for r in v.head(n).itertuples():
        title = ctx.catalogue[r.indicator_id].short_title
        out.append(DecisionPoint("pace_gap", (
            f"{title} : il faudrait {fmt.percent(r.required_rate, 1, signed=True)} par an pour l'objectif "
            f"{short_framework(r.framework)} ({r.description}), contre {fmt.percent(r.observed_rate, 1, signed=True)} "
            f"par an de {int(r.start_year)} à {int(r.end_year)} ; le rythme est à accélérer de "
            f"{fmt.number(r.shortfall * 100, 1)} point par an"),
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
    return [DecisionPoint("uncovered_effort", (
        f"Effort sans levier : pour suivre la trajectoire de référence, {fmt.significant(uncovered / 1000, 2)} kt CO₂e "
        f"d'émissions de {EFFORT_YEAR} ne sont couvertes par aucun levier chiffré du scénario "
        f"« {inputs.scenarios[TARGET_SCENARIO].title} » ; il reste à les attribuer à des actions"),
        frozenset(nat))]


def idle_commitments(ctx: ReportContext, n: int = 3) -> list[DecisionPoint]:
    """Rule 3: commitments with no action « réalisé » by the report's year."""
    act = ctx.activity
    if not act:
        return []
    strategy, actions = act["strategy"], act["actions"]
    actions = actions.loc[actions["start"].isna() | (actions["start"].dt.year <= ctx.year)]
    done = set(actions.loc[actions["status"] == "réalisé", "commitment_id"])
    idle = strategy.loc[~strategy["commitment_id"].isin(done)]
    if idle.empty:
        return []
    named = " ; ".join(f"« {c} »" for c in idle["commitment"].head(n))
    more = len(idle) - min(n, len(idle))
    count = f"{len(idle)} engagements sur {len(strategy)}" if len(idle) > 1 else f"un engagement sur {len(strategy)}"
    return [DecisionPoint("commitments", (
        f"Engagements sans action réalisée : {count}, dont {named}" + (f" et {more} autres" if more > 1 else
                                                                         " et un autre" if more == 1 else "")),
        frozenset(idle["nature"]) | frozenset(actions["nature"]))]


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
    text = (f"Plus forte variation de {y0} à {y1} : {SECTOR_LABELS[sector]}, "
            f"{fmt.number(delta / 1000, 0, signed=True)} kt CO₂e")
    eff = drivers(ctx, y0)
    if eff is not None and len(eff):
        from ...evaluation import FACTOR_LABELS_FR

        main = eff.abs().idxmax()
        text += (f" ; sur l'ensemble des émissions, le premier facteur de l'année est « {FACTOR_LABELS_FR[main].lower()} » "
                 f"({fmt.number(eff[main] / 1000, 0, signed=True)} kt)")
    return [DecisionPoint("largest_move", text, nat)]


def decision_points(ctx: ReportContext) -> list[DecisionPoint]:
    """The decision points of the page, by the rules of this module, in their order."""
    points = pace_gaps(ctx) + uncovered_effort(ctx) + idle_commitments(ctx) + largest_move(ctx)
    return points[:MAX_POINTS]


def decide_page(ctx: ReportContext) -> Group:
    """The page: key figures, then the decision points."""
    points = decision_points(ctx)
    bullets = (Bullets([p.sentence for p in points], natures=frozenset().union(*(p.natures for p in points)))
               if points else Text("Aucun point de décision ne ressort des données disponibles."))
    return Group([key_figures_table(ctx), Heading("À décider", 3), bullets])
