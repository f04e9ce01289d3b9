"""No Python module or template names the Pôle, its EPCIs, its communes or its département (issue 27, « a territory
is data »): every name comes from a declaration (``territoires/<id>.yml``) and the tables it implies.

Scanned: the string literals of ``pma_eval/**/*.py`` (not their comments nor docstrings, read with :mod:`ast`), and
the text of the templates ``pma_eval/**/*.j2``, ``*.yml``, ``*.css``, ``*.html`` without their comments (``#`` of
YAML, ``{# … #}`` of jinja2, ``/* … */`` of CSS). The names looked for are read from the default declaration
(``territoires/pma.yml``) and its commune table, never typed here: its name and short name, the noun of its
designation (« Pôle »), its programme (« la Turbine de l'écotransition »), its EPCIs' names, short names and SIRENs,
its communes' names and INSEE codes, its départements' names; plus « Artois », the word its names share.

:data:`ALLOWED` lists the few remaining uses, each with the file, the text and why it is still there (most wait
for a file of another owner to pass the territory's names to a template that has them as variables).
"""

from __future__ import annotations

import ast
import re
from functools import lru_cache
from pathlib import Path

import pytest
import yaml

from pma_eval.declaration import DEPARTEMENTS

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "pma_eval"
DECLARATION = REPO / "territoires" / "pma.yml"

#: (file relative to pma_eval/, a pattern of the text around the name) → why it stays.
ALLOWED: dict[tuple[str, str], str] = {
    # colours keyed by short name: publish/fiches.py reads TERRITORY_COLORS by the whole's code (WHOLE_COLOUR_KEY
    # = "PMA") and by EPCI short name, tests/report/test_colours.py too; to move into the declaration (couleurs:)
    ("vocabulary.yml", r'^PMA: &whole "#'): "couleur du territoire par défaut (publish/fiches.py la lit par son sigle)",
    ("vocabulary.yml", r"^CALL: \"#"): "couleur d'un EPCI du territoire par défaut (publish/fiches.py)",
    ("vocabulary.yml", r"^CAHC: \"#"): "couleur d'un EPCI du territoire par défaut (publish/fiches.py)",
    ("vocabulary.yml", r"^CABBALR: \"#"): "couleur d'un EPCI du territoire par défaut (publish/fiches.py)",
    # texts rendered by pma_eval/report/network.py and pma_eval/narrative/sentences.py, which now pass the whole
    # territory's names: the templates' defaults (the default territory's words) are no longer used and can go
    # (sections.yml: kept while a caller might still render its texts without them)
    ("narrative/templates/sections.yml", r'default\("(?:le|du) Pôle"\)'):
        "valeur par défaut inutilisée : report/network.py donne sujet_ensemble et de_ensemble ; à retirer",
    ("narrative/templates/sections.yml", r"default\(\"de la Turbine de l'écotransition\"\)"):
        "valeur par défaut inutilisée : report/network.py donne de_programme ; à retirer",
    # not a name of the default territory: the noun of the kind « pôle métropolitain », and the table of départements
    ("declaration.py", r"^Pôle$"): "le nom de la nature « pôle métropolitain » (NATURES), pas celui du territoire",
    ("declaration.py", r"^Pas-de-Calais$"): "la table nationale des départements (DEPARTEMENTS)",
}

#: Files of other owners that still name the default territory (issue 27, not fixed with this test): what has to
#: change there. The first test skips them; the last one fails once a file no longer names it (remove it here).
ELSEWHERE: dict[str, str] = {
    "activity/example.py": "registres d'exemple fictifs du Pôle (generate, write_example : ses organisations, ses "
                           "EPCI, « réseaux et actions du Pôle » ; écrits par data demo pour le territoire par défaut "
                           "seulement, jamais lus par un autre) : en faire des données par territoire quand la "
                           "démonstration des registres sera écrite pour tout territoire",
}


@lru_cache(maxsize=1)
def _declared_names() -> dict[str, re.Pattern]:
    """What names the default territory → a case-sensitive pattern of it as a word."""
    import pandas as pd

    decl = yaml.safe_load(DECLARATION.read_text(encoding="utf-8"))
    words = {decl["nom"], decl["nom"].replace("'", "’"), decl["nom_court"], "Artois",
             decl["designation"]["sujet"].split(" ", 1)[-1].split("'", 1)[-1]}  # « Pôle »
    programme = str(decl.get("programme") or "")
    words |= {programme.split(" ", 1)[-1].split(" ", 1)[0]} if programme else set()  # « Turbine »
    for e in decl["epci"]:
        words |= {str(e["siren"]), str(e["nom_court"]), str(e["nom"])}
    words |= {DEPARTEMENTS[d] for d in decl["departements"]}
    table = decl["tables"]["communes"]["fichier"]
    communes = pd.read_csv(REPO / table, dtype=str, sep=None, engine="python")
    code = next(c for c in communes.columns if c.lower() in ("code_insee", "insee", "code"))
    name = next(c for c in communes.columns if c.lower() in ("nom", "nom_commune", "libelle"))
    words |= set(communes[code].dropna()) | set(communes[name].dropna())
    return {w: re.compile(rf"(?<![\w-]){re.escape(w)}(?![\w-])") for w in sorted(words) if w}


def _python_strings(path: Path) -> list[tuple[int, str]]:
    """(line, text) of each string literal of a module that is not a docstring (f-string parts included)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str):
                docstrings.add(id(first.value))
    return [(node.lineno, node.value) for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings]


def _template_lines(path: Path) -> list[tuple[int, str]]:
    """(line, text) of a template without its comments."""
    text = path.read_text(encoding="utf-8")
    blank = lambda m: re.sub(r"[^\n]", " ", m.group(0))  # noqa: E731 (keeps the line numbers)
    if path.suffix == ".j2" or path.name.endswith(".html"):
        text = re.sub(r"\{#.*?#\}", blank, text, flags=re.S)
    if path.suffix == ".css":
        text = re.sub(r"/\*.*?\*/", blank, text, flags=re.S)
    out = []
    for i, line in enumerate(text.splitlines(), 1):
        if path.suffix in (".yml", ".yaml"):
            line = re.sub(r"(^|\s)#(?![0-9A-Fa-f]{6}\b).*$", "", line)  # a comment, not a colour « #332288 »
        out.append((i, line.strip()))
    return out


@lru_cache(maxsize=2)
def _hits(everywhere: bool = False) -> tuple[str, ...]:
    names = _declared_names()
    # one pattern for all the names (a first sieve), then the name found
    anyone = re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(w) for w in sorted(names, key=len, reverse=True))
                        + r")(?![\w-])")
    found = []
    files = sorted(p for p in PACKAGE.rglob("*") if p.is_file() and "__pycache__" not in p.parts
                   and p.suffix in (".py", ".j2", ".yml", ".yaml", ".css", ".html"))
    for path in files:
        rel = path.relative_to(PACKAGE).as_posix()
        if rel in ELSEWHERE and not everywhere:
            continue
        items = _python_strings(path) if path.suffix == ".py" else _template_lines(path)
        for line, text in items:
            if not anyone.search(text) or any(f == rel and re.search(p, text) for f, p in ALLOWED):
                continue
            for word, pattern in names.items():
                if pattern.search(text):
                    found.append(f"{rel}:{line}: « {word} » dans {text[:160]!r}")
    return tuple(found)


def test_the_names_looked_for_come_from_the_declaration():
    names = _declared_names()
    assert {"Pôle", "PMA", "CALL", "Artois", "Turbine", "Pas-de-Calais", "Lens", "246200364"} <= set(names)
    assert len(names) > 300  # 150 communes, their codes, 3 EPCIs…


def test_no_module_or_template_names_the_default_territory():
    hits = _hits()
    assert not hits, f"{len(hits)} mentions :\n" + "\n".join(hits)


@pytest.mark.parametrize("allowed", sorted(ALLOWED))
def test_each_allowed_mention_is_still_there(allowed):
    """An allowance is removed with the text it excuses."""
    rel, pattern = allowed
    lines = [t for _, t in (_python_strings(PACKAGE / rel) if rel.endswith(".py") else _template_lines(PACKAGE / rel))]
    assert any(re.search(pattern, t) for t in lines), f"{rel} : plus rien ne correspond à {pattern!r} ; retirez-le"


@pytest.mark.parametrize("rel", sorted(ELSEWHERE))
def test_each_file_of_another_owner_still_names_it(rel):
    """A file listed in :data:`ELSEWHERE` is removed from it once it no longer names the default territory."""
    assert any(h.startswith(rel + ":") for h in _hits(everywhere=True)), f"{rel} ne nomme plus le Pôle : retirez-le"
