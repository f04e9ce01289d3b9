"""Figures in the house style. Functions return matplotlib figures; they never save or show.

Every chart has a title, a unit on its value axis, a source line, French number formatting,
colours from the colour-blind-safe palette and hatches so that it reads in black and white.

Colours: a sector, technology, source, pollutant, scenario or territory has one colour, declared in
vocabulary.yml and the same in every chart; marks that are no category (observed history, targets,
totals, increases, decreases) take ``MARK_COLORS``. Every highlight (an observed year among
demonstration ones, the report's own territory) has a legend entry.
"""

from __future__ import annotations

import re
from contextlib import contextmanager

import matplotlib
import matplotlib.pyplot as plt
import pandas as pd

from . import fmt
from .nomenclature import PALETTE
from .vocabulary import (MARK_COLORS, SCENARIO_FALLBACK_COLORS, SECTOR_COLORS, SECTOR_HATCHES, SECTOR_LABELS,
                         TRAJECTORY_COLORS)

#: Smallest text of a chart [pt]. A chart is drawn up to 7.7 in wide (legend beside it) and printed
#: 6.85 in wide: 8 pt drawn stays above 7 pt on paper.
SMALL = 8

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


#: Text metrics measured in this process: (renderer kind, text, font files, size and style, dpi, hinting) → (width,
#: height, descent). Matplotlib keeps them per renderer, and a chart gets a new renderer at every size and every
#: measure of its layout (``tight_layout``, a crop, each of :func:`reflow`'s steps): the same labels were measured a
#: dozen times (issue 24). The metrics of a text depend on nothing else (``RendererAgg.get_text_width_height_descent``:
#: the font files, the size at the dpi, the hinting; SVG's: the font files and size, hinting off, 72 dpi).
_METRICS: dict = {}
_METRICS_MAX = 50_000


def _install_metrics_cache() -> None:
    """Share text metrics between renderers of the same kind and dpi (:data:`_METRICS`); idempotent. An SVG's text
    is measured by the SVG renderer inside matplotlib's ``MixedModeRenderer`` (by the Agg one while it rasterizes):
    its metrics are shared as that renderer's."""
    import matplotlib.text as mtext
    from matplotlib.backends.backend_agg import RendererAgg
    from matplotlib.backends.backend_mixed import MixedModeRenderer
    from matplotlib.backends.backend_svg import RendererSVG
    from matplotlib.font_manager import fontManager

    per_renderer = mtext._get_text_metrics_with_cache
    if getattr(per_renderer, "_pma_eval", False):
        return

    def metrics(renderer, text, fontprop, ismath, dpi):
        # MixedModeRenderer._renderer (private, matplotlib 3.11.2): the renderer it hands every call to
        measuring = renderer._renderer if type(renderer) is MixedModeRenderer else renderer
        kind = type(measuring)
        if ismath or kind not in (RendererAgg, RendererSVG):
            return per_renderer(renderer, text, fontprop, ismath, dpi)
        rc = matplotlib.rcParams
        key = (kind, text, fontprop.copy(), _found_fonts(fontprop, fontManager).names,
               fontprop.get_size_in_points(), measuring.dpi if kind is RendererAgg else 72, dpi, rc["text.hinting"],
               rc["text.hinting_factor"], rc["text.kerning_factor"], rc["font.enable_last_resort"])
        found = _METRICS.get(key)
        if found is None:
            if len(_METRICS) >= _METRICS_MAX:
                _METRICS.clear()
            found = _METRICS[key] = measuring.get_text_width_height_descent(text, fontprop, ismath)
        return found

    metrics._pma_eval = True
    mtext._get_text_metrics_with_cache = metrics


#: The rcParams a font look-up reads, given a text's font properties (matplotlib 3.11.2,
#: ``FontManager._expand_aliases``): the families a generic one (« sans-serif ») names.
_FAMILY_RC = ("font.serif", "font.sans-serif", "font.cursive", "font.fantasy", "font.monospace")
#: Fonts found in this process: a text's font properties → (:data:`_FAMILY_RC`'s values, the font manager, its
#: number of fonts — ``addfont`` adds one —, ``MPL_IGNORE_SYSTEM_FONTS``; :class:`_FoundFonts`), all that the fonts
#: found depend on. Matplotlib looks them up again at every layout of a text and every measure of :data:`_METRICS`
#: (issue 24: 25 000 look-ups for the charts of one report).
_FOUND: dict = {}
_FOUND_MAX = 4_096


class _FoundFonts(tuple):
    """The font files found for a text's properties (``FontManager._find_fonts_by_props``, as ``FontPath``), their
    names, and the SFNT tables of the first one (what ``FT2Font.get_sfnt_table`` gives), each read once."""

    def __new__(cls, paths):
        found = super().__new__(cls, paths)
        found.names = tuple(map(str, paths))
        found._tables = {}
        return found

    def get_sfnt_table(self, name):
        """The font's table ``name`` (``None`` if it has none), read once; shared, not to be changed."""
        try:
            return self._tables[name]
        except KeyError:
            from matplotlib.font_manager import get_font

            table = self._tables[name] = get_font(list(self)).get_sfnt_table(name)
            return table


def _found_fonts(prop, manager) -> _FoundFonts:
    """``manager._find_fonts_by_props(prop)`` (its default arguments), looked up once a process (:data:`_FOUND`)."""
    import os

    rc = matplotlib.rcParams
    families = list(map(getattr(rc, "_get", rc.__getitem__), _FAMILY_RC))
    state = (manager, len(manager.ttflist), os.environ.get("MPL_IGNORE_SYSTEM_FONTS"))
    known = _FOUND.get(prop)
    if known is not None and known[0] == families and known[1] == state:
        return known[2]
    if len(_FOUND) >= _FOUND_MAX:
        _FOUND.clear()
    found = _FoundFonts(manager._find_fonts_by_props(prop))
    # copies: the text's properties may change (and their hash with them), a list of families be changed in place
    _FOUND[prop.copy()] = ([list(names) for names in families], state, found)
    return found


def _install_font_height_cache() -> None:
    """Look up once a process the fonts and vertical metrics a text's layout reads (:data:`_FOUND`); idempotent.

    Matplotlib 3.11.2 (pinned in requirements.lock): ``Text._get_layout`` finds, at every layout of every text, the
    font of its properties and reads two of its SFNT tables (``get_font(fontManager._find_fonts_by_props(prop))``,
    ``get_sfnt_table``: 12 800 layouts, a quarter of their cost, for the charts of one report), then scales the
    ascent, descent and line gap to the size and the figure's dpi itself. This patches the two private names it calls,
    ``matplotlib.text.fontManager`` and ``matplotlib.text.get_font`` (its module's own, nothing else's): the first
    finds the fonts once a process and gives them with their tables, which the second gives back as the font;
    matplotlib still does the scaling, so every text is laid out to the same bits. Any other call goes to matplotlib's
    own functions, and where those names are missing (another matplotlib) nothing is patched: matplotlib's own
    behaviour. A warning of a family not found is logged at the first look-up only."""
    import matplotlib.text as mtext
    from matplotlib.font_manager import FontProperties

    manager, get_font = getattr(mtext, "fontManager", None), getattr(mtext, "get_font", None)
    if get_font is None or getattr(get_font, "_pma_eval", False) or not hasattr(manager, "_find_fonts_by_props"):
        return

    class TextFontManager:
        """``matplotlib.text``'s font manager: the fonts of a text's properties looked up once a process."""

        def _find_fonts_by_props(self, prop, *args, **kwargs):
            if args or kwargs or type(prop) is not FontProperties:
                return manager._find_fonts_by_props(prop, *args, **kwargs)
            return _found_fonts(prop, manager)

        def __getattr__(self, name):
            return getattr(manager, name)

    def text_font(font_filepaths, *args, **kwargs):
        if type(font_filepaths) is _FoundFonts and not args and not kwargs:
            return font_filepaths  # what Text._get_layout reads of the font: its tables
        return get_font(font_filepaths, *args, **kwargs)

    text_font._pma_eval = True
    mtext.fontManager = TextFontManager()
    mtext.get_font = text_font


_install_metrics_cache()
_install_font_height_cache()


def new_figure(figsize: tuple[float, float]):
    """A figure and its axes, not registered with pyplot: a notebook shows it once (where it is
    displayed), never again at the end of the cell, and nothing accumulates in pyplot's registry."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=figsize)
    return fig, fig.subplots()


@contextmanager
def house_style():
    with matplotlib.rc_context(STYLE):
        yield


#: Characters of the source note a line per inch of figure [1/in]: 8 pt DejaVu Sans runs about 17 characters an inch
#: of a source's text as measured at the figure's 110 dpi, and is up to 4,5 % wider as drawn at the print's 150–200
#: dpi (glyph hinting): 15 keeps a line inside the figure's width, where 18 ran past it and the print's crop, measured
#: at 110 dpi, cut its last word (the scenario report's sources, « … — sér »).
SOURCE_CHARS_PER_IN = 15


def source_note(fig, source: str, margin: float = 0.04) -> None:
    """The source line at the foot of the figure, wrapped to the figure's width (a long line derived
    from the metadata must not widen the image and shrink its text), and the room it needs."""
    import textwrap

    lines = textwrap.wrap(f"Source : {source}", width=int(fig.get_figwidth() * SOURCE_CHARS_PER_IN),
                          break_long_words=False)
    fig.text(0.01, 0.01, "\n".join(lines), fontsize=SMALL, color="#444444", ha="left", va="bottom", gid="source")
    _layout(fig, len(lines), margin)


def _layout(fig, lines: int, margin: float = 0.04) -> None:
    """``tight_layout`` above the source note of ``lines`` lines at the figure's foot."""
    per_line = 0.11 / fig.get_figheight()  # ≈ 8 pt of height per line of 7 pt text
    fig.tight_layout(rect=(0, max(margin, 0.01 + per_line * lines), 1, 1))


#: The mark of a figure showing demonstration values (issue: nature carried to every image).
DEMO_MARK = "DONNÉES DE DÉMONSTRATION"


def watermark(fig, text: str = DEMO_MARK) -> None:
    """A faint diagonal mark across the figure, visible on the image itself wherever it is reused
    (report, visuals for social networks, newsletter), without moving anything of the layout."""
    fig.text(0.5, 0.5, text, ha="center", va="center", rotation=18, fontsize=26, fontweight="bold",
             color="#8a4b00", alpha=0.13, gid="watermark")


def _finish(fig, ax, title: str, unit: str, source: str) -> None:
    ax.set_title(title)
    ax.set_ylabel(unit)
    ax.yaxis.set_major_formatter(fmt.axis_formatter())
    source_note(fig, source)


def stacked(wide: pd.DataFrame, title: str, unit: str, source: str, labels: dict[str, str],
            colors: dict[str, str], hatches: dict[str, str] | None = None, demo_years: set[int] | None = None,
            scale: float = 1.0) -> plt.Figure:
    """Stacked bars: one bar a year (index), one segment a category (columns).

    Bars of demonstration years are drawn lighter and marked « démo » under the axis, so that
    the nature of the data does not rest on colour alone.
    """
    from matplotlib.legend_handler import HandlerTuple
    from matplotlib.patches import Patch

    demo_years = demo_years or set()
    hatches = hatches or {}
    with house_style():
        fig, ax = new_figure(figsize=(7.2, 3.8))
        bottom = pd.Series(0.0, index=wide.index)
        x = [str(y) for y in wide.index]
        handles, drawn_colors = [], []
        for i, col in enumerate(wide.columns):
            vals = wide[col].fillna(0) / scale
            color = colors.get(col, PALETTE[i % len(PALETTE)])
            bars_ = ax.bar(x, vals, bottom=bottom, color=color, hatch=hatches.get(col, ""), edgecolor="white",
                           linewidth=0.4, label=labels.get(col, col))
            mixed = bool(demo_years & set(wide.index)) and not set(wide.index) <= demo_years
            for bar, y in zip(bars_, wide.index):
                bar.set_alpha(0.55 if y in demo_years else 1.0)
                if mixed and y not in demo_years:
                    bar.set_gid("highlight")  # an observed year among demonstration ones: in the legend
            bottom += vals
            # the category's own colour in the legend, full: the first bar's (a pale demonstration year) would
            # turn the energy branch's black into the grey of a highlight
            handles.append(Patch(facecolor=color, hatch=hatches.get(col, ""), edgecolor="white", linewidth=0.4,
                                 label=labels.get(col, col)))
            drawn_colors.append(color)
        for i, y in enumerate(wide.index):
            if y in demo_years:
                ax.annotate("démo", (i, 0), xytext=(0, -17), textcoords="offset points", ha="center", va="top",
                            rotation=90, fontsize=SMALL, color="#555555", annotation_clip=False)
        handles += nature_handles(wide.index, demo_years, drawn_colors)
        ax.legend(handles=handles, labels=[h.get_label() if not isinstance(h, tuple) else h[0].get_label()
                                           for h in handles],
                  loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=SMALL,
                  handler_map={tuple: HandlerTuple(ndivide=None, pad=0)})
        ax.tick_params(axis="x", labelsize=SMALL)
        _finish(fig, ax, title, unit, source)
    return fig


def nature_handles(years, demo_years: set[int], colors: list | None = None) -> list:
    """Legend entries of the highlighted years of a bar chart mixing natures: the observed years drawn
    full (« 2016 : année observée »), the demonstration years pale; none when all years share a nature.

    Each entry shows the chart's own ``colors`` side by side, full then pale (three at most): what tells the two
    natures apart is the shade, not a colour, and no entry has the colour of a category (a grey swatch read as
    the energy branch's or the waste sector's)."""
    from matplotlib.patches import Patch

    observed = [int(y) for y in years if y not in demo_years]
    if not observed or len(observed) == len(list(years)):
        return []
    shown = ", ".join(str(y) for y in observed[:3]) + ("…" if len(observed) > 3 else "")
    label = f"{shown} : année{'s' if len(observed) > 1 else ''} observée{'s' if len(observed) > 1 else ''}"
    sample = list(dict.fromkeys(colors or []))[:3] or [MARK_COLORS["neutral"]]
    full = tuple(Patch(facecolor=c, edgecolor="white", linewidth=0.4, gid="highlight", label=label) for c in sample)
    pale = tuple(Patch(facecolor=c, edgecolor="white", linewidth=0.4, alpha=0.55,
                       label="Pâle : année de démonstration") for c in sample)
    return [full, pale]


def stacked_sectors(wide: pd.DataFrame, title: str, unit: str, source: str,
                    demo_years: set[int] | None = None, scale: float = 1.0) -> plt.Figure:
    """:func:`stacked` with the sector labels, colours and hatches of the house."""
    return stacked(wide, title, unit, source, SECTOR_LABELS, SECTOR_COLORS, SECTOR_HATCHES, demo_years, scale)


def waterfall(start: tuple[str, float], effects: pd.Series, end: tuple[str, float], title: str, unit: str,
              source: str, decimals: int = 0) -> plt.Figure:
    """Waterfall of a change: start bar, one bar per effect (signed values written), end bar.

    Decreases are light blue and hatched, increases light orange, the two totals grey (``MARK_COLORS``):
    the sign is also written on each bar.
    """
    with house_style():
        fig, ax = new_figure(figsize=(7.2, 3.8))
        labels = [start[0], *effects.index, end[0]]
        level = start[1]
        ax.bar(0, start[1], color=MARK_COLORS["total"])
        ax.annotate(fmt.number(start[1], decimals), (0, start[1]), xytext=(0, 3), textcoords="offset points",
                    ha="center", fontsize=8)
        for i, (name, v) in enumerate(effects.items(), start=1):
            color, hatch = (MARK_COLORS["decrease"], "//") if v < 0 else (MARK_COLORS["increase"], "")
            ax.bar(i, v, bottom=level, color=color, hatch=hatch, edgecolor="white", linewidth=0.4)
            ax.annotate(fmt.number(v, decimals, signed=True), (i, max(level, level + v)), xytext=(0, 3),
                        textcoords="offset points", ha="center", fontsize=8)
            if i < len(effects):
                ax.plot([i - 0.4, i + 1.4], [level + v, level + v], color="#999999", linewidth=0.6, gid="guide")
            level += v
        n = len(effects) + 1
        ax.bar(n, end[1], color=MARK_COLORS["total"])
        ax.annotate(fmt.number(end[1], decimals), (n, end[1]), xytext=(0, 3), textcoords="offset points",
                    ha="center", fontsize=8)
        ax.set_xticks(range(len(labels)))
        ax.set_xticklabels([_wrap(t, 12) for t in labels], fontsize=SMALL)
        high = max(start[1], end[1], *(start[1] + effects.cumsum()))
        ax.set_ylim(bottom=0, top=high * 1.12)  # zero-based: the bars' lengths stay honest
        _finish(fig, ax, title, unit, source)
    return fig


def _wrap(text: str, width: int = 16) -> str:
    import textwrap

    return "\n".join(textwrap.wrap(text, width))


def bars(values: pd.Series, title: str, unit: str, source: str, decimals: int = 1,
         highlight: str | None = None, colors: dict[str, str] | None = None, clip: float | None = None,
         width: float = 7.2, xmax: float | None = None, highlight_label: str = "Territoire du rapport",
         legend: list[tuple[str, str | tuple[str, ...]]] | None = None, legend_low: bool = False,
         marks: pd.Series | None = None, marks_label: str = "") -> plt.Figure:
    """Horizontal bars with their value written at the end (no reliance on colour).

    ``colors`` gives a colour per label (else the neutral mark); the ``highlight`` bar is outlined in
    black, its label bold, with a legend entry ``highlight_label``; ``legend`` adds entries (label,
    colour or colours) for what the colours mean, beside the plot (at its foot with ``legend_low``, where
    bars ranked from the longest leave room for a long value); ``clip`` caps the axis: a
    longer bar is cut at the cap and its value written with « hors échelle »; ``width`` [in] of the plot
    (long labels beside it widen the image: keep image ≤ 7.7 in for 8 pt text to print ≥ 7 pt); ``xmax``
    sets the end of the axis, for charts to be read on one scale. ``marks`` (same labels) draws a second value
    on each bar as a black tick, named ``marks_label`` in the legend (a part of the bar: the emissions without
    industry and the energy branch).
    """
    with house_style():
        # a long ranking (the comparable territories: 28 bars) must fit under its heading and a paragraph on one
        # page: 0,24 in a bar still leaves 8 pt labels a line each
        per_bar = 0.45 if len(values) <= 8 else 0.3 if len(values) <= 20 else 0.24
        fig, ax = new_figure(figsize=(width, per_bar * len(values) + 1.2))
        colors_ = [(colors or {}).get(k) or MARK_COLORS["neutral"] for k in values.index]
        shown = values.clip(upper=clip) if clip else values
        drawn = ax.barh([str(i) for i in values.index], shown.values, color=colors_)
        handles = [_swatch(label, c) for label, c in legend or []]
        if highlight is not None and highlight in values.index:
            k = list(values.index).index(highlight)
            drawn[k].set_edgecolor(MARK_COLORS["observed"])
            drawn[k].set_linewidth(1.6)
            drawn[k].set_gid("highlight")
            handles.insert(0, _swatch(highlight_label, "none", edge=True))
        if marks is not None:
            m = marks.reindex(values.index).astype(float)
            m = m.clip(upper=clip) if clip else m
            known = m.notna().to_numpy()
            tick = ax.scatter(m.to_numpy()[known], [i for i, k in enumerate(known) if k], marker="|", s=90,
                              linewidths=1.8, color=MARK_COLORS["core"], zorder=3)
            handles.append((tick, marks_label))
        for i, (v, w) in enumerate(zip(values.values, shown.values)):
            text = fmt.number(v, decimals) + (" (hors échelle)" if clip and v > clip else "")
            ax.annotate(text, (w, i), xytext=(3, 0), textcoords="offset points", va="center", fontsize=SMALL)
        if clip:
            ax.set_xlim(0, clip * 1.25)
        elif xmax is not None:  # a common scale across several charts
            ax.set_xlim(min(0.0, float(shown.min()) * 1.1), xmax)
        ax.invert_yaxis()
        if highlight is not None and highlight in values.index:
            ax.set_yticks(range(len(values)), [str(i) for i in values.index])
            ax.get_yticklabels()[list(values.index).index(highlight)].set_fontweight("bold")
        if handles:
            from matplotlib.legend_handler import HandlerTuple

            where = ({"loc": "lower left", "bbox_to_anchor": (1.0, 0.0)} if legend_low
                     else {"loc": "upper left", "bbox_to_anchor": (1.0, 1.0)})
            ax.legend([h for h, _ in handles], [t for _, t in handles], fontsize=SMALL, handlelength=3.2,
                      handler_map={tuple: HandlerTuple(ndivide=None, pad=0)}, **where)
        ax.set_axisbelow(True)
        ax.grid(axis="x", color="#DDDDDD")
        ax.grid(axis="y", visible=False)
        ax.set_xlabel(unit)
        ax.xaxis.set_major_formatter(fmt.axis_formatter())
        ax.set_title(title)
        source_note(fig, source, margin=0.05)
    return fig


def _swatch(label: str, color, edge: bool = False):
    """A legend entry: a coloured square, several side by side (a tuple of colours), or an outline."""
    from matplotlib.patches import Patch

    if isinstance(color, (tuple, list)):
        return (tuple(Patch(facecolor=c, label=label) for c in color), label)
    return (Patch(facecolor=color, edgecolor=MARK_COLORS["observed"] if edge else color,
                  linewidth=1.6 if edge else 0, label=label, gid="highlight" if edge else None), label)


#: Width of the text of an A4 report page [in]: 21 cm less two margins of 1.8 cm (``report.css``). Every
#: report chart is shown across it (``figure.pma-figure img { width: 100%; }``).
TEXT_WIDTH_IN = (21.0 - 2 * 1.8) / 2.54
#: Pixels per inch of a report chart on paper. Charts are drawn 5.3–7.7 in wide with 8 pt text at least, so
#: their smallest text prints at 7 pt or more; more pixels than this only cost time, since WeasyPrint decodes
#: and re-encodes every pixel of a PNG when it writes the PDF.
PRINT_PPI = 200


def typeset_texts(fig: plt.Figure) -> None:
    """French typography (:func:`pma_eval.fmt.typeset`) on every text of a chart — title, labels, legend,
    notes — as on the page around it (« de l’Artois », « Source : »). Idempotent."""
    from matplotlib.text import Text

    for t in fig.findobj(Text):
        text = t.get_text()
        if text and (done := fmt.typeset(text)) != text:
            t.set_text(done)


def _crop(fig: plt.Figure):
    """The area ``savefig(bbox_inches="tight")`` would keep, after the texts are typeset: measured once per figure
    (laying out every text is a third of a chart's cost) and shared by :func:`to_svg` and :func:`to_png`."""
    crop = getattr(fig, "_pma_eval_crop", None)
    if crop is None:
        typeset_texts(fig)
        crop = fig.get_tightbbox().padded(matplotlib.rcParams["savefig.pad_inches"])
        fig._pma_eval_crop = crop
    return crop


def without_dry_draw(fig: plt.Figure) -> plt.Figure:
    """``fig`` without the placeholder layout engine ``tight_layout`` leaves behind (nothing to lay out any more):
    with it, every ``savefig`` draws the whole figure once for nothing before drawing it for real (matplotlib's
    ``print_figure`` does so for any layout engine; issue 24). The PNGs are the
    same, byte for byte (``tests/test_charts_png.py``); the SVGs differ only by « -0 » signs and clip ids."""
    from matplotlib.layout_engine import PlaceHolderLayoutEngine

    if isinstance(fig.get_layout_engine(), PlaceHolderLayoutEngine):
        with matplotlib.rc_context({"figure.autolayout": False, "figure.constrained_layout.use": False}):
            fig.set_layout_engine(None)
    return fig


def to_png(fig: plt.Figure, ppi: int = PRINT_PPI, shown: float = TEXT_WIDTH_IN) -> bytes:
    """PNG bytes of a report chart drawn for its printed size — ``ppi`` pixels per inch once shown ``shown`` inches
    wide (the text width, or a column beside a table) — without timestamps (identical from run to run); the figure
    is closed."""
    import math

    crop = _crop(fig)
    # one dot more than the quotient: the image is a whole number of pixels, never below ``ppi`` across the width
    dpi = math.ceil(ppi * shown / crop.width) + 1
    png = rgb_png(fig, dpi, crop)
    plt.close(fig)
    return png


def rgb_png(fig: plt.Figure, dpi: float | None = None, bbox_inches=None) -> bytes:
    """``fig`` as an 8-bit RGB PNG (no alpha channel, no metadata but its resolution), encoded once: what a PDF embeds as it is
    (:mod:`pma_eval.publish.pdf`), where matplotlib's RGBA PNG would be decoded and encoded twice more.
    ``bbox_inches`` (inches) crops as :meth:`~matplotlib.figure.Figure.savefig` does; transparent areas are laid on
    white."""
    import io

    from matplotlib.transforms import Affine2D, Bbox, TransformedBbox
    from PIL import Image

    dpi = dpi or fig.dpi
    buf = io.BytesIO()
    without_dry_draw(fig).savefig(buf, format="rgba", dpi=dpi, **({"bbox_inches": bbox_inches} if bbox_inches is not None else {}))
    inches = bbox_inches if bbox_inches is not None else Bbox.from_bounds(0, 0, *fig.get_size_inches())
    # the canvas Agg draws on: the box in inches scaled by the dpi, truncated (matplotlib's own arithmetic)
    w, h = (int(v) for v in TransformedBbox(Bbox.from_bounds(0, 0, inches.width, inches.height),
                                            Affine2D().scale(dpi)).size)
    raw = buf.getvalue()
    if len(raw) != 4 * w * h:
        raise RuntimeError(f"image de {len(raw)} octets pour {w} × {h} pixels")
    image = Image.frombuffer("RGBA", (w, h), raw, "raw", "RGBA", 0, 1)
    if image.getextrema()[3][0] < 255:
        image = Image.alpha_composite(Image.new("RGBA", image.size, "white"), image)
    out = io.BytesIO()
    image.convert("RGB").save(out, format="PNG", dpi=(dpi, dpi))  # the resolution it was drawn at, as matplotlib says
    return out.getvalue()


#: Coordinates in path data and positions of an SVG chart: one decimal of a point (0,035 mm) is finer than any
#: screen shows, and the file is a third smaller than with matplotlib's six.
_SVG_NUMBER_ATTRIBUTE = re.compile(r'(\s(?:d|x|y|width|height|points|transform)=")([^"]*)(")')
_SVG_DECIMALS = re.compile(r"(\d\.\d)\d+")
#: A chart's text keeps its font where the reader has it (DejaVu Sans, as printed) and falls back to the
#: nearest widths (Verdana, drawn from the same Bitstream Vera design), then to any sans-serif.
_SVG_FONT = re.compile(r"font-family: 'DejaVu Sans'(?=[;\"])")


#: Pixels per point of a chart's natural size on screen: its smallest text (``charts.SMALL``, 8 pt) reads at 9 px
#: where the chart is shown at that size (a phone, ``report.css``); elsewhere it is shown across the text width.
SCREEN_PX_PER_PT = 9 / 8


def to_svg(fig) -> bytes:
    """SVG of a report chart, for screens: the area :func:`pma_eval.charts.to_png` prints, text kept as text
    (sharp at any zoom on a phone, found by the browser's search), a natural size in pixels of
    :data:`SCREEN_PX_PER_PT`, coordinates to a tenth of a point, no metadata (identical from run to run).
    The figure stays open."""
    import io

    import matplotlib

    crop = _crop(fig)
    buf = io.BytesIO()
    with matplotlib.rc_context({"svg.fonttype": "none", "svg.hashsalt": "pma-eval"}):
        without_dry_draw(fig).savefig(buf, format="svg", bbox_inches=crop, metadata={"Date": None, "Creator": None})
    text = buf.getvalue().decode("utf-8")
    text = re.sub(r"\s*<metadata>.*?</metadata>", "", text, flags=re.S)
    root = re.search(r"<svg\b[^>]*>", text)
    sized = re.sub(r'(\s(?:width|height)=")([\d.]+)pt(")',
                   lambda m: f"{m.group(1)}{float(m.group(2)) * SCREEN_PX_PER_PT:.0f}px{m.group(3)}", root.group(0))
    text = text[:root.start()] + sized + text[root.end():]
    text = _SVG_NUMBER_ATTRIBUTE.sub(lambda m: m.group(1) + _SVG_DECIMALS.sub(r"\1", m.group(2)) + m.group(3), text)
    text = re.sub(r"[ \t]*\n[ \t]*", "\n", text)
    text = _SVG_FONT.sub("font-family: 'DejaVu Sans', Verdana, sans-serif", text)
    return text.encode("utf-8")


#: Width of a chart's phone variant [in]: its crop, about 4,4 in (317 pt), is shown across a 390 px phone's text
#: (374 px) at 1,18 px a point, so that its smallest text (8 pt) reads at 9,4 px; the chart drawn for print,
#: 7,2–7,7 in wide, shown across the same width, would read at 5,4 px.
PHONE_WIDTH_IN = 4.2
#: Width of a chart drawn beside a small table [in]: its column of the printed page (``report.css``,
#: ``div.pma-beside``), so that it prints at its own size, smallest text 8 pt.
BESIDE_WIDTH_IN = 3.9


def _outside_right(legend, ax, renderer) -> bool:
    """Is a legend anchored beside its axes, on their right (``bbox_to_anchor=(1.0, …)``)?"""
    anchor = legend.get_bbox_to_anchor()
    return anchor.x0 >= ax.get_window_extent(renderer).x1 - 1


def _wrap_to(text, chars: int) -> None:
    """Wrap a text of a chart to ``chars`` characters a line (its existing line breaks become spaces)."""
    import textwrap

    words = " ".join(text.get_text().split())
    if words and len(words) > chars:
        text.set_text("\n".join(textwrap.wrap(words, chars, break_long_words=False)))


def _thin_overlapping_ticks(fig) -> bool:
    """Tick labels of an x axis that overlap once the chart is narrower: years shown one in two (the last one kept),
    other labels turned upright. Did anything change?"""
    import textwrap

    changed, renderer = False, fig.canvas.get_renderer()
    for ax in fig.axes:
        labels = [t for t in ax.get_xticklabels() if t.get_visible() and t.get_text().strip()]
        boxes = [t.get_window_extent(renderer) for t in labels]
        if not any(a.x1 > b.x0 - 2 for a, b in zip(boxes, boxes[1:])):
            continue
        changed = True
        if all(re.fullmatch(r"\d{4}", t.get_text().strip()) for t in labels):
            for i, t in enumerate(labels):
                t.set_visible((len(labels) - 1 - i) % 2 == 0)
        else:  # upright, on two lines at most beside each other
            texts = [fmt.typeset(textwrap.fill(re.sub(r"(?<=-) ", "", " ".join(t.get_text().split())), 22,
                                               break_long_words=False))
                     for t in ax.get_xticklabels()]
            ax.set_xticks(ax.get_xticks(), texts, rotation=90, horizontalalignment="center")
    return changed


def _fit_titles(fig, titles) -> bool:
    """Wrap again each title that runs past the figure's right edge (a title starts at its axes' left edge, after
    the tick labels). Did anything change?"""
    changed, renderer = False, fig.canvas.get_renderer()
    right = fig.bbox.x1 - 2
    for t in titles:
        box = t.get_window_extent(renderer)
        if t.get_text() and box.x1 > right and box.width:
            longest = max(len(line) for line in t.get_text().split("\n"))
            _wrap_to(t, max(12, int(longest * (right - box.x0) / box.width)))
            changed = True
    return changed


def _decorations_below(fig) -> float:
    """Height of what hangs under the tallest axes' plot: tick labels, axis label, notes under the bars [in]."""
    renderer = fig.canvas.get_renderer()
    out = 0.0
    for ax in fig.axes:
        low = min([ax.xaxis.get_tightbbox(renderer).y0]
                  + [t.get_window_extent(renderer).y0 for t in ax.texts if t.get_visible() and t.get_text()])
        out = max(out, (ax.get_window_extent(renderer).y0 - low) / fig.dpi)
    return out


def _legends_below(fig, legends) -> float:
    """Anchor each (axes, legend) under its axes' own decorations (tick labels, axis label), 4 pt apart; the height
    the tallest of them needs [in]."""
    from matplotlib.transforms import ScaledTranslation, blended_transform_factory

    grow, renderer = 0.0, fig.canvas.get_renderer()
    for ax, legend in legends:
        top = ax.get_window_extent(renderer).y0
        # what hangs under the axes: tick labels, axis label, notes under the bars (« démo »)
        low = min([ax.xaxis.get_tightbbox(renderer).y0]
                  + [t.get_window_extent(renderer).y0 for t in ax.texts if t.get_visible() and t.get_text()])
        below = (top - low) / fig.dpi + 4 / 72
        # from the figure's left edge (the tick labels of a ranking take half its width), under the axes
        under = blended_transform_factory(fig.transFigure, ax.transAxes)
        legend.set_bbox_to_anchor((0.01, 0), transform=under + ScaledTranslation(0, -below, fig.dpi_scale_trans))
        grow = max(grow, legend.get_window_extent(renderer).height / fig.dpi + 4 / 72)
    return grow


def reflow(fig: plt.Figure, width: float, in_place: bool = False) -> plt.Figure:
    """A copy of a report chart laid out again ``width`` inches wide, its text at the same size: for a phone
    (:data:`PHONE_WIDTH_IN`) or a column beside a table (:data:`BESIDE_WIDTH_IN`). A legend beside the axes moves
    under them (the figure grows by its height); titles and the source note wrap to the new width; the watermark
    of demonstration values shrinks to fit; x tick labels that would overlap are thinned (years) or turned upright.
    The chart given is left as it was, unless ``in_place``: then it is laid out again itself, without the copy (a
    quarter of a second for a chart of the annual report), where it has no other use left (issue 24)."""
    import copy

    from matplotlib.backends.backend_agg import FigureCanvasAgg

    # Nothing is drawn between the steps: each measure lays out what it reads (tight_layout its own boxes, an axis its
    # ticks, an annotation its position), and a figure drawn without rendering after each step, three or four times a
    # chart, changed no byte of the reports' images (issue 24: a third of the chart's cost).
    if not in_place:
        fig = copy.deepcopy(fig)
    FigureCanvasAgg(fig)  # measures text as the PNG draws it
    fig.__dict__.pop("_pma_eval_crop", None)
    typeset_texts(fig)
    w0, h0 = fig.get_size_inches()
    fig.set_size_inches(width, h0)
    sources = [t for t in fig.texts if t.get_gid() == "source"]
    for t in fig.texts:
        if t.get_gid() == "watermark":
            t.set_fontsize(t.get_fontsize() * min(1.0, width / w0))
    for t in sources:
        t.set_text(t.get_text().replace("\n", " "))
        _wrap_to(t, int(width * SOURCE_CHARS_PER_IN))
    titles = [fig._suptitle] if getattr(fig, "_suptitle", None) is not None else []
    for ax in fig.axes:
        titles += [ax.title, ax._left_title, ax._right_title]
    for t in titles:
        if t.get_text():
            _wrap_to(t, int(width * 72 / (t.get_fontsize() * 0.62)))  # DejaVu Sans Bold: ≈ 0,62 em a character
    lines = sum(t.get_text().count("\n") + 1 for t in sources)
    beside = [(ax, ax.get_legend()) for ax in fig.axes
              if ax.get_legend() is not None and _outside_right(ax.get_legend(), ax, fig.canvas.get_renderer())]
    for ax, legend in beside:
        legend.set_loc("upper left")
    fig.set_size_inches(width, h0 + _legends_below(fig, beside))
    _layout(fig, lines)
    if _fit_titles(fig, titles):
        _layout(fig, lines)
    before = _decorations_below(fig)
    if _thin_overlapping_ticks(fig):
        taller = max(0.0, _decorations_below(fig) - before)  # labels turned upright: the plot keeps its height
        fig.set_size_inches(width, h0 + taller + _legends_below(fig, beside))
        _layout(fig, lines)
    return fig


LINESTYLES = ["-", "--", "-.", ":", (0, (5, 1, 1, 1))]


def trajectories(history: pd.Series, lines: dict[str, pd.Series], title: str, unit: str, source: str,
                 targets: list[tuple[int, float, str]] | None = None, demo_years: set[int] | None = None,
                 scale: float = 1.0, styles: dict[str, tuple[str, object]] | None = None,
                 history_label: str = "Observé") -> plt.Figure:
    """Observed series (solid, black) then one line per scenario (colour and line style), and the
    targets as labelled markers. Demonstration years of the history are drawn as hollow markers.

    ``styles`` maps a line label to its (colour, line style), so that a scenario keeps its look
    from one chart to the next; other lines take the statistical forecast's colour, then the scenarios'
    fallback colours (vocabulary.yml), never a colour of a sector or a territory."""
    from matplotlib.transforms import ScaledTranslation

    others = [TRAJECTORY_COLORS["forecast"], *SCENARIO_FALLBACK_COLORS]
    with house_style():
        fig, ax = new_figure(figsize=(7.2, 4.0))
        h = history.dropna() / scale
        ink = MARK_COLORS["observed"]
        ax.plot(h.index, h.values, color=ink, linewidth=2, label=history_label)
        demo = [y for y in h.index if demo_years and y in demo_years]
        ax.scatter(h.index, h.values, s=14, color=["white" if y in demo else ink for y in h.index],
                   edgecolors=ink, zorder=3, gid="highlight" if demo and len(demo) < len(h) else None)
        ends = []  # (x, y, text, colour) of each line's last value, written after it
        for k, (label, s) in enumerate(lines.items()):
            s = s.dropna() / scale
            color, style = (styles or {}).get(label, (others[k % len(others)], LINESTYLES[k % len(LINESTYLES)]))
            ax.plot(s.index, s.values, color=color, linestyle=style, linewidth=1.8, label=label)
            ends.append((s.index[-1], float(s.iloc[-1]), fmt.number(s.iloc[-1], 0), color))
        for year, value, _ in targets or []:
            ax.scatter([year], [value / scale], marker="v", s=42, color=MARK_COLORS["target"], zorder=4)
        if demo and len(demo) < len(h):  # legend entries for the filled (observed) and hollow markers
            ax.scatter([], [], s=14, color=ink, edgecolors=ink, label="Année observée", gid="highlight")
        if demo:
            ax.scatter([], [], s=14, color="white", edgecolors=ink, label="Année de démonstration")
        if targets:  # every mark drawn is named in the legend
            ax.scatter([], [], marker="v", s=42, color=MARK_COLORS["target"], label=TARGET_LEGEND)
        ax.set_ylim(bottom=0)
        low, high = ax.get_ylim()
        gap = (high - low) * LABEL_GAP  # one line of 8 pt text, in the axis' units

        def shifted(points: float):  # data units, ``points`` to the right (left when negative)
            return ax.transData + ScaledTranslation(points / 72, 0, fig.dpi_scale_trans)

        # the lines' last values, each after its line, moved apart where two lines end together
        for (x, y, text, color), at in zip(ends, spread([e[1] for e in ends], gap)):
            ax.annotate(text, (x, y), xytext=(x, at), textcoords=shifted(4), va="center", fontsize=SMALL,
                        color=color, annotation_clip=False)
        # the targets' labels left of their marker, moved apart where several targets share a year (« national
        # 2030 » and « orientations SRADDET 2030 » a few GWh apart), on a white ground over the lines they cross
        by_year: dict[int, list[tuple[float, str]]] = {}
        for year, value, label in targets or []:
            by_year.setdefault(year, []).append((value / scale, label))
        for year, marks in by_year.items():
            # a long label on two lines: on a phone it would run from its marker over the value axis
            marks = [(value, _wrap(label, TARGET_LABEL_CHARS)) for value, label in marks]
            centres = spread([v for v, _ in marks], gap, above=gap * 0.6, lines=[t.count("\n") + 1 for _, t in marks])
            for (value, label), at in zip(marks, centres):  # in the order of their markers, top to bottom
                ax.annotate(label, (year, value), xytext=(year, at), textcoords=shifted(-6), ha="right", va="center",
                            fontsize=SMALL, color=MARK_COLORS["target"], zorder=5,
                            bbox={"boxstyle": "round,pad=0.12", "fc": "white", "ec": "none", "alpha": 0.85})
        ax.legend(loc="lower left", fontsize=SMALL, ncol=2)
        _finish(fig, ax, title, unit, source)
    return fig


#: Legend entry of the targets' markers of :func:`trajectories`.
TARGET_LEGEND = "Objectif (niveau visé)"
#: Characters a line of a target's label: « orientations SRADDET 2018 2030 » goes on two lines, 1,2 in wide, which
#: a phone's chart (2030 is 1,4 in from the value axis) still holds.
TARGET_LABEL_CHARS = 20
#: Height of a line of 8 pt text as a share of a trajectory chart's value axis: about 11 pt of a plot about 200 pt
#: high (4 in, less the title, the tick labels and the source note), the same once laid out for a phone.
LABEL_GAP = 0.055


def spread(values: list[float], gap: float, above: float = 0.0, lines: list[int] | None = None) -> list[float]:
    """Centres of labels written at ``values`` (one axis), moved apart so that none overlaps another: a label of
    ``lines[i]`` lines (one by default) is ``gap`` high a line; each group of labels that would overlap is centred on
    the mean of its values, their order kept. ``above`` raises every label by that much first (over its marker)."""
    lines = lines or [1] * len(values)
    order = sorted(range(len(values)), key=lambda i: values[i])
    clusters: list[tuple[list[int], float]] = []  # (indices from the lowest, bottom of the lowest)
    for i in order:
        clusters.append(([i], values[i] + above - gap * lines[i] / 2))
        while len(clusters) > 1:
            (a, bottom_a), (b, bottom_b) = clusters[-2], clusters[-1]
            if bottom_b >= bottom_a + gap * sum(lines[j] for j in a) - 1e-9 * gap:
                break
            merged = a + b
            mean = sum(values[j] + above for j in merged) / len(merged)
            clusters[-2:] = [(merged, mean - gap * sum(lines[j] for j in merged) / 2)]
    out = [0.0] * len(values)
    for members, bottom in clusters:
        for j in members:
            out[j] = bottom + gap * lines[j] / 2
            bottom += gap * lines[j]
    return out


def index_lines(index: pd.DataFrame, title: str, source: str, labels: dict[str, str], colors: dict[str, str],
                targets: dict[str, tuple[int, float]] | None = None, demo_years: set[int] | None = None,
                base_year: int | None = None, demo_columns: set[str] | None = None,
                y_label: str | None = None, from_zero: bool = True) -> plt.Figure:
    """One line per column of an index (base 100), each target a marker of the line's colour with its
    value; demonstration years drawn as hollow markers (the nature does not rest on colour alone) — in the
    ``demo_columns`` only when given (an observed comparison level beside a demonstration series)."""
    demo_years = demo_years or set()
    with house_style():
        fig, ax = new_figure(figsize=(7.2, 4.0))
        for k, col in enumerate(index.columns):
            s = index[col].dropna()
            color = colors.get(col, PALETTE[k % len(PALETTE)])
            ax.plot(s.index, s.values, color=color, linewidth=1.8, linestyle=LINESTYLES[k % len(LINESTYLES)],
                    label=labels.get(col, col))
            ax.scatter(s.index, s.values, s=10, zorder=3, edgecolors=color,
                       color=["white" if y in demo_years and (demo_columns is None or col in demo_columns) else color
                              for y in s.index])
            if col in (targets or {}):
                year, value = targets[col]
                ax.scatter([year], [value], marker="v", s=40, color=color, zorder=4)
                ax.annotate(fmt.number(value, 0), (year, value), xytext=(5, 0), textcoords="offset points",
                            va="center", fontsize=SMALL, color=color)
        if targets:
            ax.scatter([], [], marker="v", s=40, color=MARK_COLORS["target"], label="Objectif national 2030")
        if demo_years & set(index.index) and (demo_columns is None or demo_columns & set(index.columns)):
            ax.scatter([], [], s=10, color="white", edgecolors=MARK_COLORS["target"], label="Année de démonstration")
        ax.axhline(100, color="#999999", linewidth=0.6, gid="guide")
        if from_zero:
            ax.set_ylim(bottom=0)
        ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=SMALL)
        ax.tick_params(labelsize=SMALL)
        _finish(fig, ax, title, y_label or (f"indice, base 100 en {base_year}" if base_year else "indice"), source)
    return fig


def fan(history: pd.Series, center: pd.Series, inner: tuple[pd.Series, pd.Series], outer: tuple[pd.Series, pd.Series],
        labels: tuple[str, str, str], title: str, unit: str, source: str, reference: pd.Series | None = None,
        scale: float = 1.0, ymax: float | None = None, history_label: str = "Observé",
        color: str | None = None) -> plt.Figure:
    """Fan chart: observed series, central projection, inner and outer uncertainty bands.

    ``labels`` = (central, inner band, outer band), e.g. ("Médiane", "P25–P75", "P5–P95"); the bands
    differ by shade and by hatch so that they read in black and white. ``color``: the projection's own
    colour (a scenario's; by default the statistical forecast's), for the centre and both bands.
    """
    color = color or TRAJECTORY_COLORS["forecast"]
    with house_style():
        fig, ax = new_figure(figsize=(7.2, 3.6))
        h = history.dropna() / scale
        ax.plot(h.index, h.values, color=MARK_COLORS["observed"], linewidth=2, label=history_label)
        ax.fill_between(outer[0].index, outer[0] / scale, outer[1] / scale, color=color, alpha=0.18,
                        linewidth=0, label=labels[2])
        ax.fill_between(inner[0].index, inner[0] / scale, inner[1] / scale, color=color, alpha=0.4,
                        hatch="//", edgecolor="white", linewidth=0, label=labels[1])
        ax.plot(center.index, center / scale, color=color, linewidth=2, label=labels[0])
        if reference is not None:
            r = reference.dropna() / scale
            ax.plot(r.index, r.values, color=TRAJECTORY_COLORS["reference"], linestyle="--", linewidth=1.4,
                    label="Trajectoire de référence")
        ax.set_ylim(bottom=0, top=ymax / scale if ymax else None)
        ax.legend(loc="lower left", fontsize=SMALL, ncol=2)
        _finish(fig, ax, title, unit, source)
    return fig


def key_figures_card(rows: list[dict], title: str, subtitle: str, source: str, size_in: tuple[float, float],
                     demonstration: bool = False) -> plt.Figure:
    """A one-page « chiffres clés » card: one block per row (``label``, ``value``, ``change``, ``verdict``),
    two columns, a title, the source and, on demonstration values, a visible stamp and watermark.

    Drawn at ``size_in`` (A4 portrait 8.27 × 11.69 in, or a square) with the same rows wherever it is used.
    """
    with house_style():
        fig = new_figure(size_in)[0]
        fig.clear()
        w, h = size_in
        scale = min(w / 8.27, h / 8.27)  # text scales with the card
        fig.text(0.06, 0.94, title, fontsize=20 * scale, fontweight="bold", color="#0b5394", va="top")
        fig.text(0.06, 0.94 - 0.045 * 8.27 / h, subtitle, fontsize=11 * scale, color="#444444", va="top")
        top = 0.94 - 0.11 * 8.27 / h
        if demonstration:
            fig.text(0.06, top, "Données de démonstration : ces chiffres ne sont pas des observations",
                     fontsize=10 * scale, fontweight="bold", color="#8a4b00", va="top",
                     bbox={"boxstyle": "square,pad=0.4", "fc": "white", "ec": "#8a4b00", "lw": 1.5})
            top -= 0.07 * 8.27 / h
            watermark(fig)
        n_rows = (len(rows) + 1) // 2
        cell_h = (top - 0.10) / max(n_rows, 1)
        for k, r in enumerate(rows):
            col, line = k % 2, k // 2
            x, y = 0.06 + col * 0.47, top - line * cell_h
            fig.text(x, y - 0.01, r["label"], fontsize=10.5 * scale, color="#333333", va="top")
            fig.text(x, y - 0.24 * cell_h, r["value"], fontsize=22 * scale, fontweight="bold", color="#111111", va="top")
            fig.text(x, y - 0.46 * cell_h, r["change"], fontsize=10 * scale, color="#333333", va="top")
            if r.get("verdict"):
                fig.text(x, y - 0.60 * cell_h, _wrap(r["verdict"], 44), fontsize=9 * scale, color="#555555", va="top",
                         linespacing=1.3)
        fig.text(0.06, 0.04, _wrap("Source : " + source, 110), fontsize=SMALL * scale, color="#444444", va="bottom")
    return fig
