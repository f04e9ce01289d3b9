"""Everything for a year, unattended: build, exports, reports for the territory and each of its EPCIs (none of its
own for a territory of one EPCI), fiches, visuals, and ``reports/<year>/index.html`` linking them all (under the
territory's reports folder: :func:`pma_eval.config.get_paths`). One run at a time (a lock), a log in ``reports/<year>/execution.log``, exit codes
0 (ok), 1 (a report failed, the others were still produced) and 2 (bad input)."""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

import pandas as pd

from ..config import Paths, get_paths
from ..errors import ConfigurationError, PmaEvalError, display_path


@contextmanager
def territory_in_use(paths: Paths):
    """While the block runs, the territory (and project root) in use is that of ``paths``: what reads the names of the
    territory in use without being given ``paths`` (sentences, registers) reads this one's."""
    from ..config import TERRITORY_ENV
    from .report import _env  # environment variables set for a block, restored after

    with _env(**{TERRITORY_ENV: paths.territory, "PMA_EVAL_ROOT": str(paths.root)}):
        yield


@contextmanager
def run_lock(paths: Paths):
    """An exclusive, non-blocking lock: a second run on the same outputs is refused at once."""
    paths.reports.mkdir(parents=True, exist_ok=True)
    lock_path = paths.reports / ".pma-eval.lock"
    fh = open(lock_path, "a+")
    try:
        fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        fh.close()
        raise ConfigurationError(f"une autre exécution de pma-eval est en cours (verrou {lock_path}) ; "
                                 "réessayez quand elle sera terminée") from None
    try:
        fh.seek(0)
        fh.truncate()
        fh.write(str(os.getpid()))
        fh.flush()
        yield lock_path
    finally:
        fcntl.flock(fh, fcntl.LOCK_UN)
        fh.close()


#: Rough relative cost of each kind of step (CPU seconds measured on the shipped data), used to start the
#: longest first so that the two cores finish together (longest-processing-time-first scheduling).
STEP_COST = {"annual_whole": 12, "scenarios": 12, "annual": 10, "syntheses": 7, "visuals": 4, "export": 2}


def _step_export(year: int, paths: Paths) -> None:
    """The indicator exports of the year: the territory and its EPCIs (with the comparison levels) in XLSX,
    every commune in CSV."""
    from ..comparisons import comparison_indicator_rows
    from ..indicators import load_catalogue
    from ..processed import load, load_territory
    from .indicator_export import export

    from .index import own_indicators

    territory, catalogue = load_territory(paths), load_catalogue()
    ind = load("indicators", paths)
    own = ind.loc[ind["geo_level"] != "commune"]
    # the comparison levels on observed data: emissions of the départements, the region and its other EPCIs;
    # energy and renewables of the département (Enedis), the region and France, each with its scope note
    extra = comparison_indicator_rows(paths, territory)
    if extra is not None:
        own = pd.concat([own, extra], ignore_index=True)
    export(own, catalogue, territory,
           paths.reports / str(year) / f"indicateurs_{year}_{own_indicators(territory.whole)[1]}.xlsx")
    export(ind.loc[ind["year"] == year], catalogue, territory,
           paths.reports / str(year) / f"indicateurs_{year}_toutes_communes.csv")


def _step_annual(year: int, sigle: str, name: str, paths: Paths, engine: str = "pma_eval") -> None:
    from .report import run_report

    run_report("annual", {"year": year, "territoire": sigle}, f"Rapport annuel d'évaluation {year} — {name}", paths,
               engine=engine)


def _step_scenarios(year: int, sigle: str, paths: Paths) -> None:
    from ..config import DEFAULT_DRAWS, DEFAULT_HORIZON, DEFAULT_SEED, default_scenarios
    from .scenarios import scenario_report

    scenario_report(year, sigle, list(default_scenarios(paths)), DEFAULT_HORIZON, DEFAULT_DRAWS, DEFAULT_SEED, paths)


def _step_syntheses(year: int, paths: Paths) -> None:
    from .epci import write_syntheses

    write_syntheses(year, paths)


def _step_visuals(year: int, sigle: str, paths: Paths) -> None:
    from .visuals import write_visuals

    write_visuals(year, sigle, paths)


def _timed(fn, *args) -> tuple[float, int]:
    """Run one step in a worker; return its duration [s] and the worker's process id."""
    t0 = time.perf_counter()
    fn(*args)
    return time.perf_counter() - t0, os.getpid()


def _warm_imports() -> None:
    """Import once, before the workers are forked, what every step imports (they then start warm)."""
    from . import engine, epci, fiches, indicator_export, report, visuals  # noqa: F401
    from ..report import annual, foresight, scenarios  # noqa: F401
    import papermill  # noqa: F401
    import weasyprint  # noqa: F401
    from nbconvert import HTMLExporter  # noqa: F401


def _executor(workers: int):
    """A pool of ``workers`` processes (forked where the system allows it: the imports are inherited), the collector
    at the pace of :data:`pma_eval.collector.THRESHOLDS` in each."""
    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor

    from ..collector import worker_initializer

    method = "fork" if "fork" in mp.get_all_start_methods() else None
    return ProcessPoolExecutor(workers, mp_context=mp.get_context(method), initializer=worker_initializer)


def default_workers() -> int:
    """Worker processes of a run: ``PMA_EVAL_PROCESSUS`` if set, else the cores this process may use
    (CPU affinity, as a container sets it), at most 8."""
    value = os.environ.get("PMA_EVAL_PROCESSUS")
    if value:
        if not value.strip().isdigit() or int(value) < 1:
            raise ConfigurationError(f"PMA_EVAL_PROCESSUS doit être un nombre entier de processus, au moins 1 "
                                     f"(valeur lue : « {value} »)")
        return int(value)
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return max(1, min(cores, 8))


def run_year(year: int | None, paths: Paths | None = None, echo=print, fiches: bool = True,
             workers: int | None = None, rebuild: bool = False, annual: list[str] | None = None,
             scenarios: bool = True, engine: str = "pma_eval") -> int:
    """Run every step for ``year`` (default: latest year with data) and return the exit code.

    The build comes first (skipped when ``data/processed`` was built from the same raw files, unless
    ``rebuild``); then the exports, the annual reports of the territory and its EPCIs, the scenario report,
    the fiches (in batches), the syntheses and the visuals run in ``workers`` processes (default: every
    core), the longest first. Every step writes its own folder atomically, so the files do not depend on
    the schedule. The console and ``execution.log`` list the steps in their fixed order, with the
    process that ran each and its duration; the index comes last. ``annual`` restricts the annual reports to
    some of the territory's acronyms (default: the territory and each EPCI); ``scenarios=False`` leaves the scenario
    report out (a batch of territories, :mod:`pma_eval.publish.lot`). ``engine``: where the annual reports' notebooks
    run (:func:`pma_eval.publish.report.run_report`): in the worker processes, or ``"nbclient"``, each in a Jupyter
    kernel as an analyst runs it (the published files are the same: the test suite's second run shows it).
    """
    from ..assemble import build, build_if_needed
    from ..processed import checked_year

    from ..collector import fewer_collections

    paths = paths or get_paths()
    workers = workers or default_workers()
    with territory_in_use(paths), run_lock(paths), fewer_collections():
        echo("[0] construction des données (data/raw → data/processed)…")
        t_build = time.perf_counter()
        # bad input raises before anything else is touched (exit 2)
        _, report = build(paths) if rebuild else build_if_needed(paths)
        t_build = time.perf_counter() - t_build
        build_line = (f"terminé en {t_build:.1f} s" if report is not None else
                      "données déjà construites à partir des mêmes fichiers bruts : construction sautée")
        echo(f"      {build_line}")
        from .pdf import SLOW_SUBSET, font_subsetter

        if font_subsetter() != "harfbuzz":  # WeasyPrint's own warning is silenced (prepare_weasyprint)
            echo(f"      avertissement : {SLOW_SUBSET}")
        year = checked_year(year, paths)
        folder = paths.reports / str(year)
        folder.mkdir(parents=True, exist_ok=True)
        log = logging.getLogger(f"pma_eval.run.{year}")
        log.setLevel(logging.INFO)
        handler = logging.FileHandler(folder / "execution.log", encoding="utf-8")
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
        log.addHandler(handler)
        try:
            return _run_logged(year, paths, echo, fiches, workers, build_line, log, folder, annual, scenarios, engine)
        finally:
            log.removeHandler(handler)
            handler.close()


#: Build warnings shown on the console (all go to ``execution.log``).
SHOWN_BUILD_NOTES = 10


def _report_build_notes(paths: Paths, echo, log) -> None:
    """What the build said about the data this run uses — the « priorité aux données réelles » lines, the
    coverage, the notes and the warnings, read from ``data/processed`` (so a skipped build says them too):
    each in ``execution.log``, and on the console the precedence lines, the coverage summary and the first
    warnings (issue 25: a scheduled run used to hide them, though they were the only hint of a partial file)."""
    from ..coverage import render_text, summary_line
    from ..processed import load, manifest

    m = manifest(paths)
    precedence, warnings = m.get("precedence") or [], m.get("warnings") or []
    for line in precedence:
        echo(f"      priorité aux données réelles : {line}")
        log.info("priorité aux données réelles : %s", line)
    coverage = load("coverage", paths)  # which themes and years are observed, estimated, demonstration, missing
    echo(f"      {summary_line(coverage)}")
    for line in render_text(coverage).splitlines():
        log.info("couverture : %s", line)
    for line in m.get("notes") or []:  # rules applied to the data, stated once (in the log only)
        log.info("note de la construction : %s", line)
    for k, line in enumerate(warnings):
        if k < SHOWN_BUILD_NOTES:
            echo(f"      avertissement : {line}")
        log.warning("avertissement de la construction : %s", line)
    if len(warnings) > SHOWN_BUILD_NOTES:
        echo(f"      … et {len(warnings) - SHOWN_BUILD_NOTES} autres avertissements (liste complète dans execution.log)")


def _run_logged(year: int, paths: Paths, echo, fiches: bool, workers: int, build_line: str, log, folder: Path,
                annual: list[str] | None = None, scenarios: bool = True, engine: str = "pma_eval") -> int:
    """The steps of :func:`run_year` after the build, with ``log`` writing ``execution.log``."""
    from ..processed import load_territory
    from .fiches import BATCH
    from .index import write_index

    log.info("construction des données : %s", build_line)
    _report_build_notes(paths, echo, log)
    territory = load_territory(paths)
    whole = territory.code
    # a territory of one EPCI: that EPCI is the whole, reported once (no report nor synthesis of its own)
    several = len(territory.epcis) > 1
    steps = [("export des indicateurs", "export", _step_export, (year, paths))]
    for sigle in annual or [whole, *(territory.epcis["epci_sigle"] if several else [])]:
        name = territory.name(*territory.resolve(sigle))
        steps.append((f"rapport annuel {sigle}", "annual_whole" if sigle == whole else "annual", _step_annual,
                      (year, sigle, name, paths, engine)))
    if scenarios:
        steps.append((f"rapport de prospective {whole}", "scenarios", _step_scenarios, (year, whole, paths)))
    if fiches:
        steps.append(("fiches communales", "fiches", None, ()))  # in batches (see _run_steps)
        if several:
            steps.append(("synthèses des agglomérations", "syntheses", _step_syntheses, (year, paths)))
    steps.append(("visuels", "visuals", _step_visuals, (year, whole, paths)))
    results: dict[int, tuple[str, float | None, int | None, str | None]] = {}
    shown = [0]
    pids: dict[int, int] = {}

    def record(k: int, status: str, duration=None, pid=None, message=None) -> None:
        results[k] = (status, duration, pid, message)
        while shown[0] + 1 in results:  # console and journal keep the steps' order
            shown[0] += 1
            label = steps[shown[0] - 1][0]
            st, dt, p, msg = results[shown[0]]
            where = (f"processus {pids.setdefault(p, len(pids) + 1)}" if p else
                     f"par lots de {BATCH} dans les processus de travail, entre les autres étapes" if workers > 1
                     else "un seul processus")
            echo(f"[{shown[0]}/{len(steps)}] {label}…")
            if st == "ok":
                log.info("%s : terminé en %.1f s (%s)", label, dt, where)
                echo(f"      terminé en {dt:.1f} s ({where})")
            else:
                log.error("%s : échec : %s", label, msg)
                echo(f"      échec : {msg}")

    with _executor(min(workers, len(steps))) if workers > 1 else contextlib.nullcontext() as pool:
        try:
            failures = _run_steps(steps, pool, record, year, paths)
        except BaseException:
            if pool is not None:
                pool.shutdown(wait=True, cancel_futures=True)
            raise
    (folder / "execution.json").write_text(json.dumps({"annee": year, "etapes": len(steps), "echecs": failures},
                                                      ensure_ascii=False), encoding="utf-8")
    # last, once every file of the run (its journal included) is in place: the same run gives the same page
    echo(f"index des produits : {display_path(write_index(year, paths), paths.root)}")
    return 1 if failures else 0


#: What the journal says of a step whose worker process died.
CRASHED = "un processus de travail s'est arrêté brutalement (plantage ou mémoire épuisée)"


def _run_steps(steps: list, pool, record, year: int, paths: Paths) -> int:
    """Run the steps (in ``pool``, the longest first, or here one after the other) and ``record`` each;
    return the number of failed steps. The fiches are prepared here and written in batches by the pool.
    A failed notebook fails its step only; so does a worker process that died (a crash, memory): the
    steps it took down are recorded as failed and the run goes on to its index."""
    from concurrent.futures import as_completed
    from concurrent.futures.process import BrokenProcessPool

    from .fiches import write_fiches
    from .report import ReportFailed

    failed = (ReportFailed, BrokenProcessPool)
    futures = {}
    if pool is not None:
        _warm_imports()  # the workers fork from here, with these modules imported
        for i in sorted(range(len(steps)), key=lambda i: -STEP_COST.get(steps[i][1], 0)):
            if steps[i][2] is not None:
                futures[pool.submit(_timed, steps[i][2], *steps[i][3])] = i
    failures = 0
    for i, (_, _, fn, args) in enumerate(steps):
        try:
            if fn is None:  # the fiches: shared work done once here, each batch written by a worker
                t0 = time.perf_counter()
                write_fiches(year, paths, executor=pool, processes=1)
                record(i + 1, "ok", time.perf_counter() - t0, None)
            elif pool is None:
                record(i + 1, "ok", *_timed(fn, *args))
        except failed as exc:
            failures += 1
            record(i + 1, "failed", message=str(exc) if isinstance(exc, ReportFailed) else CRASHED)
    for fut in as_completed(futures):
        i = futures[fut]
        try:
            record(i + 1, "ok", *fut.result())
        except failed as exc:
            failures += 1
            record(i + 1, "failed", message=str(exc) if isinstance(exc, ReportFailed) else CRASHED)
    return failures


def compare_inputs(before: list[dict], after: list[dict]) -> dict[str, list[str]]:
    """Inputs of two manifests compared by path (never by position): added, removed, changed."""
    a = {i["path"]: i["sha256"] for i in before}
    b = {i["path"]: i["sha256"] for i in after}
    return {"ajoutée": sorted(b.keys() - a.keys()), "retirée": sorted(a.keys() - b.keys()),
            "différente": sorted(p for p in a.keys() & b.keys() if a[p] != b[p])}


def _rewrite_fiches(params: dict, paths: Paths, out: Path) -> None:
    from .fiches import write_fiches

    write_fiches(int(params["year"]), paths, only=params.get("communes"), out_dir=out)


def _rewrite_syntheses(params: dict, paths: Paths, out: Path) -> None:
    from .epci import write_syntheses

    write_syntheses(int(params["year"]), paths, out_dir=out)


def _rewrite_visuals(params: dict, paths: Paths, out: Path) -> None:
    from .visuals import write_visuals

    write_visuals(int(params["year"]), params.get("territoire") or None, paths, out_dir=out)


#: Output folders written without a notebook, and how ``verify`` writes them again.
REWRITERS = {"fiches": _rewrite_fiches, "syntheses_epci": _rewrite_syntheses, "visuels": _rewrite_visuals}


def verify(manifest_path: str | Path, paths: Paths | None = None, echo=print, engine: str = "pma_eval") -> int:
    """Rerun the report described by a manifest in a temporary folder and compare the files.

    ``engine``: where a report notebook runs again (:func:`pma_eval.publish.report.run_report`): in this process,
    as the yearly run does, or ``"nbclient"``, in a Jupyter kernel, as an analyst runs it."""
    from .report import run_report

    paths = paths or get_paths()
    manifest_path = Path(manifest_path)
    if not manifest_path.exists():
        raise ConfigurationError(f"manifeste introuvable : {manifest_path}")
    m = json.loads(manifest_path.read_text(encoding="utf-8"))
    stale = raw_changes(paths)
    for line in stale:
        echo(line)
    params = dict(m["parametres"])
    title = params.pop("title", "")
    with tempfile.TemporaryDirectory(prefix="pma-verify-") as tmp:
        out = Path(tmp) / "refait"
        if m["rapport"] in REWRITERS:  # fiches, syntheses, visuals: written without a notebook
            REWRITERS[m["rapport"]](params, paths, out)
        else:
            run_report(m["rapport"], params, title, paths, out_dir=out, engine=engine)
        again = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    diffs = [n for n in m.get("comparees_par_verify", []) if again["sorties"].get(n) != m["sorties"].get(n)]
    for state, names in compare_inputs(m["entrees"], again["entrees"]).items():
        for n in names:
            echo(f"entrée {state} : {n}")
    if diffs and m.get("polices") != again.get("polices"):
        echo("polices ou bibliothèques de texte différentes de celles du manifeste (les PDF peuvent en différer) : "
             + json.dumps({"avant": m.get("polices"), "maintenant": again.get("polices")}, ensure_ascii=False))
    for n in diffs:
        echo(f"sortie différente : {n}")
    if not diffs:
        echo(f"identique : {', '.join(m.get('comparees_par_verify', []))}"
             + (" (à partir de data/processed, que les fichiers bruts modifiés ci-dessus ne reflètent pas encore)"
                if stale else ""))
    return 1 if diffs or stale else 0


def raw_changes(paths: Paths) -> list[str]:
    """French lines naming each raw file changed or removed since ``data/processed`` was built
    (issue 25: ``verify`` compared the processed inputs only and said « identique » after a raw file
    changed), and what to run; empty when the processed data still reflect ``data/raw``."""
    from ..assemble.write import is_current
    from ..checksum import sha256

    if is_current(paths.raw, paths.processed, paths.root):
        return []
    try:
        built = {i["path"]: i.get("sha256") for i in
                 json.loads((paths.processed / "manifest.json").read_text(encoding="utf-8")).get("inputs", [])}
    except (OSError, ValueError):
        built = {}
    now = {p.relative_to(paths.root).as_posix(): p for p in sorted(paths.raw.rglob("*"))
           if p.is_file() and not p.name.endswith(".meta.yml") and p.name != "README.md"
           and not p.name.startswith(".")}
    out = [f"fichier brut modifié depuis la dernière construction : {n}" for n in now
           if n in built and built[n] and sha256(now[n]) != built[n]]
    out += [f"fichier brut retiré depuis la dernière construction : {n}" for n in built if n not in now]
    if not out:
        out = ["data/processed ne correspond plus aux fichiers bruts ou au code (empreinte différente)"]
    return out + ["les rapports refaits par verify s'appuient sur data/processed : lancez « pma-eval data build » "
                  "(ou « pma-eval run ») pour que les fichiers bruts modifiés soient pris en compte"]


__all__ = ["PmaEvalError", "run_lock", "run_year", "verify"]
