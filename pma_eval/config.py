"""Every path of the workbench, in one place.

The project root defaults to the checkout that holds this package; set ``PMA_EVAL_ROOT``
to work on another copy (tests, contractors reproducing a run elsewhere). Individual folders
can be overridden with ``PMA_EVAL_RAW_DIR``, ``PMA_EVAL_PROCESSED_DIR`` and
``PMA_EVAL_REPORTS_DIR``. Nothing here touches the disk.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Paths:
    """Resolved folders of one workbench instance."""

    root: Path
    raw: Path
    processed: Path
    reports: Path

    @property
    def notebooks(self) -> Path:
        return self.root / "notebooks"

    @property
    def scenarios(self) -> Path:
        """Folder of the lever scenarios (``scenarios/*.yml``, see its README)."""
        return self.root / "scenarios"


def get_paths(root: str | os.PathLike | None = None) -> Paths:
    """Return the folders in force (environment overrides applied).

    Parameters
    ----------
    root : path-like, optional
        Project root. Default: ``$PMA_EVAL_ROOT`` or the parent of the package folder.
    """
    base = Path(root or os.environ.get("PMA_EVAL_ROOT") or PACKAGE_DIR.parent).resolve()

    def pick(var: str, default: Path) -> Path:
        value = os.environ.get(var)
        return Path(value).resolve() if value else default

    return Paths(
        root=base,
        raw=pick("PMA_EVAL_RAW_DIR", base / "data" / "raw"),
        processed=pick("PMA_EVAL_PROCESSED_DIR", base / "data" / "processed"),
        reports=pick("PMA_EVAL_REPORTS_DIR", base / "reports"),
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
DEFAULT_SCENARIOS = ("tendanciel", "turbine", "snbc")
DEFAULT_HORIZON = 2050
DEFAULT_DRAWS = 10_000
DEFAULT_SEED = 20250101
