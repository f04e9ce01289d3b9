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
    return env


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
    macro = "figure"
    _png: bytes | None = field(default=None, repr=False)
    _svg: bytes | None = field(default=None, repr=False)

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

    @property
    def svg(self) -> bytes:
        """The chart as SVG, for screens (:func:`to_svg`): computed before :attr:`png`, which closes the figure."""
        if self._svg is None:
            from ..charts import to_svg

            self._svg = to_svg(self.fig)
        return self._svg

    @property
    def png(self) -> bytes:
        from ..charts import to_png

        if self._png is None:
            self.svg  # noqa: B018 — drawn while the figure is open
            self._png = to_png(self.fig)
        return self._png

    @property
    def svg_base64(self) -> str:
        return base64.b64encode(self.svg).decode("ascii")

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
        from IPython.display import HTML, display

        for b in blocks:
            if b is None:
                continue
            self.blocks.append(b)
            display(HTML(b.html()))

    @property
    def natures(self) -> set[str]:
        return natures_of(self.blocks)

    def html(self) -> str:
        return "".join(b.html() for b in self.blocks)
