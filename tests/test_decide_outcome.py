"""Outcome and unanimity (ANNOTATION.md §6) from decision texts in the shapes minutes print them."""

from __future__ import annotations

import pytest

from _decisions import decide, minutes
from referat.decide import Decider

# (decision text, outcome, unanimous)
CASES = [
    ("Godkendt.", "godkendt", True),
    ("Indstillingen blev godkendt.", "godkendt", True),
    ("Indstillingen tiltrådt.", "godkendt", True),
    ("Vedtaget.", "godkendt", True),
    ("Som indstillet.", "godkendt", True),
    ("Byrådet godkendte Økonomiudvalgets indstilling.", "godkendt", True),
    ("Dagsordenen blev godkendt med følgende ændringer i rækkefølgen:\nPkt. 4 behandles før pkt. 2.",
     "godkendt", True),
    ("Formand Anne Mikkelsen (F) bød velkommen. Dagsordenen blev godkendt.", "godkendt", True),
    ("Teknik- og Miljøudvalget udpegede Bente Mogensen (V) til bestyrelsen.", "godkendt", True),
    ("Udvalget pegede på Erik Nygaard som formand.", "godkendt", True),
    ("Enstemmigt vedtaget.", "godkendt", True),
    ("Indstillingen blev godkendt uden afstemning.", "godkendt", True),
    ("Et enigt udvalg anbefaler indstillingen.", "anbefalet", True),
    ("Anbefales.", "anbefalet", True),
    ("Anbefales godkendt over for Kommunalbestyrelsen.", "anbefalet", True),
    ("Indstilles til godkendelse", "anbefalet", True),
    ("Udvalget anbefaler indstillingen.", "anbefalet", True),
    ("Økonomiudvalget anbefaler overfor Kommunalbestyrelsen, at årsregnskabet oversendes til revisionen.", "anbefalet", True),
    ("Det anbefales, at orienteringen tages til efterretning.", "anbefalet", True),
    ("Udvalget indstiller, at saunaen genåbnes.", "anbefalet", True),
    ("Forkastet.", "afvist", True),
    ("Ikke godkendt.", "afvist", True),
    ("1-3 Ikke godkendt. Sagen sendes tilbage til fornyet behandling i fagudvalget.", "afvist", True),
    ("Anbefales ikke", "afvist", True),
    ("Kan ikke anbefales, idet udvalget indstiller, at sagen oversendes til budgetforhandlingerne.",
     "afvist", True),
    ("Økonomiudvalget kan, overfor Byrådet, ikke anbefale indstillingen.", "afvist", True),
    ("Forvaltningens indstilling blev ikke godkendt, idet der ikke var enighed.", "afvist", True),
    ("Med stemmerne 13 for og 10 imod besluttede kommunalbestyrelsen ikke at sende forslaget til realitetsbehandling.",
     "afvist", False),
    ("Udvalget ønsker ikke, at forslaget oversendes til budgetforhandlingerne.", "afvist", True),
    ("Byrådet godkendte indstillingen om at afvise ansøgningen.", "afvist", True),
    ("Taget til efterretning.", "taget_til_efterretning", True),
    ("Orienteringen blev taget til til efterretning.", "taget_til_efterretning", True),
    ("Udvalget tog orienteringen til efterretning.", "taget_til_efterretning", True),
    ("Borgmester Lise Juhl (A) besvarede spørgsmålet.\nTaget til efterretning.", "taget_til_efterretning", True),
    ("Orienteringen blev taget til efterretning og videresendes til Byrådet.", "taget_til_efterretning", True),
    ("Byrådet besvarede borgernes spørgsmål.", "taget_til_efterretning", True),
    ("Drøftet.", "drøftet", True),
    ("Styringsarket blev drøftet.\n(V) og (O) foreslår en analyse af udgifterne.", "drøftet", True),
    ("Udvalget drøftede rammerne og er tilfreds med dialogen.", "drøftet", True),
    ("Udsat.", "udsat", True),
    ("Sagen udsættes til næste møde.", "udsat", True),
    ("Sagen blev trukket.", "udsat", True),
    ("Sagen udgik.", "udsat", True),
    ("Sendes tilbage til forvaltningen.", "udsat", True),
    ("Økonomiudvalget besluttede at sende sagen tilbage til udvalget.", "udsat", True),
    ("Udvalget ønsker sagen genoptaget på kommende møde.", "udsat", True),
    ("Administrationen trækker sagen tilbage.", "udsat", True),
    ("1. Udvalget ønsker en sagsfremstilling om udgiften, inden der vælges proces.\n2. Anbefales ikke.",
     "udsat", True),
    ("Oversendes til Økonomiudvalget.", "oversendt", True),
    ("Byrådet besluttede at sende forslaget til realitetsbehandling i Plan- og Tryghedsudvalget.",
     "oversendt", True),
    ("Byrådet 1. behandlede budgetforslaget og videresendte det til 2. behandling.", "oversendt", True),
    ("Udvalget undlod at tage stilling.", "andet", None),
    ("2.-3. Udvalget undlod at tage stilling.", "andet", None),
    ("Der var ingen orienteringer.", "andet", None),
    ("Ingen orienteringspunkter.", "andet", None),
    ("Temamødet blev afholdt", "andet", None),
    ("Forslaget blev nedstemt.", "afvist", True),
    ("Anbefalingen følges.", "godkendt", True),
    ("Bevilling givet.", "godkendt", True),
    ("Fremsendes til Byrådet med anbefaling.", "anbefalet", True),
    ("Udvalget besluttede at anbefale Byrådet at godkende planen.", "anbefalet", True),
    ("Punktet bortfalder.", "udsat", True),
    ("Punktet blev behandlet for lukkede døre.", None, None),
    # an amendment's fate is not the item's
    ("Ændringsforslag fra V om færre boliger blev forkastet med 9 stemmer for og 16 imod.\n"
     "Indstillingen blev herefter godkendt.", "godkendt", False),
    ("Forslaget fra Enhedslisten blev forkastet.", "afvist", True),
    # mixed decisions take their first point
    ("1. Status blev taget til efterretning\n7.a-c indstilles godkendt", "taget_til_efterretning", True),
    ("1.- 3. Godkendt.\n4. Ikke godkendt, idet udvalget ønsker at fastholde kravet.", "godkendt", True),
    ("1. Orienteringen blev taget til efterretning\n2a. Anbefales\n2.b. Anbefales ikke",
     "taget_til_efterretning", True),
    ("Ad 1-4.\nAnbefales.", "anbefalet", True),
    # votes decide unanimity
    ("Godkendt.\n(Ø) stemte imod.", "godkendt", False),
    ("Anbefales.\nHanne Vinther (F) undlod at tage stilling.", "anbefalet", False),
    ("Et flertal bestående af (A) og (V) godkendte indstillingen.", "godkendt", False),
    ("Godkendt.\nFor stemte: (V), (A) og (C)\nImod stemte: ingen", "godkendt", True),
    # positions printed and no verdict
    ("(A) og (C) undlod at tage stilling.\n(UP) og (Ø) stemte imod indstillingen.", "andet", False),
]


@pytest.mark.parametrize(("text", "outcome", "unanimous"), CASES, ids=[c[0][:50] for c in CASES])
def test_outcome_and_unanimity(text, outcome, unanimous):
    decision = decide(text)
    if outcome is None:
        assert decision is None
        return
    assert (decision.outcome, decision.unanimous) == (outcome, unanimous)


def test_evidence_names_the_phrase_that_decided():
    decision = decide("Sagen sendes tilbage til administrationen.")
    assert decision.evidence[0] == 'outcome udsat: "sendes tilbage" (strong phrase)'


def test_approving_a_recommendation_to_refuse_is_afvist():
    doc = minutes({"title": "Initiativretsforslag", "sections": {
        "Indstilling": "Administrationen indstiller, at forslaget afvises.",
        "Beslutning": "Godkendt."}})
    Decider("rules").decide(doc)
    assert doc.items[0].decision.outcome == "afvist"


def test_without_a_model_an_undecided_text_is_andet():
    decision = decide("Udvalget takkede for oplægget.")
    assert decision.outcome == "andet"
    assert "no phrase decides" in decision.evidence[0]
