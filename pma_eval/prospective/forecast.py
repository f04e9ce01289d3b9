"""Statistical baseline: exponential-smoothing forecasts with prediction intervals.

The four models are state-space ETS models with additive errors (statsmodels ``ETSModel``), so
their prediction intervals are analytical ("exact" in statsmodels):

============  ====================  ======================================
``model``     ETS form              use
============  ====================  ======================================
``"ses"``     ETS(A,N,N)            level only: the last smoothed level, flat
``"holt"``    ETS(A,A,N)            level and linear trend (Holt)
``"damped"``  ETS(A,Ad,N)           trend damped towards a plateau (Gardner)
``"ets"``     best of the three     lowest AICc (Hyndman & Khandakar 2008)
============  ====================  ======================================

Annual inventories are short (a dozen points): the trend models are the baseline of "where the
territory goes at its current pace", the damped one the prudent default for a long horizon.

What the intervals are worth
----------------------------
They are the model's exact intervals *given its fitted parameters*: they measure the year-to-year
scatter the model has seen, carried forward, not the uncertainty of the parameters themselves (large
on a dozen points) nor a change of policy. When the fit puts every smoothing parameter at its lower
bound (at most :data:`DETERMINISTIC_SMOOTHING`; statsmodels' bound is 1e-4), the level and the trend
no longer learn from the errors: the model is a fixed curve plus independent noise, and its interval
is the noise band around that curve — the same width in 2030 and in 2050 (with α, β ≤ 1e-3 and a
damping of 0.98 the variance grows by under 2 % over thirty years). Such a fit is flagged
``deterministic`` and its interval is not given (NaN): a constant band would read as a certainty the
data do not support.

References
----------
Hyndman, R.J., Athanasopoulos, G. (2021). *Forecasting: principles and practice*, 3rd ed.,
chapter 8 (ETS models, Table 8.8 for the forecast variances). OTexts.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

#: Smoothing parameters at or below this value make a fit deterministic (module docstring).
DETERMINISTIC_SMOOTHING = 1e-3
MODELS = {"ses": {"trend": None}, "holt": {"trend": "add"}, "damped": {"trend": "add", "damped_trend": True}}
MODEL_LABELS = {"ses": "lissage exponentiel simple", "holt": "tendance linéaire (Holt)",
                "damped": "tendance amortie", "ets": "ETS (choix automatique)"}


def _fit(y: pd.Series, model: str):
    from statsmodels.tsa.exponential_smoothing.ets import ETSModel

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # convergence chatter on short series
        return ETSModel(y, error="add", **MODELS[model]).fit(disp=False)


def forecast(series: pd.Series, horizon: int, model: str = "ets",
             levels: tuple[float, ...] = (0.80, 0.95)) -> pd.DataFrame:
    """Forecast an annual series with prediction intervals.

    Parameters
    ----------
    series : Series
        Annual values indexed by year (int); gaps are not allowed (interpolate first).
    horizon : int
        Last year to forecast (e.g. 2050), or a number of years when smaller than the last year.
    model : {"ets", "holt", "damped", "ses"}
        See the module docstring.
    levels : tuple of float
        Coverage of the prediction intervals (default 80 % and 95 %).

    Returns
    -------
    DataFrame
        Indexed by year: ``mean`` and, for each level ``L`` in percent, ``lower_L`` and ``upper_L``.
        ``attrs["model"]`` holds the model used (the one chosen when ``model="ets"``) and
        ``attrs["aicc"]`` its AICc.

    Raises
    ------
    ValueError
        Unknown model, fewer than four values, or missing years.
    """
    if model not in (*MODELS, "ets"):
        raise ValueError(f"modèle de prévision inconnu : {model} (modèles : ets, holt, damped, ses)")
    s = series.dropna().sort_index()
    years = s.index.astype(int)
    if len(s) < 4:
        raise ValueError(f"au moins quatre années sont nécessaires pour une prévision ({len(s)} fournie(s))")
    if (np.diff(years) != 1).any():
        raise ValueError("la série a des années manquantes : interpolez-les avant la prévision")
    last = int(years[-1])
    steps = horizon - last if horizon > last else horizon
    y = pd.Series(s.to_numpy(dtype=float), index=pd.period_range(str(years[0]), periods=len(s), freq="Y"))
    if model == "ets":
        fits = {m: _fit(y, m) for m in MODELS}
        model = min(fits, key=lambda m: fits[m].aicc)
        res = fits[model]
    else:
        res = _fit(y, model)
    pred = res.get_prediction(start=len(y), end=len(y) + steps - 1)
    out = pd.DataFrame({"mean": pred.predicted_mean.to_numpy()}, index=pd.Index(range(last + 1, last + steps + 1),
                                                                                  name="year"))
    for level in levels:
        frame = pred.summary_frame(alpha=1 - level)
        pct = round(level * 100)
        out[f"lower_{pct}"] = frame["pi_lower"].to_numpy()
        out[f"upper_{pct}"] = frame["pi_upper"].to_numpy()
    params = {k: float(v) for k, v in zip(res.param_names, res.params)}
    out.attrs.update(model=model, aicc=float(res.aicc), sigma2=float(res.mse), params=params,
                     deterministic=is_deterministic(params))
    return out


def is_deterministic(params: dict[str, float]) -> bool:
    """Whether every smoothing parameter of a fit (``smoothing_level``, ``smoothing_trend``) is at most
    :data:`DETERMINISTIC_SMOOTHING`: a fixed curve plus noise, whose interval does not widen."""
    smoothing = [v for k, v in params.items() if k.startswith("smoothing_")]
    return bool(smoothing) and max(smoothing) <= DETERMINISTIC_SMOOTHING


def annual_series(s: pd.Series) -> pd.Series:
    """Every year between the first and the last value, gaps interpolated (what ETS needs)."""
    s = s.dropna().sort_index()
    return s.reindex(range(int(s.index.min()), int(s.index.max()) + 1)).interpolate()


def forecast_table(series: dict[str, tuple[pd.Series, str]], horizon: int, model: str = "damped",
                   years: tuple[int, ...] = (2030,)) -> pd.DataFrame:
    """Statistical baseline of several series: values at ``years`` and ``horizon`` with their 95 % interval.

    ``series``: label → (yearly series, unit). The damped trend is the default: over 25 years an
    undamped trend fitted on a dozen points extrapolates too far (Gardner 1985; the M-competitions).
    A deterministic fit (:func:`is_deterministic`) has no interval (NaN) and ``deterministic`` True.
    """
    rows = []
    for label, (s, unit) in series.items():
        s = annual_series(s)
        f = forecast(s, horizon, model=model)
        det = f.attrs["deterministic"]
        rows.append({"series": label, "unit": unit, "model": f.attrs["model"], "last": float(s.iloc[-1]),
                     "deterministic": det,
                     **{f"{k}_{y}": np.nan if det and k != "mean" else float(f.at[y, k]) for y in (*years, horizon)
                        for k in ("mean", "lower_95", "upper_95")}})
    return pd.DataFrame(rows)
