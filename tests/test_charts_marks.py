"""charts.bars draws a second value on each bar (the emissions without point sources, issue 27): positions
checked against the values given."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.collections import PathCollection  # noqa: E402

from pma_eval.charts import bars  # noqa: E402


def test_marks_sit_on_their_bars_and_are_named_in_the_legend():
    values = pd.Series([53.6, 5.1, 4.8], index=["Dunkerque", "Pôle", "Lens"])
    marks = pd.Series([3.9, float("nan"), 3.7], index=["Dunkerque", "Pôle", "Lens"])
    fig = bars(values, "t", "t CO₂e", "source", marks=marks, marks_label="hors industrie", clip=12.0)
    ax = fig.axes[0]
    ticks = [c for c in ax.collections if isinstance(c, PathCollection)]
    assert len(ticks) == 1
    # bar i is drawn at y = i: Dunkerque (0) at 3,9 and Lens (2) at 3,7; the Pôle's unknown value has no mark
    assert np.allclose(ticks[0].get_offsets(), [[3.9, 0], [3.7, 2]])
    assert "hors industrie" in [t.get_text() for t in ax.get_legend().get_texts()]
    plt.close(fig)
