"""Benchmark of the mayors' fiches: the 150 fiches (HTML + PDF, no kernel, parallel processes)
against the naive route (one Papermill run + nbconvert + WeasyPrint per fiche), measured on a
few fiches in the same run. Run with ``.venv/bin/python benchmarks/fiches.py``."""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from pma_eval.config import get_paths  # noqa: E402


def main(naive_samples: int = 1) -> None:
    from pma_eval.assemble import build
    from pma_eval.processed import load_territory
    from pma_eval.publish import run_report
    from pma_eval.publish.fiches import write_fiches

    work = Path(tempfile.mkdtemp(prefix="pma-bench-fiches-"))
    try:
        shutil.copytree(ROOT / "data" / "raw", work / "data" / "raw")
        shutil.copytree(ROOT / "notebooks", work / "notebooks")
        paths = get_paths(work)
        build(paths)
        t0, c0 = time.perf_counter(), os.times()
        folder = write_fiches(2023, paths)
        fast, c1 = time.perf_counter() - t0, os.times()
        # CPU of this process and of the pool's workers (reaped when the pool closes): on a shared machine, a
        # steadier figure than the wall time
        cpu = sum(c1[i] - c0[i] for i in range(4))
        n = len(list(folder.glob("*.pdf")))
        codes = list(load_territory(paths).communes["code_insee"])[:naive_samples]
        t1 = time.perf_counter()
        for code in codes:
            run_report("fiche", {"year": 2023, "commune": code}, f"Fiche {code}", paths,
                       out_dir=paths.reports / "naive" / code)
        naive = (time.perf_counter() - t1) / len(codes)
        print(f"fiches communales : {n} fiches HTML + PDF en {fast:.1f} s ({fast / n:.2f} s par fiche, parallèle) — "
              f"objectif ≤ 15 s : {'atteint' if fast <= 15 else 'NON atteint'} ; CPU {cpu:.1f} s, soit "
              f"{cpu / n:.2f} s par fiche (préparation comprise)")
        print(f"route naïve (Papermill + nbconvert + WeasyPrint par fiche), {len(codes)} fiches : "
              f"{naive:.1f} s par fiche, soit {naive * 150 / 60:.1f} min estimées pour 150")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
