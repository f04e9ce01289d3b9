"""End to end: the annual report through Papermill, nbconvert and WeasyPrint."""

from __future__ import annotations

import re

import pytest

from pma_eval import fmt
from pma_eval.errors import ConfigurationError
from pma_eval.publish import run_report
from pma_eval.reporting import latest_year, load_context, total_emissions

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def annual(built_paths):
    year = latest_year(built_paths)
    return year, run_report("annual", {"year": year, "territoire": "PMA"}, f"Rapport annuel {year} — Pôle",
                            built_paths)


def test_html_is_french_self_contained_and_holds_the_expected_figure(annual, built_paths):
    year, result = annual
    assert result.folder == built_paths.reports / str(year) / "PMA"
    html = result.html.read_text(encoding="utf-8")
    assert '<html lang="fr">' in html
    assert "<script" not in html and not re.search(r"(src|href)=\"(https?:)?//", html)  # nothing fetched
    assert 'src="data:image/png;base64,' in html and 'alt="Histogramme empilé' in html
    assert "year: int" not in html and "import" not in html  # code and parameter cells hidden
    ctx = load_context(year, "PMA", built_paths)
    total = total_emissions(ctx, "pma", "PMA", year)
    # The key figure, formatted like the report does (kt, French typography), computed independently here.
    assert f"{fmt.number(total / 1000, 0)} kt CO₂e" in html
    assert "Données de démonstration" in html  # demonstration series labelled
    assert re.search(r"642\u202f834", html)  # PMA population 2023 (PROVENANCE.md)


def test_pdf_has_a4_pages(annual):
    from pypdf import PdfReader

    _, result = annual
    reader = PdfReader(result.pdf)
    assert len(reader.pages) >= 2
    box = reader.pages[0].mediabox
    assert round(float(box.width) / 72 * 25.4) == 210 and round(float(box.height) / 72 * 25.4) == 297
    assert "page 1 sur" in reader.pages[0].extract_text()


def test_unknown_parameter_is_refused(built_paths):
    with pytest.raises(ConfigurationError, match="paramètre\\(s\\) inconnu\\(s\\).*annee"):
        run_report("annual", {"year": 2023, "territoire": "PMA", "annee": 2023}, "t", built_paths)


def test_unknown_year_gives_a_french_error(built_paths):
    with pytest.raises(ConfigurationError, match="année 1999 absente"):
        load_context(1999, "PMA", built_paths)
