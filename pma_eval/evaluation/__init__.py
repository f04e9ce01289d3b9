"""Evaluation methods: trends, rates, pace verdicts against targets, drivers of change (LMDI).

Pure functions: pandas or numbers in, results out. No files, no printing.
"""

from .drivers import FACTOR_LABELS_FR, emissions_drivers
from .lmdi import lmdi, lmdi_chain, logarithmic_mean
from .progress import (
    CATEGORY_LABELS_FR,
    ProgressResult,
    assess_progress,
    traffic_light,
    un_extrapolation,
)
from .rates import cagr, linear_rate, required_linear_rate, required_rate
from .targets import headline_target, evaluate_targets, prepare_targets
from .trends import LogLinearTrend, MannKendallResult, loglinear_trend, mann_kendall

__all__ = [
    "CATEGORY_LABELS_FR",
    "FACTOR_LABELS_FR",
    "headline_target",
    "emissions_drivers",
    "evaluate_targets",
    "prepare_targets",
    "LogLinearTrend",
    "MannKendallResult",
    "ProgressResult",
    "assess_progress",
    "cagr",
    "linear_rate",
    "lmdi",
    "lmdi_chain",
    "loglinear_trend",
    "logarithmic_mean",
    "mann_kendall",
    "required_linear_rate",
    "required_rate",
    "traffic_light",
    "un_extrapolation",
]
