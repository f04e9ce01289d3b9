"""Pagination checks of a report's PDF layout: no table row split across two pages, no heading or table
caption left last on a page.

WeasyPrint lays the HTML out in boxes; this module walks the boxes of each page (``Page._page_box``,
WeasyPrint's layout tree, not a public API — pinned by ``requirements.lock``) and reports, in French:

- a body row (``tr`` outside a repeated header) whose boxes appear on two pages;
- a page whose last laid-out block is a heading (``h2``, ``h3``) or a table caption.
"""

from __future__ import annotations

from pathlib import Path

#: Blocks whose position decides what a page ends with.
LAST_BLOCKS = ("h2", "h3", "p", "tr", "figure", "li", "caption", "img")
ORPHANS = ("h2", "h3", "caption")


def _walk(box, in_header: bool = False):
    yield box, in_header
    for child in getattr(box, "children", None) or []:
        yield from _walk(child, in_header or bool(getattr(box, "is_header", False)))


def _text(element) -> str:
    return " ".join("".join(element.itertext()).split())[:70]


def layout_problems(html: str, base_url: str | Path | None = None) -> list[str]:
    """French descriptions of the split rows and orphan headings of ``html`` laid out on A4 pages."""
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
    return problems
