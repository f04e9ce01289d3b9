"""A batch of territories (``pma-eval lot``): the yearly products of several declared territories, each in a worker
process, and a regional index with one line per territory.

The executor is any ``concurrent.futures.Executor`` (default: a :class:`~concurrent.futures.ProcessPoolExecutor`),
so that a Dask distributed client (``Client.get_executor()``) can take the same batch. Each territory runs
:func:`pma_eval.publish.run.run_year` in one process of its own (no pool inside), into its own folders
(``data/territoires/<id>/processed``, ``reports/territoires/<id>/<year>``); an error of one territory is recorded in
its line and the others go on. The index (``reports/lots/<name>/index_<year>.html``, and a CSV of the same lines) is
written last, from the results.

Each line gives the territory's rank among its comparables (:func:`pma_eval.comparisons.rank_among_peers`): its
per-inhabitant total emissions of the region's observed inventory (CITEPA, 2016), the value and the comparables rule
of its annual report's comparison, among its own and its comparables', the lowest first (« 1er sur 12 »: the least
emitting per inhabitant); « au moins » before a value whose total has a gap, « * » after a rank that involves one.
"""

from __future__ import annotations

import csv
import io
import os
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

from ..config import Paths, get_paths
from ..errors import ConfigurationError

#: The key figures of a territory in its line of the index, in this order (indicator id → column title).
SHOWN = {"population": "Population", "ges_total": "Émissions de GES", "ges_par_habitant": "Émissions par habitant"}
#: The headline indicator whose target verdict the index gives.
HEADLINE = "ges_total"
#: The other key figures whose target verdict the index gives, in one cell (indicator id → its short name there).
OTHER_VERDICTS = {"conso_energie_finale": "énergie finale", "part_enr_conso_finale": "part des renouvelables"}
VERDICTS_COLUMN = "Autres verdicts"
#: The columns of the rank among comparables and of the value ranked.
RANK_COLUMN = "Rang parmi ses comparables (1er : le moins émetteur par habitant)"
RANKED_COLUMN = "Émissions par habitant classées (inventaire observé)"


@dataclass
class Outcome:
    """What one territory of the batch gave (picklable: it comes back from a worker process)."""

    ident: str
    name: str = ""
    code: str = ""
    ok: bool = False
    seconds: float = 0.0
    message: str = ""
    figures: dict = field(default_factory=dict)  # column title → value as written
    verdict: str = ""
    verdicts: str = ""  # the other targets' verdicts (OTHER_VERDICTS), « énergie finale : progrès modéré (…) ; … »
    target: str = ""
    links: dict = field(default_factory=dict)  # link text → path relative to the reports folder
    rank: str = ""  # « 3ᵉ sur 12 », « * » when a ranked total has a gap
    ranked: str = ""  # the ranked value as written (« au moins » for a minimum), with the year and without industry
    rule: str = ""  # its comparables rule, in French


def run_one(root: str, ident: str, year: int | None, fiches: bool, scenarios: bool, demo: bool = False) -> Outcome:
    """Build and publish one territory (in a worker process); never raises: a failure is in the outcome. ``demo``:
    first write its demonstration series, as ``pma-eval data demo --territoire ID`` does, if it has none."""
    from ..config import TERRITORY_ENV

    t0 = time.perf_counter()
    os.environ[TERRITORY_ENV] = ident
    os.environ["PMA_EVAL_ROOT"] = str(root)
    out = Outcome(ident)
    log = io.StringIO()
    try:
        from ..declaration import whole_in_use
        from .run import run_year

        paths = get_paths(root, ident)
        whole = whole_in_use(paths)
        if demo:
            _demonstration(paths)
        out.name, out.code = whole.name, whole.code
        code = run_year(year, paths, echo=lambda line: print(line, file=log), fiches=fiches, workers=1,
                        scenarios=scenarios)
        out.ok = code == 0
        if not out.ok:
            out.message = "une étape a échoué (voir execution.log)"
        _summary(out, paths, year)
    except Exception as exc:  # noqa: BLE001 — one territory's failure is reported in its line, the batch goes on
        out.ok = False
        where = traceback.extract_tb(exc.__traceback__)[-1]
        out.message = f"{type(exc).__name__} : {exc} ({Path(where.filename).name}, ligne {where.lineno})"
        if "absente des données" in str(exc) and not demo:
            out.message += (f" ; séries de démonstration : « pma-eval data demo --territoire {ident} », ou "
                            "« pma-eval lot --region » qui les écrit")
    out.seconds = time.perf_counter() - t0
    return out


def _demonstration(paths: Paths) -> None:
    """The territory's demonstration series (``data/raw/territoire/<id>/demonstration``), written if absent."""
    from .. import demonstration
    from ..declaration import tables_folder

    out = tables_folder(paths, paths.territory) / "demonstration"
    if not (out.is_dir() and any(out.iterdir())):
        demonstration.write(paths.raw, out, inputs=demonstration.inputs_of(paths))


def _summary(out: Outcome, paths: Paths, year: int | None) -> None:
    """The key figures, the verdicts of the headline and other targets, and the links of a territory's run."""
    from .. import fmt
    from ..processed import checked_year
    from ..report import annual as a
    from ..report import load_context
    from ..report.context import display

    year = checked_year(year, paths)
    ctx = load_context(year, None, paths)
    ind = ctx.indicators
    for iid, title in SHOWN.items():
        row = ind.loc[(ind["indicator_id"] == iid) & (ind["geo_level"] == "pma") & (ind["year"] == year)]
        out.figures[title] = (display(iid, float(row["value"].iloc[0]), ctx) if len(row) else fmt.MISSING)
    k = a.key_figures(ctx)
    head = k.loc[k["indicator_id"] == HEADLINE]
    if len(head):
        r = head.iloc[0]
        out.verdict = _verdict(r["verdict"])
        out.target = str(r["target"] or "")
    out.verdicts = " ; ".join(f"{short} : {_verdict(k.loc[k['indicator_id'] == iid, 'verdict'].iloc[0])}"
                              for iid, short in OTHER_VERDICTS.items() if (k["indicator_id"] == iid).any())
    _rank(out, ctx)
    folder = paths.reports / str(year)
    for text, f in (("index", folder / "index.html"), ("rapport annuel", folder / ctx.territory.code / "rapport_annuel.html"),
                    ("PDF", folder / ctx.territory.code / "rapport_annuel.pdf")):
        if f.is_file():
            out.links[text] = f


def _verdict(v) -> str:
    return v.label if v.category != "not_assessable" else "non évaluable"


def _rank(out: Outcome, ctx) -> None:
    """The territory's rank among its comparables, with the value ranked, as its annual report compares it (same
    table, level, members and rule); nothing without the region's observed inventory."""
    from ..comparisons import rank_among_peers, rule_text
    from ..report.annual.emissions import comparison_members, comparison_rule

    if ctx.comparisons is None or ctx.comparisons.empty:
        return
    members, rule = comparison_members(ctx), comparison_rule(ctx)
    r = rank_among_peers(ctx.comparisons, ctx.geo_level, ctx.geo_code, members=members, rule=rule)
    if r is None:
        return
    out.rank, out.rule = r.text(), rule_text(ctx.geo_level, rule, members)
    out.ranked = ranked_value(r)


def ranked_value(r) -> str:
    """« 5,1 t CO₂e en 2016 (3,7 sans l’industrie ni la branche énergie) », « au moins » before a minimum (typographic
    apostrophe: the CSV of the index is not typeset)."""
    from .. import fmt

    def value(x: float, complete: bool) -> str:
        return ("" if complete else "au moins ") + fmt.number(x, 1)

    text = f"{value(r.value, r.complete)}\u00a0t CO₂e en {r.year}"
    if r.value_core == r.value_core:  # not NaN
        text += f" ({value(r.value_core, r.complete_core)} sans l’industrie ni la branche énergie)"
    return text


def _executor(workers: int):
    import multiprocessing as mp
    from concurrent.futures import ProcessPoolExecutor

    from ..collector import worker_initializer

    # forked before anything heavy is imported here; each worker imports what its territory needs
    method = "fork" if "fork" in mp.get_all_start_methods() else None
    return ProcessPoolExecutor(workers, mp_context=mp.get_context(method), initializer=worker_initializer)


def _eta(seconds: float) -> str:
    seconds = int(round(seconds))
    return f"{seconds // 60} min {seconds % 60:02d} s" if seconds >= 60 else f"{seconds} s"


def run_lot(idents: list[str], year: int | None, paths: Paths | None = None, name: str = "lot", echo=print,
            workers: int | None = None, fiches: bool = False, scenarios: bool = False, executor=None,
            demo: bool = False, index_folder: Path | None = None) -> tuple[int, Path]:
    """Run the yearly products of the declared territories ``idents`` (ids, refused at once if one is not declared)
    in ``workers`` processes (or ``executor``); write the index (in ``index_folder``, default
    ``reports/lots/<name>/``). ``demo``: write the demonstration series of a territory that has none first. Returns
    the exit code (0, or 1 if a territory failed) and the index's path."""
    from concurrent.futures import as_completed

    from ..declaration import resolve_id
    from .run import default_workers

    paths = paths or get_paths()
    idents = list(dict.fromkeys(resolve_id(paths, i) for i in idents))  # exit 2 before any work
    if not idents:
        raise ConfigurationError("aucun territoire dans le lot")
    workers = max(1, min(workers or default_workers(), len(idents)))
    own = executor is None
    pool = _executor(workers) if own else executor
    t0 = time.perf_counter()
    outcomes: list[Outcome] = []
    echo(f"Lot « {name} » : {len(idents)} territoire(s), {workers} processus de travail")
    try:
        futures = {pool.submit(run_one, str(paths.root), i, year, fiches, scenarios, demo): i for i in idents}
        for fut in as_completed(futures):
            try:
                out = fut.result()
            except Exception as exc:  # noqa: BLE001 — a worker that died (crash, memory): this territory fails
                out = Outcome(futures[fut], message=f"le processus de travail s'est arrêté : {type(exc).__name__}")
            outcomes.append(out)
            done, elapsed = len(outcomes), time.perf_counter() - t0
            # the mean time of a territory so far, for the ones left, shared by the workers
            left = sum(o.seconds for o in outcomes) / done * (len(idents) - done) / workers
            bar = "█" * round(20 * done / len(idents))
            echo(f"[{bar:<20}] {done}/{len(idents)} {out.ident} : "
                 + (f"terminé en {out.seconds:.0f} s" if out.ok else f"échec ({out.message})")
                 + (f" — reste environ {_eta(left)}" if done < len(idents) else f" — lot terminé en {_eta(elapsed)}"))
    finally:
        if own:
            pool.shutdown(wait=True, cancel_futures=True)
    order = {i: k for k, i in enumerate(idents)}
    outcomes.sort(key=lambda o: order[o.ident])
    index = write_lot_index(outcomes, year, paths, name, time.perf_counter() - t0, index_folder)
    return (0 if all(o.ok for o in outcomes) else 1), index


def write_lot_index(outcomes: list[Outcome], year: int | None, paths: Paths, name: str, seconds: float,
                    folder: Path | None = None) -> Path:
    """``index_<year>.html`` and ``.csv`` in ``folder`` (default ``reports/lots/<name>/``): one line per territory
    (its key figures, the verdicts of its headline and other targets, its rank among its comparables, its links, or
    why it failed)."""
    from ..atomic import atomic_file
    from ..report.blocks import typeset_html

    folder = Path(folder) if folder else paths.reports / "lots" / name
    folder.mkdir(parents=True, exist_ok=True)
    label = str(year) if year else "dernière année"
    columns = ["Territoire", *SHOWN.values(), "Objectif phare", "Verdict", VERDICTS_COLUMN, RANK_COLUMN,
               RANKED_COLUMN, "Durée (s)", "État"]
    rows = [[o.name or o.ident, *(o.figures.get(t, "") for t in SHOWN.values()), o.target, o.verdict, o.verdicts,
             o.rank, o.ranked, f"{o.seconds:.0f}", "produit" if o.ok else f"échec : {o.message}"] for o in outcomes]
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=";", lineterminator="\n")
    w.writerow(columns)
    w.writerows(rows)
    with atomic_file(folder / f"index_{year or 'derniere'}.csv") as tmp:
        tmp.write_text(buf.getvalue(), encoding="utf-8-sig")

    import jinja2

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(Path(__file__).resolve().parent / "templates")),
                             autoescape=True)
    lines = [(row, [(t, os.path.relpath(p, folder)) for t, p in o.links.items()]) for o, row in zip(outcomes, rows)]
    page = env.get_template("index_lot.html.j2").render(
        name=name, label=label, columns=columns, lines=lines, total=len(outcomes),
        failed=sum(not o.ok for o in outcomes), duration=_eta(seconds),
        rules=list(dict.fromkeys(o.rule for o in outcomes if o.rule)),
        starred=any(o.rank.endswith("*") for o in outcomes))
    target = folder / f"index_{year or 'derniere'}.html"
    with atomic_file(target) as tmp:
        tmp.write_text(typeset_html(page), encoding="utf-8")
    return target


def lot_project(paths: Paths, name: str) -> Paths:
    """The project folder of a batch (``lots/<name>/``, ignored by git): the project's raw files hard-linked (or
    copied where links cannot be made), its declarations copied, its national reference, notebooks and scenarios
    linked; the batch's declarations and tables are written there, never among the project's own. Made once."""
    import shutil

    root = paths.root / "lots" / name
    if not (root / "territoires").is_dir():
        tmp = root.with_name(f".{name}.en-cours")
        shutil.rmtree(tmp, ignore_errors=True)

        def link(src, dst):
            try:
                os.link(src, dst)
            except OSError:
                shutil.copy2(src, dst)

        shutil.copytree(paths.raw, tmp / "data" / "raw", copy_function=link)
        shutil.copytree(paths.declarations, tmp / "territoires")
        for rel in ("data/reference", "notebooks", "scenarios"):
            if (paths.root / rel).exists():
                (tmp / rel).parent.mkdir(parents=True, exist_ok=True)
                (tmp / rel).symlink_to((paths.root / rel).resolve())
        tmp.rename(root)
    return get_paths(root)


def declare_region(paths: Paths, region: str, echo=print, limit: int | None = None) -> tuple[Paths, list[str], int]:
    """Declare every EPCI of ``region`` (INSEE code) from the national reference, in the batch's project
    (:func:`lot_project`, ``lots/region-<code>/``): an EPCI already declared alone there keeps its declaration; the
    others get the id of their short name in lower case. ``limit``: the first EPCIs only, by SIREN (a trial).
    Returns the batch's paths, the ids and how many were declared now."""
    import re

    from ..declaration import all_declared, create, load_reference, short_name

    ref = load_reference(paths)
    communes = ref.communes
    if "code_region" not in communes or not (communes["code_region"].astype(str) == str(region)).any():
        raise ConfigurationError(f"région inconnue du référentiel national : « {region} » (code INSEE de région, "
                                 "par exemple 32 pour les Hauts-de-France)")
    sirens = sorted(set(communes.loc[communes["code_region"].astype(str) == str(region), "epci_siren"].dropna()
                        .astype(str)))
    sirens = sirens[:limit] if limit else sirens
    lot = lot_project(paths, f"region-{region}")
    ref = load_reference(lot)
    alone = {str(d.epcis[0]["siren"]): d.ident for d in all_declared(lot) if len(d.epcis) == 1}
    names = dict(zip(ref.epci["siren"].astype(str), ref.epci["nom"].astype(str)))
    idents, made = [], 0
    for siren in sirens:
        if siren in alone:
            idents.append(alone[siren])
            continue
        ident = re.sub(r"[^a-z0-9]+", "-", short_name(names[siren]).lower()).strip("-") or f"epci-{siren}"
        if (lot.declarations / f"{ident}.yml").exists():
            ident = f"{ident}-{siren}"
        create(lot, ident, names[siren], [siren], ref=ref)
        made += 1
        idents.append(ident)
        echo(f"  déclaré : {ident} — {names[siren]}")
    return lot, idents, made
