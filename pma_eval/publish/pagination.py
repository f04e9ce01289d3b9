"""Pagination checks of a report's PDF layout: no table row split across two pages, no heading or table
caption left last on a page, no half-empty page that a block did not fit after.

WeasyPrint lays the HTML out in boxes; this module walks the boxes of each page (``Page._page_box``,
WeasyPrint's layout tree, not a public API — pinned by ``requirements.lock``) and reports, in French:

- a body row (``tr`` outside a repeated header) whose boxes appear on two pages;
- a page whose last laid-out block is a heading (``h2``, ``h3``) or a table caption;
- a page more than a third empty although nothing forced the break after it (a ``break-after: page`` or
  ``break-before: page``, as after the cover and the contents): the next block was kept whole and did not
  fit (issue 23, point 20: pages left half empty before a section, a table kept whole, a tall chart);
- a last page that holds only the end of what the page before began (the last row of a table, the last
  lines of a paragraph) on less than a tenth of its height.

:func:`place_figures` lays a report out as the PDF prints it: a chart that did not fit at the foot of a page
left more than a third empty moves after the paragraph or small table that follows it (as a float would, the
text fills the page and the chart opens the next), or, where nothing follows it in its section, is drawn
smaller, down to :data:`MIN_SCALE`, to fit; when only the last rows of the last long table (the glossary) would
fill a last page, that table is set tighter, once. The checks above read that layout.
"""

from __future__ import annotations

import re
from pathlib import Path

from markupsafe import Markup

from .pdf import IMAGE_SCHEME

#: Blocks whose position decides what a page ends with.
LAST_BLOCKS = ("h2", "h3", "p", "tr", "figure", "li", "caption", "img")
ORPHANS = ("h2", "h3", "caption")
#: A page filled below this share of its height, with no forced break after it, is left too empty: half of it is
#: blank before a block that did not fit (issue 23: « no half-empty page before a new section »).
MIN_FILLED = 1 / 2
#: A chart that leaves its page filled below this share is placed (:func:`place_figures`): more than a third blank.
PLACE_BELOW = 2 / 3
#: Layouts of :func:`place_figures` at most: the first, and one with every chart it found to place moved or drawn
#: smaller. Each costs a whole WeasyPrint layout (5 to 8 s of CPU for the annual report, issue 24); a third and
#: a fourth pass on the shipped 2023 report only lift one more page from 65 % to over two thirds.
PASSES = 2
#: Layouts at most when the one after :data:`PASSES` still has a half-empty page (:func:`half_empty_pages`): a chart
#: placed in the second layout can push another one down (the Pôle's 2023 report: page 9 at 48 % after two).
MEND_PASSES = 3
#: A last page filled below this share, with only the end of the page before's last block, is a waste.
LAST_PAGE_MIN = 1 / 10
FORCED = ("page", "left", "right", "recto", "verso")


def _walk(box, in_header: bool = False):
    yield box, in_header
    for child in getattr(box, "children", None) or []:
        yield from _walk(child, in_header or bool(getattr(box, "is_header", False)))


def _text(element) -> str:
    return " ".join("".join(element.itertext()).split())[:70]


def _flow(page_box):
    """The boxes of a page's content (its margin boxes, running titles and numbers, left out)."""
    from weasyprint.formatting_structure.boxes import MarginBox

    for child in page_box.children:
        if not isinstance(child, MarginBox):
            yield from _walk(child)


def _filled(page_box) -> float:
    """Share of the page's content height down to its last line or image."""
    from weasyprint.formatting_structure.boxes import LineBox, ReplacedBox, TableRowBox

    # leaves only: a block broken across pages reaches down to the page's foot, whatever it holds there
    top, height = page_box.content_box_y(), page_box.height
    bottom = max((b.position_y + b.margin_height() for b, _ in _flow(page_box)
                  if isinstance(b, (LineBox, ReplacedBox, TableRowBox))), default=top)
    return (bottom - top) / height if height else 1.0


def _elements(page_box) -> list:
    """Elements with a box on the page, in document order, each once."""
    seen, out = set(), []
    for box, in_header in _flow(page_box):
        element = getattr(box, "element", None)
        if in_header or getattr(box, "is_header", False):  # a table's header, repeated on every page
            continue
        if element is not None and id(element) not in seen and getattr(box, "element_tag", None) not in ("html", "body"):
            seen.add(id(element))
            out.append((box, element))
    return out


def _forced_break(page_box, next_box) -> bool:
    """Does a ``break-after`` of this page or a ``break-before`` of the next one force the break between them?"""
    ends = any(b.style["break_after"] in FORCED for b, _ in _flow(page_box) if hasattr(b, "style"))
    starts = any(b.style["break_before"] in FORCED for b, _ in _flow(next_box) if hasattr(b, "style")
                 and not getattr(b, "is_continuation", False)) if next_box is not None else False
    return ends or starts


def _what(elements, before: set[int]) -> str:
    """The first heading, caption or figure caption starting on a page (else its first text): what did not fit."""
    for tag in ("h2", "h3", "caption", "figcaption", "tr", "p", "li"):
        for box, element in elements:
            if box.element_tag == tag and id(element) not in before and _text(element):
                return _text(element)
    return next((_text(e) for _, e in elements if _text(e)), "")


def half_empty_pages(document) -> list[str]:
    """French descriptions of the pages of a rendered WeasyPrint ``document`` left more than a third empty before a
    block that did not fit, and of a last page that holds only the end of the page before's last block."""
    pages = [p._page_box for p in document.pages]
    problems = []
    for number, (page_box, next_box) in enumerate(zip(pages, pages[1:] + [None]), start=1):
        filled = _filled(page_box)
        if next_box is not None and filled < MIN_FILLED and not _forced_break(page_box, next_box):
            here = {id(e) for _, e in _elements(page_box)}
            problems.append(f"page {number} : remplie à {filled:.0%} seulement, le bloc suivant n’y tenait pas "
                            f"(« {_what(_elements(next_box), here)} »)")
        if next_box is None and number > 1 and _tail_only(pages):
            problems.append(f"page {number} : dernière page remplie à {filled:.0%}, par la seule fin de la "
                            f"page précédente (« {_what(_elements(page_box), set())} »)")
    return problems


def _tail_only(pages) -> bool:
    """Does the last of ``pages`` (page boxes) hold, on less than :data:`LAST_PAGE_MIN` of its height, only the end of
    the page before's last block (the last rows of a table, the last lines of a paragraph)?"""
    if len(pages) < 2 or _filled(pages[-1]) >= LAST_PAGE_MIN:
        return False
    here = {id(e) for _, e in _elements(pages[-2])}
    return all(id(e) in here or e.tag in ("tr", "td", "th", "br", "abbr", "span", "a", "strong", "em")
               for _, e in _elements(pages[-1]))


#: The last long table of a report (its glossary), set tighter when only its last rows would fill a last page.
_LAST_LONG_TABLE = re.compile(r'<table class="pma-table long(?=[ "])')


def _compact_last_table(html: str) -> str:
    """``html`` with its last long table marked ``compact`` (``report.css``: 8,5 pt, tighter cells)."""
    found = list(_LAST_LONG_TABLE.finditer(html))
    if not found:
        return html
    m = found[-1]
    return html[:m.start()] + '<table class="pma-table long compact' + html[m.end():]


def layout_problems(html: str, base_url: str | Path | None = None) -> list[str]:
    """French descriptions of the split rows, orphan headings and too empty pages of ``html`` laid out on A4
    pages as the PDF prints it (charts placed by :func:`place_figures`)."""
    return document_problems(place_figures(html, base_url)[1])


def document_problems(doc) -> list[str]:
    """:func:`layout_problems` of a WeasyPrint document already laid out (the PDF's own, no layout again)."""
    pages_of_row: dict[int, tuple[object, set[int]]] = {}
    problems = []
    for number, page in enumerate(doc.pages, start=1):
        last = None
        for box, in_header in _walk(page._page_box):
            tag = getattr(box, "element_tag", None)
            if tag == "tr" and not in_header:
                pages_of_row.setdefault(id(box.element), (box.element, set()))[1].add(number)
            if tag in LAST_BLOCKS:
                last = box
        if last is not None and last.element_tag in ORPHANS:
            what = "légende de tableau" if last.element_tag == "caption" else "titre"
            problems.append(f"page {number} : {what} seul en bas de page (« {_text(last.element)} »)")
    for element, pages in pages_of_row.values():
        if len(pages) > 1:
            problems.append(f"pages {min(pages)}-{max(pages)} : ligne de tableau coupée (« {_text(element)} »)")
    return problems + half_empty_pages(doc)


#: The smallest scale of a chart drawn smaller to fit the foot of a page: its smallest text (8 pt, shown across the
#: text width at 95 %) prints at 5,7 pt at least, the size of a map's notes.
MIN_SCALE = 0.75
#: The same floor for a chart beside a table (``div.pma-beside``): drawn at the size it prints
#: (``charts.BESIDE_WIDTH_IN``, 100 % and not 95 %), its 8 pt text reaches 5,7 pt at this scale. The CALL's, CAHC's and
#: CABBALR's 2023 reports left page 5 about 45 % empty before their emissions chart and sector table, which fitted
#: with the chart at 74 %.
MIN_SCALE_BESIDE = MIN_SCALE * 0.95
#: Blocks of a report's flow, in the HTML the report blocks render (``report/templates/blocks.html.j2``).
_FLOW_TAGS = ("h2", "h3", "h4", "p", "ul", "ol", "figure", "table")
_FIGURE = re.compile(r'<figure class="pma-figure"[^>]*>.*?</figure>', re.S)
#: The next block of the flow after a chart, as the HTML string holds it, and where each kind ends.
_NEXT_BLOCK = re.compile(r'<(p|ul|ol|h[1-6]|figure|div class="pma-table-block[^"]*")[\s>]')
_BLOCK_END = {"p": "</p>", "ul": "</ul>", "ol": "</ol>", "div": "</table></div>"}
#: Safety margin kept free at the foot of a page when a chart is drawn smaller to fit there [px, CSS].
_SLACK = 8


def _flow_blocks(page_box, before: set[int]):
    """(box, element) of the flow's blocks starting on a page, in order: headings, paragraphs, lists, charts,
    tables — not what continues from the page before, nor what a chart or table holds."""
    out, inside = [], set()
    for box, element in _elements(page_box):
        if id(element) in inside:
            continue
        if box.element_tag in ("figure", "table"):
            inside |= {id(e) for e in element.iter()} - {id(element)}
        if box.element_tag in _FLOW_TAGS and id(element) not in before:
            out.append((box, element))
    return out


def _is_figure(element) -> bool:
    return element.tag == "figure" and "pma-figure" in (element.get("class") or "").split()


def _moves(document) -> dict[int, tuple[str, float]]:
    """What to change for each chart that did not fit after a page left more than a third empty: its index among
    the report's charts → (« move », 0) to move it after the block that follows it, or (« scale », factor)."""
    pages = [p._page_box for p in document.pages]
    figures: list[int] = []  # the charts' elements, in document order (a chart is never split across pages)
    for page_box in pages:
        for _, element in _elements(page_box):
            if _is_figure(element) and id(element) not in figures:
                figures.append(id(element))
    out = {}
    for page_box, next_box in zip(pages, pages[1:]):
        filled = _filled(page_box)
        if filled >= PLACE_BELOW or _forced_break(page_box, next_box):
            continue
        blocks = _flow_blocks(next_box, {id(e) for _, e in _elements(page_box)})
        heading = blocks[0][0] if blocks and blocks[0][0].element_tag in ("h2", "h3", "h4") else None
        rest = blocks[1:] if heading is not None else blocks
        if not rest or not _is_figure(rest[0][1]) or rest[0][1].get("data-placed") == "réduite":
            continue
        box, element = rest[0]
        free = (1 - filled) * page_box.height - _SLACK
        if element.get("data-beside") is not None:  # beside a table: never moved apart, drawn smaller if that fits
            scale = _beside_scale(next_box, box, element, free - (heading.margin_height() if heading is not None else 0))
            if scale is not None:
                out[figures.index(id(element))] = ("scale", scale)
            continue
        following = rest[1] if len(rest) > 1 and not element.get("data-placed") else None  # moved once at most
        if following is not None and (following[0].element_tag in ("p", "ul", "ol")
                                      or (following[0].element_tag == "table"
                                          and following[0].margin_height() <= free)):
            out[figures.index(id(element))] = ("move", 0.0)
            continue
        image = next((b for b, _ in _walk(box) if getattr(b, "element_tag", None) == "img"), None)
        if image is None:
            continue
        needed = box.margin_height() + (heading.margin_height() if heading is not None else 0)
        scale = 1 - (needed - free) / image.height
        if MIN_SCALE <= scale < 1:
            out[figures.index(id(element))] = ("scale", scale)
    return out


def _beside_scale(page_box, box, element, free: float) -> float | None:
    """The scale at which a chart beside a table (``div.pma-beside``, one block) lets the block fit in ``free``
    (CSS px), or None: not below :data:`MIN_SCALE_BESIDE`, and never when the table alone is taller than ``free``."""
    found = {id(e): (b, e) for b, e in _elements(page_box)}
    div = next(((b, e) for b, e in found.values()
                if "pma-beside" in (e.get("class") or "").split() and any(c is element for c in e)), None)
    image = next((b for b, _ in _walk(box) if getattr(b, "element_tag", None) == "img"), None)
    if div is None or image is None:
        return None
    div_box, div_el = div
    others = [found[id(c)][0].margin_height() for c in div_el if c is not element and id(c) in found]
    margins = div_box.margin_height() - max([box.margin_height(), *others])  # the block's own margins
    if max(others, default=0.0) + margins > free:
        return None
    scale = 1 - (div_box.margin_height() - free) / image.height
    return scale if MIN_SCALE_BESIDE <= scale < 1 else None


def _apply(html: str, moves: dict[int, tuple[str, float]]) -> str:
    """``html`` with the charts moved or drawn smaller as :func:`_moves` says, from the last chart up (the
    positions of the charts before it stay valid)."""
    found = list(_FIGURE.finditer(html))
    for index in sorted(moves, reverse=True):
        kind, scale = moves[index]
        figure = found[index]
        if kind == "scale":
            shrunk = figure.group(0).replace(  # the attribute's value escaped as a template's would be
                "<img ", Markup('<img style="width: {}; display: block; margin: 0 auto" ').format(f"{scale:.0%}"), 1)
            shrunk = re.sub(r'<figure class="pma-figure"( data-placed="[^"]*")?',
                            '<figure class="pma-figure" data-placed="réduite"', shrunk, count=1)
            html = html[:figure.start()] + shrunk + html[figure.end():]
            continue
        block = _NEXT_BLOCK.search(html, figure.end())
        tag = block.group(1).split()[0] if block else ""
        if tag not in _BLOCK_END:
            continue
        end = html.index(_BLOCK_END[tag], block.end()) + len(_BLOCK_END[tag])
        moved = figure.group(0).replace('<figure class="pma-figure"', '<figure class="pma-figure" data-placed="déplacée"', 1)
        html = html[:figure.start()] + html[figure.end():end] + moved + html[end:]
    return html


#: The first layout of :func:`place_figures` only finds the charts to place: it stops before the first section heading
#: (``h2``) after the last chart when what follows is at least this share of the report's text (images left out) — the
#: annual report's actions and annex, 19 of its 41 pages. Nothing after that heading can change a page before the one
#: it starts on (no chart follows it, and the break before an ``h2`` is free), so that layout finds the same charts to
#: place as the whole report's; it also starts after the contents (:func:`_after_contents`), and costs about half
#: a whole layout, and one more whole layout when it finds none.
TRIAL_CUT_SHARE = 0.2
_H2 = re.compile(r"<h2[\s>]")
_DATA_URI = re.compile(rf"(?:data|{IMAGE_SCHEME}):[^\"')\s]+")  # an image, inline or packed (:func:`.pdf.packed_images`)


def _trial(html: str) -> str | None:
    """``html`` cut before the first ``h2`` after its last chart, or None when what follows is less than
    :data:`TRIAL_CUT_SHARE` of its body's text; it starts after the table of contents (:func:`_after_contents`)."""
    figures = list(_FIGURE.finditer(html))
    cut = _H2.search(html, figures[-1].end()) if figures else None
    if cut is None:
        return None

    def weight(text: str) -> int:  # characters, the images' data left out
        return len(text) - sum(len(m.group(0)) for m in _DATA_URI.finditer(text))

    body = max(html.find("<body"), 0)  # the stylesheet in the head is not text
    if weight(html[cut.start():]) < TRIAL_CUT_SHARE * weight(html[body:]):
        return None
    return _after_contents(html[:cut.start()])


#: The table of contents (``report.py``, ``toc.html.j2``): a page of its own (``report.css``: ``nav.toc``, a break
#: before and after it), after the cover and the decision page, which end on a forced break too.
_CONTENTS = re.compile(r'<nav class="toc"[^>]*>.*?</nav>', re.S)
_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9]*)\b[^>]*?(/?)>")
_VOID = frozenset(("area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"))


def _after_contents(html: str) -> str:
    """``html`` without what comes before the page that follows its table of contents (the cover, the decision page,
    the contents: forced page breaks end each), the elements it stands in opened again: the charts' pages lay out
    the same from there, on the same page size and margins (issue 24: 3 pages of 22 fewer in the first layout of an
    annual report). Unchanged without a table of contents, or with a chart before its end."""
    contents = _CONTENTS.search(html)
    body = re.search(r"<body\b[^>]*>", html)
    if contents is None or body is None or "<figure" in html[body.end():contents.end()]:
        return html
    opened: list[tuple[str, str]] = []  # the tags the contents stand in, outermost first
    for m in _TAG.finditer(html, body.end(), contents.start()):
        closing, name = m.group(1), m.group(2).lower()
        if m.group(3) or name in _VOID:
            continue
        if not closing:
            opened.append((name, m.group(0)))
        elif opened and opened[-1][0] == name:
            opened.pop()
    return html[:body.end()] + "".join(tag for _, tag in opened) + html[contents.end():]


def place_figures(html: str, base_url: str | Path | None = None, passes: int = PASSES, **options):
    """``html`` with its charts placed for print, and its WeasyPrint document laid out on A4 pages: a chart that
    does not fit below a page left more than a third empty (:data:`PLACE_BELOW`) moves after the paragraph, list or small table
    that follows it (which fills the page), or is drawn smaller to fit there (not below :data:`MIN_SCALE`).
    A chart is placed once (``data-placed`` marks it); ``passes`` layouts, and up to :data:`MEND_PASSES` while a page
    is still half empty; the first stops after the charts' sections (:func:`_trial`). The last long table (the
    glossary) is set tighter, once, when only its last rows fill the last page of the final layout. ``options`` go to WeasyPrint's ``render``."""
    from .pdf import lean_html, packed_images

    HTML = lean_html()  # noqa: N806 — WeasyPrint's HTML, less the user-agent rules a report never uses
    url = str(base_url) if base_url else None
    html, fetcher = packed_images(html)  # the charts' PNGs out of the text parsed at each layout, read once
    images: dict = {}

    def render(text: str):
        return HTML(string=text, base_url=url, url_fetcher=fetcher).render(cache=images, **options)

    if len(_FIGURE.findall(html)) != html.count("<figure"):  # charts this module does not know: left as they are
        return fetcher.unpack(html), render(html)

    trial = _trial(html) if passes >= 2 else None  # with one pass, the first layout is the report's
    document = render(trial if trial is not None else html)
    for n in range(max(passes, MEND_PASSES) - 1):
        moves = _moves(document)
        if not moves or (n >= passes - 1 and not half_empty_pages(document)):
            break
        html = _apply(html, moves)
        document, trial = render(html), None
    if trial is not None:  # the first layout, cut, found no chart to place: the whole report, laid out
        document = render(html)
    # a last page holding only the last rows of the last table (the glossary): that table set tighter, once
    if _tail_only([p._page_box for p in document.pages]):
        compact = _compact_last_table(html)
        if compact != html:
            html, document = compact, render(compact)
    return fetcher.unpack(html), document
