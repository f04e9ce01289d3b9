"""Benchmark: a national-size Agence ORE file in the 2011–2021 wide layout, added and built.

Generates (seeded, in a temporary folder) the file a user gets from ORE's national download:
35,000 communes × 11 years (2011–2021) × 2 energies = 770,000 rows in the published wide
layout — the 150 communes of the Pôle with their real codes, the others with made-up codes
in the other départements, about 1 % of sector cells secret. Then, on a throw-away copy of
the project, runs ``pma-eval data add`` and ``pma-eval data build`` as separate processes
and reports their wall time and peak memory (maximum resident set size of the child).

Goal (issue "Real data in"): add + build under 60 s and under 2 GB peak memory on 2 cores. The
benchmark exits 1 when a command fails or the goal is missed, so that ``make bench`` fails loudly.
``--dixieme`` runs it on a tenth of the communes (3 500): CI runs that one (``make bench-ci``), so that
a regression at scale (an error on a commune no shipped file has) fails a submission.
Run: ``.venv/bin/python benchmarks/national.py [--dixieme]`` (also part of ``make bench``).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
N_COMMUNES = 35_000
YEARS = range(2011, 2022)
BLOCKS = (("a", "agriculture"), ("i", "industrie"), ("t", "tertiaire"), ("r", "residentiel"), ("na", "na"))


def national_file(path: Path, seed: int = 20261202, n_communes: int = N_COMMUNES) -> int:
    """Write the national file; return its number of data rows."""
    rng = np.random.default_rng(seed)
    pma = pd.read_csv(ROOT / "data/raw/territoire/pma_communes.csv", dtype=str)["code_insee"].tolist()
    deps = [f"{d:02d}" for d in range(1, 96) if d not in (20, 62)]
    others = [f"{deps[i % len(deps)]}{i // len(deps) + 1:03d}" for i in range(n_communes - len(pma))]
    codes = np.array(pma + others)
    dep = np.array([c[:2] for c in codes])
    n = len(codes)
    header = ["operateur", "annee", "filiere"]
    for s, name in BLOCKS:
        header += [f"conso{s}", f"pdl{s}", f"nombre_mailles_secretisees_{name}", f"indqual{s}"]
        if s == "r":
            header += ["thermor", "partr"]
    header += ["libelle_commune", "code_commune", "libelle_epci", "code_epci", "libelle_departement",
               "code_departement", "libelle_region", "code_region", "id_filiere", "consototale"]
    rows = 0
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.write(";".join(header) + "\n")
        for year in YEARS:
            for carrier, op, idf in (("Electricité", "Enedis", 100), ("Gaz", "GRDF", 200)):
                cols = {"operateur": np.full(n, op), "annee": np.full(n, str(year)), "filiere": np.full(n, carrier)}
                total = np.zeros(n)
                for s, name in BLOCKS:
                    conso = np.round(rng.lognormal(7, 1.5, n), 3)
                    secret = rng.random(n) < 0.01
                    conso[secret] = 0.0
                    total += conso
                    cols[f"conso{s}"] = conso.astype(str)
                    cols[f"pdl{s}"] = np.where(secret, 0, rng.integers(1, 5000, n)).astype(str)
                    cols[f"nombre_mailles_secretisees_{name}"] = secret.astype(int).astype(str)
                    cols[f"indqual{s}"] = np.full(n, "0.95")
                    if s == "r":
                        cols["thermor"] = np.full(n, "")
                        cols["partr"] = np.full(n, "")
                cols.update({"libelle_commune": np.full(n, "Commune"), "code_commune": codes,
                             "libelle_epci": np.full(n, ""), "code_epci": np.full(n, ""),
                             "libelle_departement": np.full(n, ""), "code_departement": dep,
                             "libelle_region": np.full(n, ""), "code_region": np.full(n, "32"),
                             "id_filiere": np.full(n, str(idf)), "consototale": np.round(total, 3).astype(str)})
                pd.DataFrame(cols)[header].to_csv(f, sep=";", header=False, index=False, lineterminator="\n")
                rows += n
    return rows


def run(cmd: list[str], env: dict) -> dict:
    """Run a command; wall time and the peak resident memory of that child (os.wait4)."""
    t0 = time.perf_counter()
    with tempfile.TemporaryFile("w+") as out:
        proc = subprocess.Popen(cmd, env=env, stdout=out, stderr=subprocess.STDOUT, text=True)
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - t0
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        text = out.read().strip()
    if proc.returncode != 0:
        sys.exit(f"échec de {' '.join(cmd)} :\n{text}")
    return {"commande": " ".join(cmd[1:]), "secondes": round(elapsed, 1), "memoire_max_mo": round(usage.ru_maxrss / 1024),
            "sortie": text.splitlines()[-1] if text else "",
            "avertissements": [line for line in text.splitlines() if line.startswith("avertissement")]}


def main(tenth: bool = False) -> int:
    work = Path(tempfile.mkdtemp(prefix="pma-national-"))
    try:
        shutil.copytree(ROOT / "data" / "raw", work / "data" / "raw")
        (work / "data" / "processed").mkdir()
        t0 = time.perf_counter()
        f = work / "conso-elec-gaz-annuelle-par-secteur-dactivite-agregee-commune.csv"
        n = national_file(f, n_communes=N_COMMUNES // 10 if tenth else N_COMMUNES)
        gen = time.perf_counter() - t0
        print(f"fichier national généré : {n} lignes, {f.stat().st_size / 1e6:.0f} Mo ({gen:.0f} s)")
        exe = str(Path(sys.executable).with_name("pma-eval"))
        env = {**os.environ, "PMA_EVAL_ROOT": str(work)}
        add = run([exe, "data", "add", str(f)], env)
        build = run([exe, "data", "build"], env)
        total = add["secondes"] + build["secondes"]
        peak = max(add["memoire_max_mo"], build["memoire_max_mo"])
        for r in (add, build):
            print(f"{r['commande']:<60} {r['secondes']:>6.1f} s   mémoire max {r['memoire_max_mo']:>5} Mo")
        ok = total < 60 and peak < 2048
        print(f"data add + data build : {total:.1f} s, mémoire maximale {peak} Mo — objectif < 60 s et < 2 Go : "
              f"{'atteint' if ok else 'NON atteint'}")
        for line in build["avertissements"]:
            print(f"  {line}")
        out = ROOT / "benchmarks" / "results"
        out.mkdir(parents=True, exist_ok=True)
        (out / f"national{'_dixieme' if tenth else ''}.json").write_text(json.dumps({"lignes": n, "taille_mo": round(f.stat().st_size / 1e6),
                                                       "mesures": [add, build], "total_s": round(total, 1),
                                                       "memoire_max_mo": peak, "objectif_atteint": ok},
                                                      ensure_ascii=False, indent=2), encoding="utf-8")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(tenth="--dixieme" in sys.argv[1:]))
