"""Benchmark of a regional batch (issue 27): ``pma-eval lot --region 32 --year 2023``, every EPCI of the
Hauts-de-France declared from the national reference, given demonstration series calibrated on the region's observed
inventory, built, and published (annual report, key figures, visuals, regional index), in worker processes.

Runs on a throw-away copy of the project (``data/raw``, ``notebooks``, ``scenarios``, ``territoires``, and
``data/reference`` linked, read only). Prints the total wall time, the CPU seconds of the batch and its workers,
the time of each territory (as the index records it: min, median, max, and the slowest five) and the number that
failed; writes ``benchmarks/results/lot.json`` and keeps the index's CSV there. Exit 1 if the batch fails.

The whole region (92 EPCIs) takes about an hour on this 2-core machine: it is part of ``make bench`` only through
``make bench-lot``. ``--limite N`` runs the first N EPCIs (a trial).
Run: ``.venv/bin/python benchmarks/lot.py [--limite N] [--processus N]``.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--limite", type=int, help="les N premiers EPCI de la région seulement")
    ap.add_argument("--processus", type=int, help="processus de travail (défaut : un par cœur)")
    ap.add_argument("--region", default="32")
    args = ap.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="pma-bench-lot-"))
    try:
        for folder in ("data/raw", "notebooks", "scenarios", "territoires"):
            shutil.copytree(ROOT / folder, work / folder)
        (work / "data" / "reference").symlink_to(ROOT / "data" / "reference")
        cmd = [sys.executable, "-m", "pma_eval", "lot", "--region", args.region, "--year", "2023", "--nom", "banc"]
        cmd += ["--limite", str(args.limite)] if args.limite else []
        cmd += ["--processus", str(args.processus)] if args.processus else []
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        proc = subprocess.run(cmd, env={**os.environ, "PMA_EVAL_ROOT": str(work)}, capture_output=True, text=True)
        wall = time.perf_counter() - t0
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        # a region's batch writes its index beside its declarations (lots/region-<code>/), a list's in reports/lots/
        index = next(iter(sorted(work.rglob("index_2023.csv"))), None)
        if index is None:
            print(proc.stdout[-3000:], proc.stderr[-3000:], sep="\n", file=sys.stderr)
            print("lot : aucun index écrit", file=sys.stderr)
            return 1
        with open(index, encoding="utf-8-sig") as f:
            lines = list(csv.DictReader(f, delimiter=";"))
        times = sorted(((float(r["Durée (s)"]), r["Territoire"]) for r in lines if r.get("Durée (s)")), reverse=True)
        failed = [r["Territoire"] for r in lines if r["État"] != "produit"]
        seconds = [t for t, _ in times]
        result = {"machine": platform.platform(), "coeurs": os.cpu_count(), "territoires": len(lines),
                  "echecs": failed, "duree_totale_s": round(wall, 1), "processeur_s": round(cpu, 1),
                  "par_territoire_s": {"min": min(seconds, default=None), "mediane": (round(statistics.median(seconds), 1)
                                                                                       if seconds else None),
                                       "max": max(seconds, default=None)},
                  "plus_longs": [{"territoire": n, "duree_s": t} for t, n in times[:5]],
                  "code_de_sortie": proc.returncode}
        out = ROOT / "benchmarks" / "results"
        out.mkdir(parents=True, exist_ok=True)
        (out / "lot.json").write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
        shutil.copyfile(index, out / "lot_index.csv")
        print(f"lot --region {args.region} : {len(lines)} territoires en {wall / 60:.1f} min ({cpu:.0f} s de processeur), "
              f"{len(failed)} en échec")
        if seconds:
            print(f"  par territoire : {min(seconds):.0f} s au moins, {statistics.median(seconds):.0f} s en médiane, "
                  f"{max(seconds):.0f} s au plus ; les plus longs : "
                  + ", ".join(f"{n} ({t:.0f} s)" for t, n in times[:5]))
        if proc.returncode != 0:
            print(proc.stdout[-3000:], proc.stderr[-3000:], sep="\n", file=sys.stderr)
        return 0 if proc.returncode == 0 else 1
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
