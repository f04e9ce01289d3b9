"""Shared fixtures, made once per pytest run and shared by the xdist workers (``-n auto``):

- ``built_paths``: the shipped project (data/raw, notebooks, scenarios) copied and built: the one full
  150-commune build of the run. Tests read it; a test that writes works in its own folder
  (``notebooks_copy``, ``tmp_path``, ``out_dir=``).
- ``year_run``: ``pma-eval run --year 2023`` over a copy of that build (the build is skipped: same raw
  files). Every test that reads a product (reports, fiches, syntheses, visuals, scenarios, index,
  manifests) reads this run; none produces it again.
- ``tiny_project``: a fresh, unbuilt project of the small test territory (tests/tiny.py: 7 communes, two
  EPCIs), for the build and raw-data tests; ``project``: the same for the whole territory, where a test
  needs it.
- ``tiny_built_paths``: the small territory as shipped, built once (read-only); ``tiny_built``: a private copy of it
  (raw, processed, its reading cache), to change and build again; ``tiny_added``: the small territory with the
  independent additions of the build tests (tests/assemble/added.py), built once with the reading cache turned off
  (read-only), read by tests/assemble and tests/activity.
"""

from __future__ import annotations

import fcntl
import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from pma_eval.config import Paths, get_paths

REPO = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
YEAR = 2023


#: The session's two yearly runs, by folder name: what each runs (:func:`run_into`).
RUNS = {"annee": {"workers": 2},
        "annee_bis": {"workers": 1, "fiches": False, "annual": ["PMA"], "engine": "nbclient"}}
#: The session's long products, made once per pytest run in the shared folder (:func:`once`), by folder name: the
#: fixture that reads it, and its producer (``module:function``, called with the folder). They start in the background
#: as soon as the tests are collected (:mod:`tests.background`).
BACKGROUND = {"annee": ("year_run", "tests.conftest:produce_year_run"),
              "annee_bis": ("year_rerun", "tests.conftest:produce_year_run"),
              "douaisis_publie": ("published_douaisis", "tests.publish.test_other_territory_products:publish"),
              "deux_epci": ("published_two_epci", "tests.publish.test_two_epci_territory:publish")}


def _uses(item, fixtures) -> bool:
    """Does the test ``item`` ask for one of ``fixtures``?"""
    return not set(fixtures).isdisjoint(getattr(item, "fixturenames", ()))


def _reads_a_background_product(item) -> bool:
    return _uses(item, (fixture for fixture, _ in BACKGROUND.values()))


def pytest_configure(config):
    """The suite's processes collect garbage at the pace of the workbench's commands (:mod:`pma_eval.collector`): its
    tests build, draw and lay out as the commands do."""
    from pma_eval.collector import worker_initializer

    worker_initializer()


@pytest.hookimpl(tryfirst=True)  # before -m deselects by the marks and --sw cuts the list: both see this order
def pytest_collection_modifyitems(config, items):
    """``slow`` means one thing: the test reads the session's yearly run (``year_run``, ``year_rerun``) or
    executes a report notebook itself (marked by hand). ``make test-fast`` leaves those out.

    The tests that read a product made in the background (:data:`BACKGROUND`) come last (a stable sort: the others
    keep their order): the products start as soon as the tests are collected (:mod:`tests.background`), and the xdist
    workers run every other test meanwhile instead of waiting for them."""
    for item in items:
        if _uses(item, ("year_run", "year_rerun")):
            item.add_marker(pytest.mark.slow)
    items.sort(key=_reads_a_background_product)


def pytest_collection_finish(session):
    """Start the products the collected tests read, in the background (:mod:`tests.background`)."""
    from .background import start

    if not session.config.option.collectonly:
        start(session.config, [name for name, (fixture, _) in BACKGROUND.items()
                               if any(_uses(item, (fixture,)) for item in session.items)])


def pytest_sessionfinish(session, exitstatus):
    from .background import stop

    stop(session.config)


def make_project(dest: Path) -> Path:
    """Copy data/raw, notebooks/ and scenarios/ of the repository into ``dest`` (a project root)."""
    shutil.copytree(REPO / "data" / "raw", dest / "data" / "raw")
    shutil.copytree(REPO / "notebooks", dest / "notebooks")
    shutil.copytree(REPO / "scenarios", dest / "scenarios")
    (dest / "data" / "processed").mkdir(parents=True, exist_ok=True)
    (dest / "reports").mkdir(exist_ok=True)
    return dest


def territory_project(dest: Path) -> Path:
    """A project copy where any French territory can be declared (issue 27): data/raw, notebooks/, scenarios/ and the
    declarations of the repository, and its national reference linked (read only). Returns ``dest``."""
    for folder in ("data/raw", "notebooks", "scenarios", "territoires"):
        shutil.copytree(REPO / folder, dest / folder, symlinks=True)
    (dest / "data" / "reference").symlink_to(REPO / "data" / "reference")
    return dest


def shared_base(config, tmp_path_factory=None) -> Path:
    """The folder every xdist worker of the pytest run shares (the run's base temporary folder)."""
    factory = tmp_path_factory or config._tmp_path_factory
    return factory.getbasetemp().parent if hasattr(config, "workerinput") else factory.getbasetemp()


def once(config, tmp_path_factory, name: str, produce) -> Path:
    """``produce(folder)`` once per pytest run, whichever xdist worker asks first; the others wait for it
    (a file lock) and then share the folder."""
    return once_at(shared_base(config, tmp_path_factory), name, produce)


def once_at(base: Path, name: str, produce) -> Path:
    """``produce(base / name)`` unless it is already done; a file lock makes whoever comes second wait for it (an
    xdist worker or the background process of :mod:`tests.background`)."""
    target, done = base / name, base / f"{name}.fait"
    with open(base / f"{name}.verrou", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if not done.exists():
                shutil.rmtree(target, ignore_errors=True)
                target.mkdir()
                produce(target)
                done.touch()
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    return target


@pytest.fixture(scope="session", autouse=True)
def shared_read_cache(request, tmp_path_factory):
    """One cache of raw-file readings for every project copy of the run and every xdist worker
    (``pma_eval.assemble.readcache``): the twenty-odd builds of the suite read each shipped file once."""
    import os

    from pma_eval.assemble.readcache import ENV

    if os.environ.get(ENV):
        yield os.environ[ENV]
        return
    os.environ[ENV] = str(shared_base(request.config, tmp_path_factory) / "lectures")
    yield os.environ[ENV]
    del os.environ[ENV]


@pytest.fixture(scope="session")
def built_paths(request, tmp_path_factory) -> Paths:
    """Paths of a project copy whose data/processed has been built from the shipped raw data (read-only)."""
    return get_paths(once(request.config, tmp_path_factory, "projet", build_project))


def build_project(root: Path) -> None:
    """The shipped project copied into ``root`` and built (the suite's one full build)."""
    from pma_eval.assemble import build

    build(get_paths(make_project(root)))


@dataclass(frozen=True)
class YearRun:
    """The products of the one yearly run of the test session."""

    paths: Paths
    code: int
    console: list[str]

    @property
    def folder(self) -> Path:
        return self.paths.reports / str(YEAR)

    def report(self, territoire: str = "PMA"):
        """The annual report of ``territoire`` as :func:`pma_eval.publish.run_report` returns it."""
        from pma_eval.publish.report import ReportResult

        folder = self.folder / territoire
        return ReportResult(folder, folder / "rapport_annuel.html", folder / "rapport_annuel.pdf",
                            folder / "rapport_annuel.ipynb")

    def scenarios(self):
        from pma_eval.publish.report import ReportResult

        folder = self.folder / "prospective" / "PMA"
        return ReportResult(folder, folder / "rapport_prospective.html", folder / "rapport_prospective.pdf",
                            folder / "rapport_prospective.ipynb")


def copy_of_build(built: Paths, root: Path) -> Paths:
    """A project copy carrying the shared build's processed data (its next build is skipped)."""
    make_project(root)
    shutil.rmtree(root / "data" / "processed")
    shutil.copytree(built.processed, root / "data" / "processed")
    return get_paths(root)


def run_into(built: Paths, root: Path, workers: int, fiches: bool = True, annual: list[str] | None = None,
             engine: str = "pma_eval") -> None:
    from pma_eval.publish.run import run_year

    console: list[str] = []
    code = run_year(YEAR, copy_of_build(built, root), echo=console.append, workers=workers, fiches=fiches,
                    annual=annual, engine=engine)
    (root / "console.json").write_text(json.dumps({"code": code, "console": console}, ensure_ascii=False))


def produce_year_run(root: Path) -> None:
    """The yearly run of :data:`RUNS` named as ``root``, over the shared build (made first if needed)."""
    built = get_paths(once_at(root.parent, "projet", build_project))
    run_into(built, root, **RUNS[root.name])


def _year_run(request, tmp_path_factory, name: str) -> YearRun:
    """The yearly run ``name`` of :data:`RUNS`, started in the background at collection: waited for while it is made
    there, made here only if that process died or was not started (see :mod:`tests.background`)."""
    root = once(request.config, tmp_path_factory, name, produce_year_run)
    out = json.loads((root / "console.json").read_text())
    return YearRun(get_paths(root), out["code"], out["console"])


@pytest.fixture(scope="session")
def year_run(request, tmp_path_factory) -> YearRun:
    """``pma-eval run --year 2023`` once for the whole test run, on two worker processes."""
    return _year_run(request, tmp_path_factory, "annee")


@pytest.fixture(scope="session")
def year_rerun(request, tmp_path_factory) -> YearRun:
    """The one second run of the test session, for byte identity: every step in turn on one process (another
    schedule), without the 150 fiches and the syntheses (rewritten in part by their own test: their cost
    is the run's largest, and the code that writes them is the same for every commune), and with the annual
    report of the Pôle only, executed in a Jupyter kernel (Papermill's nbclient engine, as an analyst runs it, where
    the session's run executes it in a worker process): the EPCIs' reports come from the same notebook with another
    parameter value. Compared byte for byte with the session's run, it shows that neither the schedule nor the engine
    changes a published file (issue 24: one second run; the verify test used to rerun the CAHC's whole report in a
    kernel, and now reruns a short report made from the same notebook)."""
    return _year_run(request, tmp_path_factory, "annee_bis")


@pytest.fixture
def built(built_paths, tmp_path) -> Paths:
    """A private copy of the shared built project (raw and processed data), to change and rebuild."""
    root = tmp_path / "copie"
    shutil.copytree(built_paths.root / "data", root / "data")
    return get_paths(root)


def pdf_pages(path: Path) -> list[str]:
    """The text of each page of a PDF: Poppler's ``pdftotext`` where it is installed (``.ci/run`` installs it; a
    41-page report in 0,07 s of processor), else pypdf (2,3 s). The two order a table's cells differently: a test
    looks for words and sentences of running text, not for a table's order."""
    import subprocess

    if shutil.which("pdftotext"):
        out = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True,
                             encoding="utf-8", check=True).stdout
        return out.split("\f")[:-1]  # a form feed ends each page
    from pypdf import PdfReader

    return [page.extract_text() for page in PdfReader(path).pages]


def tree(folder: Path) -> dict[str, str]:
    """sha256 of every file under ``folder``, by relative path: to show that a refusal changed nothing."""
    import hashlib

    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def cli(monkeypatch, paths: Paths, *argv: str) -> int:
    """``pma-eval ARGV…`` in the project ``paths``; returns the exit code."""
    from pma_eval.cli import main

    monkeypatch.setenv("PMA_EVAL_ROOT", str(paths.root))
    return main(list(argv))


def cli_each(monkeypatch, paths: Paths, commands) -> dict[str, int]:
    """``pma-eval`` with each of ``commands`` (argument lists) in turn in the project ``paths``, up to the first that
    fails (what follows needs it): the exit code of each command run, by command line."""
    codes = {}
    for argv in commands:
        codes[" ".join(argv)] = cli(monkeypatch, paths, *argv)
        if codes[" ".join(argv)] != 0:
            break
    return codes


@pytest.fixture
def project(tmp_path):
    """A fresh, unbuilt copy of the whole project (for tests that change raw data of the full territory)."""
    return get_paths(make_project(tmp_path / "projet"))


@pytest.fixture
def tiny_project(tmp_path):
    """A fresh, unbuilt project of the small test territory (tests/tiny.py): 7 communes, two EPCIs."""
    from .tiny import make_tiny_project

    return get_paths(make_tiny_project(tmp_path / "petit"))


def cut_annual_notebook(paths: Paths, sections: tuple[str, ...]) -> None:
    """Keep, of the annual notebook of the project ``paths``, its parameters, its set-up and only the cells of
    ``sections`` (keys of ``ANNUAL``): a real report of a few pages, made in seconds, where a test checks what a
    report does with its data or its territory and not each of its sections."""
    import nbformat

    nb_path = paths.notebooks / "reports" / "annual_evaluation.ipynb"
    nb = nbformat.read(nb_path, as_version=4)
    assert "parameters" in nb.cells[0].metadata.get("tags", [])
    nb.cells = nb.cells[:2] + [c for c in nb.cells[2:] if any(f'ANNUAL["{k}"]' in c.source for k in sections)]
    assert len(nb.cells) == 2 + len(sections)
    nbformat.write(nb, nb_path)


def notebooks_copy(built_paths, tmp_path: Path):
    """Paths of a copy with its own notebooks/ and reports/ over the built data (processed is linked):
    for tests that change a notebook or kill a run without touching the shared project."""
    root = tmp_path / "copie"
    shutil.copytree(built_paths.root / "notebooks", root / "notebooks")
    shutil.copytree(built_paths.root / "scenarios", root / "scenarios")
    (root / "data").mkdir()
    (root / "data" / "processed").symlink_to(built_paths.processed)
    (root / "data" / "raw").symlink_to(built_paths.raw)
    return get_paths(root)


@pytest.fixture(scope="session")
def tiny_built_paths(request, tmp_path_factory) -> Paths:
    from .tiny import built_once

    return get_paths(built_once(request.config, tmp_path_factory))


@pytest.fixture
def tiny_built(tiny_built_paths, tmp_path) -> Paths:
    from .tiny import private_copy

    return get_paths(private_copy(tiny_built_paths.root, tmp_path / "petit"))


@pytest.fixture(scope="session")
def tiny_added(request, tmp_path_factory) -> Paths:
    import os

    from pma_eval.assemble import build
    from pma_eval.assemble.readcache import ENV

    from .assemble.added import add_all
    from .tiny import make_tiny_project

    def produce(root):
        paths = get_paths(make_tiny_project(root))
        add_all(paths.raw)
        shared = os.environ.get(ENV)
        os.environ[ENV] = "0"
        try:
            build(paths)
        finally:
            if shared is None:
                del os.environ[ENV]
            else:
                os.environ[ENV] = shared

    return get_paths(once(request.config, tmp_path_factory, "petit_ajouts", produce))


@pytest.fixture(scope="session")
def full_added(request, tmp_path_factory) -> Paths:
    """The whole territory with the files the build tests add with ``pma-eval data add`` (tests/assemble/added.py,
    ``add_full``: ORE 2021 and 2022, an ODRÉ register, the inventory template), built once (read-only)."""
    from .assemble.added import add_full

    return get_paths(once(request.config, tmp_path_factory, "projet_ajouts", add_full))
