"""Benchmarks of pma-eval, run on demand (`make bench`), never part of the test suite.

Measures, on a throw-away copy of the project with the shipped data: the build (raw → processed,
indicators and checks included), the full XLSX export of the indicators, one annual report
(Papermill + nbconvert + WeasyPrint). Prints a table and writes benchmarks/results/latest.json.
"""

from __future__ import annotations

import json
import platform
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pma_eval.config import get_paths  # noqa: E402


def timed(label, fn, repeat=1):
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return {"mesure": label, "min_s": round(min(times), 3), "max_s": round(max(times), 3), "repetitions": repeat}


def main() -> None:
    from pma_eval.assemble import build
    from pma_eval.processed import load, load_territory
    from pma_eval.indicators import load_catalogue
    from pma_eval.publish.indicator_export import export
    from pma_eval.publish import run_report

    work = Path(tempfile.mkdtemp(prefix="pma-bench-"))
    try:
        shutil.copytree(ROOT / "data" / "raw", work / "data" / "raw")
        shutil.copytree(ROOT / "notebooks", work / "notebooks")
        paths = get_paths(work)
        rows = [timed("construction des données (data build)", lambda: build(paths), repeat=3)]
        ind = load("indicators", paths)
        rows.append(timed(f"export XLSX complet ({len(ind)} valeurs)",
                          lambda: export(ind, load_catalogue(), load_territory(paths), work / "x.xlsx")))
        rows.append(timed("rapport annuel PMA 2023 (HTML + PDF)",
                          lambda: run_report("annual", {"year": 2023, "territoire": "PMA"}, "bench", paths), repeat=2))
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        result = {"machine": platform.platform(), "python": platform.python_version(), "mesures": rows,
                  "memoire_max_processus_mo": round(peak_mb)}
        out = ROOT / "benchmarks" / "results"
        out.mkdir(parents=True, exist_ok=True)
        (out / "latest.json").write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
        for r in rows:
            print(f"{r['mesure']:<55} min {r['min_s']:>7.2f} s   max {r['max_s']:>7.2f} s")
        print(f"mémoire maximale du processus : {peak_mb:.0f} Mo (hors noyau Jupyter)")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
