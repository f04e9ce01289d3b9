"""Pagination checks of a report's PDF layout: no table row split across two pages, no heading or table
caption left last on a page, no half-empty page that a block did not fit after.

WeasyPrint lays the HTML out in boxes; this module walks the boxes of each page (``Page._page_box``,
WeasyPrint's layout tree, not a public API — pinned by ``requirements.lock``) and reports, in French:

- a body row (``tr`` outside a repeated header) whose boxes appear on two pages;
- a page whose last laid-out block is a heading (``h2``, ``h3``) or a table caption;
- a page more than half empty although nothing forced the break after it (a ``break-after: page`` or
  ``break-before: page``, as after the cover and the contents): the next block was kept whole and did not
  fit (issue 23, point 20: pages left half empty before a section, a table kept whole);
- a last page that holds only the end of what the page before began (the last row of a table, the last
  lines of a paragraph) on less than a tenth of its height.
"""

from __future__ import annotations

from pathlib import Path

#: Blocks whose position decides what a page ends with.
LAST_BLOCKS = ("h2", "h3", "p", "tr", "figure", "li", "caption", "img")
ORPHANS = ("h2", "h3", "caption")
#: A page filled below this share of its height, with no forced break after it, is more than half empty.
HALF_EMPTY = 0.5
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
    """French descriptions of the pages of a rendered WeasyPrint ``document`` left half empty before a block that
    did not fit, and of a last page that holds only the end of the page before's last block."""
    pages = [p._page_box for p in document.pages]
    problems = []
    for number, (page_box, next_box) in enumerate(zip(pages, pages[1:] + [None]), start=1):
        filled = _filled(page_box)
        if next_box is not None and filled < HALF_EMPTY and not _forced_break(page_box, next_box):
            here = {id(e) for _, e in _elements(page_box)}
            problems.append(f"page {number} : remplie à {filled:.0%} seulement, le bloc suivant n’y tenait pas "
                            f"(« {_what(_elements(next_box), here)} »)")
        if next_box is None and number > 1 and filled < LAST_PAGE_MIN:
            here = {id(e) for _, e in _elements(pages[-2])}
            if all(id(e) in here or e.tag in ("tr", "td", "th", "br", "abbr", "span", "a", "strong", "em")
                   for _, e in _elements(page_box)):
                problems.append(f"page {number} : dernière page remplie à {filled:.0%}, par la seule fin de la "
                                f"page précédente (« {_what(_elements(page_box), set())} »)")
    return problems


def layout_problems(html: str, base_url: str | Path | None = None) -> list[str]:
    """French descriptions of the split rows, orphan headings and half-empty pages of ``html`` laid out on A4
    pages."""
    import weasyprint

    doc = weasyprint.HTML(string=html, base_url=str(base_url) if base_url else None).render()
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
