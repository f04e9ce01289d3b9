"""Average annual rates of change, observed and required."""

from __future__ import annotations

import math


def cagr(first_value: float, last_value: float, periods: float) -> float:
    """Compound annual growth rate.

    Parameters
    ----------
    first_value, last_value : float
        Values at the start and the end. Both must be positive.
    periods : float
        Number of years between them (e.g. 2023 − 2016 = 7).

    Returns
    -------
    float
        ``(last / first) ** (1 / periods) − 1`` [fraction per year].

    References
    ----------
    Eurostat (2023), *Sustainable development in the European Union — Monitoring report*,
    methodological annex: compound annual growth rate (CAGR).
    """
    if periods <= 0:
        raise ValueError("periods must be positive")
    if first_value <= 0 or last_value <= 0:
        raise ValueError("the compound rate needs positive values; use linear_rate")
    return (last_value / first_value) ** (1.0 / periods) - 1.0


def required_rate(current_value: float, target_value: float, periods: float) -> float:
    """Compound annual rate needed to go from ``current_value`` to ``target_value`` in ``periods`` years."""
    return cagr(current_value, target_value, periods)


def linear_rate(first_value: float, last_value: float, periods: float) -> float:
    """Average annual change relative to the first value: ``(last − first) / |first| / periods``.

    The linear equivalent of :func:`cagr`, defined for zero end values and for negative
    values (relative to ``|first|``); undefined when ``first_value`` is zero.
    """
    if periods <= 0:
        raise ValueError("periods must be positive")
    if first_value == 0:
        raise ValueError("the relative linear rate is undefined for a zero start value")
    return (last_value - first_value) / abs(first_value) / periods


def required_linear_rate(current_value: float, target_value: float, periods: float) -> float:
    """Linear equivalent of :func:`required_rate`."""
    return linear_rate(current_value, target_value, periods)


def years_between(a: int, b: int) -> int:
    return int(b) - int(a)


def is_positive(*values: float) -> bool:
    return all(v is not None and not math.isnan(v) and v > 0 for v in values)
