"""Statistical forecasts of the emissions (exponential smoothing), with honest intervals."""

from __future__ import annotations

import pandas as pd

from ... import charts, fmt
from ...prospective import forecast
from ...prospective.forecast import annual_series, forecast_table, MODEL_LABELS
from ...territory import worst_nature
from ...vocabulary import SECTOR_LABELS
from ..blocks import Figure, Table, Text
from ..foresight import ForesightContext
from .common import history_label, kt, natures


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
