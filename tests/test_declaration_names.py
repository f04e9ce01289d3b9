"""The name of a declared territory after « de » (issue 27): a batch of a region declares each EPCI under its
reference name, which most often opens with its legal kind (« CC de Desvres-Samer ») and needs « de la »."""

from __future__ import annotations

import pytest

from pma_eval.declaration import EPCI_KINDS, name_with_de


@pytest.mark.parametrize("name, kind, expected", [
    ("CC de Desvres-Samer", "CC", "de la CC de Desvres-Samer"),
    ("CA du Caudrésis et du Catésis", "CA", "de la CA du Caudrésis et du Catésis"),
    ("CU d'Arras", "CU", "de la CU d'Arras"),
    ("Métropole Européenne de Lille", "METRO", "de la Métropole Européenne de Lille"),
    ("Douaisis Agglo", "CA", "de Douaisis Agglo"),  # a name of its own: « de »
    ("Amiens Métropole", "CA", "d'Amiens Métropole"),
    ("CCA", "CC", "de CCA"),  # an acronym that only opens with « CC » is not the kind
])
def test_an_epci_named_by_its_kind_takes_de_la(name, kind, expected):
    assert name_with_de(name, EPCI_KINDS[kind]) == expected
