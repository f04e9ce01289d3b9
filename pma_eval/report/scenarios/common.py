"""What every section of the scenario report shares: sources, natures, units, colours, the target scenario."""

from __future__ import annotations

from ... import charts, fmt, vocabulary
from ...config import TARGET_SCENARIO, own_strategies  # noqa: F401  (TARGET_SCENARIO: re-exported)
from ...territory import worst_nature
from ..context import formats_line
from ..foresight import ForesightContext


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


def kt(v: float, decimals: int = 0) -> str:
    """Tonnes of CO₂e as the report prints them: kilotonnes, no decimal unless asked (one rounding per
    quantity: a figure printed twice reads the same)."""
    return f"{fmt.number(v / 1000, decimals)}\u00a0kt CO₂e"


REFERENCE_LABEL = "Trajectoire de référence (ADEME)"
#: Colour of each scenario id, declared in vocabulary.yml (re-exported for the notebooks).
SCENARIO_COLORS = vocabulary.SCENARIO_COLORS


def scenario_color(ctx: ForesightContext, name: str) -> str:
    """The colour of scenario ``name`` (vocabulary.yml, by scenario id), the same on every chart."""
    return vocabulary.scenario_color(name, list(ctx.scenarios))


def line_styles(ctx: ForesightContext) -> dict[str, tuple[str, object]]:
    """One colour (by scenario id) and line style per scenario, the same on every chart; the reference
    in its own colour, dashed."""
    out = {REFERENCE_LABEL: (vocabulary.TRAJECTORY_COLORS["reference"], (0, (4, 2)))}
    for k, (name, s) in enumerate(ctx.scenarios.items()):
        out[f"{s.title} (médiane)"] = (scenario_color(ctx, name), charts.LINESTYLES[k % len(charts.LINESTYLES)])
    return out


def own_strategy(ctx: ForesightContext) -> str | None:
    """The territory's own strategy among the report's scenarios (the default territory's « turbine »): the first of
    :func:`pma_eval.config.own_strategies` of its scenario folder that the report runs; None when it runs none (a
    territory that has entered no strategy of its own gets the reference scenarios only)."""
    return next((n for n in own_strategies(ctx.paths) if n in ctx.scenarios), None)
