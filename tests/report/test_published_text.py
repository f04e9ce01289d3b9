"""Issue 23, deliverables 6 and 7, by hand: the typography filter, the operator notes kept out of the
annex, the demonstration sentences, the acronym glossed once (hand-written inputs and outputs)."""

from __future__ import annotations

import pandas as pd
import pytest

from pma_eval import fmt
from pma_eval.fmt import NBSP, NNBSP, typeset
from pma_eval.report.blocks import Table, Text, typeset_html

APOS = "\u2019"


@pytest.mark.parametrize("raw, done", [
    ("l'air d'aujourd'hui", f"l{APOS}air d{APOS}aujourd{APOS}hui"),
    ("Sources : INSEE", f"Sources{NBSP}: INSEE"),
    ("Sources: INSEE", f"Sources{NBSP}: INSEE"),
    ("en cours ; à venir", f"en cours{NNBSP}; à venir"),
    ("Pourquoi ? Parce que !", f"Pourquoi{NNBSP}? Parce que{NNBSP}!"),
    ("budget : 244 000 € ; en cours", f"budget{NBSP}: 244 000 €{NNBSP}; en cours"),
    ("« à vérifier »", f"«{NNBSP}à vérifier{NNBSP}»"),
    ("«démo»", f"«{NNBSP}démo{NNBSP}»"),
    ("fin :", f"fin{NBSP}:"),
    (" : suite d'un sigle", f"{NBSP}: suite d{APOS}un sigle"),
])
def test_typeset_french_rules(raw, done):
    assert typeset(raw) == done
    assert typeset(done) == done  # idempotent


@pytest.mark.parametrize("kept", [
    "https://www.insee.fr/fr/statistiques?debut=0 et mailto:pole@example.fr",
    "à 12:30, échelle 1:25 000",
    "1\u202f234,5\u00a0GWh",
    "'guillemets droits' en tête",
    "(: x",
])
def test_typeset_leaves_urls_times_numbers_alone(kept):
    assert typeset(kept) == kept


def test_typeset_html_touches_text_and_text_alternatives_only():
    html = ('<style>p:hover{color:red}a[title=\'x\']{}</style><p class="a:b">L\'air : « bon »</p>'
            '<a href="https://x.fr/?a=1&amp;b=2">lien : ici</a><code>pma-eval run --year 2023 : x</code>'
            '<img src="data:image/png;base64,AAA=" alt="Part d&#39;EnR : 9 %"/><!-- l\'avis : x -->')
    out = typeset_html(html)
    assert out == ('<style>p:hover{color:red}a[title=\'x\']{}</style>'
                   f'<p class="a:b">L{APOS}air{NBSP}: «{NNBSP}bon{NNBSP}»</p>'
                   f'<a href="https://x.fr/?a=1&amp;b=2">lien{NBSP}: ici</a><code>pma-eval run --year 2023 : x</code>'
                   f'<img src="data:image/png;base64,AAA=" alt="Part d{APOS}EnR{NBSP}: 9 %"/><!-- l\'avis : x -->')
    assert typeset_html(out) == out


def test_typeset_html_keeps_escaping():
    """Text is decoded, typeset and escaped again: « < » and « & » stay entities."""
    assert typeset_html("<p>a &lt; b &amp; l'air</p>") == f"<p>a &lt; b &amp; l{APOS}air</p>"
    assert typeset_html("<p>rien à changer &amp; 3 &lt; 4</p>") == "<p>rien à changer &amp; 3 &lt; 4</p>"


def test_blocks_render_typeset():
    """Every block goes through the filter: a paragraph, a table's caption, header and cells."""
    assert Text("Note : l'air").html() == f"<p>Note{NBSP}: l{APOS}air</p>"
    t = Table(pd.DataFrame({"Donnée": ["l'énergie"], "Nature": ["« démo »"]}), "Sources : l'annexe", numeric=[])
    html = t.html()
    assert f"Sources{NBSP}: l{APOS}annexe" in html and f"l{APOS}énergie" in html and f"«{NNBSP}démo{NNBSP}»" in html
    assert "&#39;" not in html and "'" not in html


def test_points_take_the_french_plural():
    assert fmt.points(25.7) == f"25,7{NBSP}points"
    assert fmt.points(1.9) == f"1,9{NBSP}point"
    assert fmt.points(-2.0, signed=True) == f"−2,0{NBSP}points"
    assert fmt.points(float("nan")) == "—"


# --- the annex keeps operator notes out ----------------------------------------------------------------

@pytest.mark.parametrize("note, published", [
    ("Valeurs fictives : remplacez-les par les sorties de l'outil ALDO de l'ADEME pour chaque EPCI "
     "(docs/sequestration.md).", "Valeurs fictives."),
    ("Parts thermosensibles de démonstration. Remplacez-les par les parts « partr » de l'Agence ORE "
     "(docs/correction_climatique.md).", "Parts thermosensibles de démonstration."),
    ("Aucune donnée d'Atmo Hauts-de-France n'est livrée : saisissez-les dans le modèle d'inventaire.", ""),
    ("Objectifs des PCAET non trouvés : seules les orientations 2018 figurent ; les saisir dans le modèle "
     "des objectifs du territoire (data/raw/objectifs).", "Objectifs des PCAET non trouvés : seules les "
                                                          "orientations 2018 figurent."),
    ("Flux au signe d'ALDO ; l'atelier publie la séquestration nette.", "Flux au signe d'ALDO ; le rapport publie "
                                                                        "la séquestration nette."),
    ("compilation du collecteur à partir de textes publics", "compilation à partir de textes publics."),
    ("Exemple fictif ; à remplacer par les registres de la chargée d'évaluation.", "Exemple fictif."),
    ("Pas d'objectif national pour les PM10 (le PRÉPA vise les PM2,5).",
     "Pas d'objectif national pour les PM10 (le PRÉPA vise les PM2,5)."),
])
def test_published_note(note, published):
    from pma_eval.report.annual.annex import published_note

    assert published_note(note) == published


def test_a_note_the_targets_contradict_is_left_out():
    from pma_eval.report.annual.annex import contradicted

    note = "Objectifs chiffrés du SRADDET adopté (2020) et des PCAET du territoire non trouvés."
    national = pd.DataFrame({"framework": ["National (SNBC, LTECV, LEC)"]})
    assert not contradicted(note, national)
    assert contradicted(note, pd.concat([national, pd.DataFrame({"framework": ["Local (PCAET CALL)"]})]))
    assert contradicted(note, pd.DataFrame({"framework": ["Régional (SRADDET Hauts-de-France)"]}))
    assert not contradicted("Pas d'objectif pour les PM10.", pd.DataFrame({"framework": ["Local (PCAET CALL)"]}))


def test_the_demonstration_note_says_what_the_values_are():
    from pma_eval.report.context import demonstration_note

    assert demonstration_note({"observed"}) == ""
    assert demonstration_note({"demonstration", "secret"}) == " Valeurs de démonstration."
    assert demonstration_note({"demonstration", "observed"}) == " Valeurs en partie de démonstration."


# --- the glossary spells an acronym out once ---------------------------------------------------------

def test_an_acronym_spelled_out_by_its_sentence_gets_no_second_gloss():
    from pma_eval.publish.report import spell_out

    body = ("<main><p>Les objectifs sont ceux du plan national de réduction des émissions de polluants "
            "atmosphériques (PRÉPA, décret n° 2017-949). La SNBC aussi.</p><p>Le PRÉPA encore.</p></main>")
    out = spell_out(body)
    assert "(PRÉPA (" not in out and out.count("(plan national") == 0
    assert ('atmosphériques (<abbr title="plan national de réduction des émissions de polluants atmosphériques">'
            'PRÉPA</abbr>, décret') in out
    assert "SNBC</abbr> (stratégie nationale bas-carbone)" in out  # the others are still spelled out


def test_the_index_names_manifests_in_words():
    from pma_eval.publish.index import _manifest_label

    name = {"PMA": "Pôle métropolitain de l'Artois", "CALL": "CA de Lens - Liévin (CALL)"}.get
    assert _manifest_label(("fiches", "communes"), name) == "Manifeste des fiches des communes"
    assert _manifest_label(("CALL",), name) == "Manifeste du rapport annuel — CA de Lens - Liévin (CALL)"
    assert _manifest_label(("prospective", "PMA"), name) == "Manifeste de la prospective — Pôle métropolitain de l'Artois"
    assert "/" not in _manifest_label(("visuels",), name)
