"""Issue 23, deliverables 6 and 7: the published text of the shared 2023 run (``year_run``) is clean.

Every HTML product of the run (annual reports, scenario report, EPCI syntheses, commune fiches, index,
newsletter block), the text alternatives of the visuals and the text of the PDFs (``pdftotext``) are
scanned for what only an operator should read — commands, paths, file names, workshop words, sentences
about what has or has not been entered — and the HTML texts for French typography: typographic
apostrophe, a no-break space before « : ; ! ? » and inside « ».

Strings that come from files owned elsewhere are listed in :data:`KNOWN_LEFTOVERS` with their owner: the
test stays green today and tightens when each is fixed (a leftover that no longer occurs fails
:func:`test_known_leftovers_still_occur`, so the list cannot rot).
"""

from __future__ import annotations

import re
import shutil
from fnmatch import fnmatch
from functools import lru_cache
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from ..conftest import pdf_pages

#: What a published page must never print: name → pattern (case-insensitive).
OPERATOR = {
    "commande": r"\bpma-eval\s+(?:data|run|report|fiches|build|visuels|scenarios|prospective)\b",
    "option de commande": r"(?<![\w-])--[a-z]",
    "chemin": r"\b(?:data/(?:raw|processed)|docs|scenarios|notebooks|reports)/",
    "nom de fichier": r"\b[\w-]+\.(?:csv|md|ya?ml|py|ipynb|parquet)\b",
    "mot d’atelier": r"\bl['’]atelier\b|\bcollecteur\b|\binferee\b",
    "consigne": r"\b(?:saisissez|remplacez|à combler avec)\b",
    "état des saisies": r"n['’]est encore saisie?\b",
}

#: Typography of a text node of an HTML page: name → pattern.
TYPOGRAPHY = {
    "apostrophe droite": r"[^\W\d_]'\w",
    "espace ordinaire avant : ; ! ?": r" [:;!?](?=\s|$)",
    "pas d’espace avant ; ! ?": r"[^\s(\[«:;!?'\"\u00a0\u202f][;!?](?=\s|$)",
    "pas d’espace avant :": r"[^\s(\[«:;!?'\"\u00a0\u202f\d]:(?=\s|$)",
    "« sans espace insécable": r"«(?![\u00a0\u202f])",
    "» sans espace insécable": r"(?<![\u00a0\u202f])»",
}

#: Known leftovers: (product glob, check name or « typographie » for all of them, phrase found near the hit)
#: → the file and owner that must change it (issue 23). Nothing of pma_eval/report/annual (but synthesis and
#: decide), report/blocks.py, publish/report.py, publish/index.py, publish/visuals.py or the annual notebook
#: may appear here.
KNOWN_LEFTOVERS: dict = {}


def _allowed(product: str, check: str, context: str) -> str | None:
    for (glob, name, phrase), owner in KNOWN_LEFTOVERS.items():
        named = name in ("*", check) or (name == "typographie" and check in TYPOGRAPHY)
        if fnmatch(product, glob) and named and (phrase == "*" or phrase in context):
            return owner
    return None


def html_texts(path: Path) -> list[str]:
    """The text nodes of a page a reader sees: no CSS, script or code; text alternatives included."""
    soup = BeautifulSoup(path.read_text(encoding="utf-8"), "lxml")
    for tag in soup(["style", "script", "code", "pre", "kbd", "samp"]):
        tag.decompose()
    texts = [str(s) for s in soup.find_all(string=True) if str(s).strip() and type(s).__name__ == "NavigableString"]
    texts += [t[a] for a in ("alt", "title", "aria-label") for t in soup.find_all(attrs={a: True})]
    return texts


@lru_cache(maxsize=None)
def pdf_text(path: Path) -> str:
    return "\f".join(pdf_pages(path))


def scan(product: str, texts, checks: dict[str, str], flags=0) -> list[tuple[str, str, str]]:
    """``(product, check, context)`` of every hit of ``checks`` in ``texts``."""
    hits = []
    for text in texts:
        for name, pattern in checks.items():
            for m in re.finditer(pattern, text, flags):
                hits.append((product, name, text[max(0, m.start() - 60):m.end() + 60].replace("\n", " ")))
    return hits


def published_html(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*.html") if "_echecs" not in p.parts)


def published_pdf(folder: Path) -> list[Path]:
    """Every PDF but the commune fiches, of which the first three (same template, same code)."""
    pdfs = sorted(p for p in folder.rglob("*.pdf") if "_echecs" not in p.parts)
    communes = [p for p in pdfs if "communes" in p.parts]
    return [p for p in pdfs if "communes" not in p.parts] + communes[:3]


def _report(hits, folder: Path):
    unexpected, allowed = [], set()
    for product, check, context in hits:
        rel = Path(product).relative_to(folder).as_posix()
        owner = _allowed(rel, check, context)
        if owner:
            allowed.add(owner)
        else:
            unexpected.append(f"{rel} [{check}] …{context}…")
    return unexpected, allowed


@pytest.fixture(scope="module")
def operator_hits(year_run):
    folder = year_run.folder
    hits = []
    for p in published_html(folder):
        hits += scan(str(p), html_texts(p), OPERATOR, re.IGNORECASE)
    for p in sorted(folder.rglob("*.alt.txt")):
        hits += scan(str(p), [p.read_text(encoding="utf-8")], OPERATOR, re.IGNORECASE)
    if shutil.which("pdftotext"):
        for p in published_pdf(folder):
            hits += scan(str(p), [pdf_text(p)], OPERATOR, re.IGNORECASE)
    return hits


@pytest.fixture(scope="module")
def typography_hits(year_run):
    hits = []
    for p in published_html(year_run.folder):
        hits += scan(str(p), html_texts(p), TYPOGRAPHY)
    for p in sorted(year_run.folder.rglob("*.alt.txt")):
        hits += scan(str(p), [p.read_text(encoding="utf-8")], TYPOGRAPHY)
    return hits


def test_the_scan_reads_every_product(year_run):
    """The scan is not vacuous: it reads the four annual reports, the scenario report, the three syntheses,
    150 fiches, the index and the newsletter block, and finds their text."""
    folder = year_run.folder
    html = published_html(folder)
    names = {p.relative_to(folder).as_posix() for p in html}
    assert {"PMA/rapport_annuel.html", "CALL/rapport_annuel.html", "prospective/PMA/rapport_prospective.html",
            "fiches/epci/CAHC.html", "index.html", "visuels/lettre_chiffres_cles.html"} <= names
    assert sum("fiches/communes/" in n for n in names) == 150
    annual = " ".join(html_texts(folder / "PMA" / "rapport_annuel.html"))
    assert "Mises en garde" in annual and len(annual) > 50_000
    if shutil.which("pdftotext"):
        assert "Mises en garde" in pdf_text(folder / "PMA" / "rapport_annuel.pdf")


def test_no_command_path_or_operator_word_in_published_text(operator_hits, year_run):
    unexpected, _ = _report(operator_hits, year_run.folder)
    assert not unexpected, "texte d’opérateur dans un produit publié :\n" + "\n".join(unexpected[:40])


def test_french_typography_of_published_html(typography_hits, year_run):
    unexpected, _ = _report(typography_hits, year_run.folder)
    assert not unexpected, "typographie :\n" + "\n".join(unexpected[:40])


def test_known_leftovers_still_occur(operator_hits, typography_hits, year_run):
    """Each allowance is still needed: once its owner fixes it, it must leave :data:`KNOWN_LEFTOVERS`."""
    _, used = _report(operator_hits + typography_hits, year_run.folder)
    assert set(KNOWN_LEFTOVERS.values()) == used, set(KNOWN_LEFTOVERS.values()) - used


def test_sentences_follow_the_shipped_data(year_run):
    """The shipped networks, air and heat values are demonstration values, and so is the consumption corrected
    with the real degree-days: no page attributes them to a producer or calls them measured, and no sentence
    says what has not been entered."""
    folder = year_run.folder
    for territoire in ("PMA", "CALL", "CAHC", "CABBALR"):
        text = " ".join(html_texts(folder / territoire / "rapport_annuel.html"))
        assert not re.search(r"selon l’Agence ORE", text, re.IGNORECASE)
        assert not re.search(r"\bmesurés\b", text)
        assert "points de livraison" in text and "valeurs de démonstration" in text
        # real degree-days (Hauts-de-France, issue 26), demonstration consumption: the correction says both
        assert "Les degrés-jours sont observés, mais la consommation" in text
        assert "Les degrés-jours sont de démonstration" not in text
        assert "n’est encore saisi" not in text and "Aucune donnée de réseau de chaleur" not in text
        # the sources annex lists only files that gave values: no empty template « à saisir »
        assert "à saisir" not in text


def test_no_double_gloss(year_run):
    """« du plan national de réduction des émissions de polluants atmosphériques (PRÉPA, …) » is not glossed
    a second time right after its own full name."""
    text = " ".join(html_texts(year_run.folder / "PMA" / "rapport_annuel.html"))
    assert "atmosphériques (PRÉPA (" not in text
    assert text.count("(plan national de réduction des émissions de polluants atmosphériques)") == 0
