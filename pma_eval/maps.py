"""Maps of the communes in the house style (matplotlib only; figures returned, never saved)."""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.collections import PolyCollection
from matplotlib.patches import Patch

from . import fmt
from .charts import SMALL, house_style, new_figure, source_note

# Sequential, colour-blind safe and readable in grey levels (light → dark).
SEQUENTIAL = ["#f1eef6", "#bdc9e1", "#74a9cf", "#2b8cbe", "#045a8d"]
LAT_SCALE = 1 / math.cos(math.radians(50.45))  # aspect of lon/lat degrees at the Pôle's latitude


def _classes(values: pd.Series, n: int) -> np.ndarray:
    qs = np.unique(np.nanquantile(values.dropna(), np.linspace(0, 1, n + 1)))
    return qs


def choropleth(shapes: dict[str, list[np.ndarray]], values: pd.Series, title: str, unit: str, source: str,
               decimals: int = 1, groups: pd.Series | None = None) -> plt.Figure:
    """Communes coloured by quantile class of ``values`` (index: INSEE code).

    Communes without a value are hatched grey. ``groups`` (code → EPCI) draws the EPCI
    outlines in a darker line.
    """
    with house_style():
        fig, ax = new_figure(figsize=(7.2, 5.2))
        bins = _classes(values, len(SEQUENTIAL))
        polys, colors, hatch_polys = [], [], []
        for code, rings in shapes.items():
            v = values.get(code, np.nan)
            for ring in rings:
                if v is None or (isinstance(v, float) and math.isnan(v)):
                    hatch_polys.append(ring)
                    continue
                k = int(np.clip(np.searchsorted(bins, v, side="right") - 1, 0, len(bins) - 2))
                polys.append(ring)
                colors.append(SEQUENTIAL[k] if len(bins) > 2 else SEQUENTIAL[2])
        ax.add_collection(PolyCollection(polys, facecolors=colors, edgecolors="white", linewidths=0.3))
        if hatch_polys:
            ax.add_collection(PolyCollection(hatch_polys, facecolors="#eeeeee", edgecolors="#999999",
                                             linewidths=0.3, hatch="///"))
        if groups is not None:
            for g in groups.unique():
                rings = [r for c in groups.index[groups == g] if c in shapes for r in shapes[c]]
                ax.add_collection(PolyCollection(rings, facecolors="none", edgecolors="#333333", linewidths=0.15))
        ax.autoscale_view()
        ax.set_aspect(LAT_SCALE)
        ax.axis("off")
        handles = [Patch(facecolor=SEQUENTIAL[k], edgecolor="#999999",
                         label=f"{fmt.number(bins[k], decimals)} à {fmt.number(bins[k + 1], decimals)}")
                   for k in range(len(bins) - 1)]
        if hatch_polys:
            handles.append(Patch(facecolor="#eeeeee", edgecolor="#999999", hatch="///", label="sans valeur"))
        ax.legend(handles=handles, title=unit, loc="lower left", bbox_to_anchor=(1.0, 0.0), fontsize=SMALL,
                  title_fontsize=8)
        ax.set_title(title)
        source_note(fig, f"{source} ; contours IGN Admin Express 2018 simplifiés")
    return fig
