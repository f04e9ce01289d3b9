"""French number formatting through Babel (``fr_FR``).

Babel's ``fr_FR`` locale writes a narrow no-break space (U+202F) between thousands, a decimal
comma, and a no-break space before ``%`` — the French typography the reports need.
"""

from __future__ import annotations

import functools
import math

from babel import Locale
from babel.numbers import parse_pattern

LOCALE = "fr_FR"
NNBSP = "\u202f"  # narrow no-break space
NBSP = "\u00a0"
MISSING = "—"


@functools.lru_cache(maxsize=None)
def _pattern(pattern: str):
    return parse_pattern(pattern)


@functools.lru_cache(maxsize=1)
def _locale() -> Locale:
    return Locale.parse(LOCALE)


def _apply(pattern: str, x: float) -> str:
    """``x`` written with the Babel number ``pattern`` in :data:`LOCALE`: what ``babel.numbers.format_decimal`` and
    ``format_percent`` do (``parse_pattern`` then ``NumberPattern.apply``), with the pattern and the locale parsed once
    (a report writes 8 000 numbers, a fiche 60: issue 24)."""
    return _pattern(pattern).apply(x, _locale())


def _missing(x: object) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def number(x: float | None, decimals: int = 0, signed: bool = False) -> str:
    """``1234.5`` → ``1 234,5`` (narrow no-break space); ``None``/NaN → ``—``."""
    if _missing(x):
        return MISSING
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    if signed:
        pattern = "+" + pattern + ";-" + pattern
    return _apply(pattern, x).replace("-", "−")  # typographic minus


def number_trimmed(x: float | None, max_decimals: int = 3) -> str:
    """``0.150`` → ``0,15``; ``4000.0`` → ``4 000``: only the decimals that carry information."""
    if _missing(x):
        return MISSING
    return _apply("#,##0." + "#" * max_decimals, x).replace("-", "−")


def significant(x: float | None, digits: int = 2, signed: bool = False) -> str:
    """Rounded to ``digits`` significant digits: ``33.28`` → ``33``, ``0.04567`` → ``0,046``,
    ``1234`` → ``1 200``. For quantities whose precision is an order of magnitude (effort in buses,
    hectares, kilometres derived from ratios), where more digits would be false precision."""
    if _missing(x):
        return MISSING
    if x == 0:
        return number(0, 0, signed=signed)
    magnitude = math.floor(math.log10(abs(x)))
    decimals = max(0, digits - 1 - magnitude)
    return number(round(x, digits - 1 - magnitude), decimals, signed=signed)


def percent(x: float | None, decimals: int = 0, signed: bool = False) -> str:
    """A fraction as a French percentage: ``0.263`` → ``26 %`` (no-break space before %)."""
    if _missing(x):
        return MISSING
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "") + "\u00a0%"
    if signed:
        pattern = "+" + pattern + ";-" + pattern
    return _apply(pattern, x).replace("-", "−")


def count(n: int, singular: str, plural: str | None = None) -> str:
    """``1 ligne``, ``3 lignes``: a count with its noun in the French number (1 and 0 singular)."""
    return f"{number(n, 0)}{NBSP}{singular if abs(n) < 2 else (plural or singular + 's')}"


def quantity(x: float | None, unit: str, decimals: int = 0) -> str:
    """Number and unit separated by a no-break space: ``1 234 GWh``."""
    if _missing(x):
        return MISSING
    return f"{number(x, decimals)}{NBSP}{unit}"


def axis_formatter(decimals: int = 0):
    """A matplotlib tick formatter writing French numbers."""
    from matplotlib.ticker import FuncFormatter

    return FuncFormatter(lambda v, _pos: number(v, decimals))


def points(x: float | None, decimals: int = 1, signed: bool = False) -> str:
    """Percentage points with the French number of the noun: ``1,9 point``, ``25,7 points``
    (plural from 2, as for any French count)."""
    if _missing(x):
        return MISSING
    return f"{number(x, decimals, signed=signed)}{NBSP}{'point' if abs(x) < 2 else 'points'}"


# --- French typography of running text ------------------------------------------------------------

#: What :func:`typeset` changes, in order. Each rule needs a sign that may end a word (a letter, a digit, a
#: closing bracket, « € », « * »…) before the punctuation, and a space or the end of the text after it: ``https://``, ``12:30``, ``1:25 000``,
#: ``?a=1`` and numbers' own spaces are never touched; a text already typeset is returned unchanged.
_TYPESET_RULES: list[tuple[str, str]] = [
    (r"(?<=[^\W\d_])'(?=\w)", "\u2019"),                       # l'air, aujourd'hui → typographic apostrophe
    (r"«[ \u00a0\u202f]*", "«" + NNBSP),                       # « with no or an ordinary space after
    (r"[ \u00a0\u202f]*»", NNBSP + "»"),                       # » with no or an ordinary space before
    (r"(?:(?<=[^\s(\[«:;!?'\"])|^)[ \u00a0]?(?=[;!?](?:\s|$|[)»,.]))", NNBSP),   # before ; ! ?
    (r"(?:(?<=[^\s(\[«:;!?'\"])|^)[ \u202f]?(?=:(?:\s|$))", NBSP),               # before :
]
_TYPESET_COMPILED: list | None = None


def typeset(text: str) -> str:
    """French typography of a running text: ``l'air`` → ``l’air``; a no-break space before « : »
    (U+00A0) and a narrow no-break space (U+202F) before « ; ! ? » and inside « », in place of an
    ordinary space or of none.

    Plain text in, plain text out (HTML goes through :func:`pma_eval.report.blocks.typeset_html`, which
    applies this to text only, never to tags, attributes other than text alternatives, CSS or code).
    Idempotent: typesetting twice gives the same text. URLs (``https://…``), times and ratios
    (``12:30``, ``1:2``), query strings and the spaces inside numbers are left as they are.
    """
    import re

    global _TYPESET_COMPILED
    if _TYPESET_COMPILED is None:
        _TYPESET_COMPILED = [(re.compile(p), r) for p, r in _TYPESET_RULES]
    for pattern, repl in _TYPESET_COMPILED:
        text = pattern.sub(repl, text)
    return text
