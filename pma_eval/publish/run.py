"""Everything for a year, unattended: build, exports, reports for the Pôle and each EPCI, fiches,
visuals, and ``reports/<year>/index.html`` linking them all. One run at a time (a lock), a log in ``reports/<year>/execution.log``, exit codes
0 (ok), 1 (a report failed, the others were still produced) and 2 (bad input)."""

from __future__ import annotations

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


def run_year(year: int | None, paths: Paths | None = None, echo=print, fiches: bool = True) -> int:
    """Run every step for ``year`` (default: latest year with data) and return the exit code."""
    from ..build import build
    from ..processed import load, load_territory
    from ..indicators import load_catalogue
    from .indicator_export import export
    from .epci import write_syntheses
    from .fiches import write_fiches
    from .report import ReportFailed, run_report
    from .scenarios import scenario_report
    from ..config import DEFAULT_DRAWS, DEFAULT_HORIZON, DEFAULT_SCENARIOS, DEFAULT_SEED
    from .index import write_index
    from .visuals import write_visuals

    paths = paths or get_paths()
    with run_lock(paths):
        echo("[0] construction des données (data/raw → data/processed)…")
        t_build = time.perf_counter()
        build(paths)  # bad input raises before anything else is touched (exit 2)
        t_build = time.perf_counter() - t_build
        echo(f"      terminé en {t_build:.1f} s")
        from ..processed import checked_year

        year = checked_year(year, paths)
        folder = paths.reports / str(year)
        folder.mkdir(parents=True, exist_ok=True)
        log = logging.getLogger(f"pma_eval.run.{year}")
        log.setLevel(logging.INFO)
        handler = logging.FileHandler(folder / "execution.log", encoding="utf-8")
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
        log.addHandler(handler)
        log.info("construction des données : terminé en %.1f s", t_build)
        territory = load_territory(paths)
        steps = [("export des indicateurs", lambda: _export(year, paths, load, load_catalogue, territory, export))]
        for sigle in ["PMA", *territory.epcis["epci_sigle"]]:
            name = territory.name(*territory.resolve(sigle))
            steps.append((f"rapport annuel {sigle}", lambda s=sigle, n=name: run_report(
                "annual", {"year": year, "territoire": s}, f"Rapport annuel d'évaluation {year} — {n}", paths)))
        steps.append(("rapport de prospective PMA", lambda: scenario_report(
            year, "PMA", list(DEFAULT_SCENARIOS), DEFAULT_HORIZON, DEFAULT_DRAWS, DEFAULT_SEED, paths)))
        if fiches:
            steps.append(("fiches communales", lambda: write_fiches(year, paths)))
            steps.append(("synthèses des agglomérations", lambda: write_syntheses(year, paths)))
        steps.append(("visuels", lambda: write_visuals(year, "PMA", paths)))
        failures = 0
        try:
            for k, (label, fn) in enumerate(steps, start=1):
                t0 = time.perf_counter()
                echo(f"[{k}/{len(steps)}] {label}…")
                try:
                    fn()
                except ReportFailed as exc:
                    failures += 1
                    log.error("%s : échec : %s", label, exc)
                    echo(f"      échec : {exc}")
                    continue
                dt = time.perf_counter() - t0
                log.info("%s : terminé en %.1f s", label, dt)
                echo(f"      terminé en {dt:.1f} s")
        finally:
            log.removeHandler(handler)
            handler.close()
        (folder / "execution.json").write_text(json.dumps({"annee": year, "etapes": len(steps), "echecs": failures},
                                                          ensure_ascii=False), encoding="utf-8")
        # last, once every file of the run (its journal included) is in place: the same run gives the same page
        echo(f"index des produits : {display_path(write_index(year, paths), paths.root)}")
        return 1 if failures else 0


def _export(year, paths, load, load_catalogue, territory, export):
    from ..comparisons import as_indicators

    ind = load("indicators", paths)
    own = ind.loc[ind["geo_level"] != "commune"]
    try:  # the comparisons on observed data: départements, region and the region's other EPCIs
        extra = as_indicators(load("comparisons_ges", paths), set(territory.epcis["epci_siren"]))
        own = pd.concat([own, extra], ignore_index=True)
    except ConfigurationError:
        pass
    export(own, load_catalogue(), territory, paths.reports / str(year) / f"indicateurs_{year}_pole_et_epci.xlsx")
    export(ind.loc[ind["year"] == year], load_catalogue(), territory,
           paths.reports / str(year) / f"indicateurs_{year}_toutes_communes.csv")


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

    write_visuals(int(params["year"]), params.get("territoire", "PMA"), paths, out_dir=out)


#: Output folders written without a notebook, and how ``verify`` writes them again.
REWRITERS = {"fiches": _rewrite_fiches, "syntheses_epci": _rewrite_syntheses, "visuels": _rewrite_visuals}


def verify(manifest_path: str | Path, paths: Paths | None = None, echo=print) -> int:
    """Rerun the report described by a manifest in a temporary folder and compare the files."""
    from .report import run_report

    paths = paths or get_paths()
    manifest_path = Path(manifest_path)
    if not manifest_path.exists():
        raise ConfigurationError(f"manifeste introuvable : {manifest_path}")
    m = json.loads(manifest_path.read_text(encoding="utf-8"))
    params = dict(m["parametres"])
    title = params.pop("title", "")
    with tempfile.TemporaryDirectory(prefix="pma-verify-") as tmp:
        out = Path(tmp) / "refait"
        if m["rapport"] in REWRITERS:  # fiches, syntheses, visuals: written without a notebook
            REWRITERS[m["rapport"]](params, paths, out)
        else:
            run_report(m["rapport"], params, title, paths, out_dir=out)
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
        echo(f"identique : {', '.join(m.get('comparees_par_verify', []))}")
    return 1 if diffs else 0


__all__ = ["PmaEvalError", "run_lock", "run_year", "verify"]
