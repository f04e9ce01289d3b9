"""Figures in the house style. Functions return matplotlib figures; they never save or show.

Every chart has a title, a unit on its value axis, a source line, French number formatting,
colours from the colour-blind-safe palette and hatches so that it reads in black and white.
"""

from __future__ import annotations

from contextlib import contextmanager

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

from . import fmt  # noqa: E402
from .nomenclature import PALETTE, SECTOR_COLORS, SECTOR_HATCHES, SECTOR_LABELS  # noqa: E402

STYLE = {
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "axes.titlesize": 11,
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "axes.grid.axis": "y",
    "grid.color": "#DDDDDD",
    "grid.linewidth": 0.6,
    "axes.prop_cycle": matplotlib.cycler(color=PALETTE),
    "legend.frameon": False,
    "figure.dpi": 110,
    "savefig.dpi": 150,
    "svg.hashsalt": "pma-eval",
    "hatch.linewidth": 0.6,
}


@contextmanager
def house_style():
    with matplotlib.rc_context(STYLE):
        yield


def _finish(fig, ax, title: str, unit: str, source: str) -> None:
    ax.set_title(title)
    ax.set_ylabel(unit)
    ax.yaxis.set_major_formatter(fmt.axis_formatter())
    fig.text(0.01, 0.01, f"Source : {source}", fontsize=7, color="#444444", ha="left", va="bottom")
    fig.tight_layout(rect=(0, 0.04, 1, 1))


def stacked_sectors(wide: pd.DataFrame, title: str, unit: str, source: str,
                    demo_years: set[int] | None = None, scale: float = 1.0) -> plt.Figure:
    """Stacked bars: one bar a year (index), one segment a sector (columns, canonical codes).

    Bars of demonstration years are drawn lighter and marked « démo » under the axis.
    """
    demo_years = demo_years or set()
    with house_style():
        fig, ax = plt.subplots(figsize=(7.2, 3.8))
        bottom = pd.Series(0.0, index=wide.index)
        x = [str(y) for y in wide.index]
        for sector in wide.columns:
            vals = wide[sector].fillna(0) / scale
            alphas = [0.55 if y in demo_years else 1.0 for y in wide.index]
            bars = ax.bar(x, vals, bottom=bottom, color=SECTOR_COLORS.get(sector, "#888888"),
                          hatch=SECTOR_HATCHES.get(sector, ""), edgecolor="white", linewidth=0.4,
                          label=SECTOR_LABELS.get(sector, sector))
            for bar, a in zip(bars, alphas):
                bar.set_alpha(a)
            bottom += vals
        if demo_years:
            for i, y in enumerate(wide.index):
                if y in demo_years:
                    ax.annotate("démo", (i, 0), xytext=(0, -22), textcoords="offset points", ha="center",
                                fontsize=6, color="#666666", annotation_clip=False)
        ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=7.5)
        ax.tick_params(axis="x", labelsize=7.5)
        _finish(fig, ax, title, unit, source)
    return fig


def bars(values: pd.Series, title: str, unit: str, source: str, decimals: int = 1,
         highlight: str | None = None) -> plt.Figure:
    """Horizontal bars with their value written at the end (no reliance on colour)."""
    with house_style():
        fig, ax = plt.subplots(figsize=(7.2, 0.45 * len(values) + 1.2))
        colors = [PALETTE[1] if k == highlight else PALETTE[0] for k in values.index]
        ax.barh([str(i) for i in values.index], values.values, color=colors)
        for i, v in enumerate(values.values):
            ax.annotate(fmt.number(v, decimals), (v, i), xytext=(3, 0), textcoords="offset points",
                        va="center", fontsize=8)
        ax.invert_yaxis()
        ax.grid(axis="x", color="#DDDDDD")
        ax.grid(axis="y", visible=False)
        ax.set_xlabel(unit)
        ax.xaxis.set_major_formatter(fmt.axis_formatter())
        ax.set_title(title)
        fig.text(0.01, 0.01, f"Source : {source}", fontsize=7, color="#444444", ha="left", va="bottom")
        fig.tight_layout(rect=(0, 0.05, 1, 1))
    return fig


def to_png(fig: plt.Figure) -> bytes:
    """PNG bytes without timestamps (identical from run to run), and close the figure."""
    import io

    buf = io.BytesIO()
    fig.savefig(buf, format="png", metadata={"Software": None}, bbox_inches="tight")
    plt.close(fig)
    return buf.getvalue()
