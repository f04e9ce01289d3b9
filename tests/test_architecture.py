"""The package's import graph: no circles (lazy imports inside functions included), and the
floors below the build never reach up into it (they read ``data/processed`` through
``pma_eval.processed``). An equivalent of grimp's checks, with the standard library's ``ast``."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "pma_eval"


def _modules() -> dict[str, Path]:
    mods = {}
    for p in PACKAGE.rglob("*.py"):
        name = ".".join(p.relative_to(PACKAGE.parent).with_suffix("").parts)
        mods[name[: -len(".__init__")] if name.endswith(".__init__") else name] = p
    return mods


def import_graph() -> dict[str, set[str]]:
    """Module → the package modules it imports anywhere in its body."""
    mods = _modules()
    graph: dict[str, set[str]] = {}
    for name, path in mods.items():
        package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
        deps: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom):
                base = package[: len(package) - (node.level - 1)] if node.level else []
                head = ".".join(base + ([node.module] if node.module else []))
                targets = [head] + [f"{head}.{a.name}" for a in node.names]
            else:
                continue
            for t in targets:
                while t and t not in mods:
                    t = t.rpartition(".")[0]
                if t and t != name and not t.startswith(name + ".") and not name.startswith(t + "."):
                    deps.add(t)
        graph[name] = deps
    return graph


def test_no_import_circles():
    graph = import_graph()
    state: dict[str, int] = {}
    cycles = []

    def visit(node: str, stack: list[str]) -> None:
        state[node] = 1
        for dep in sorted(graph[node]):
            if state.get(dep) == 1:
                cycles.append(stack[stack.index(dep):] + [dep] if dep in stack else [node, dep])
            elif dep not in state:
                visit(dep, stack + [dep])
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    assert not cycles, "import circles: " + "; ".join(" → ".join(c) for c in cycles)


def test_downstream_floors_never_import_the_build():
    graph = import_graph()
    downstream = ("pma_eval.indicators", "pma_eval.evaluation", "pma_eval.prospective", "pma_eval.narrative",
                  "pma_eval.report", "pma_eval.vocabulary", "pma_eval.charts", "pma_eval.maps",
                  "pma_eval.processed")
    offenders = {m: sorted(d for d in deps if d.startswith("pma_eval.assemble"))
                 for m, deps in graph.items() if m.startswith(downstream)}
    assert not {m: d for m, d in offenders.items() if d}


def test_importing_the_package_leaves_the_analysts_matplotlib_backend_alone():
    """``plt.show()`` in an analyst's notebook must still draw: no module switches the backend on import."""
    import os
    import subprocess
    import sys

    code = ("import matplotlib; matplotlib.use('svg'); "
            "import pma_eval.charts, pma_eval.maps, pma_eval.svg, pma_eval.report.annual, pma_eval.report.scenarios; "
            "print(matplotlib.get_backend())")
    env = {k: v for k, v in os.environ.items() if k != "MPLBACKEND"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    assert out.stdout.strip() == "svg"


def test_calculation_and_report_content_modules_do_not_reach_into_data_raw():
    """The foresight's reference tables come through the build; no content module names data/raw."""
    for folder in ("evaluation", "prospective", "indicators", "narrative", "report"):
        for p in (PACKAGE / folder).rglob("*.py"):
            assert "paths.raw" not in p.read_text(encoding="utf-8"), p


#: Calls that open or read a file. Packages with the catalogue's or a template's own file are allowed
#: that one read only (``Path(__file__)`` next to the module).
FILE_CALLS = {"open", "read_text", "read_bytes", "read_csv", "read_parquet", "read_excel", "read_json",
              "write_text", "write_bytes", "to_csv", "to_parquet", "to_excel", "savefig", "safe_load_file"}


def _file_calls(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call):
            f = node.func
            name = f.attr if isinstance(f, ast.Attribute) else f.id if isinstance(f, ast.Name) else ""
            if name in FILE_CALLS:
                found.append(f"{path.name}:{node.lineno} {name}")
    return found


def test_report_evaluation_prospective_and_indicators_open_no_file():
    """Content and calculation modules get their data from pma_eval.processed and return objects;
    the only files they may read are their own declarations beside the code (catalogue.yml,
    vocabulary.yml, the report's jinja2 templates), through a loader named here."""
    allowed = {"catalogue.py": {"read_text"}}  # the catalogue reads catalogue.yml, beside it
    offenders = []
    for folder in ("report", "evaluation", "prospective", "indicators"):
        for p in (PACKAGE / folder).rglob("*.py"):
            offenders += [c for c in _file_calls(p) if c.split()[-1] not in allowed.get(p.name, set())]
    assert not offenders, offenders


def test_no_html_is_built_with_f_strings():
    """HTML comes from jinja2 templates with autoescape; no f-string (or % / format) opens a tag."""
    import re

    tag = re.compile(r"<(/?)(p|ul|li|table|tr|td|th|div|span|figure|img|h[1-6]|strong|a|section|nav|ol)\b")
    offenders = []
    for p in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(p.read_text(encoding="utf-8"))):
            if isinstance(node, ast.JoinedStr):
                text = "".join(v.value for v in node.values if isinstance(v, ast.Constant) and isinstance(v.value, str))
                if tag.search(text):
                    offenders.append(f"{p.relative_to(PACKAGE)}:{node.lineno}")
    assert not offenders, offenders


def test_the_vocabulary_and_the_atomic_writer_each_exist_once():
    """Sector lists, units and IAMC variables are declared in vocabulary.yml only; temp-then-swap
    writing is atomic.py's alone."""
    import re

    pcaet_list = re.compile(r"[\(\[]\s*\"residentiel\",\s*\"tertiaire\"")
    unit_spellings = re.compile(r"\"(kt CO2e/yr|tCO2e)\"")
    swaps = re.compile(r"\b(os\.replace|os\.rename|shutil\.move)\(")
    for p in PACKAGE.rglob("*.py"):
        text = p.read_text(encoding="utf-8")
        rel = p.relative_to(PACKAGE).as_posix()
        assert not pcaet_list.search(text), f"{rel}: a sector list (declare it in vocabulary.yml)"
        if not rel.startswith(("sources/", "demonstration.py")):  # readers map the producers' own spellings
            assert not unit_spellings.search(text), f"{rel}: a unit spelled by hand (vocabulary.yml)"
        if rel != "atomic.py":
            assert not swaps.search(text), f"{rel}: a hand-rolled swap (use atomic.atomic_folder/atomic_file)"

