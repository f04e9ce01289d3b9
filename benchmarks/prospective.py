"""Benchmark of the Monte Carlo of one lever scenario (issue 5): 10 000 draws × every year × every sector.

Runs on the built data of the checkout (``make data`` first). Two cases: from 2015 to 2050 (the
36 years the issue names) and from the latest year (what the report runs). Also times the whole
report context (three scenarios, reference trajectory, forecasts). Prints a table and writes
benchmarks/results/prospective.json. Run on demand, never in the test suite.
"""

from __future__ import annotations

import json
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def best_of(fn, repeat: int = 5) -> tuple[float, float]:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times), max(times)


def main() -> None:
    from pma_eval import fmt
    from pma_eval.config import get_paths
    from pma_eval.processed import load
    from pma_eval.prospective import base_state, simulate
    from pma_eval.report.foresight import load_foresight, select_scenarios

    paths = get_paths()
    em, en, rn = (load(t, paths) for t in ("emissions", "energy", "renewables"))
    pma = [d[d["geo_level"] == "pma"] for d in (en, em[em["in_total"].astype(bool)], rn)]
    turbine = select_scenarios(["turbine"], paths)["turbine"]
    rows = []
    for start in (2015, 2023):
        base = base_state(*pma, start)
        lo, hi = best_of(lambda: simulate(turbine, base, 2050, draws=10_000, seed=1))
        r = simulate(turbine, base, 2050, draws=10_000, seed=1)
        cells = r.total_emissions().size * (len(r.emissions) + len(r.energy))
        rows.append({"mesure": f"Monte-Carlo « turbine », 10 000 tirages, {start}–2050 ({fmt.number(cells)} valeurs)",
                     "min_s": round(lo, 3), "max_s": round(hi, 3)})
    lo, hi = best_of(lambda: load_foresight(territoire="PMA"), repeat=2)
    rows.append({"mesure": "contexte du rapport (3 scénarios × 10 000 tirages, trajectoire, prévisions)",
                 "min_s": round(lo, 3), "max_s": round(hi, 3)})
    out = ROOT / "benchmarks" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "prospective.json").write_text(json.dumps({"machine": platform.platform(), "mesures": rows},
                                                     ensure_ascii=False, indent=2), encoding="utf-8")
    for r in rows:
        print(f"{r['mesure']:<85} min {r['min_s']:>6.2f} s   max {r['max_s']:>6.2f} s")


if __name__ == "__main__":
    main()
