"""Issue 23, page review of the 2023 products: the charts' labels and legends, by hand.

- a trajectory chart names its targets' markers in its legend, and its labels do not overlap when two targets share
  a year or two lines end at the same value (the scenario report's energy chart: « national 2030 » and
  « orientations SRADDET 2030 » over one another, « 326 » twice);
- a source note stays inside its figure at every resolution it is drawn at (the print's crop cut « … — sér »);
- a sector chart's legend gives each sector its own colour at full strength and its highlights (the observed year,
  the pale demonstration years) no colour of a sector (the 2016 swatch was the energy branch's grey).
"""

from __future__ import annotations

import itertools

import matplotlib

matplotlib.use("Agg")
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.colors import to_hex, to_rgb  # noqa: E402

from pma_eval import charts  # noqa: E402
from pma_eval.vocabulary import SECTOR_COLORS, SECTOR_LABELS  # noqa: E402

SOURCE = ("pma-eval (modèle comptable des scénarios) ; ADEME (2015-2050) ; ADEME / Territoires en Transitions "
          "(2015-2050) — séries de départ de démonstration")


def test_spread_moves_overlapping_labels_apart_around_their_mean():
    # by hand, gap 1: 0 and 0,1 overlap; centred on their mean 0,05, one line each: −0,45 and 0,55
    assert np.allclose(charts.spread([0.0, 0.1], 1.0), [-0.45, 0.55])
    # far apart: unchanged; ``above`` raises both
    assert np.allclose(charts.spread([0.0, 5.0], 1.0, above=0.5), [0.5, 5.5])
    # order kept whatever the order given; a label of two lines takes two gaps: mean 0,5, block of 3 → bottom −1
    # → centres −0,5 (one line) and 1,0 (two lines)
    assert np.allclose(charts.spread([1.0, 0.0], 1.0, lines=[2, 1]), [1.0, -0.5])


def _trajectory_chart():
    history = pd.Series([13.0e6, 12.5e6, 12.0e6, 11.5e6], index=[2020, 2021, 2022, 2023])
    lines = {"Tendanciel (médiane)": pd.Series([11.5e6, 9.1e6], index=[2023, 2050]),
             "SNBC territorialisée (médiane)": pd.Series([11.5e6, 5.58e6], index=[2023, 2050]),
             "Trajectoire de référence (ADEME)": pd.Series([11.5e6, 5.56e6], index=[2023, 2050])}
    # two targets of one year 100 GWh apart: their labels, one line high each (≈ 700 GWh here), would overlap
    targets = [(2030, 10.4e6, "national 2030"), (2030, 10.3e6, "orientations SRADDET 2018 2030"),
               (2050, 6.5e6, "national 2050")]
    return charts.trajectories(history, lines, "Consommation", "GWh", SOURCE, targets, scale=1000)


def _texts_overlap(fig, texts) -> list[tuple[str, str]]:
    renderer = fig.canvas.get_renderer()
    boxes = [(t.get_text(), t.get_window_extent(renderer)) for t in texts]
    return [(a, b) for (a, ba), (b, bb) in itertools.combinations(boxes, 2) if ba.overlaps(bb)]


def test_a_trajectory_chart_names_its_targets_and_its_labels_do_not_overlap():
    for width in (None, charts.PHONE_WIDTH_IN):
        fig = _trajectory_chart()
        if width is not None:
            fig = charts.reflow(fig, width)
        FigureCanvasAgg(fig)
        fig.draw_without_rendering()
        ax = fig.axes[0]
        assert charts.TARGET_LEGEND in [t.get_text() for t in ax.get_legend().get_texts()]
        labels = [t for t in ax.texts if t.get_text()]
        shown = {" ".join(t.get_text().replace("\u202f", " ").replace("\u00a0", " ").split()) for t in labels}
        # both lines' last values (20 GWh apart) and every target are written
        assert {"5 580", "5 560", "national 2030", "orientations SRADDET 2018 2030", "national 2050"} <= shown
        assert _texts_overlap(fig, labels) == [], width


def test_a_source_note_stays_inside_its_figure_at_every_resolution():
    """The note is wrapped for the figure's width; as drawn at 150–200 dpi (the print) its glyphs are up to 4,5 %
    wider than measured at 110 dpi, and the crop, measured at 110 dpi, cut what ran past the figure."""
    fig = _trajectory_chart()
    charts.typeset_texts(fig)
    (note,) = [t for t in fig.texts if t.get_gid() == "source"]
    for dpi in (72, 110, 150, 185, 200):
        fig.set_dpi(dpi)
        FigureCanvasAgg(fig)
        box = note.get_window_extent(fig.canvas.get_renderer())
        assert box.x1 / dpi <= fig.get_figwidth(), dpi


def _composite(rgb, alpha: float) -> str:
    """A colour drawn at ``alpha`` over white, as the page shows it."""
    return to_hex(tuple(alpha * c + (1 - alpha) for c in to_rgb(rgb)))


def test_a_sector_chart_legend_gives_every_meaning_its_own_swatch():
    years = list(range(2012, 2024))
    wide = pd.DataFrame({s: np.linspace(100, 80, len(years)) * 1000 for s in SECTOR_COLORS}, index=years)
    fig = charts.stacked_sectors(wide, "Émissions par secteur", "kt CO₂e", "CITEPA", demo_years=set(years) - {2016},
                                 scale=1000)
    legend = fig.axes[0].get_legend()
    swatches = {t.get_text(): tuple(_composite(p.get_facecolor()[:3], p.get_alpha() or 1.0)
                                    for p in _handle_patches(legend, t.get_text()))
                for t in legend.get_texts()}
    for s, colour in SECTOR_COLORS.items():  # each sector at its full colour (not the pale first bar's)
        assert swatches[SECTOR_LABELS[s]] == (to_hex(colour),), s
    highlights = [k for k in swatches if "année observée" in k or "démonstration" in k]
    assert len(highlights) == 2, list(swatches)
    # the highlights show the chart's colours full and pale, three of them: neither reads as one sector's colour
    # (the 2016 swatch was the grey of the energy branch drawn pale, the demonstration one that of the waste sector)
    assert all(len(swatches[k]) == 3 for k in highlights)
    assert len(set(swatches.values())) == len(swatches)  # no two entries look alike


def _handle_patches(legend, label: str) -> list:
    """The patches drawn in the handle box of the legend entry ``label``."""
    from matplotlib.offsetbox import DrawingArea

    for row in legend._legend_handle_box.get_children():
        for entry in row.get_children():
            parts = entry.get_children()
            if len(parts) == 2 and isinstance(parts[0], DrawingArea) and parts[1].get_children()[0].get_text() == label:
                return parts[0].get_children()
    return []


def test_texts_laid_out_with_the_shared_font_look_ups_are_matplotlibs_own(monkeypatch):
    """Issue 24: the fonts and vertical metrics looked up once a process (``charts._install_font_height_cache``) and
    the text metrics shared between renderers lay every text out to the same bits as matplotlib's own look-ups, at
    every size, dpi and style, for Agg and for SVG's renderer, and a generic family follows its rcParam."""
    import io

    import matplotlib.text as mtext
    from matplotlib import font_manager
    from matplotlib.backends.backend_mixed import MixedModeRenderer
    from matplotlib.backends.backend_svg import RendererSVG
    from matplotlib.figure import Figure

    assert getattr(mtext.get_font, "_pma_eval", False) and getattr(mtext._get_text_metrics_with_cache, "_pma_eval")

    def layouts():
        out = []
        for sans in (["DejaVu Sans"], ["STIXGeneral"]):  # vertical metrics of their own
            with matplotlib.rc_context({"font.sans-serif": sans}):
                for dpi in (72, 110, 203):
                    fig = Figure(figsize=(4, 3), dpi=dpi)
                    renderers = [FigureCanvasAgg(fig).get_renderer()]
                    if dpi == 72:  # as print_svg draws
                        renderers.append(MixedModeRenderer(fig, 4, 3, 150, RendererSVG(288, 216, io.StringIO())))
                    for style in ({"fontsize": 8}, {"fontsize": 11, "fontweight": "bold"},
                                  {"fontsize": 26, "style": "italic"}, {"family": "sans-serif", "fontsize": 9.5},
                                  {"family": "monospace"}, {"family": "STIXGeneral", "fontsize": 10}):
                        text = fig.text(0.1, 0.1, "Émissions de GES\nkt CO2e — 2023", **style)
                        for renderer in renderers:
                            box, lines, descent = text._get_layout(renderer)
                            out.append((box.bounds, lines, descent))
        return out

    shared = layouts()
    monkeypatch.setattr(mtext, "fontManager", font_manager.fontManager)
    monkeypatch.setattr(mtext, "get_font", font_manager.get_font)
    monkeypatch.setattr(mtext, "_get_text_metrics_with_cache",
                        lambda renderer, text, prop, ismath, dpi: renderer.get_text_width_height_descent(text, prop,
                                                                                                         ismath))
    assert shared == layouts()
    # the rcParam changed the font a generic family names, and the layouts with it
    assert shared[:len(shared) // 2] != shared[len(shared) // 2:]
