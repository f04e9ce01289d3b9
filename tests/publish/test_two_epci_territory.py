"""A territory of two EPCIs in two départements (issue 27, « Done when »): the CC du Sud Avesnois (Nord, 59: Fourmies)
and its neighbour the CC des Trois Rivières (Aisne, 02: Hirson), declared from the national reference by
``pma-eval territoire creer --epci … --epci …`` in a project copy, given demonstration series, built, and published
for 2023 (annual reports only: the whole and, since it has two EPCIs, each of them).

Slow: one full annual report and the yearly run's three short ones (about 80 s of processor in all, where three
full reports took three minutes).

The neighbours and their départements were found in the national reference: the départements of their communes in
``data/reference/france/communes.csv.gz`` (12 communes, all 59; 26 communes, all 02), and a common stretch of border in
``communes_geometrie_simplifiee.geojson.gz`` (13 vertices shared by their communes' outlines).
"""

from __future__ import annotations

import csv
import gzip
import json
from pathlib import Path

import pandas as pd
import pytest
import yaml

from pma_eval.config import get_paths

from ..conftest import REPO, cli_each, cut_annual_notebook, once, territory_project

IDENT = "avesnois-thierache"
NAME = "Sud Avesnois et Trois Rivières"
#: SIREN → (name, département of every commune) in the national reference (EPCI of 1 January 2025).
EPCIS = {"200043404": ("CC du Sud Avesnois", "59"), "240200600": ("CC des Trois Rivières", "02")}
YEAR = 2023


def _reference_communes() -> dict[str, list[dict]]:
    """The reference's rows of the communes of each EPCI (standard library, as a reader would read the file)."""
    out: dict[str, list[dict]] = {s: [] for s in EPCIS}
    with gzip.open(REPO / "data/reference/france/communes.csv.gz", "rt", encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f):
            if r["epci_siren"] in out:
                out[r["epci_siren"]].append(r)
    return out


def _hand_sum_2016(codes: set[str]) -> tuple[float, int]:
    """Total 2016 emissions [t CO2e] and 2016 population of ``codes``, read by hand from the shipped files: the
    eight sector columns of the territorial total of data/raw/comparaisons/igt_2016_hauts_de_france.csv (CITEPA IGT
    2016; the two memo columns « CO2 biomasse hors-total » and « Autres transports international » left out, an empty
    cell adds nothing), and the municipal populations of millésime 2016 of
    data/reference/france/populations_communes.csv.gz."""
    memo = {"INSEE commune", "Commune", "CO2 biomasse hors-total", "Autres transports international"}
    total = 0.0
    with open(REPO / "data/raw/comparaisons/igt_2016_hauts_de_france.csv", encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f):
            if r["INSEE commune"] in codes:
                total += sum(float(v) for k, v in r.items() if k not in memo and v)
    with gzip.open(REPO / "data/reference/france/populations_communes.csv.gz", "rt", encoding="utf-8",
                   newline="") as f:
        population = sum(int(r["population_municipale"]) for r in csv.DictReader(f)
                         if r["code_insee"] in codes and r["millesime"] == "2016")
    return total, population


#: Sections of the annual notebook the yearly run of this territory executes (:func:`tests.conftest.cut_annual_notebook`):
#: each report says its territory's name; the whole's full report is made apart, once.
SECTIONS = ("couverture", "synthese", "population")


def publish(root: Path) -> None:
    """The territory declared, given demonstration series, built and published for 2023 (annual reports only) in a
    project copy at ``root``: first the whole's full annual report (every section, for a territory over two
    départements), then the yearly run with the notebook cut to its first sections (:data:`SECTIONS`), which shows that
    the run makes a report for the whole and for each EPCI (the full reports of EPCIs are the Pôle's, in the session's
    run). The exit codes of the commands and of the run go to ``codes.json``. Made once per pytest run, in the
    background (tests/background.py), by the fixture otherwise."""
    territory_project(root)
    run = None
    with pytest.MonkeyPatch.context() as mp:
        argv = ["territoire", "creer", "--id", IDENT, "--nom", NAME]
        for siren in EPCIS:
            argv += ["--epci", siren]
        commands = (argv, ["data", "demo", "--territoire", IDENT], ["data", "build", "--territoire", IDENT])
        codes = cli_each(mp, get_paths(root), commands)
        if any(codes.values()):  # what follows needs them: stop, the fixture says which and why
            (root / "codes.json").write_text(json.dumps({"commandes": codes, "run": run}), encoding="utf-8")
            return
        paths = get_paths(root, IDENT)
        mp.setenv("PMA_EVAL_TERRITOIRE", IDENT)
        from pma_eval.publish.run import run_year

        from pma_eval.publish import run_report

        whole = yaml.safe_load((root / "territoires" / f"{IDENT}.yml").read_text(encoding="utf-8"))["nom_court"]
        run_report("annual", {"year": YEAR, "territoire": whole}, f"Rapport annuel {YEAR} — {NAME}", paths,
                   out_dir=root / "rapport_complet")
        cut_annual_notebook(paths, SECTIONS)
        # what « pma-eval run » does, less the fiches and the scenario report (not checked here)
        run = run_year(YEAR, paths, echo=lambda line: None, fiches=False, scenarios=False, workers=1)
    (root / "codes.json").write_text(json.dumps({"commandes": codes, "run": run}), encoding="utf-8")


@pytest.fixture(scope="session")
def published_two_epci(request, tmp_path_factory):
    """The territory published (:func:`publish`), read-only: its paths and the exit code of its yearly run."""
    from ..background import journal

    root = once(request.config, tmp_path_factory, "deux_epci", publish)
    codes = json.loads((root / "codes.json").read_text(encoding="utf-8"))
    assert all(code == 0 for code in codes["commandes"].values()), f"{codes}\n{journal(request.config, 'deux_epci')}"
    return get_paths(root, IDENT), codes["run"]


@pytest.mark.slow
def test_the_declaration_records_both_departements(published_two_epci):
    paths, _ = published_two_epci
    ref = _reference_communes()
    assert {s: sorted({r["code_departement"] for r in rows}) for s, rows in ref.items()} == {
        s: [dep] for s, (_, dep) in EPCIS.items()}  # each EPCI lies in one département, not the same one
    decl = yaml.safe_load((paths.root / "territoires" / f"{IDENT}.yml").read_text(encoding="utf-8"))
    assert decl["departements"] == ["02", "59"]
    assert {e["siren"]: (e["nom"], e["departements"], e["communes"]) for e in decl["epci"]} == {
        s: (name, [dep], len(ref[s])) for s, (name, dep) in EPCIS.items()}
    assert decl["communes"] == sum(len(rows) for rows in ref.values()) == 38
    assert decl["reference"]["dossier"] == "data/reference/france"  # as written, not the link's target
    communes = pd.read_csv(paths.raw / "territoire" / IDENT / "communes.csv", dtype=str)
    assert set(communes["code_insee"]) == {r["code_insee"] for rows in ref.values() for r in rows}


@pytest.mark.slow
def test_the_build_has_both_epcis_and_the_whole_whose_value_per_inhabitant_is_total_over_population(published_two_epci):
    paths, _ = published_two_epci
    ind = pd.read_parquet(paths.processed / "indicators.parquet")
    whole_code = yaml.safe_load((paths.root / "territoires" / f"{IDENT}.yml").read_text(encoding="utf-8"))["nom_court"]

    def value(iid: str, level: str, code: str, year: int) -> float:
        row = ind.loc[(ind["indicator_id"] == iid) & (ind["geo_level"] == level) & (ind["geo_code"] == code)
                      & (ind["year"] == year)]
        assert len(row) == 1, (iid, level, code, year)
        return float(row["value"].iloc[0])

    assert set(ind.loc[ind["geo_level"] == "epci", "geo_code"]) == set(EPCIS)
    assert set(ind.loc[ind["geo_level"] == "pma", "geo_code"]) == {whole_code}
    for year in (2016, YEAR):
        # the whole: the sum of its two EPCIs' totals over the sum of their populations, never a mean of ratios
        totals = [value("ges_total", "epci", s, year) for s in EPCIS]
        people = [value("population", "epci", s, year) for s in EPCIS]
        assert value("ges_total", "pma", whole_code, year) == pytest.approx(sum(totals), rel=1e-9)
        assert value("population", "pma", whole_code, year) == sum(people)
        whole = value("ges_par_habitant", "pma", whole_code, year)
        assert whole == pytest.approx(sum(totals) / sum(people), rel=1e-9)
        means = sum(t / p for t, p in zip(totals, people)) / 2
        assert abs(whole - means) > 0.1  # their populations differ: the mean of their ratios is another value
        for s, t, p in zip(EPCIS, totals, people):
            assert value("ges_par_habitant", "epci", s, year) == pytest.approx(t / p, rel=1e-9)

    # 2016, the observed year: each EPCI and the whole against a hand sum of the shipped regional inventory
    ref = _reference_communes()
    sums = {s: _hand_sum_2016({r["code_insee"] for r in rows}) for s, rows in ref.items()}
    for s, (total, population) in sums.items():
        assert value("ges_total", "epci", s, 2016) == pytest.approx(total, rel=1e-9)
        assert value("population", "epci", s, 2016) == population
    total = sum(t for t, _ in sums.values())
    population = sum(p for _, p in sums.values())
    assert value("ges_par_habitant", "pma", whole_code, 2016) == pytest.approx(total / population, rel=1e-9)


@pytest.mark.slow
def test_the_whole_and_each_epci_have_their_annual_report(published_two_epci):
    paths, code = published_two_epci
    assert code == 0
    decl = yaml.safe_load((paths.root / "territoires" / f"{IDENT}.yml").read_text(encoding="utf-8"))
    year = paths.reports / str(YEAR)
    assert year == paths.root / "reports" / "territoires" / IDENT / str(YEAR)
    assert not (paths.root / "reports" / str(YEAR)).exists()  # nothing went to the Pôle's folder
    reports = {decl["nom_court"]: NAME, **{e["nom_court"]: e["nom"] for e in decl["epci"]}}
    assert len(reports) == 3  # two EPCIs: the « each EPCI » layer is there, beside the whole
    for folder, name in reports.items():
        page = year / folder / "rapport_annuel.html"
        assert page.is_file(), sorted(p.name for p in year.iterdir())
        assert (year / folder / "rapport_annuel.pdf").is_file()
        text = page.read_text(encoding="utf-8")
        if folder == decl["nom_court"]:
            assert name.replace("'", "’") in text
        else:  # an EPCI: its acronym, spelled out with its name (« communauté de communes du Sud Avesnois »)
            assert f'{name.split(" ", 1)[1]}">{folder}<' in text
    index = (year / "index.html").read_text(encoding="utf-8")
    assert all(f"{folder}/rapport_annuel.html" in index for folder in reports)
    # the whole's full report (every section), made before the run
    full = paths.root / "rapport_complet"
    assert (full / "rapport_annuel.pdf").is_file()
    text = (full / "rapport_annuel.html").read_text(encoding="utf-8")
    assert NAME in text and len(text) > 3 * len((year / decl["nom_court"] / "rapport_annuel.html").read_text(
        encoding="utf-8"))  # the run's reports are the notebook's first sections only
    assert all(f"de la {e['nom_court']}" in text or e["nom_court"] in text for e in decl["epci"])


@pytest.mark.slow
def test_its_line_of_a_batch_index_gives_its_verdicts_and_its_rank_among_comparables(published_two_epci):
    """The line ``pma-eval lot`` writes for it, from its built data: the rank is its 2016 per-inhabitant total of
    the region's observed inventory among the EPCIs its report compares it with — a territory of several EPCIs: the
    communautés d'agglomération, urbaines and métropoles of the region of at least 100 000 inhabitants, its own EPCIs
    left out —, the lowest first, counted here by hand from its comparison table."""
    from pma_eval.publish import lot

    paths, _ = published_two_epci
    out = lot.Outcome(IDENT, ok=True)
    lot._summary(out, paths, YEAR)
    assert out.verdict and "énergie finale : " in out.verdicts and "part des renouvelables : " in out.verdicts
    assert set(out.links) == {"index", "rapport annuel", "PDF"}

    t = pd.read_parquet(paths.processed / "comparisons_ges.parquet")
    tot = t.loc[t["sector"] == "total"]
    me = tot.loc[tot["geo_level"] == "pma"].iloc[0]
    epcis = tot.loc[tot["geo_level"] == "epci"]
    kinds = epcis["name"].str.split(" ").str[0]
    peers = epcis.loc[kinds.isin(["CA", "CU", "Métropole"]) & (epcis["population"] >= 100_000)
                      & ~epcis["geo_code"].isin(EPCIS)]
    rank = int((peers["per_capita"] < me["per_capita"]).sum()) + 1
    star = "" if bool(me["complete"]) and peers["complete"].astype(bool).all() else " *"
    assert out.rank == f"{'1er' if rank == 1 else f'{rank}ᵉ'} sur {len(peers) + 1}{star}"
    assert out.ranked.startswith(("" if me["complete"] else "au moins ") + f"{me['per_capita']:.1f}".replace(".", ","))
