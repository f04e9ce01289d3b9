"""The scenarios' assumptions, as tables and descriptions."""

from __future__ import annotations

import pandas as pd

from ... import fmt
from ...prospective.model import central_value
from ...prospective.scenarios import HYPOTHESES, LEVER_LABELS, LEVERS
from ...vocabulary import CARRIER_LABELS, SECTOR_LABELS
from ..blocks import Bullets, Table
from ..foresight import ForesightContext


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


def assumptions_table(ctx: ForesightContext) -> Table:
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
    return Table(pd.DataFrame(rows), "Hypothèses de chaque scénario : valeur centrale, puis bornes de la loi "
                                          "d'incertitude (triangulaire sauf mention)", numeric=[], long=True)


def scenario_descriptions(ctx: ForesightContext) -> Bullets:
    items = []
    for sc in ctx.scenarios.values():
        heritage = f" Hérite de « {ctx.scenarios[sc.parent].title if sc.parent in ctx.scenarios else sc.parent} »." \
            if sc.parent else ""
        target = " Complété jusqu'à la trajectoire de référence." if sc.target else ""
        items.append((sc.title, f" : {sc.description}{heritage}{target}"))
    return Bullets(items)
