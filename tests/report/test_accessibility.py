"""Automated RGAA checks: text contrast of the report style sheets (WCAG 2.1 formula)."""

from __future__ import annotations

from pathlib import Path

import pytest

from pma_eval.publish.accessibility import contrast_ratio, css_text_contrasts
from pma_eval.publish.report import CSS


def test_contrast_formula_against_published_values():
    # Black on white is the maximum, 21:1 (WCAG 2.1 definition); #777777 on white is 4.48:1, the
    # classic "just fails AA" grey of the WebAIM contrast checker.
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast_ratio("#777777") == pytest.approx(4.48, abs=0.005)
    assert contrast_ratio("#fff", "#fff") == pytest.approx(1.0)


FICHE_CSS = (Path(__file__).resolve().parents[2] / "pma_eval" / "publish" / "templates" / "fiche.css").read_text(
    encoding="utf-8")


@pytest.mark.parametrize("css,backgrounds", [(CSS, {}), (FICHE_CSS, {".kpi .l": "#f2f6fa"})],
                         ids=["rapports", "fiches"])
def test_every_text_colour_reaches_4_5_to_1(css, backgrounds):
    rules = css_text_contrasts(css, backgrounds=backgrounds)
    assert len(rules) >= 8  # the parser found the rules (title, headings, captions, banner, page margins…)
    failing = [(sel, fg, bg, round(r, 2)) for sel, fg, bg, r in rules if r < 4.5]
    assert not failing


def test_ink_on_the_shaded_backgrounds():
    # Shaded places where text sits: table header cells, key figures, demonstration banner.
    # The ink on the darkest backgrounds used by the style sheet.
    for bg in ("#eef2f6", "#f2f6fa", "#fff7ec"):
        assert contrast_ratio("#1a1a1a", bg) >= 4.5
        assert contrast_ratio("#555555", bg) >= 4.5
    assert contrast_ratio("#8a4b00", "#fff7ec") >= 4.5  # demonstration banner
