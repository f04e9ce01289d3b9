"""End to end: the scenario report, the unattended yearly run, a run killed halfway."""

from __future__ import annotations

import html
import json
import re
import os
import signal
import subprocess
import sys
import time

import numpy as np
import pandas as pd
import pytest

from pma_eval.cli import main

from ..conftest import notebooks_copy

@pytest.fixture(scope="module")
def scenarios(year_run):
    """The scenario report of the session's yearly run (default scenarios, draws and seed)."""
    return year_run.scenarios()


def test_scenario_report_html_pdf_and_iamc(scenarios, year_run):
    from pma_eval.config import DEFAULT_DRAWS, DEFAULT_SEED

    res = scenarios
    assert res.folder == year_run.folder / "prospective" / "PMA"
    html = res.html.read_text(encoding="utf-8")
    assert '<html lang="fr"' in html and "<script" not in html
    # the published text is typeset (’, no-break spaces: issue 23); compared here without its typography
    plain = lambda t: t.replace("\u2019", "'").replace("\u202f", " ").replace("\u00a0", " ")  # noqa: E731
    for text in ("Trajectoires et objectifs", "Incertitude", "L'écart et l'effort", "Les hypothèses des scénarios",
                 "Turbine de l'écotransition", "SNBC territorialisée", "Tendanciel", "Données de démonstration",
                 "Véhicules électriques", "Effort complémentaire non affecté", "Prolongation statistique"):
        assert text in plain(html), text
    assert html.count('<figure class="pma-figure">') >= 8
    # the band is the range of the assumptions made, not a probability (issue 13)
    assert "chances sur" not in html and "plage des hypothèses retenues" in html
    # no split row, no heading left at a page foot, no half-empty page: the PDF's own layout, in its manifest
    assert json.loads((res.folder / "manifest.json").read_text(encoding="utf-8"))["mise_en_page"] == []
    # The effort no lever covers is on the first page of content (issue 15), and the lever charts share
    # one scale (checked on the figures themselves below).
    from pypdf import PdfReader

    pages = [plain(p.extract_text()) for p in PdfReader(res.pdf).pages]
    assert "À retenir et à décider" in pages[1] and "À décider" in pages[1] and "Sommaire" in pages[2]
    assert re.search(r"Effort sans levier : pour suivre la trajectoire de référence en 2030, il manque \d+", pages[1])
    assert "Leviers principaux du scénario « SNBC territorialisée » en 2030" in pages[1]
    # The trend scenario is set against the observed short-term pace, and the SNBC scenario joins its
    # trajectory without a first-year jump (issue 13: −7.7 % in 2024).
    # its unit per year (issue 23); the figure and its unit are one no-break span in running text
    assert re.search(r"kt\s?CO₂e/an de 2018 à 2023 \(court terme\)", plain(re.sub(r"<[^>]+>", "", html)))
    iamc_ = pd.read_csv(res.folder / "scenarios_iamc.csv").query("variable == 'Émissions GES' and scenario == 'snbc'")
    snbc = iamc_.set_index("year")["value"].sort_index()
    first_step, steps = snbc[2024] / snbc[2023] - 1, (snbc / snbc.shift() - 1).loc[2025:2030]
    assert first_step > -0.05 and first_step >= steps.min()
    # Neutrality is a net target: not drawn against gross emissions.
    assert "neutralité" not in html.lower() or "séquestration" in html
    assert res.pdf.read_bytes()[:5] == b"%PDF-"
    iamc = pd.read_csv(res.folder / "scenarios_iamc.csv")
    assert list(iamc.columns) == ["model", "scenario", "region", "variable", "unit", "year", "value", "nature"]
    # Demonstration carries to the export: the history's demonstration years, and projections that
    # start from demonstration values (the 2023 base here) are marked as such; 2016 is the real IGT.
    nat = iamc.query("variable == 'Émissions GES'").groupby("scenario")["nature"].agg(set)
    assert nat["historique"] == {"observed", "demonstration"}
    assert all(nat[s] == {"demonstration"} for s in ("tendanciel", "turbine", "snbc", "trajectoire_reference"))
    assert iamc.query("scenario == 'historique' and variable == 'Émissions GES' and year == 2016")["nature"].item() \
        == "observed"
    assert {"tendanciel", "turbine", "snbc", "trajectoire_reference", "historique"} <= set(iamc["scenario"])
    xlsx = pd.read_excel(res.folder / "scenarios_iamc.xlsx", sheet_name="data")
    assert len(xlsx) == len(iamc)
    # The base year of every scenario is the observed total of the Pôle in 2023.
    hist = iamc.query("scenario == 'historique' and variable == 'Émissions GES' and year == 2023")["value"].iloc[0]
    for s in ("tendanciel", "turbine", "snbc"):
        v = iamc.query("scenario == @s and variable == 'Émissions GES' and year == 2023")["value"].iloc[0]
        assert v == pytest.approx(hist)
    m = json.loads((res.folder / "manifest.json").read_text(encoding="utf-8"))
    assert m["parametres"]["tirages"] == DEFAULT_DRAWS and m["parametres"]["graine"] == DEFAULT_SEED
    assert {"scenarios/turbine.yml", "scenarios/snbc.yml"} <= {i["path"] for i in m["entrees"]}
    # The reference tables enter through the build, all three of them (the ADEME parameters, which set
    # the reference year, used to be missing from the hand-kept list).
    assert {"data/raw/referentiels/ademe_trajectoire_reference_parametres.csv",
            "data/raw/referentiels/tet_trajectoire_snbc_exemple_fixture.csv",
            "data/raw/referentiels/sgpe_leviers_regionaux_2030.csv",
            "data/processed/reference_ademe_parametres.parquet"} <= {i["path"] for i in m["entrees"]}
    assert {"rapport_prospective.pdf", "scenarios_iamc.csv", "scenarios_iamc.xlsx"} <= set(m["comparees_par_verify"])


def test_bad_scenario_file_exits_2_naming_file_and_key(project, capsys, monkeypatch):
    path = project.scenarios / "turbine.yml"
    path.write_text(path.read_text(encoding="utf-8").replace("logements_par_an:", "logement_par_an:", 1),
                    encoding="utf-8")
    monkeypatch.setenv("PMA_EVAL_ROOT", str(project.root))
    assert main(["report", "scenarios"]) == 2
    err = capsys.readouterr().err
    assert "fichier scenarios/turbine.yml" in err and "clé « leviers.renovation.logement_par_an » : clé inconnue" in err
    assert not any(project.reports.rglob("*.html"))


def test_a_killed_report_leaves_the_previous_outputs_untouched(built_paths, year_run, tmp_path):
    import shutil

    from pma_eval.atomic import remove_stale

    paths = notebooks_copy(built_paths, tmp_path)
    env = {**os.environ, "PMA_EVAL_ROOT": str(paths.root)}
    cmd = [sys.executable, "-m", "pma_eval", "report", "annual", "--territoire", "CALL"]
    folder = paths.reports / "2023" / "CALL"
    shutil.copytree(year_run.report("CALL").folder, folder)  # the previous outputs: the session's run
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    deadline = time.time() + 60
    while not list(folder.parent.glob(".CALL.tmp-*")) and time.time() < deadline:
        time.sleep(0.2)  # the run's temporary folder appears before the first cell
    time.sleep(1.0)
    assert proc.poll() is None  # still running: killed halfway
    os.killpg(proc.pid, signal.SIGKILL)  # the runner (and a kernel, had it one), mid-execution
    proc.wait()
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before
    assert list(folder.parent.glob(".CALL.tmp-*"))  # what the killed run left…
    remove_stale(folder)  # …the next run removes first (pma_eval.atomic.atomic_folder)
    assert not list(folder.parent.glob(".CALL.tmp-*"))
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before


PUBLISHED = (".html", ".pdf", ".csv", ".xlsx", ".png", ".svg")


def _published(folder):
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.suffix in PUBLISHED and "_echecs" not in p.parts}


def _unmarked_demonstration(folder) -> list[str]:
    """Every published output of a run on demonstration data carries its mark (issue 13): the text of
    each HTML page and SVG, every alt text with a figure in it, a nature column in every table of
    values (CSV, XLSX sheets but the catalogue)."""
    bad = []
    for p in sorted(folder.rglob("*")):
        if not p.is_file() or "_echecs" in p.parts:
            continue
        if p.suffix in (".html", ".svg"):
            text = p.read_text(encoding="utf-8")
            if "démonstration" not in text.lower():
                bad.append(f"{p.name}: no mark")
            # an alternative with figures says their nature: demonstration, or observed only
            bad += [f"{p.name}: alt « {alt[:60]} »" for alt in re.findall(r'alt="([^"]*)"', text)
                    if re.search(r"\d", alt) and not re.search(r"démonstration|données observées", alt.lower())]
        elif p.name.endswith(".alt.txt") and "démonstration" not in p.read_text(encoding="utf-8").lower():
            bad.append(f"{p.name}: alt text without mark")
        elif p.suffix == ".csv":
            header = p.read_text(encoding="utf-8-sig").splitlines()[0].lower()
            if "nature" not in header:
                bad.append(f"{p.name}: no nature column")
        elif p.suffix == ".xlsx":
            for sheet, df in pd.read_excel(p, sheet_name=None, nrows=3).items():
                if sheet.lower() != "catalogue" and not any("nature" in str(c).lower() for c in df.columns):
                    bad.append(f"{p.name}[{sheet}]: no nature column")
    return bad


#: Common French words a page must never show without their accents (written here, not read from the
#: code that restores them), and titles where « (s) » is the author's own spelling.
UNACCENTED = ("energie", "Energie", "electricite", "Electricite", "europeenne", "Elevage", "elevage", "strategie",
              "Strategie", "regionale", "regional", "region", "donnees", "annee", "annees", "periode", "reference",
              "scenarios", "scenario", "evenements", "labellises", "vehicules", "batiments", "reseaux", "emissions")
OWN_SPELLING = {"Transition(s)"}  # ADEME, « Transition(s) 2050 »


def _french_problems(folder) -> list[str]:
    """Issue 15: every HTML output in clean French — no unaccented common word, no internal snake_case
    code (file names and paths excepted), no « objectif(s) »-style plural."""
    bad = []
    for p in sorted(folder.rglob("*.html")):
        raw = re.sub(r"<(style|code)\b.*?</\1>", " ", p.read_text(encoding="utf-8"), flags=re.S)
        text = html.unescape(re.sub(r"<[^>]+>", " ", raw))

        def at(m):
            return f"{p.name}: …{text[max(0, m.start() - 30):m.end() + 15]}…".replace("\n", " ")

        bad += [at(m) for m in re.finditer(r"(?<![\w'’/-])(%s)(?![\w'’/-])" % "|".join(UNACCENTED), text)]
        bad += [at(m) for m in re.finditer(r"(?<![\w./])[a-z]+_[a-z0-9_]+(?![\w./])", text)]
        bad += [at(m) for m in re.finditer(r"\S*\w\((?:s|es|ven)\)\S*", text)
                if m.group(0).strip(",.;:") not in OWN_SPELLING]
    return bad


def test_yearly_run_produces_every_report_and_skips_an_unchanged_build(year_run):
    assert year_run.code == 0
    assert "données déjà construites à partir des mêmes fichiers bruts : construction sautée" in year_run.console[1]
    year = year_run.folder
    for t in ("PMA", "CALL", "CAHC", "CABBALR"):
        assert (year / t / "rapport_annuel.pdf").exists(), t
    assert (year / "prospective" / "PMA" / "rapport_prospective.pdf").exists()
    assert (year / "prospective" / "PMA" / "scenarios_iamc.csv").exists()
    assert len(list((year / "fiches" / "communes").glob("*.pdf"))) == 150
    log = (year / "execution.log").read_text(encoding="utf-8")
    assert "rapport de prospective PMA : terminé" in log
    # the journal keeps the steps' order whatever the schedule, and says where each ran and how long it took
    steps = re.findall(r"INFO (.+?) : terminé en [\d.]+ s \((processus \d|par lots[^)]*)\)", log)
    assert [s for s, _ in steps] == ["export des indicateurs", "rapport annuel PMA", "rapport annuel CABBALR",
                                     "rapport annuel CAHC", "rapport annuel CALL", "rapport de prospective PMA",
                                     "fiches communales", "synthèses des agglomérations", "visuels"]
    assert {w for _, w in steps} >= {"processus 1", "processus 2"}  # both cores were used
    assert _unmarked_demonstration(year) == []  # 2023 is demonstration data everywhere but the population
    # reports/<année>/index.html links every product of the run, and every link leads to a file (issue 15).
    index = (year / "index.html").read_text(encoding="utf-8")
    links = re.findall(r'href="([^"]+)"', index)
    assert [h for h in links if not (year / h).is_file()] == []
    published = {p.relative_to(year).as_posix() for p in year.rglob("*")
                 if p.suffix in (".html", ".pdf", ".csv", ".xlsx", ".svg", ".png") and p.name != "index.html"
                 and "_echecs" not in p.parts}
    assert published - set(links) == set()
    assert '<meta name="viewport"' in index and "Données de démonstration" in index
    assert _french_problems(year) == []


def test_the_yearly_run_says_what_the_build_said(year_run):
    """Issue 25, points 5 and 6: a scheduled run hid the build's warnings and its « priorité aux données
    réelles » lines, the only hint of a partial file. The run shows the precedence lines and the coverage
    summary, and logs the coverage table and the build's notes, even with the build skipped (read from the
    manifest of the data it used). The shipped data build without a warning: none is shown."""
    import json

    m = json.loads((year_run.paths.processed / "manifest.json").read_text(encoding="utf-8"))
    assert m["warnings"] == []  # a fresh clone's make report prints no warning
    assert not [line for line in year_run.console if "avertissement" in line]
    assert any(line.strip().startswith("Couverture des valeurs communales : ") for line in year_run.console)
    log = (year_run.folder / "execution.log").read_text(encoding="utf-8")
    assert m["precedence"] and all(f"priorité aux données réelles : {p}" in log for p in m["precedence"])
    assert m["notes"] and all(f"note de la construction : {n}" in log for n in m["notes"])
    assert "couverture : Couverture des données (O observée" in log


def test_the_run_shows_the_first_warnings_and_logs_them_all(built_paths, tmp_path):
    """With warnings in the manifest (a real file with a problem the build keeps going on), the console shows
    the first ten and says how many more; the log has every one."""
    import json
    import logging
    import shutil

    from pma_eval.config import get_paths
    from pma_eval.publish.run import SHOWN_BUILD_NOTES, _report_build_notes

    shutil.copytree(built_paths.processed, tmp_path / "data" / "processed")
    paths = get_paths(tmp_path)
    m = json.loads((paths.processed / "manifest.json").read_text(encoding="utf-8"))
    m["warnings"] = [f"avertissement numéro {k}" for k in range(SHOWN_BUILD_NOTES + 2)]
    (paths.processed / "manifest.json").write_text(json.dumps(m, ensure_ascii=False), encoding="utf-8")
    console, records = [], []

    class Keep(logging.Handler):
        def emit(self, record):
            records.append(record.getMessage())

    log = logging.getLogger("test-notes")
    log.addHandler(Keep())
    log.setLevel(logging.INFO)
    _report_build_notes(paths, console.append, log)
    shown = [line.strip() for line in console if line.strip().startswith("avertissement : ")]
    assert shown == [f"avertissement : avertissement numéro {k}" for k in range(SHOWN_BUILD_NOTES)]
    assert console[-1].strip() == "… et 2 autres avertissements (liste complète dans execution.log)"
    assert sum(r.startswith("avertissement de la construction : ") for r in records) == SHOWN_BUILD_NOTES + 2


def test_a_second_run_on_one_process_gives_identical_files(year_run, year_rerun, tmp_path):
    """Byte identity from run to run, whatever the schedule: the session's run on two processes against the
    one second run, each step in turn on one process; then six fiches and one EPCI's synthesis written again."""
    from pma_eval.publish.epci import write_syntheses
    from pma_eval.publish.fiches import write_fiches

    assert year_rerun.code == 0
    first, second = _published(year_run.folder), _published(year_rerun.folder)
    second.pop("index.html")  # it lists the products of its run: the second has no fiches (the run's index is
    assert len(second) > 20 and set(second) <= set(first)  # checked against its files in the test above)
    assert [n for n in second if first[n] != second[n]] == []
    sample = ["62498", "62510", "62001", "62215", "62119", "62441"]  # towns and villages of the three EPCIs
    # written again by write_fiches' own pool (pma-eval fiches, verify), not the run's
    fiches = _published(write_fiches(2023, year_rerun.paths, processes=2, only=sample, out_dir=tmp_path / "fiches"))
    assert len(fiches) == 2 * len(sample)
    assert [n for n in fiches if first[f"fiches/communes/{n}"] != fiches[n]] == []
    # one EPCI's synthesis, as a sample (the code that writes it is the same for each EPCI, as for the fiches)
    syntheses = _published(write_syntheses(2023, year_rerun.paths, out_dir=tmp_path / "epci", only=["CAHC"]))
    assert sorted(syntheses) == ["CAHC.html", "CAHC.pdf"]
    assert [n for n in syntheses if first[f"fiches/epci/{n}"] != syntheses[n]] == []


@pytest.mark.slow  # executes a report notebook
def test_yearly_run_with_a_failing_notebook_exits_1_and_exports_nothing_for_it(built_paths, tmp_path, monkeypatch):
    import nbformat

    from ..conftest import copy_of_build

    project = copy_of_build(built_paths, tmp_path / "projet")
    for name in ("annual_evaluation", "prospective_scenarios"):  # both notebooks fail early (fast)
        nb_path = project.notebooks / "reports" / f"{name}.ipynb"
        nb = nbformat.read(nb_path, as_version=4)
        nb.cells.insert(3, nbformat.v4.new_code_cell("raise RuntimeError('cellule en échec injectée')"))
        nbformat.write(nb, nb_path)
    monkeypatch.setenv("PMA_EVAL_ROOT", str(project.root))
    assert main(["run", "--year", "2023", "--sans-fiches"]) == 1
    year = project.reports / "2023"
    assert len(list((year / "_echecs").glob("rapport_annuel_*.ipynb"))) == 4
    assert (year / "_echecs" / "rapport_prospective_PMA.ipynb").exists()
    assert not list(year.glob("*/rapport_annuel.html"))  # no annual report exported
    assert not (year / "prospective" / "PMA").exists()
    # the steps without a notebook still ran: exports and visuals
    assert (year / "indicateurs_2023_pole_et_epci.xlsx").exists() and (year / "visuels" / "chiffres_cles_a4.pdf").exists()
    log = (year / "execution.log").read_text(encoding="utf-8")
    assert log.count(" : échec : ") == 5 and "rapport de prospective PMA : échec" in log


@pytest.mark.slow  # executes a report notebook
def test_variant_notebook_runs(built_paths, tmp_path, monkeypatch):
    import papermill

    from pma_eval.publish.report import _ipc_kernel_manager_class

    from ..conftest import REPO

    monkeypatch.setenv("PMA_EVAL_ROOT", str(built_paths.root))
    out = tmp_path / "variante.ipynb"
    papermill.execute_notebook(str(REPO / "notebooks/exploratory/essayer_une_variante.ipynb"), str(out),
                               parameters={"tirages": 500}, kernel_name="python3", progress_bar=False,
                               cwd=str(built_paths.root), kernel_manager_class=_ipc_kernel_manager_class())
    text = out.read_text(encoding="utf-8")
    assert "variante" in text and "renovation" in text and "image/png" in text


def test_lever_charts_share_one_scale(built_paths):
    from pma_eval.report import scenarios as s
    from pma_eval.report.foresight import load_foresight

    ctx = load_foresight(2023, "PMA", draws=100, paths=built_paths)
    limits = {s.lever_figure(ctx, n).fig.axes[0].get_xlim() for n in ctx.scenarios}
    assert len(limits) == 1  # issue 15: each chart had its own scale


def test_options_table_sets_each_lever_against_the_observed_pace(built_paths):
    """Issue 15: for each lever of the target scenario, the yearly effort, today's pace, who holds it, and
    a cost only where a referenced unit cost is entered."""
    from dataclasses import replace

    from pma_eval.prospective.options import HOLDERS
    from pma_eval.report import scenarios as s
    from pma_eval.report.foresight import load_foresight

    ctx = load_foresight(2023, "PMA", draws=100, paths=built_paths)
    t = s.options_table(ctx).frame.set_index("Levier")
    assert set(t.index) == {s.LEVER_LABELS[lv] for lv in ctx.scenarios["snbc"].levers}
    assert (t["Coût annuel"] == "non chiffré : aucun coût unitaire référencé").all()  # the template is empty
    assert t.at["Rénovation des logements", "Qui le porte"] == HOLDERS["renovation"]
    assert t.at["Rénovation des logements", "Effort demandé"].startswith("6\u202f000 logements rénovés par an")
    # Photovoltaics: the registry's capacity, 2018 → 2023, in MWp a year (demonstration series).
    cap = ctx.capacity[ctx.capacity["technology"] == "solaire_pv"].set_index("year")["value"]
    pace = (cap[2023] - cap[2018]) / 5 / 1000
    assert f"{s.fmt.significant(pace, 2, signed=True)} MWc par an (2018-2023, démonstration)" in \
        t.at["Photovoltaïque", "Rythme observé"]
    assert "non suivis" in t.at["Rénovation des logements", "Rythme observé"]
    # Residential consumption: at normal climate, as the verdicts judge it, in its unit per year (issue 23).
    from pma_eval.report.statement import pace_text

    res = ctx.energy_sectors[ctx.energy_sectors["sector"] == "residentiel"]
    assert res["corrected"].all()
    r = res.set_index("year")["value"]
    assert (f"consommation résidentielle : {pace_text('MWh', (r[2023] - r[2018]) / 5)} (2018-2023, à climat normal, "
            "démonstration)") in t.at["Rénovation des logements", "Rythme observé"]
    # A unit cost entered with its source: 6 000 dwellings × 25 000 € ≈ 150 M€ a year.
    costs = pd.DataFrame({"levier": ["renovation"], "parametre": ["logements_par_an"], "cout_unitaire": [25000.0],
                          "annee_euros": [2023], "reference_cout": ["Étude citée"]})
    t2 = s.options_table(replace(ctx, unit_costs=costs)).frame.set_index("Levier")
    assert t2.at["Rénovation des logements", "Coût annuel"] == "≈ 150 M€ par an (Étude citée, euros 2023)"


def test_sgpe_boilers_never_ask_more_homes_than_the_territory_has(built_paths):
    """Issue 23: split with the region's fuel shares (31 % on fuel oil), the Pôle was asked −27 thousand
    fuel-oil homes, 113 % of its own. The boiler levers now follow the territory's fuels and stop at its stock."""
    from pma_eval.report import scenarios as s
    from pma_eval.report.foresight import load_foresight

    ctx = load_foresight(2023, "PMA", draws=100, paths=built_paths)
    e = ctx.energy_carriers
    fuel_mwh = e.query("sector == 'residentiel' and carrier == 'produits_petroliers' and year == 2019")["value"].sum()
    # By hand: the Pôle's residential fuel oil in 2019 × 0,27 t/MWh ≈ 91,5 kt; × 0,2563 thousand homes per kt
    # avoided (the SGPE ratio of Hauts-de-France) ≈ 23 thousand homes.
    assert fuel_mwh * 0.27 / 1000 == pytest.approx(91.5, abs=0.5)
    t = s.sgpe_frame(ctx).set_index("id")
    assert t.at["reduc_rfioul", "stock_phys"] == pytest.approx(fuel_mwh * 0.27 / 1000 * 0.2563, rel=1e-3)
    assert 22 < t.at["reduc_rfioul", "stock_phys"] < 24
    boilers = t.loc[["reduc_rfioul", "reduc_rgaz", "reduc_tfioul", "reduc_tgaz"]]
    assert (boilers["physical"].abs() <= boilers["stock_phys"]).all()
    # Fuel oil's share of the residential effort is no longer the region's 31 %: about its 15 % share of
    # the territory's heating emissions, times the 74 % the two boiler levers carry together.
    assert t.at["reduc_rfioul", "share"] < 0.5 * t.at["reduc_rfioul", "share_region"]
    # What the table prints: the share of the 2019 stock, never above 100 %.
    html = s.sgpe_table(ctx).html()
    shares = [int(x) for x in re.findall(r"soit (\d+)\s?% du niveau de 2019", html.replace("\u00a0", " "))]
    assert len(shares) == 4 and max(shares) <= 100
    # The reconciliation names the effort no lever covers, the same figure as the first page's.
    text = " ".join(b if isinstance(b, str) else "".join(b) for b in s.sgpe_reconciliation(ctx).items)
    first_page = s.uncovered_sentence(ctx)
    uncovered = re.search(r"laisse (\S+)\u00a0kt CO₂e sans levier", text).group(1)
    assert f"il manque {uncovered}\u00a0kt CO₂e" in first_page


def test_consumption_targets_have_one_level_and_one_pace_in_both_reports(built_paths):
    """Issue 23, point 10: the scenario report set the consumption target on the raw base (10 736 GWh)
    and the annual report on the climate-corrected one (10 681 GWh), and the projections started from a
    mild year's raw value. Both now use the corrected series: same level, same pace still needed."""
    from pma_eval.report import load_context
    from pma_eval.report.foresight import load_foresight

    fx = load_foresight(2023, "PMA", draws=100, paths=built_paths)
    ctx = load_context(2023, "PMA", built_paths)
    corrected = ctx.indicators.query("indicator_id == 'conso_energie_finale_corrigee' and geo_level == 'pma'") \
        .set_index("year")["value"]
    raw = ctx.indicators.query("indicator_id == 'conso_energie_finale' and geo_level == 'pma'").set_index("year")["value"]
    assert fx.energy_normal[2023] == pytest.approx(corrected[2023])
    assert fx.climate_factor == pytest.approx(corrected[2023] / raw[2023])
    g = fx.gaps.set_index(["target_id", "scenario"])
    v = ctx.verdicts.set_index("target_id")
    level = g.loc[("fr_lec_conso_finale_2030", "snbc"), "level"]
    assert level == pytest.approx(corrected[2012] * 0.8)  # −20 % of 2012, at normal climate (hand)
    assert level == pytest.approx(v.at["fr_lec_conso_finale_2030", "target_value"])
    assert g.loc[("fr_lec_conso_finale_2030", "snbc"), "required_slope"] == pytest.approx(
        v.at["fr_lec_conso_finale_2030", "still_required_slope"])
    # the scenarios' energy is compared at normal climate: projection × the base year's factor
    med = np.median(fx.results["snbc"].total_energy(), axis=0)[list(fx.results["snbc"].years).index(2030)]
    assert g.loc[("fr_lec_conso_finale_2030", "snbc"), "projected"] == pytest.approx(med * fx.climate_factor)
