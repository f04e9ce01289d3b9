"""Report content as a pure package over :mod:`pma_eval.processed`.

- :mod:`.blocks`: ``Table``, ``Figure`` and text blocks that render themselves (jinja2 macros);
- :mod:`.context`: the annual report's context, values with their nature, source lines from metadata;
- :mod:`.annual`: the annual report, one module per section;
- :mod:`.network`: networks and actions;
- :mod:`.foresight`: inputs of the scenario report, then the scenario runs;
- :mod:`.scenarios`: tables and figures of the scenario report.

Nothing here writes a file; loading goes through :mod:`pma_eval.processed` in the two context
modules only. Publishing (HTML, PDF, IAMC files) is :mod:`pma_eval.publish`'s job.
"""

from .blocks import Bullets, Document, Figure, Group, Heading, Table, Text, Verdict, nature_note
from .context import DEMO_BANNER, ReportContext, load_context

__all__ = ["Bullets", "Document", "Figure", "Group", "Heading", "Table", "Text", "Verdict", "nature_note",
           "DEMO_BANNER", "ReportContext", "load_context"]
