"""French sentences, on hand-written cases (the expected strings are written out in full)."""

from __future__ import annotations

import math

from pma_eval.narrative import comparison_sentence, evolution_sentence, rank, territory_sentences

NNBSP, NBSP = "\u202f", "\u00a0"


def test_falling_with_target_speaks_one_rate_language():
    """Issue 23: « −20 % (−2,0 % par an) ; il faudrait −2,5 % par an … contre −2,2 % par an » mixed a
    compound rate, a rate still needed and a linear rate. The sentence now writes paces in the
    indicator's unit per year: its own average, then the verdict's observed and required paces."""
    def kt(x):  # the caller's formatter (pma_eval.report.statement.pace_text in the reports)
        return f"{x:+.1f} kt/an".replace(".", ",").replace("-", "−")

    s = evolution_sentence("ges_total", "du Pôle", 2012, 3487.0, 2023, 2774.0, "decrease",
                           {"year": 2030, "framework": "du SRADDET", "period": "2018 à 2023",
                            "observed": "−70,2 kt/an", "required": "−70,4 kt/an", "verdict": "progrès significatif",
                            "achieved": False, "verified": True}, pace=kt)
    # (2774 − 3487) / 11 = −64.8 kt a year on average; the verdict's paces arrive formatted.
    assert s.text == ("Entre 2012 et 2023, les émissions de gaz à effet de serre du Pôle ont baissé de 20" + NBSP
                      + "% (−64,8 kt/an en moyenne) ; de 2018 à 2023, le rythme a été de −70,2 kt/an, pour "
                      "−70,4 kt/an nécessaires en ligne droite vers l'objectif 2030 du SRADDET (progrès significatif).")
    assert "faudrait" not in s.text and "par an" not in s.text


def test_without_a_pace_formatter_the_sentence_keeps_the_compound_rate():
    s = evolution_sentence("ges_total", "du Pôle", 2016, 100.0, 2022, 91.0, "decrease")
    # (0.91)^(1/6) − 1 = −1.56 % per year, written −1,6 % with a typographic minus and a no-break space; a
    # change under 10 % keeps one decimal, as the key-figure cards print it (one rounding per quantity).
    assert s.text == ("Entre 2016 et 2022, les émissions de gaz à effet de serre du Pôle ont baissé de 9,0" + NBSP
                      + "% (−1,6" + NBSP + "% par an).")


def test_rising_singular_feminine():
    s = evolution_sentence("enr_elec_production", "de la CALL", 2012, 1000.0, 2023, 3000.0, "increase")
    assert s.text.startswith("Entre 2012 et 2023, la production d'électricité renouvelable de la CALL a augmenté de 200")


def test_flat_agreement_singular_and_plural():
    sg = evolution_sentence("conso_energie_finale", "de Lens", 2016, 100.0, 2022, 100.4, "decrease")
    assert sg.text == "Entre 2016 et 2022, la consommation d'énergie finale de Lens est restée stable."
    pl = evolution_sentence("ges_total", "de Lens", 2016, 100.0, 2022, 99.5, "decrease")
    assert pl.text == "Entre 2016 et 2022, les émissions de gaz à effet de serre de Lens sont restées stables."
    m = evolution_sentence("pv_installations", "de Liévin", 2016, 50.0, 2022, 50.2, "increase")
    assert "le nombre d'installations photovoltaïques de Liévin est resté stable" in m.text


def test_missing_data_gives_no_sentence():
    assert evolution_sentence("ges_total", "du Pôle", 2016, math.nan, 2022, 91.0) is None
    assert evolution_sentence("ges_total", "du Pôle", 2016, 100.0, 2022, None) is None
    assert comparison_sentence("ges_par_habitant", "de Lens", 2016, 3.9, "t CO₂e", "la CALL", math.nan, 5.1) is None


def test_demonstration_and_estimated_caveats():
    d = evolution_sentence("ges_total", "du Pôle", 2016, 100.0, 2023, 80.0, "decrease", nature="demonstration")
    assert d.text.endswith("Ces chiffres sont des données de démonstration, pas des observations.")
    e = evolution_sentence("ges_total", "du Pôle", 2016, 100.0, 2023, 80.0, "decrease", nature="estimated",
                           short_caveat=True)
    assert e.text.endswith("(en partie estimé).")


def test_thousands_use_a_narrow_no_break_space():
    s = comparison_sentence("ges_par_habitant", "de X", 2020, 1234.5, "t CO₂e", "la CALL", 4.5, 5.1)
    assert f"1{NNBSP}234,5{NBSP}t CO₂e" in s.text


def test_comparison_agreement_plural_and_masculine():
    pl = comparison_sentence("ges_par_habitant", "de Lens", 2016, 3.9, "t CO₂e", "la CALL", 4.5, 5.1)
    assert pl.text == (f"En 2016, les émissions de gaz à effet de serre par habitant de Lens sont de 3,9{NBSP}t CO₂e, "
                       f"inférieures à celles de la CALL (4,5{NBSP}t CO₂e) et du Pôle (5,1{NBSP}t CO₂e).")
    m = comparison_sentence("pv_installations", "de Lens", 2016, 30, "", "la CALL", 20, 18, decimals=0)
    assert "le nombre d'installations photovoltaïques de Lens est de 30, supérieur à celui de la CALL (20)" in m.text
    same = comparison_sentence("conso_energie_par_habitant", "de Lens", 2016, 20.2, "MWh", "la CALL", 20, 18)
    assert "proche de celle de la CALL" in same.text


def test_ranking_by_materiality():
    values = {("ges_total", 2016): (100.0, "observed"), ("ges_total", 2023): (98.0, "observed"),
              ("enr_elec_production", 2016): (10.0, "observed"), ("enr_elec_production", 2023): (30.0, "observed"),
              ("conso_energie_finale", 2016): (100.0, "observed"), ("conso_energie_finale", 2023): (90.0, "observed")}
    got = territory_sentences(lambda i, y: values.get((i, y), (math.nan, "secret")), "du Pôle", 2016, 2023,
                              {"ges_total": "decrease", "enr_elec_production": "increase",
                               "conso_energie_finale": "decrease"})
    # Materiality = min(|change|, 1) + 0.3 for total emissions: renewables +200 % → 1.0; emissions −2 % →
    # 0.02 + 0.3 = 0.32; consumption −10 % → 0.10.
    assert [s.indicator_id for s in got] == ["enr_elec_production", "ges_total", "conso_energie_finale"]
    assert rank([None, None]) == []


def test_unverified_target_is_said_so():
    s = evolution_sentence("conso_energie_finale", "du Pôle", 2012, 100.0, 2023, 84.0, "decrease",
                           {"year": 2030, "framework": "du SRADDET", "period": "2018 à 2023", "observed": "−1,5 GWh/an",
                            "required": "−1,2 GWh/an", "verdict": "progrès significatif", "achieved": False,
                            "verified": False})
    assert s.text.endswith("vers l'objectif 2030 du SRADDET (progrès significatif) (objectif à vérifier).")


def test_one_stability_threshold_for_sentences_and_key_figures():
    """A −0,7 % change used to be « stable » in one sentence and « une baisse de 1 % » in the key figure."""
    from pma_eval.report.annual.synthesis import direction_words as _direction_words

    s = evolution_sentence("ges_total", "du Pôle", 2016, 100.0, 2023, 99.3, "decrease")
    assert s.text == "Entre 2016 et 2023, les émissions de gaz à effet de serre du Pôle sont restées stables."
    assert _direction_words(99.3 / 100 - 1) == "un niveau stable"
    assert _direction_words(98.9 / 100 - 1).startswith("une baisse de 1")  # −1,1 % is beyond the threshold


def test_comparison_judges_each_comparator_separately():
    """Issue 13: 4,5 against the CALL (4,2) and the Pôle (5,1) used to read « supérieures à celles de la
    CALL (4,2) et du Pôle (5,1) ». Edge cases: above one and below the other, equal, zero, missing."""
    above_below = comparison_sentence("ges_par_habitant", "de Lens", 2023, 4.5, "t CO₂e", "la CALL", 4.2, 5.1)
    assert above_below.text == (f"En 2023, les émissions de gaz à effet de serre par habitant de Lens sont de "
                                f"4,5{NBSP}t CO₂e, supérieures à celles de la CALL (4,2{NBSP}t CO₂e) mais inférieures "
                                f"à celles du Pôle (5,1{NBSP}t CO₂e).")
    below_above = comparison_sentence("ges_par_habitant", "de Lens", 2023, 4.5, "t CO₂e", "la CALL", 5.1, 4.2)
    assert "inférieures à celles de la CALL (5,1" in below_above.text and "mais supérieures à celles du Pôle" in below_above.text
    close_above = comparison_sentence("conso_energie_par_habitant", "de Lens", 2016, 20.2, "MWh", "la CALL", 20, 18)
    assert "proche de celle de la CALL (20,0" in close_above.text and "et supérieure à celle du Pôle" in close_above.text
    equal = comparison_sentence("ges_par_habitant", "de Lens", 2023, 4.5, "t CO₂e", "la CALL", 4.5, 4.5)
    assert "égales à celles de la CALL (4,5" in equal.text and "et du Pôle (4,5" in equal.text
    zero = comparison_sentence("pv_installations", "de Lens", 2023, 0, "", "la CALL", 0, 5, decimals=0)
    assert "est de 0, égal à celui de la CALL (0) et inférieur à celui du Pôle (5)" in zero.text
    over_zero = comparison_sentence("pv_installations", "de Lens", 2023, 3, "", "la CALL", 0, 0, decimals=0)
    assert "supérieur à celui de la CALL (0) et du Pôle (0)" in over_zero.text
    assert comparison_sentence("ges_par_habitant", "de Lens", 2023, 4.5, "t CO₂e", "la CALL", 4.2, math.nan) is None


def test_a_share_changes_by_points_not_by_a_percentage_of_itself():
    """Issue 13: a renewable coverage going from 1,3 % to 7,2 % was shown « +459 % »."""
    from pma_eval.report.annual import change_text

    assert change_text(7.2 - 1.3, True) == f"+5,9{NBSP}points"
    assert change_text(-0.2, True) == f"−0,2{NBSP}points"
    assert change_text(0.80 - 1, False) == f"−20{NBSP}%"
    assert change_text(math.nan, True) == "—"


def test_target_clause_achieved_and_achieved_then_rising():
    """Issue 13: a green « atteint » hid a rise after the target was met."""
    base = {"year": 2030, "framework": "du SRADDET", "verified": True, "period": "2018 à 2023",
            "observed": "+2,0 kt/an", "required": "−3,0 kt/an", "verdict": "objectif atteint"}
    met = evolution_sentence("ges_total", "du Pôle", 2012, 100.0, 2023, 60.0, "decrease", {**base, "achieved": True})
    assert met.text.endswith("; l'objectif 2030 du SRADDET est déjà atteint.")
    rising = evolution_sentence("ges_total", "du Pôle", 2012, 100.0, 2023, 60.0, "decrease",
                                {**base, "achieved": True, "away": True})
    assert rising.text.endswith("l'objectif 2030 du SRADDET est atteint, mais de 2018 à 2023 l'indicateur s'en "
                                "éloigne (+2,0 kt/an).")


def test_a_commune_of_a_territory_of_one_epci_is_compared_once():
    """Issue 27: in a territory of one EPCI the whole is that EPCI; a fiche compares the commune with it once
    (« inférieures à celles de la CADA »), never a second time with « l'agglomération » at the same value."""
    s = comparison_sentence("ges_par_habitant", "de Douai", 2023, 3.9, "t CO₂e", "la CADA", 4.2, None,
                            du_tout="de l'agglomération", le_tout="l'agglomération").text
    assert "inférieures à celles de la CADA (4,2\u00a0t CO₂e)" in s and "agglomération" not in s
    # the EPCI's own comparison undecided (its total has a gap): said once, of the EPCI only
    u = comparison_sentence("ges_par_habitant", "de Douai", 2023, 4.1, "t CO₂e", "la CADA", 4.0, None,
                            epci_complete=False, du_tout="de l'agglomération", le_tout="l'agglomération").text
    assert "comparaison non faite avec la CADA (au moins 4,0\u00a0t CO₂e)" in u and "agglomération" not in u
