"""RGAA checks that can be automated: contrast of the text colours of the report style sheets.

WCAG 2.1 (criterion 1.4.3, which RGAA 4.1 criterion 3.2 takes up): text contrast ≥ 4.5:1, computed
from the relative luminance of both colours.

References
----------
W3C (2018). *Web Content Accessibility Guidelines 2.1*, definitions of "contrast ratio" and
"relative luminance".
"""

from __future__ import annotations

import re

WHITE = "#ffffff"


def _channel(c: float) -> float:
    return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4


def relative_luminance(color: str) -> float:
    h = color.lstrip("#")
    if len(h) == 3:
        h = "".join(ch * 2 for ch in h)
    r, g, b = (int(h[i:i + 2], 16) / 255 for i in (0, 2, 4))
    return 0.2126 * _channel(r) + 0.7152 * _channel(g) + 0.0722 * _channel(b)


def contrast_ratio(foreground: str, background: str = WHITE) -> float:
    """WCAG contrast ratio ``(L1 + 0.05) / (L2 + 0.05)``, from 1 to 21."""
    a, b = sorted((relative_luminance(foreground), relative_luminance(background)), reverse=True)
    return (a + 0.05) / (b + 0.05)


def css_text_contrasts(css: str, default_background: str = WHITE,
                       backgrounds: dict[str, str] | None = None) -> list[tuple[str, str, str, float]]:
    """Every rule of a style sheet that sets a text colour: (selector, colour, background, ratio).

    Custom properties (``var(--x)``) are resolved from ``:root``; the background is the rule's own
    ``background`` colour, else ``backgrounds[selector]`` (e.g. a table header cell inside a shaded
    row), else ``default_background``.
    """
    css = re.sub(r"/\*.*?\*/", "", css, flags=re.S)
    variables = dict(re.findall(r"(--[\w-]+)\s*:\s*(#[0-9a-fA-F]{3,6})", css))

    def resolve(v: str) -> str:
        m = re.match(r"var\((--[\w-]+)\)", v.strip())
        return variables[m.group(1)] if m else v.strip()

    out = []
    for selector, body in re.findall(r"([^{}@]+)\{([^{}]*)\}", css):
        color = re.search(r"(?<![-\w])color\s*:\s*([^;]+)", body)
        if not color:
            continue
        fg = resolve(color.group(1))
        bg = re.search(r"background(?:-color)?\s*:\s*(#[0-9a-fA-F]{3,6}|var\([^)]+\))", body)
        sel = " ".join(selector.split())
        background = resolve(bg.group(1)) if bg else (backgrounds or {}).get(sel, default_background)
        if fg.startswith("#"):
            out.append((sel, fg, background, contrast_ratio(fg, background)))
    return out
