"""Every path of the workbench, in one place.

The project root defaults to the checkout that holds this package; set ``PMA_EVAL_ROOT``
to work on another copy (tests, contractors reproducing a run elsewhere). Individual folders
can be overridden with ``PMA_EVAL_RAW_DIR``, ``PMA_EVAL_PROCESSED_DIR`` and
``PMA_EVAL_REPORTS_DIR``. Nothing here touches the disk.

The territory in use (issue 27) is a declaration ``territoires/<id>.yml``: the default one,
:data:`DEFAULT_TERRITORY`, or the one that ``PMA_EVAL_TERRITOIRE`` (or a command's ``--territoire``)
names. The default territory builds into ``data/processed`` and publishes into ``reports/``; any other into
``data/territoires/<id>/processed`` and ``reports/territoires/<id>/``, so that building or publishing one never
overwrites another. Its scenarios are those of ``scenarios/territoires/<id>/`` when it has written its own, else the
reference ones of ``scenarios/reference/`` (:attr:`Paths.scenarios`): the default territory's own strategy (its
programme's scenario) is never run for another. Only :attr:`Paths.scenarios` and :func:`default_scenarios` look at
the disk (whether such a folder exists, which scenarios it holds).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent

#: The territory built when none is named: its declaration is ``territoires/pma.yml``.
DEFAULT_TERRITORY = "pma"
#: Environment variable naming the territory in use (a declared id).
TERRITORY_ENV = "PMA_EVAL_TERRITOIRE"
#: Folder of the declarations, under the project root.
DECLARATIONS_DIR = "territoires"
#: Folder, under the reports folder, of the products of every territory but the default one (``<id>/<year>/…``).
REPORTS_OF_OTHERS = "territoires"
#: Scenario folders (under ``scenarios/``): the reference set of a territory that has not written its own, and the
#: folder of the territories' own sets (``territoires/<id>/``). The default territory's set is ``scenarios/`` itself.
REFERENCE_SCENARIOS_DIR, OWN_SCENARIOS_DIR = "reference", "territoires"


def territory_id(value: str | None = None) -> str:
    """The id of the territory in use: ``value``, else ``$PMA_EVAL_TERRITOIRE``, else :data:`DEFAULT_TERRITORY`
    (not checked here: :func:`pma_eval.declaration.load` refuses an undeclared one)."""
    return (value or os.environ.get(TERRITORY_ENV) or DEFAULT_TERRITORY).strip()


@dataclass(frozen=True)
class Paths:
    """Resolved folders of one workbench instance."""

    root: Path
    raw: Path
    processed: Path
    reports: Path
    #: Id of the territory in use (its declaration is :attr:`declaration`).
    territory: str = DEFAULT_TERRITORY

    @property
    def declarations(self) -> Path:
        """Folder of the territory declarations (``territoires/``)."""
        return self.root / DECLARATIONS_DIR

    @property
    def declaration(self) -> Path:
        """Declaration of the territory in use (``territoires/<id>.yml``)."""
        return self.declarations / f"{self.territory}.yml"

    @property
    def notebooks(self) -> Path:
        return self.root / "notebooks"

    @property
    def scenarios(self) -> Path:
        """Folder of the lever scenarios of the territory in use (``*.yml``, see ``scenarios/README.md``): the default
        territory's are ``scenarios/``; another territory's are ``scenarios/territoires/<id>/`` when that folder
        exists (its own strategy beside the trend and the SNBC), else the reference ones, ``scenarios/reference/``
        (the trend and the SNBC, no local strategy)."""
        base = self.root / "scenarios"
        if self.territory == DEFAULT_TERRITORY:
            return base
        own = base / OWN_SCENARIOS_DIR / self.territory
        return own if own.is_dir() else base / REFERENCE_SCENARIOS_DIR

    @property
    def own_scenarios(self) -> Path:
        """Where the territory in use writes its own scenarios (:attr:`scenarios` once it exists)."""
        base = self.root / "scenarios"
        return base if self.territory == DEFAULT_TERRITORY else base / OWN_SCENARIOS_DIR / self.territory


def get_paths(root: str | os.PathLike | None = None, territory: str | None = None) -> Paths:
    """Return the folders in force (environment overrides applied).

    Parameters
    ----------
    root : path-like, optional
        Project root. Default: ``$PMA_EVAL_ROOT`` or the parent of the package folder.
    territory : str, optional
        Id of a declared territory. Default: :func:`territory_id` (``$PMA_EVAL_TERRITOIRE`` or ``pma``).
    """
    base = Path(root or os.environ.get("PMA_EVAL_ROOT") or PACKAGE_DIR.parent).resolve()
    ident = territory_id(territory)
    processed = (base / "data" / "processed" if ident == DEFAULT_TERRITORY
                 else base / "data" / "territoires" / ident / "processed")

    def pick(var: str, default: Path) -> Path:
        value = os.environ.get(var)
        return Path(value).resolve() if value else default

    reports = pick("PMA_EVAL_REPORTS_DIR", base / "reports")
    return Paths(
        root=base,
        raw=pick("PMA_EVAL_RAW_DIR", base / "data" / "raw"),
        processed=pick("PMA_EVAL_PROCESSED_DIR", processed),
        reports=reports if ident == DEFAULT_TERRITORY else reports / REPORTS_OF_OTHERS / ident,
        territory=ident,
    )


# First year of the series the workbench handles, and the last accepted as plausible.
YEAR_MIN = 1990
YEAR_MAX = 2060


def observed_year_max() -> int:
    """Last year an observation can be about: the current year (annual data of a later year would be a
    projection or a typing error, never an observation). Targets and scenarios may look further."""
    import datetime

    return datetime.date.today().year

# Defaults of the scenario report (command line, yearly run, notebook context).
#: The scenarios every territory has: the trend, and the one held to the reference trajectory (SNBC territorialised).
TREND_SCENARIO, TARGET_SCENARIO = "tendanciel", "snbc"
REFERENCE_SCENARIOS = (TREND_SCENARIO, TARGET_SCENARIO)


def own_strategies(paths: Paths | None = None) -> tuple[str, ...]:
    """The scenarios of the territory's own strategy, in name order: those of its scenario folder
    (:attr:`Paths.scenarios`) that branch off the trend (``parent: tendanciel``), but the reference ones: the
    default territory's programme (« turbine »), none for a territory that has written no scenario of its own. A
    variant of the strategy (whose parent is the strategy) is run only on request."""
    import yaml

    folder = (paths or get_paths()).scenarios
    out = []
    for path in sorted(folder.glob("*.yml")) if folder.is_dir() else ():
        if path.stem in REFERENCE_SCENARIOS:
            continue
        try:
            doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError):
            continue  # the scenario report names the unreadable file (sources.prospective.read_scenario_folder)
        if isinstance(doc, dict) and doc.get("parent") == TREND_SCENARIO:
            out.append(path.stem)
    return tuple(out)


def default_scenarios(paths: Paths | None = None) -> tuple[str, ...]:
    """The scenarios a territory's report runs when none are named: the trend, its own strategy if it has one
    (:func:`own_strategies`), the SNBC. The default territory's: ``("tendanciel", "turbine", "snbc")``."""
    return (TREND_SCENARIO, *own_strategies(paths), TARGET_SCENARIO)


DEFAULT_HORIZON = 2050
DEFAULT_DRAWS = 10_000
DEFAULT_SEED = 20250101
