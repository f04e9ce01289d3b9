"""Benchmark of the unattended yearly run (issue 7): `pma-eval run` for the latest year, everything included
(build, exports, annual reports of the Pôle and the three EPCIs, scenario report, 150 fiches, syntheses,
visuals), on a throw-away copy of the project, twice: the first run builds the data, the second finds them
built and skips the build. Wall time, CPU seconds (the runner and its workers), each step with the process
that ran it, peak memory. Exit 1 if a run fails. Run on demand (``make bench``), never in the test suite.
"""

from __future__ import annotations

import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _run(work: Path, label: str) -> dict:
    env = {**os.environ, "PMA_EVAL_ROOT": str(work)}
    t0 = time.perf_counter()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    proc = subprocess.run([sys.executable, "-m", "pma_eval", "run"], env=env, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    steps = [line.strip() for line in proc.stdout.splitlines() if line.strip()]
    print(f"— {label}")
    print("\n".join(f"  {s}" for s in steps))
    print(f"  pma-eval run : {wall:.1f} s, {cpu:.0f} s de processeur, code {proc.returncode}")
    if proc.returncode != 0:
        print(proc.stderr, file=sys.stderr)
    return {"cas": label, "code_de_sortie": proc.returncode, "duree_s": round(wall, 1), "processeur_s": round(cpu, 1),
            "etapes": steps}


def main() -> int:
    work = Path(tempfile.mkdtemp(prefix="pma-bench-run-"))
    try:
        for folder in ("data/raw", "notebooks", "scenarios"):
            shutil.copytree(ROOT / folder, work / folder)
        (work / "data" / "processed").mkdir()
        runs = [_run(work, "premier passage (construction des données comprise)"),
                _run(work, "second passage (données déjà construites : construction sautée)")]
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        result = {"machine": platform.platform(), "coeurs": os.cpu_count(), "passages": runs,
                  "memoire_max_processus_enfant_mo": round(peak_mb)}
        out = ROOT / "benchmarks" / "results"
        out.mkdir(parents=True, exist_ok=True)
        (out / "annee.json").write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
        ok = runs[1]["duree_s"] < 40
        print(f"mémoire maximale d'un processus {peak_mb:.0f} Mo ; objectif < 40 s (second passage) : "
              f"{'atteint' if ok else 'NON atteint'}")
        return 0 if all(r["code_de_sortie"] == 0 for r in runs) else 1
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
