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
                  "pma_eval.reporting", "pma_eval.prospective_report", "pma_eval.charts", "pma_eval.maps",
                  "pma_eval.processed")
    offenders = {m: sorted(d for d in deps if d.startswith("pma_eval.build"))
                 for m, deps in graph.items() if m.startswith(downstream)}
    assert not {m: d for m, d in offenders.items() if d}


def test_importing_the_package_leaves_the_analysts_matplotlib_backend_alone():
    """``plt.show()`` in an analyst's notebook must still draw: no module switches the backend on import."""
    import os
    import subprocess
    import sys

    code = ("import matplotlib; matplotlib.use('svg'); "
            "import pma_eval.charts, pma_eval.maps, pma_eval.svg, pma_eval.reporting, pma_eval.prospective_report; "
            "print(matplotlib.get_backend())")
    env = {k: v for k, v in os.environ.items() if k != "MPLBACKEND"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    assert out.stdout.strip() == "svg"


def test_calculation_and_report_content_modules_do_not_reach_into_data_raw():
    """The foresight's reference tables come through the build; no content module names data/raw."""
    for folder in ("evaluation", "prospective", "indicators", "narrative"):
        for p in (PACKAGE / folder).rglob("*.py"):
            assert "paths.raw" not in p.read_text(encoding="utf-8"), p
    for name in ("reporting.py", "prospective_report.py"):
        assert "paths.raw" not in (PACKAGE / name).read_text(encoding="utf-8"), name
