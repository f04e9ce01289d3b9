"""Raw → processed: discover, read, one step per table, sanity checks, atomic write.

Every file of ``data/raw`` that has a ``format`` in its ``.meta.yml`` is read with the reader
of that format. Real (``observed``) data takes precedence over ``demonstration`` data where it covers the
same geography, year and key (commune, year, energy…). The tidy tables are validated (:mod:`pma_eval.schemas`), checked for
consistency, then written to a temporary folder that replaces ``data/processed`` only when
everything succeeded: a failed build leaves the previous processed data exactly as it was.

Modules: :mod:`.discover` (raw files and their readers), :mod:`.steps` (one function per
processed table), :mod:`.precedence` (real over demonstration, per geography, year and key),
:mod:`.reconcile` (gaps, aggregation, published totals, consistency), :mod:`.write` (atomic
write and manifest), :mod:`.pipeline` (the order). Downstream code reads the result through
:mod:`pma_eval.processed`, never through this package.
"""

from .common import TABLES, BuildReport, RawFile
from .discover import discover
from .pipeline import build, build_if_needed, build_tables
from .precedence import apply_precedence
from .reconcile import check_consistency
from .write import write_processed

__all__ = ["TABLES", "BuildReport", "RawFile", "apply_precedence", "build", "build_if_needed", "build_tables", "check_consistency",
           "discover", "write_processed"]
