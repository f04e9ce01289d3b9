"""Tables and figures of the scenario report, as report blocks (:mod:`pma_eval.report.blocks`).

Calculations are in :mod:`pma_eval.prospective` (``results``, ``forecast``, ``effort``); the
context comes from :mod:`pma_eval.report.foresight`.

One module per section of the report, as :mod:`pma_eval.report.annual`; everything is re-exported
here: ``from pma_eval.report import scenarios as s`` then ``s.options_table(ctx)``.
"""

from ... import charts, fmt  # noqa: F401  (s.fmt in notebooks and tests)
from ...prospective.scenarios import HYPOTHESES, LEVER_LABELS, LEVERS  # noqa: F401
from .common import (  # noqa: F401
    DEMO_BANNER, REFERENCE_FORMATS, BOILER_FUELS, source, natures, history_label, kt, REFERENCE_LABEL,
    SCENARIO_COLORS, line_styles, own_strategy, TARGET_SCENARIO
)
from .synthesis import (  # noqa: F401
    summary_table, uncertainty_sentence, key_sentences, NEUTRALITY, decision_points, target_scenario_note,
    uncovered_sentence
)
from .options import options_table, cobenefits_table, lever_figure  # noqa: F401
from .trajectories import (  # noqa: F401
    trend_sentence, trajectory_figure, fan_figure, energy_figure, GLOBAL_INDICATORS, gap_table_block,
    reference_table
)
from .forecast import forecast_figure, forecast_summary, forecast_note  # noqa: F401
from .sgpe import sgpe_frame, sgpe_table, sgpe_reconciliation, factor_note  # noqa: F401
from .assumptions import assumptions_table, scenario_descriptions  # noqa: F401
