"""The vocabulary (pma_eval/vocabulary.yml) is consistent and is what the rest of the house uses."""

from __future__ import annotations

from pma_eval import vocabulary as v


def test_vocabulary_is_consistent():
    assert v.check() == []
    # Every PCAET sector and every renewable technology drawn in a chart has its colour and hatch.
    assert set(v.PCAET) <= set(v.SECTOR_COLORS) and set(v.PCAET) <= set(v.SECTOR_HATCHES)
    assert set(v.RENEWABLE_TECHNOLOGIES) <= set(v.TECHNOLOGY_COLORS)
    # The eight sectors of the arrêté du 4 août 2016, in its order; memo items are apart.
    assert v.PCAET == ("residentiel", "tertiaire", "transport_routier", "autres_transports", "agriculture",
                       "dechets", "industrie_hors_energie", "branche_energie")
    assert not set(v.MEMO_SECTORS) & set(v.PCAET)


def test_one_unit_three_spellings_declared_together():
    """The unit that was spelled tCO2e, t CO₂e and kt CO2e/yr at three stages is one entry."""
    u = v.UNITS["t CO₂e"]
    assert (u.code, u.display, u.factor, u.iamc) == ("tCO2e", "kt CO₂e", 0.001, "kt CO2e/yr")
    assert v.stored_unit("MWh") == "MWh" and "tCO2e" in v.STORED_UNITS
    iamc = v.iamc_variable("energy_carrier", carrier="bois_energie")
    assert (iamc.variable, iamc.unit, iamc.factor) == ("Consommation d'énergie finale|Par énergie|Bois-énergie",
                                                      "GWh/yr", 0.001)


def test_catalogue_sources_are_format_keys_the_build_reads():
    """The lineage can be followed by a program: catalogue → format key → reader of the sources' registry, and
    every format the registry reads has its French name."""
    from pma_eval.indicators import load_catalogue
    from pma_eval.sources.layouts import LAYOUTS, TEMPLATE
    from pma_eval.sources.registry import ACTIVITY_PREFIX, formats

    readers = formats()
    assert {f for f in v.FORMATS if not f.startswith(ACTIVITY_PREFIX)} == set(readers)
    assert all(s in v.FORMATS for i in load_catalogue() for s in i.sources)
    assert all(lay.format in readers for lay in (*LAYOUTS, TEMPLATE))  # a recognised layout has a reader
