"""Benchmark of the unattended yearly run (issue 7): `pma-eval run` for the latest year, everything included
(build, exports, annual reports of the Pôle and the three EPCIs, scenario report, 150 fiches, syntheses,
visuals), on a throw-away copy of the project. Wall time and peak memory (largest child process:
the runner, a Jupyter kernel or a WeasyPrint worker). Run on demand, never in the test suite.
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


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="pma-bench-run-"))
    try:
        for folder in ("data/raw", "notebooks", "scenarios"):
            shutil.copytree(ROOT / folder, work / folder)
        (work / "data" / "processed").mkdir()
        env = {**os.environ, "PMA_EVAL_ROOT": str(work)}
        t0 = time.perf_counter()
        proc = subprocess.run([sys.executable, "-m", "pma_eval", "run"], env=env, capture_output=True, text=True)
        wall = time.perf_counter() - t0
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        steps = [line.strip() for line in proc.stdout.splitlines() if line.strip()]
        result = {"machine": platform.platform(), "code_de_sortie": proc.returncode, "duree_s": round(wall, 1),
                  "memoire_max_processus_enfant_mo": round(peak_mb), "etapes": steps}
        out = ROOT / "benchmarks" / "results"
        out.mkdir(parents=True, exist_ok=True)
        (out / "annee.json").write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
        print("\n".join(steps))
        print(f"pma-eval run : {wall:.0f} s, code {proc.returncode}, mémoire maximale d'un processus {peak_mb:.0f} Mo")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
