"""Report blocks: objects that carry their content and render themselves.

A section of a report returns blocks: :class:`Table` (a real DataFrame, its caption, the sources
and natures of its values), :class:`Figure` (a matplotlib figure, its text alternative, its
caption, the data it draws), and text blocks. The same object shows itself in JupyterLab
(``_repr_html_``) and in the published report; the fiches, the EPCI syntheses and the visuals
reuse them. HTML comes only from the jinja2 macros of ``templates/blocks.html.j2``, with
autoescape: no HTML is assembled by hand.
"""

from __future__ import annotations

import base64
import html as html_lib
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Callable, Iterable

import jinja2
import pandas as pd
from markupsafe import Markup, escape

from ..evaluation import CATEGORY_LABELS_FR, traffic_light
from ..fmt import typeset
from ..territory import NATURE_LABELS_FR

TEMPLATES = Path(__file__).resolve().parent / "templates"


@dataclass(frozen=True)
class Verdict:
    """A verdict cell: traffic light, arrow and French label (colour never carries it alone)."""

    category: str
    label: str = ""

    def __post_init__(self):
        if not self.label:
            object.__setattr__(self, "label", CATEGORY_LABELS_FR[self.category])

    @property
    def color(self) -> str:
        return traffic_light(self.category)[1]

    @property
    def arrow(self) -> str:
        return traffic_light(self.category)[2]

    def __str__(self) -> str:  # what an analyst sees in the DataFrame
        return self.label

    def _repr_html_(self) -> str:
        return typeset_html(str(_macro("light")(self)))


#: Elements whose text is never typeset: CSS, scripts, code and commands shown as such.
_VERBATIM = frozenset({"style", "script", "code", "pre", "kbd", "samp", "tt", "textarea", "math"})
#: Attributes that carry text read by people (text alternatives, tooltips): typeset like the text.
_TEXT_ATTRIBUTE = re.compile(r'(\s(?:alt|title|aria-label)=")([^"]*)(")')
_MARKUP = re.compile(r"(<!--.*?-->|<[^>]*>)", re.S)


def _typeset_escaped(escaped: str, quote: bool) -> str:
    text = html_lib.unescape(escaped)
    done = typeset(text)
    return escaped if done == text else html_lib.escape(done, quote=quote)


def typeset_html(markup: str) -> str:
    """French typography (:func:`pma_eval.fmt.typeset`) on the text of an HTML document or fragment.

    The one place where published text gets its typographic apostrophes and its no-break spaces
    before « : ; ! ? » and inside « »: every block renders through it, and so do the notebook
    reports (:func:`pma_eval.publish.report.export_html`), the index and the visuals. Only text nodes
    and the ``alt``/``title``/``aria-label`` attributes change; tags, other attributes (``href``,
    ``src``, ``style``, ``class``), comments and the content of ``style``, ``script``, ``code`` and
    ``pre`` are kept byte for byte. Idempotent.
    """
    out: list[str] = []
    verbatim: list[str] = []  # open verbatim elements
    for part in _MARKUP.split(markup):
        if not part:
            continue
        if part.startswith("<"):
            m = re.match(r"<(/?)([a-zA-Z][\w:-]*)", part)
            if m and m.group(2).lower() in _VERBATIM and not part.endswith("/>"):
                name = m.group(2).lower()
                if not m.group(1):
                    verbatim.append(name)
                elif verbatim and verbatim[-1] == name:
                    verbatim.pop()
            elif m and not m.group(1) and not verbatim:
                part = _TEXT_ATTRIBUTE.sub(lambda a: a.group(1) + _typeset_escaped(a.group(2), True) + a.group(3),
                                           part)
            out.append(part)
        else:
            out.append(part if verbatim else _typeset_escaped(part, False))
    return "".join(out)


@lru_cache(maxsize=1)
def _env() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=True,
                             undefined=jinja2.StrictUndefined)
    env.tests["verdict"] = lambda v: isinstance(v, Verdict)
    env.tests["cell_list"] = lambda v: isinstance(v, (list, tuple))
    env.tests["strong_item"] = lambda v: isinstance(v, tuple)
    env.filters["units"] = units
    # running text: a figure and its slashed unit on one line (« +169 kW/an »); text already HTML is left as it is
    env.filters["running"] = lambda text: text if isinstance(text, Markup) else units(text, narrow=False)
    return env


#: A unit written with slashes (« point/an », « CO₂e/hab/an »): a line may not break inside it.
_SLASHED = re.compile(r"\w+(?:/\w+)+")
#: The same with the figure before it, after a no-break space (« +169 kW/an »): kept whole in running text. A span
#: that opens right after a no-break space makes WeasyPrint break its line at the first space of the paragraph
#: instead of the last one that fits (« installée » alone on a line of a fiche); opened before the figure, it does not.
#: A short unit word between them stays too (« −2,44 kt CO₂e/an », never « −2,44 kt » over « CO₂e/an »).
_FIGURE_SLASHED = re.compile(r"(?:(?:[^\s(]|\u202f)+\u00a0(?:\w{1,3} )?)?\w+(?:/\w+)+")
#: Share points after a figure (« +4,6 points »): in a narrow column the word goes under the figure.
_POINTS = re.compile(r"(?<=\d)\u00a0(?=points?\b)")


def units(text: Any, narrow: bool = True) -> Markup:
    """A figure's text, escaped, each unit written with slashes in a ``<span class="unit">`` that a line never breaks
    (``report.css``), after an ordinary space instead of its no-break one: in a narrow column a pace reads
    « +0,38 » over « point/an », never « +0,38 point/ » over « an » (« +0,38 point/an » at 8,5 pt is 64 pt wide, a
    pace column of the verdict tables 50 pt). Share points after a figure may go under it too: « +4,6 points » at
    8,5 pt is 56 pt wide, the « Depuis 2012 » column of the headline table 33 pt, and the figure kept whole ran
    into the next column. The formatted text (:meth:`Table.text`) is unchanged. ``narrow=False`` (running text, a
    fiche's sentences) keeps the no-break spaces and the figure in the span: « +169 kW/an » stays on one line, never
    « +169 kW/ » over « an »."""
    text = _POINTS.sub(" ", str(text)) if narrow else str(text)
    out, at = [], 0
    for m in (_SLASHED if narrow else _FIGURE_SLASHED).finditer(text):
        before = text[at:m.start()]
        if narrow and before.endswith("\u00a0"):
            before = before[:-1] + " "
        out += [escape(before), Markup('<span class="unit">{}</span>').format(m.group(0))]
        at = m.end()
    return Markup("").join([*out, escape(text[at:])])


def _macro(name: str) -> Callable[..., str]:
    return getattr(_env().get_template("blocks.html.j2").module, name)


class Block:
    """Base of every block: ``sources`` and ``natures`` of what it shows, and its HTML."""

    sources: tuple[str, ...] = ()
    natures: frozenset[str] = frozenset()
    macro = ""

    def html(self) -> str:
        """The block's HTML, French typography applied to its text (:func:`typeset_html`)."""
        return typeset_html(str(_macro(self.macro)(self)))

    def _repr_html_(self) -> str:
        return self.html()

    def __repr__(self) -> str:
        """Short and stable (natures sorted): what a notebook prints as plain text."""
        what = getattr(self, "caption", None) or getattr(self, "text", None) or ""
        what = what if len(what) <= 80 else what[:79] + "…"
        natures = ", ".join(sorted(self.natures)) or "—"
        return f"<{type(self).__name__} « {what} » ; natures : {natures}>"


@dataclass(repr=False)
class Heading(Block):
    text: str
    level: int = 2
    macro = "heading"


@dataclass(repr=False)
class Text(Block):
    """A paragraph; ``css`` gives its role (``key-figure``, ``note``, ``demo-banner``, ``subtitle``)."""

    text: str
    css: str | None = None
    natures: frozenset[str] = frozenset()
    macro = "paragraph"


@dataclass(repr=False)
class Bullets(Block):
    """A list; an item is a string, or ``(bold lead, rest)``."""

    items: list
    natures: frozenset[str] = frozenset()
    macro = "bullets"


@dataclass
class Cell:
    value: Any
    num: bool
    label: str = ""  # its column's header: what a phone shows before it when the table is stacked

    @property
    def verdict(self) -> bool:
        """Does the cell show a verdict (light, arrow, label)? A stacked table shows it first."""
        values = self.value if isinstance(self.value, (list, tuple)) else [self.value]
        return any(isinstance(v, Verdict) for v in values)


#: A table of more rows than this may break across pages (between rows, header repeated).
LONG_TABLE_ROWS = 12
#: … and so may a table of more text than this (characters in its cells): a few rows of sentences fill half
#: a page, and kept whole they would leave half a page empty before them (issue 23, point 20).
LONG_TABLE_CHARS = 1000
#: Average characters in a cell above which a table is text rather than figures: stacked on a phone.
TEXT_CELL_CHARS = 20
#: A table this small sits beside the chart it follows (:class:`Beside`): rows, columns, and characters of its widest
#: line (:meth:`Table._line`), to fit the 40 % of the text width left beside the chart: 2,6 in hold about 40
#: characters of 9 pt text, less the padding of four cells.
SMALL_TABLE_ROWS = 10
SMALL_TABLE_COLUMNS = 4
SMALL_TABLE_LINE = 36


@dataclass(repr=False)
class Table(Block):
    """A table: ``frame`` holds the values; ``formats`` turns a column's values into French text.

    The first column is the row header. Columns in ``numeric`` are right-aligned (default: all
    but the first). ``long`` lets the PDF break the table across pages, header repeated.
    """

    frame: pd.DataFrame
    caption: str
    formats: dict[str, Callable[[Any], str]] = field(default_factory=dict)
    numeric: list[str] | None = None
    long: bool = False
    css: str = ""
    sources: tuple[str, ...] = ()
    natures: frozenset[str] = frozenset()
    macro = "table"

    @property
    def empty(self) -> bool:
        return self.frame.empty

    def _chars(self) -> int:
        """Characters of text in the body cells, as shown."""
        return sum(len(str(c.value)) for row in self.rows for c in row)

    @property
    def breakable(self) -> bool:
        """May the PDF break this table between rows? Declared ``long``, too many rows to be sure it fits
        on a page (kept whole, it would leave its heading and caption alone), rows of sentences that
        fill half a page (kept whole, they would leave half a page empty before them), or a table of verdicts,
        whose rows of two or three verdicts each are as tall as sentences (CABBALR 2023: a page 38 % full
        before six rows of renewable verdicts). Two rows at least stay on each side of a break."""
        return (self.long or len(self.frame) > LONG_TABLE_ROWS or self._chars() > LONG_TABLE_CHARS
                or any(c.verdict for row in self.rows for c in row))

    @property
    def stacked(self) -> bool:
        """Is the table shown as one card per row on a phone (``report.css``)? A table of verdicts always
        is, so that the verdict never sits in a column off-screen, and so is a table of text of three
        columns or more; a table of figures scrolls sideways instead, its columns kept comparable."""
        rows = self.rows
        if not rows or len(self.frame.columns) < 2:
            return False
        if any(c.verdict for row in rows for c in row):
            return True
        return len(self.frame.columns) >= 3 and self._chars() / (len(rows) * len(rows[0])) > TEXT_CELL_CHARS

    @property
    def small(self) -> bool:
        """Is the table small enough to sit beside a chart (:class:`Beside`)? A few rows of a few short columns,
        kept whole on a page, no verdict and no sentence (those are stacked on a phone), no layout of its own."""
        rows = self.rows
        if (not rows or self.css or len(rows) > SMALL_TABLE_ROWS or len(self.frame.columns) > SMALL_TABLE_COLUMNS
                or self.breakable or self.stacked):
            return False
        return self._line() <= SMALL_TABLE_LINE

    def _line(self) -> int:
        """Characters of the table's narrowest readable line: in each column, its longest header word, or its longest
        value (a value of several words on two lines at most: « Industrie hors branche énergie » counts 15)."""
        def width(text: str) -> int:
            words = text.split(" ")  # ordinary spaces only: « 1 420 » and « 26 % » keep their no-break spaces
            return max(max(len(w) for w in words), -(-len(text) // 2)) if len(words) > 1 else len(text)

        return sum(max([width(str(c.value)) for c in column] + [max(len(w) for w in (header.split() or [""]))])
                   for header, column in zip(self.header, zip(*self.rows)))

    @property
    def classes(self) -> list[str]:
        return [c for c in (("long" if self.breakable else ""), ("stack" if self.stacked else ""), self.css) if c]

    @property
    def header(self) -> list[str]:
        return [str(c) for c in self.frame.columns]

    def text(self) -> pd.DataFrame:
        """The table as shown: every value formatted (French typography)."""
        out = self.frame.copy()
        for col, f in self.formats.items():
            out[col] = out[col].map(f)
        return out

    @property
    def rows(self) -> list[list[Cell]]:
        numeric = set(self.numeric if self.numeric is not None else self.frame.columns[1:])
        cols = list(self.frame.columns)
        out = []
        for values in self.text().itertuples(index=False):
            out.append([Cell(v if isinstance(v, (Verdict, list, tuple)) else str(v), c in numeric, str(c))
                        for c, v in zip(cols, values)])
        return out


def _title(fig) -> str:
    """The title a chart shows: its figure title, else its first axes' title."""
    if fig is None:
        return ""
    suptitle = getattr(fig, "_suptitle", None)
    if suptitle is not None and suptitle.get_text():
        return suptitle.get_text()
    return next((t for ax in fig.get_axes() for loc in ("left", "center", "right") if (t := ax.get_title(loc))), "")


@dataclass(repr=False)
class Figure(Block):
    """A chart: ``fig`` (matplotlib), ``alt`` (text alternative), ``caption``, ``data`` (what it draws)."""

    fig: Any
    alt: str
    caption: str
    data: pd.DataFrame | pd.Series | None = None
    sources: tuple[str, ...] = ()
    natures: frozenset[str] = frozenset()
    make: Callable[[], Any] | None = None  # draws a fresh figure (for other sizes: visuals)
    #: Drawn again this wide [in] (:func:`pma_eval.charts.reflow`) where it stands beside a table (:class:`Beside`);
    #: ``None``: as drawn, across the text width.
    width: float | None = None
    macro = "figure"
    _png: bytes | None = field(default=None, repr=False)
    _svg: bytes | None = field(default=None, repr=False)
    _phone: bytes | None = field(default=None, repr=False)
    _drawn: Any = field(default=None, repr=False)

    def __post_init__(self):
        """A figure showing demonstration values says so on the image (every copy ``make`` draws too)
        and in its text alternative; one showing observed values only says that in its alternative. The
        chart's title, typeset as on the image, opens its text alternative (a screen reader reads it too)."""
        title = " ".join(typeset(t).split()) if (t := _title(self.fig)) else ""
        if title and title.rstrip(".") not in typeset(self.alt):
            self.alt = f"{title.rstrip('.')}. {self.alt}"
        if self.natures == frozenset({"observed"}) and "données observées" not in self.alt.lower():
            self.alt = f"{self.alt} Données observées."
        if "demonstration" not in self.natures:
            return
        from ..charts import watermark

        if self.fig is not None:
            watermark(self.fig)
        if self.make is not None:
            draw = self.make

            def make():
                fig = draw()
                watermark(fig)
                return fig

            self.make = make
        if "démonstration" not in self.alt:
            self.alt = f"{self.alt} Données de démonstration."

    def _figure(self):
        """The figure printed and shown on screens: :attr:`fig`, or a copy of it laid out :attr:`width` wide."""
        if self.width is None:
            return self.fig
        if self._drawn is None:
            from ..charts import reflow

            self._drawn = reflow(self.fig, self.width)
        return self._drawn

    @property
    def svg(self) -> bytes:
        """The chart as SVG, for screens (:func:`pma_eval.charts.to_svg`)."""
        if self._svg is None:
            from ..charts import to_svg

            self._svg = to_svg(self._figure())
        return self._svg

    @property
    def png(self) -> bytes:
        """The chart as PNG, for print (:func:`pma_eval.charts.to_png`), drawn for the width it prints at."""
        from ..charts import TEXT_WIDTH_IN, to_png

        if self._png is None:
            self.svg  # noqa: B018 — drawn while the figure is open
            self._png = to_png(self._figure(), shown=self.width or TEXT_WIDTH_IN)
        return self._png

    @property
    def svg_phone(self) -> bytes | None:
        """The chart laid out again for a phone (:data:`pma_eval.charts.PHONE_WIDTH_IN` wide, text at its size), as
        SVG: shown across a 390 px screen, its smallest text reads at 9 px, where the chart drawn for print would
        read at 5 or 6 px. ``None`` for a chart already drawn that narrow (beside a table) or without a figure."""
        from ..charts import PHONE_WIDTH_IN, reflow, to_svg

        if self.fig is None or (self.width is not None and self.width <= PHONE_WIDTH_IN):
            return None
        if self._phone is None:
            self._phone = to_svg(reflow(self.fig, PHONE_WIDTH_IN))
        return self._phone

    def draw(self) -> None:
        """Every image of the chart, in an order that lets one figure serve them all: laid out for its column beside a
        table, if it stands there, the SVG and the PNG as printed, then the phone's variant, the figure itself laid
        out again for it (:func:`pma_eval.charts.reflow` ``in_place``) rather than a copy. :meth:`html` draws so,
        the block's last use: afterwards :attr:`fig` is the phone's layout (the images are kept)."""
        from ..charts import PHONE_WIDTH_IN, reflow, to_svg

        if self.fig is None:
            return
        if self.width is not None and self._drawn is None and self.width <= PHONE_WIDTH_IN:  # no phone variant
            self._drawn = reflow(self.fig, self.width, in_place=True)
        self.png  # noqa: B018 — the SVG, then the PNG
        if self._phone is None and self.width is None:
            self._phone = to_svg(reflow(self.fig, PHONE_WIDTH_IN, in_place=True))

    def html(self) -> str:
        self.draw()
        return super().html()

    @property
    def svg_base64(self) -> str:
        return base64.b64encode(self.svg).decode("ascii")

    @property
    def svg_phone_base64(self) -> str:
        return base64.b64encode(self.svg_phone or b"").decode("ascii")

    @property
    def png_base64(self) -> str:
        return base64.b64encode(self.png).decode("ascii")


@dataclass(repr=False)
class Group(Block):
    """Several blocks shown together (a section's output)."""

    blocks: list[Block]

    @property
    def natures(self) -> frozenset[str]:  # type: ignore[override]
        return frozenset().union(*(b.natures for b in self.blocks)) if self.blocks else frozenset()

    @property
    def sources(self) -> tuple[str, ...]:  # type: ignore[override]
        return tuple(dict.fromkeys(s for b in self.blocks for s in b.sources))

    def html(self) -> str:
        return "".join(b.html() for b in self.blocks)


@dataclass(repr=False)
class Beside(Block):
    """A chart and the small table that follows it, side by side in print and on wide screens (the chart drawn again
    :data:`pma_eval.charts.BESIDE_WIDTH_IN` wide, its text at its size), one under the other on a phone
    (``report.css``, ``div.pma-beside``): half a page saved, the table read beside what it details."""

    figure: Figure
    table: Table
    macro = "beside"

    def html(self) -> str:
        self.figure.draw()
        return super().html()

    def __post_init__(self):
        from ..charts import BESIDE_WIDTH_IN

        self.figure.width = BESIDE_WIDTH_IN
        self.figure._svg = self.figure._png = self.figure._drawn = None

    @property
    def natures(self) -> frozenset[str]:  # type: ignore[override]
        return self.figure.natures | self.table.natures

    @property
    def sources(self) -> tuple[str, ...]:  # type: ignore[override]
        return tuple(dict.fromkeys([*self.figure.sources, *self.table.sources]))

    @staticmethod
    def fits(first: Block | None, second: Block | None) -> bool:
        """May these two blocks, shown one after the other, stand side by side? A chart drawn across the text width,
        then a :attr:`Table.small` table."""
        return (isinstance(first, Figure) and first.fig is not None and first.width is None
                and isinstance(second, Table) and second.small)


def beside(blocks: Iterable[Block | None]) -> list[Block]:
    """The blocks, each chart followed by a small table joined with it (:class:`Beside`)."""
    out: list[Block] = []
    for b in blocks:
        if b is None:
            continue
        if out and Beside.fits(out[-1], b):
            out.append(Beside(out.pop(), b))  # type: ignore[arg-type]
        else:
            out.append(b)
    return out


def natures_of(blocks: Iterable[Block]) -> set[str]:
    """Natures of the values a set of blocks shows."""
    out: set[str] = set()
    for b in blocks:
        out |= set(b.natures)
    return out


def nature_note(natures: Iterable[str]) -> str:
    """« Natures des données présentées : observée, de démonstration. » from the blocks shown."""
    natures = set(natures)
    labels = [NATURE_LABELS_FR[n] for n in ("observed", "estimated", "demonstration", "secret") if n in natures]
    return "Natures des données présentées : " + ", ".join(labels) + "." if labels else ""


class Document:
    """The blocks a report notebook has shown, in order: ``doc.show(block)`` displays and records.

    The annex reads ``doc.natures`` (what was actually shown) instead of a side effect of
    reading values.
    """

    def __init__(self) -> None:
        self.blocks: list[Block] = []

    def show(self, *blocks: Block | None) -> None:
        """Display and record the blocks; a chart followed by a small table, shown together, stand side by side
        (:func:`beside`)."""
        from IPython.display import HTML, display

        for b in beside(blocks):
            self.blocks.append(b)
            display(HTML(b.html()))

    @property
    def natures(self) -> set[str]:
        return natures_of(self.blocks)

    def html(self) -> str:
        return "".join(b.html() for b in self.blocks)
