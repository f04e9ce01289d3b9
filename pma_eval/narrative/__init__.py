"""French sentences from the numbers ("mise en récit").

Numbers are formatted with Babel (:mod:`pma_eval.fmt`); grammar (gender, number, agreement of
the past participle) is handled here; the wording lives in jinja2 templates and a YAML file of
subjects under ``templates/`` that a communication officer can edit without touching Python.
Sentences carry a ``materiality`` score so that reports and fiches open with what matters.
"""

from .sentences import (
    Sentence,
    comparison_sentence,
    evolution_sentence,
    rank,
    section_text,
    territory_sentences,
)

__all__ = ["Sentence", "comparison_sentence", "evolution_sentence", "rank", "section_text", "territory_sentences"]
