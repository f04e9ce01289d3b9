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

# Sequential, colour-blind safe and readable in grey levels (light → dark). The lightest class is a
# clear blue, never near-white: it cannot be taken for a commune without value (white, hatched grey).
SEQUENTIAL = ["#c6dbef", "#9ecae1", "#6baed6", "#2171b5", "#08306b"]
MISSING = {"facecolor": "white", "edgecolor": "#888888", "hatch": "////"}
LAT_SCALE = 1 / math.cos(math.radians(50.45))  # aspect of lon/lat degrees at the Pôle's latitude


def _classes(values: pd.Series, n: int) -> np.ndarray:
    qs = np.unique(np.nanquantile(values.dropna(), np.linspace(0, 1, n + 1)))
    return qs


def outline_segments(shapes: dict[str, list[np.ndarray]], codes) -> list[np.ndarray]:
    """The outline of a group of communes: the edges that belong to one commune of the group only
    (an edge shared by two communes of the group is inside it). Needs contours that share their
    vertices, as the simplified IGN contours shipped do."""
    from collections import Counter

    count: Counter = Counter()
    for c in codes:
        for ring in shapes.get(c, []):
            pts = [tuple(np.round(p, 6)) for p in ring]
            for a, b in zip(pts, pts[1:] + pts[:1]):
                if a != b:
                    count[(a, b) if a < b else (b, a)] += 1
    return [np.array(seg) for seg, n in count.items() if n == 1]


#: Mark of a commune whose total is incomplete (a lower bound), on the map and in its legend.
INCOMPLETE_MARK = "*"


def choropleth(shapes: dict[str, list[np.ndarray]], values: pd.Series, title: str, unit: str, source: str,
               decimals: int = 1, groups: pd.Series | None = None, labels: dict[str, str] | None = None,
               incomplete=()) -> plt.Figure:
    """Communes coloured by quantile class of ``values`` (index: INSEE code).

    Communes without a value are white and hatched (« sans valeur »). ``groups`` (code → EPCI)
    draws each EPCI's outline in a dark line; ``labels`` (code → name) writes the names of the main
    towns at the centre of their largest ring. ``incomplete`` (codes) marks the communes whose total is
    incomplete, a lower bound: « * » after their label (or alone at their centre), and a legend entry
    « * total incomplet (au moins) ».
    """
    incomplete = {c for c in incomplete if c in shapes}
    labels = dict(labels or {})
    for code in incomplete:
        labels[code] = labels.get(code, "") + INCOMPLETE_MARK
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
            ax.add_collection(PolyCollection(hatch_polys, facecolors=MISSING["facecolor"],
                                             edgecolors=MISSING["edgecolor"], linewidths=0.3, hatch=MISSING["hatch"]))
        if groups is not None:
            from matplotlib.collections import LineCollection

            for g in groups.unique():
                segs = outline_segments(shapes, groups.index[groups == g])
                ax.add_collection(LineCollection(segs, colors="#222222", linewidths=1.1, label="_outline"))
        for code, name in (labels or {}).items():
            if code in shapes:
                ring = max(shapes[code], key=len)
                x, y = ring[:, 0].mean(), ring[:, 1].mean()
                ax.annotate(name, (x, y), ha="center", va="center", fontsize=SMALL, color="#111111",
                            bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.75})
        ax.autoscale_view()
        ax.set_aspect(LAT_SCALE)
        ax.axis("off")
        handles = [Patch(facecolor=SEQUENTIAL[k], edgecolor="#999999",
                         label=f"{fmt.number(bins[k], decimals)} à {fmt.number(bins[k + 1], decimals)}")
                   for k in range(len(bins) - 1)]
        if hatch_polys:
            handles.append(Patch(**MISSING, label="sans valeur"))
        if groups is not None:
            from matplotlib.lines import Line2D

            handles.append(Line2D([], [], color="#222222", linewidth=1.1, label="limite d'agglomération"))
        if incomplete:
            handles.append(Patch(facecolor="none", edgecolor="none",
                                 label=f"{INCOMPLETE_MARK} total incomplet (au moins)"))
        ax.legend(handles=handles, title=unit, loc="lower left", bbox_to_anchor=(1.0, 0.0), fontsize=SMALL,
                  title_fontsize=8)
        ax.set_title(title)
        source_note(fig, f"{source} ; contours IGN Admin Express 2018 simplifiés")
    return fig
