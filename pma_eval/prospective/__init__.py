"""Foresight: reference trajectory, statistical baseline, lever scenarios, uncertainty, effort.

Pure calculations (pandas and numpy in, out); the files are read by :mod:`pma_eval.sources.prospective`
and the report context is assembled in :mod:`pma_eval.prospective_report`.
"""

from .effort import gaps, required_annual_rate, sgpe_split, target_levels
from .forecast import forecast
from .iamc import to_iamc
from .model import BaseState, bands, base_state, lever_contributions, ramp, simulate
from .scenarios import Scenario, resolve
from .trajectory import national_index, reference_trajectory, sum_trajectories

__all__ = ["BaseState", "Scenario", "bands", "base_state", "forecast", "gaps", "lever_contributions",
           "national_index", "ramp", "reference_trajectory", "required_annual_rate", "resolve", "sgpe_split",
           "simulate", "sum_trajectories", "target_levels", "to_iamc"]
