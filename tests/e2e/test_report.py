"""End to end: the annual report through Papermill, nbconvert and WeasyPrint."""

from __future__ import annotations

import csv
import html as html_lib
import re

import pytest

from pma_eval import fmt
from pma_eval.errors import ConfigurationError
from pma_eval.publish import run_report
from pma_eval.processed import latest_year
from pma_eval.report import load_context
from pma_eval.indicators import load_catalogue

from ..conftest import REPO


@pytest.fixture(scope="module")
def annual(year_run, built_paths):
    """The Pôle's annual report of the session's yearly run (the latest year)."""
    assert latest_year(built_paths) == 2023
    return 2023, year_run.report("PMA")


def test_html_is_french_self_contained_and_holds_the_expected_figures(annual, year_run, built_paths):
    year, result = annual
    assert year == 2023 and result.folder == year_run.folder / "PMA"
    html = result.html.read_text(encoding="utf-8")
    assert '<html lang="fr">' in html
    assert "<script" not in html and not re.search(r"(src|href)=\"(https?:)?//", html)  # nothing fetched
    # charts in SVG on screen, text kept as text (issue 23: readable on a phone)
    assert 'src="data:image/svg+xml;base64,' in html and re.search(r'alt="[^"]*\. Histogramme empilé', html)
    assert "year: int" not in html and "import " not in html  # code and parameter cells hidden
    assert "Données de démonstration" in html  # demonstration series labelled
    assert 'class="cover-demo"' in html  # and the cover stamped (issue 13: nature everywhere)
    assert re.search(r"642\u202f834", html)  # PMA population 2023 (PROVENANCE.md)
    # The 2016 IGT total, summed independently here, in kt with French typography, in the sector table
    # of a 2016 report would be checked elsewhere; for 2023 the key sentence shows the indicator value:
    ctx = load_context(year, "PMA", built_paths)
    from pma_eval.report.context import value

    total = value(ctx, "ges_total")[0]
    assert f"{fmt.number(total / 1000, 0)}\u00a0kt CO₂e" in html
    # Sections of the report: synthesis, verdicts against targets, LMDI waterfall, map, annex.
    for text in ("Synthèse", "Rythme au regard des objectifs", "Ce qui a fait varier les émissions",
                 "Graphique en cascade", "Carte des 150 communes", "Objectifs non évaluables", "Méthodes"):
        assert text in html, text
    assert "objectif à vérifier" in html  # unverified targets grey, without a verdict (issue 13)
    assert "court terme (les 5 dernières années)" in html  # the one pace rule, in the methods annex
    # the published text is typeset (’, no-break spaces: issue 23); compared here without its typography
    plain = html_lib.unescape(html).replace("\u2019", "'").replace("\u202f", " ").replace("\u00a0", " ")
    # the rule named for what it is, Eurostat's method as the cross-check (issue 23)
    assert "Verdicts : règle de la trajectoire linéaire jusqu'à l'objectif" in plain
    assert "Contrôle croisé : la méthode d'Eurostat (taux annuels composés" in plain
    assert "(rapport Q des Nations unies) n'est qu'un contrôle simplifié" in plain
    assert re.search(r"court terme \(2018-2023\) : progrès \w+", plain)  # the period beside each verdict
    assert re.search(r"long terme \(2012-2023\) : progrès \w+", plain)  # and the long term, the series allowing


def short_notebook(built_paths, tmp_path, sections: tuple[str, ...]):
    """Paths of a copy over the shared build whose annual notebook keeps only the cells of ``sections``."""
    from ..conftest import cut_annual_notebook, notebooks_copy

    paths = notebooks_copy(built_paths, tmp_path)
    cut_annual_notebook(paths, sections)
    return paths


@pytest.mark.slow  # executes a report notebook
def test_report_of_the_igt_year_shows_the_real_total(built_paths, year_run, tmp_path):
    """The 2016 report (the year of the observed inventory) gives its total, added by hand from the raw file; its
    first sections only (title, introduction and « L'essentiel »), from the annual notebook."""
    sectors = ["Agriculture", "Autres transports", "Déchets", "Energie", "Industrie hors-énergie",
               "Résidentiel", "Routier", "Tertiaire"]
    with open(REPO / "data/raw/ges/igt_citepa_ges_communes_pma.csv", encoding="utf-8") as f:
        total = sum(float(r[s]) for r in csv.DictReader(f) for s in sectors if r[s])
    assert "de la CALL" in year_run.report("CALL").html.read_text(encoding="utf-8")  # an EPCI's report names it
    paths = short_notebook(built_paths, tmp_path, ("synthese", "essentiel"))
    pma = run_report("annual", {"year": 2016, "territoire": "PMA"}, "Rapport 2016", paths, out_dir=tmp_path / "2016")
    assert f"{fmt.number(total / 1000, 0)}\u00a0kt CO₂e" in pma.html.read_text(encoding="utf-8")  # 3 267 kt


def test_pdf_has_a4_pages_with_numbers(annual):
    from pypdf import PdfReader

    _, result = annual
    reader = PdfReader(result.pdf)
    assert len(reader.pages) >= 5
    box = reader.pages[0].mediabox
    assert round(float(box.width) / 72 * 25.4) == 210 and round(float(box.height) / 72 * 25.4) == 297
    n = len(reader.pages)
    assert "page" not in reader.pages[0].extract_text()  # the cover page carries no running header or number
    # « À retenir et à décider » is the page after the cover (issue 15); the contents follow it.
    assert "À retenir et à décider" in reader.pages[1].extract_text()
    toc = reader.pages[2].extract_text()
    assert "Sommaire" in toc and f"page 3 sur {n}" in toc
    assert re.search(r"1\. Population \.+ \d+", toc)  # table of contents with page numbers
    root = reader.trailer["/Root"]
    assert "/StructTreeRoot" in root and root["/Lang"] == "fr" and root["/MarkInfo"]["/Marked"]  # tagged PDF/UA


def test_unknown_parameter_is_refused(built_paths):
    with pytest.raises(ConfigurationError, match="paramètre\\(s\\) inconnu\\(s\\).*annee"):
        run_report("annual", {"year": 2023, "territoire": "PMA", "annee": 2023}, "t", built_paths)


def test_unknown_year_gives_a_french_error(built_paths):
    with pytest.raises(ConfigurationError, match="année 1999 absente"):
        load_context(1999, "PMA", built_paths)


@pytest.mark.slow  # executes a report notebook
def test_exploratory_notebook_runs(built_paths, tmp_path, monkeypatch):
    import papermill

    from pma_eval.publish.report import _ipc_kernel_manager_class

    monkeypatch.setenv("PMA_EVAL_ROOT", str(built_paths.root))
    out = tmp_path / "explo.ipynb"
    papermill.execute_notebook(str(REPO / "notebooks/exploratory/indicateurs_par_epci.ipynb"), str(out),
                               parameters={"indicateur": "conso_energie_par_habitant"}, kernel_name="python3",
                               progress_bar=False, cwd=str(built_paths.root),
                               kernel_manager_class=_ipc_kernel_manager_class())
    text = out.read_text(encoding="utf-8")
    assert "CABBALR" in text and "pente de Sen" in text


@pytest.mark.slow  # executes a report notebook, twice (in this process, then in a Jupyter kernel)
def test_verify_reruns_a_report_in_a_jupyter_kernel_and_names_what_differs(built_paths, tmp_path):
    """Issue 24: the yearly run executes the notebooks in its worker processes (engine « pma_eval »); ``verify`` reruns
    a report's notebook in a real Jupyter kernel (Papermill's nbclient engine, as an analyst runs it), says
    « identique » when the files are byte-identical and names an output that differs from its manifest. One rerun
    checks both: the manifest is given one output more, which the rerun cannot match. The report is the annual
    notebook cut to its first sections (the whole report's identity in a kernel is shown by the session's second run,
    ``year_rerun``, compared file by file with the first)."""
    import json

    from pma_eval.publish.run import verify

    paths = short_notebook(built_paths, tmp_path, ("couverture", "synthese", "population"))
    first = run_report("annual", {"year": 2023, "territoire": "CAHC"}, "Rapport court", paths)
    m = json.loads((first.folder / "manifest.json").read_text(encoding="utf-8"))
    assert m["parametres"]["year"] == 2023 and m["parametres"]["territoire"] == "CAHC"
    assert {"rapport_annuel.html", "rapport_annuel.pdf"} <= set(m["comparees_par_verify"]) and m["bibliotheques"]["papermill"]
    assert any(i["path"].endswith("igt_citepa_ges_communes_pma.csv") for i in m["entrees"])
    assert "Population" in first.html.read_text(encoding="utf-8")
    lines = []
    assert verify(first.folder / "manifest.json", paths, echo=lines.append, engine="nbclient") == 0
    assert lines == ["identique : " + ", ".join(m["comparees_par_verify"])]
    tampered = dict(m, sorties={**m["sorties"], "fantome.html": "0" * 64},
                    comparees_par_verify=[*m["comparees_par_verify"], "fantome.html"])
    (tmp_path / "manifest.json").write_text(json.dumps(tampered), encoding="utf-8")
    lines = []
    assert verify(tmp_path / "manifest.json", paths, echo=lines.append, engine="pma_eval") == 1
    assert lines == ["sortie différente : fantome.html"]  # the HTML and the PDF again byte-identical


def test_failing_cell_keeps_the_notebook_and_the_previous_outputs(built_paths, year_run, tmp_path):
    import shutil

    import nbformat

    from pma_eval.publish import ReportFailed

    from ..conftest import notebooks_copy

    paths = notebooks_copy(built_paths, tmp_path)
    ok = paths.reports / "2023" / "CAHC"  # the previous outputs: the session's run, copied here
    shutil.copytree(year_run.report("CAHC").folder, ok)
    before = {p.name: p.read_bytes() for p in ok.iterdir()}
    nb_path = paths.notebooks / "reports" / "annual_evaluation.ipynb"
    nb = nbformat.read(nb_path, as_version=4)
    nb.cells.insert(3, nbformat.v4.new_code_cell("raise RuntimeError('cellule en échec injectée')"))
    nbformat.write(nb, nb_path)
    with pytest.raises(ReportFailed) as exc:
        run_report("annual", {"year": 2023, "territoire": "CAHC"}, "t", paths)
    assert exc.value.exit_code == 1 and "cellule en échec injectée" in str(exc.value)
    kept = paths.reports / "2023" / "_echecs"
    assert any(kept.glob("*.ipynb"))
    assert "cellule en échec injectée" in next(kept.glob("*.ipynb")).read_text(encoding="utf-8")
    assert {p.name: p.read_bytes() for p in ok.iterdir()} == before  # previous outputs untouched


def test_verify_compares_inputs_by_path_not_by_position():
    """Adding one input file must report that file only (the pairing used to be by position)."""
    from pma_eval.publish.run import compare_inputs

    before = [{"path": f"data/raw/{n}.csv", "sha256": n * 4} for n in ("b", "c", "d")]
    after = [{"path": "data/raw/a.csv", "sha256": "new"}, *before[:2], {"path": "data/raw/d.csv", "sha256": "changed"}]
    assert compare_inputs(before, after) == {"ajoutée": ["data/raw/a.csv"], "retirée": [],
                                             "différente": ["data/raw/d.csv"]}


def test_a_second_run_is_refused_while_one_holds_the_lock(built_paths, capsys, monkeypatch):
    from pma_eval.cli import main
    from pma_eval.publish.run import run_lock

    monkeypatch.setenv("PMA_EVAL_ROOT", str(built_paths.root))
    with run_lock(built_paths):
        assert main(["run", "--year", "2023", "--sans-fiches"]) == 2
    assert "une autre exécution de pma-eval est en cours" in capsys.readouterr().err


@pytest.mark.parametrize("argv", [["report", "annual", "--year", "1990"], ["report", "annual", "--territoire", "LILLE"],
                                  ["fiches", "--year", "2030"], ["report", "scenarios", "--year", "2030"]])
def test_bad_year_or_territory_exits_2_before_any_kernel(built_paths, monkeypatch, capsys, argv):
    from pma_eval.cli import main

    monkeypatch.setenv("PMA_EVAL_ROOT", str(built_paths.root))
    monkeypatch.setattr("pma_eval.publish.report.run_report",
                        lambda *a, **k: pytest.fail("a notebook was started"))
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "année 1990 absente" in err or "année 2030 absente" in err or "territoire inconnu" in err
    assert not list(built_paths.reports.glob("*/_echecs"))


def test_demonstration_is_marked_on_every_figure_and_observed_only_labels_observed_values():
    """Issue 13, « nature everywhere »: a figure showing demonstration values carries the mark on the
    image (and on every copy drawn for the visuals) and in its text alternative; a history line is
    called « Observé » only when every value is observed."""
    import pandas as pd

    from pma_eval.charts import DEMO_MARK, bars
    from pma_eval.report import Figure
    from pma_eval.report.scenarios import history_label

    def make():
        return bars(pd.Series({"A": 1.0, "B": 2.0}), "titre", "t", "source")

    demo = Figure(make(), "Barres A et B.", "légende", natures=frozenset({"demonstration", "observed"}), make=make)
    assert "Données de démonstration" in demo.alt
    assert any(t.get_text() == DEMO_MARK for t in demo.fig.texts)
    assert any(t.get_text() == DEMO_MARK for t in demo.make().texts)
    observed = Figure(make(), "Barres A et B.", "légende", natures=frozenset({"observed"}), make=make)
    # observed values only: no mark on the image, and the nature said in the alternative
    # the chart's title first (issue 23), then the alternative and the nature
    assert observed.alt == "titre. Barres A et B. Données observées." and not any(t.get_text() == DEMO_MARK
                                                                                  for t in observed.fig.texts)
    assert history_label({"observed"}) == "Observé"
    assert history_label({"observed", "demonstration"}) == "Historique (observé et démonstration)"
    assert history_label({"demonstration"}) == "Historique (démonstration)"
    assert "Observé" not in history_label({"observed", "estimated"})


def test_the_stamped_cover_stays_one_page():
    """The demonstration stamp pushed the cover's foot onto a page of its own (seen in the 2023 PDF)."""
    import weasyprint

    from pma_eval.publish.report import CSS, _cover

    title = "Rapport annuel d'évaluation 2023 — Pôle métropolitain de l'Artois"
    for stamped in (True, False):
        html = (f'<html lang="fr"><head><style>{CSS}</style></head><body>{_cover(title, stamped)}'
                "<p>Première page du rapport.</p></body></html>")
        assert len(weasyprint.HTML(string=html).render().pages) == 2, stamped  # the cover, then the report


@pytest.mark.parametrize("territoire", ["PMA", "CALL", "CAHC", "CABBALR"])
def test_no_harder_target_gets_a_better_verdict_on_the_shipped_data(built_paths, territoire):
    """Issue 13 (done when): for one indicator and one horizon, a harder target never gets a better
    pace verdict (« zéro émission » used to beat « −95 % »). Checked on the pace even of the targets
    « à vérifier », whose verdict is withheld."""
    from pma_eval.evaluation.progress import CATEGORY_ORDER

    v = load_context(2023, territoire, built_paths).verdicts
    v = v[v["pace_category"].isin(CATEGORY_ORDER)]
    directions = {i.id: i.direction for i in load_catalogue()}
    checked = 0
    for (iid, year), g in v.groupby(["indicator_id", "target_year"]):
        easy_first = g.sort_values("target_value", ascending=directions[iid] == "increase")
        ranks = [CATEGORY_ORDER.index(c) for c in easy_first["pace_category"]]
        assert ranks == sorted(ranks), easy_first[["target_id", "target_value", "pace_category"]]
        checked += len(g) > 1
    assert checked >= 3  # buildings, energy branch and agriculture have several targets for 2050


def test_pagination_checker_finds_a_split_row_and_an_orphan_heading():
    """The checker itself, on hand-made pages: a heading forced to the foot of a page, a row taller than
    a page. (Without these, an empty list from the reports below would prove nothing.)"""
    from pma_eval.publish.pagination import layout_problems

    page = "<html><head><style>@page{size:A4;margin:2cm} p{margin:0;height:24.5cm} h2{margin:0;break-after:auto}" \
           "</style></head><body><p>a</p><h2>Titre seul</h2><p>b</p></body></html>"
    assert layout_problems(page) == ["page 1 : titre seul en bas de page (« Titre seul »)"]
    cell = "<br>".join(f"ligne {i}" for i in range(70))
    table = (f"<html><body><table><thead><tr><th>En-tête</th></tr></thead><tbody><tr><td>{cell}</td></tr>"
             "<tr><td>fin</td></tr></tbody></table></body></html>")
    assert [p[:30] for p in layout_problems(table)] == ["pages 1-2 : ligne de tableau c"]


@pytest.mark.parametrize("folder", ["PMA", "CALL", "CAHC", "CABBALR", "fiches/epci"])
def test_annual_report_pages_split_no_row_and_orphan_no_heading(year_run, folder):
    """Issue 15: 7 rows split across pages and 5 headings left at a page foot in the 2023 report. Issue 23: no
    half-empty page. Issue 24: read from the PDF's own layout, which the manifest records (``mise_en_page``),
    instead of laying the report out again — and so for every report and the EPCI syntheses."""
    import json

    m = json.loads((year_run.folder / folder / "manifest.json").read_text(encoding="utf-8"))
    assert m["mise_en_page"] == []


def test_phone_layout_scrolls_tables_and_contents_links_resolve(annual):
    """Issue 15: on a phone the summary table broke words mid-word and cut its verdict column."""
    _, result = annual
    html = result.html.read_text(encoding="utf-8")
    assert re.search(r'<meta content="width=device-width[^"]*" name="viewport"', html)
    narrow = re.search(r"@media screen and \(max-width: [\d.]+rem\) \{(.*?)\n\}", html, flags=re.S).group(1)
    assert "div.pma-table-block { overflow-x: auto; }" in narrow and "word-break: normal" in narrow
    assert html.count('<div class="pma-table-block') == html.count("<table")  # every table can scroll
    ids = set(re.findall(r'id="([^"]+)"', html))
    links = re.findall(r'href="#([^"]+)"', html)
    assert len(links) >= 8 and [h for h in links if h not in ids] == []  # the contents lead somewhere


def test_acronyms_are_spelled_out_at_their_first_use_in_running_text():
    """Issue 15: CALL, SNBC, SRADDET, LMDI… were never spelled out. Hand-made page: the first use in a
    table only gets a tooltip, the first use in a sentence the spelled-out form, later uses nothing."""
    from pma_eval.publish.report import spell_out

    body = ("<head><title>SNBC</title></head><main><table><tr><td>SNBC 2030</td></tr></table>"
            "<p>La SNBC vise la neutralité ; la SNBC-2 aussi ; la SNBC encore.</p><li>CALL et GES</li></main>")
    out = spell_out(body)
    assert "<title>SNBC</title>" in out  # outside <main>: untouched
    assert '<td><abbr title="stratégie nationale bas-carbone">SNBC</abbr> 2030</td>' in out
    assert ('<p>La <abbr title="stratégie nationale bas-carbone">SNBC</abbr> (stratégie nationale bas-carbone) vise '
            "la neutralité ; la SNBC-2 aussi ; la SNBC encore.</p>") in out
    assert "(communauté d&#x27;agglomération de Lens-Liévin) et " in out and "GES</abbr> (gaz à effet de serre)" in out


def test_annual_report_has_a_glossary_and_spells_out_its_acronyms(annual, built_paths):
    from pma_eval.declaration import in_use_or_default
    from pma_eval.vocabulary import glossary

    entries = glossary(in_use_or_default(built_paths))  # the glossary of the report's territory
    html = annual[1].html.read_text(encoding="utf-8")
    assert "Glossaire des sigles et des méthodes" in html
    for acronym in ("GES", "SNBC", "SRADDET", "LMDI", "EPCI"):
        long = re.escape(entries[acronym]["long"].replace("'", "’"))  # published text is typeset (issue 23)
        assert re.search(f"{acronym}</abbr>(?: \\(|, ){long}", html), acronym


def test_an_acronym_already_in_parentheses_is_spelled_out_without_nesting():
    from pma_eval.publish.report import spell_out

    out = spell_out("<main><p>La population légale (INSEE) sert de dénominateur.</p></main>")
    assert "(<abbr title=\"Institut national de la statistique et des études économiques\">INSEE</abbr>, Institut " \
           "national de la statistique et des études économiques) sert" in out


def test_report_charts_print_sharp_with_legible_text(built_paths):
    """Issue 15: charts were raster images at 115–166 ppi with text around 5 pt. Shown across the A4
    text width (17.4 cm), each chart must keep ≥ 200 pixels per inch and its smallest text ≥ 7 pt.
    Issue 24: and no more pixels than that needs (WeasyPrint decodes and re-encodes each one)."""
    import io

    import matplotlib.text as mtext
    from PIL import Image

    from pma_eval.processed import load_shapes
    from pma_eval.report import annual as a

    ctx = load_context(2023, "PMA", built_paths)
    text_width_in = (21.0 - 2 * 1.8) / 2.54  # report.css: A4, 1.8 cm side margins
    figures = [a.emissions_figure(ctx), a.drivers_figure(ctx), a.map_figure(ctx, load_shapes(built_paths)),
               a.epci_figure(ctx), a.energy_figure(ctx), a.enr_figure(ctx), a.comparison_figure(ctx)]
    for f in figures:
        sizes = [t.get_fontsize() for t in f.fig.findobj(mtext.Text) if t.get_visible() and t.get_text().strip()]
        png = Image.open(io.BytesIO(f.png))
        width_px, dpi = png.size[0], png.info["dpi"][0]  # the PNG says the resolution it was drawn at
        drawn_in = width_px / dpi
        assert 200 <= width_px / text_width_in < 215, (f.caption, width_px)
        assert min(sizes) * text_width_in / drawn_in >= 7, (f.caption, min(sizes), drawn_in)
    css = (REPO / "pma_eval/publish/templates/pma/report.css").read_text(encoding="utf-8")
    assert "figure.pma-figure img { width: 100%;" in css  # shown across the text width, as assumed above


def test_map_outlines_agglomerations_names_towns_and_marks_demonstration(built_paths):
    """Issue 15: no EPCI outlines, no town names, a first class nearly white, no demonstration mark."""
    import numpy as np
    from matplotlib.collections import LineCollection

    from pma_eval import maps
    from pma_eval.processed import load_shapes
    from pma_eval.report import annual as a

    # Two unit squares side by side: their outline has 6 edges, the shared one is inside.
    sq = {"A": [np.array([[0, 0], [1, 0], [1, 1], [0, 1]], float)],
          "B": [np.array([[1, 0], [2, 0], [2, 1], [1, 1]], float)]}
    assert len(maps.outline_segments(sq, ["A", "B"])) == 6 and len(maps.outline_segments(sq, ["A"])) == 4
    assert maps.SEQUENTIAL[0].lower() not in ("#ffffff", maps.MISSING["facecolor"])
    ctx = load_context(2023, "PMA", built_paths)
    f = a.map_figure(ctx, load_shapes(built_paths))
    ax = f.fig.axes[0]
    assert ax.get_title(loc="left").endswith("(données de démonstration)")
    assert sum(isinstance(c, LineCollection) for c in ax.collections) == 3  # one outline per agglomeration
    names = {t.get_text().rstrip("*") for t in ax.texts}  # « Béthune* »: an incomplete total (issue 23)
    assert {"Lens", "Liévin", "Béthune"} <= names
    assert "limite d'agglomération" in [t.get_text() for t in ax.get_legend().get_texts()]


def test_one_colour_per_sector_in_every_sector_chart(built_paths):
    """Issue 15: sector colours differed between charts. The annual report's sector charts and the
    fiches' share bar take the colour declared once in vocabulary.yml."""
    from matplotlib.colors import to_hex

    from pma_eval.report import annual as a
    from pma_eval.vocabulary import SECTOR_COLORS, SECTOR_LABELS

    ctx = load_context(2023, "PMA", built_paths)
    by_label = {SECTOR_LABELS[s]: SECTOR_COLORS[s].lower() for s in SECTOR_COLORS}
    for f in (a.emissions_figure(ctx), a.energy_figure(ctx)):
        legend = f.fig.axes[0].get_legend()
        drawn = {t.get_text(): to_hex(h.get_facecolor(), keep_alpha=False)
                 for t, h in zip(legend.get_texts(), legend.legend_handles)}
        # the legend also explains highlights (« 2016 : année observée »): only the sectors are checked here
        sectors = {k: v for k, v in drawn.items() if k in by_label}
        assert sectors and all(sectors[k] == by_label[k] for k in sectors), f.caption
