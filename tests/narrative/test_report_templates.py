"""Issue 23: the report's sentences are jinja2 templates of ``narrative/templates/annuel/`` and texts of
``sections.yml``; their branches give the sentences the Python f-strings gave."""

from __future__ import annotations

import pytest

from pma_eval.narrative import section_text
from pma_eval.narrative.sentences import TEMPLATES, paragraphs, render


def test_every_annual_template_compiles():
    from pma_eval.narrative.sentences import _env

    names = sorted(p.name for p in (TEMPLATES / "annuel").glob("*.j2"))
    assert len(names) >= 15
    for name in names:
        _env().get_template(f"annuel/{name}")


@pytest.mark.parametrize("skipped, expected", [
    (0, "Aucun objectif chiffré évaluable ne s'applique à ces indicateurs."),
    (1, "Aucun objectif chiffré évaluable ne s'applique à ces indicateurs (un objectif non évaluable ou secondaire, "
        "présenté en annexe)."),
    (3, "Aucun objectif chiffré évaluable ne s'applique à ces indicateurs (3 objectifs non évaluables ou "
        "secondaires, présentés en annexe)."),
])
def test_no_assessable_target(skipped, expected):
    assert render("annuel/objectifs_absents.j2", aucun=False, ecartes=skipped, renvoi="en annexe") == expected


def test_an_epci_concretisation_names_its_own_and_the_poles():
    done = lambda d, t, txt: {"fait": d, "fait_texte": txt, "total": t, "taux": f"{round(100 * d / t)} %"}  # noqa: E731
    text = render("annuel/concretisation.j2", annee=2023, sigle="CALL", registre=True, pole=False, demo=True,
                  propre=done(1, 3, "1 engagement"), ensemble=done(4, 12, "4 engagements"), de_ensemble="du Pôle")
    assert text == ("Taux de concrétisation 2023 de la CALL : la CALL contribue par ses actions à 3 des 12 engagements "
                    "du Pôle ; 1 engagement sur 3 (33 %) a au moins une action réalisée sur son territoire ; pour "
                    "l'ensemble du Pôle, 4 engagements sur 12 (33 %) ont au moins une action réalisée (données de "
                    "démonstration).")
    assert render("annuel/concretisation.j2", annee=2023, sigle="CALL", registre=False, de_ensemble="du Pôle").startswith(
        "Le taux de concrétisation 2023 n'est pas calculé : aucun registre")


def test_network_heat_is_a_minimum_when_incomplete():
    text = render("annuel/reseaux_chaleur.j2", annee=2023, inconnue=False, selon_sdes=True, au_moins=True,
                  livraisons="12\u00a0GWh", demo=None, annees_sans="2019")
    assert text.startswith("Selon le SDES, les réseaux de chaleur livrent au moins 12\u00a0GWh (total incomplet")
    assert "Aucune livraison n'est publiée pour 2019" in text


def test_drivers_sentence_without_climate_correction():
    text = render("annuel/facteurs.j2", debut=2012, fin=2023, baisse="population", baisse_kt="−5", hausse=None,
                  hausse_kt=None, climat=None)
    assert text == ("Entre 2012 et 2023, le facteur qui a le plus fait baisser les émissions est « population » "
                    "(−5 kt CO₂e). Sans correction climatique, un hiver doux est compté dans la consommation par "
                    "habitant.")


def test_section_texts_take_the_context():
    assert section_text("synthese_epci", "titre", nom="CAHC", annee=2023) == "CAHC — synthèse 2023"
    assert section_text("actions", "aucune_en_retard", annee=2023, de_qui=" de la CAHC") == (
        "Aucune action de la CAHC en retard ni en pause en 2023.")
    assert section_text("climat", "tableau", nom="CALL", marque="*", incomplet=False) == (
        "Consommation réelle et corrigée des variations climatiques — CALL")


def test_the_methods_are_paragraphs_with_the_rules_of_the_code():
    out = paragraphs("annuel/methodes.yml", regle_verdicts="RÈGLE", regle_decision="DÉCISION", convention_dju="C",
                     jours_manquants="J", indice_national="I")
    assert out[2:4] == ["RÈGLE", "DÉCISION"] and all("  " not in p and "\n" not in p for p in out)
    assert any("températures quotidiennes : C ; J." in p for p in out)


def test_the_map_alternative_names_the_incomplete_communes():
    alt = section_text("carte", "alternative", communes=50, de_nom="de la CALL", indicateur="GES par habitant",
                       annee=2023, villes=6, plus_elevees=["Haisnes (40,1 t CO₂e/hab)"], incompletes=1,
                       nommees=["Béthune"])
    assert alt.endswith("Valeurs les plus élevées : Haisnes (40,1 t CO₂e/hab). 1 commune à total incomplet "
                        "(au moins) : Béthune.")


def test_the_comparison_caption_without_members_nor_clipped_bar():
    caption = section_text("comparaison", "legende", regle="même type d'EPCI", pairs=7, membres=0, coupee=False)
    assert caption == ("Comparables retenus (même type d'EPCI) : 7 EPCI, nommés sur le graphique ; les départements "
                       "et la région en gris. * total incomplet (une lacune de la source) : un minimum.")
