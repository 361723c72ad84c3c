"""Votes (ANNOTATION.md §6): who voted how, read from decisions in the shapes minutes print them."""

from __future__ import annotations

import pytest

from _decisions import decide, votes_of

V = "Yusuf Emre Kaya"

# (decision text, expected votes as (position, parties, persons, count))
CASES = [
    # subject first, party letters in brackets
    ("Godkendt.\n(Ø) stemte imod.", [("imod", ("Ø",), (), None)]),
    ("Godkendt.\n(Ø) og (F) stemte imod.", [("imod", ("Ø", "F"), (), None)]),
    ("Godkendt.\n(Ø) stemte imod med bemærkning om, at (Ø) ikke kan stemme for pavilloner.",
     [("imod", ("Ø",), (), None)]),
    ("Anbefales.\n(A), (C) og (Ø) undlod at stemme.", [("undlod", ("A", "C", "Ø"), (), None)]),
    ("Godkendt.\n(F) undlod at tage stilling.", [("undlod", ("F",), (), None)]),
    ("Anbefales.\n(A) og (Ø) undlader.", [("undlod", ("A", "Ø"), (), None)]),
    ("Anbefales.\n(Ø) undlader på pkt. 2", [("undlod", ("Ø",), (), None)]),
    ("Godkendt.\n(V) og (C) stemmer i mod.", [("imod", ("V", "C"), (), None)]),
    # members with party suffixes, "fra (A)", local lists with numbers
    (f"Anbefales.\n{V} (Ø) stemte imod.", [("imod", ("Ø",), (V,), None)]),
    ("Godkendt.\nSvend Ahle (A), stemte imod punkt 2.", [("imod", ("A",), ("Svend Ahle",), None)]),
    ("Anbefales godkendt.\nJørgen Bak (V) tog forbehold for finansieringen.",
     [("undlod", ("V",), ("Jørgen Bak",), None)]),
    ("Godkendt.\nKarl-Henrik Vestergaard (D), Anders Østerby (V) og Poul Hedegaard (V) undlod at tage "
     "stilling til indstillingspunkt 6.",
     [("undlod", ("D", "V"), ("Karl-Henrik Vestergaard", "Anders Østerby", "Poul Hedegaard"), None)]),
    ("Godkendt.\nRikke Brandt (V), Niels Kragh (V) Lone Dam (D) undlod at tage stilling.",
     [("undlod", ("V", "D"), ("Rikke Brandt", "Niels Kragh", "Lone Dam"), None)]),
    ("Godkendt.\nFor stemte (V), Birgitte Lauth (UP-1) samt Erik S. Nygaard, Svend Ahle fra (A).\n"
     "Imod stemte (C) og Kenneth Jerkel fra (A).",
     [("for", ("V", "UP1", "A"), ("Birgitte Lauth", "Erik S. Nygaard", "Svend Ahle"), None),
      ("imod", ("C", "A"), ("Kenneth Jerkel",), None)]),
    ("Godkendt.\nHanne Vinther (SF) stemte imod med følgende mindretalsudtalelse:\n"
     "”SF stemmer mod, da vi mener opgaven er for snæver.”", [("imod", ("SF",), ("Hanne Vinther",), None)]),
    ("Anbefales.\nBorgmester Lise Juhl (A) og Ulla van der Berg (O) undlod at stemme.",
     [("undlod", ("A", "O"), ("Lise Juhl", "Ulla van der Berg"), None)]),
    # position first, lists on the same line and below it, bare letters
    ("Indstillingen blev godkendt.\nFor stemte A, V og C. Imod stemte Ø og F.",
     [("for", ("A", "V", "C"), (), None), ("imod", ("Ø", "F"), (), None)]),
    ("Godkendt.\nImod stemte: F og Ø", [("imod", ("F", "Ø"), (), None)]),
    ("Godkendt.\nAd 2b.\nImod stemte: Ø, med bemærkning om, at det rammer unge.\nUndlader: F",
     [("imod", ("Ø",), (), None), ("undlod", ("F",), (), None)]),
    ("Godkendt.\nStemte imod: (F) og (Ø)", [("imod", ("F", "Ø"), (), None)]),
    ("Anbefales.\nFor stemte:\nInge Lise Kromann (V)\nSusanne Krag (A)\nImod stemte:\n(Ø) med bemærkning om, "
     "”at vi ønsker en anden løsning.”\n(F) med bemærkning om, at (F) stemmer imod.",
     [("for", ("V", "A"), ("Inge Lise Kromann", "Susanne Krag"), None), ("imod", ("Ø", "F"), (), None)]),
    ("1. Anbefales.\n2. Kan ikke anbefales.\nFor administrationens indstilling stemte: Svend Ahle (A)\n"
     "Imod administrationens indstilling stemte: Jesper Kjær (V) og Poul Hedegaard (V).",
     [("for", ("A",), ("Svend Ahle",), None), ("imod", ("V",), ("Jesper Kjær", "Poul Hedegaard"), None)]),
    ("Godkendt.\nFor stemte: (V), (A) og (C)\nImod stemte: ingen", [("for", ("V", "A", "C"), (), None)]),
    ("Godkendt.\nHverken for eller imod: (K)", [("undlod", ("K",), (), None)]),
    # counts
    ("Forslaget blev vedtaget.\nFor stemte 19 (A, V, C, F) mod 8 (O, Ø).",
     [("for", ("A", "V", "C", "F"), (), 19), ("imod", ("O", "Ø"), (), 8)]),
    ("Med stemmerne 17 for og 5 imod godkendte Byrådet Økonomiudvalgets indstilling.\n"
     "For stemte: (V), (A) og (D).\nImod stemte: (C) og (Ø).",
     [("for", ("V", "A", "D"), (), 17), ("imod", ("C", "Ø"), (), 5)]),
    ("Med stemmerne 15 for og ingen imod godkendte Byrådet indstillingen.\nFor stemte (V), (C) og (F)\n"
     "(A) undlod at stemme.", [("for", ("V", "C", "F"), (), 15), ("undlod", ("A",), (), None)]),
    ("Indstillingen blev vedtaget med 15 stemmer mod 12.", [("for", (), (), 15), ("imod", (), (), 12)]),
    ("Godkendt med 9 stemmer for (A, F, Ø) og 4 stemmer imod (V, C).",
     [("for", ("A", "F", "Ø"), (), 9), ("imod", ("V", "C"), (), 4)]),
    ("Med stemmerne 13 for og 10 imod besluttede kommunalbestyrelsen ikke at sende forslaget til realitetsbehandling.\n"
     "(V), (C) og (O) ønskede ikke at sende forslaget til realitetsbehandling.\n"
     "(A), (F) og (Ø) ønskede at sende forslaget til realitetsbehandling.",
     [("for", ("V", "C", "O"), (), 13), ("imod", ("A", "F", "Ø"), (), 10)]),
    # majorities and minorities
    ("Et flertal bestående af (A), (V) og (O) godkendte indstillingen.\nEt mindretal bestående af (Ø) "
     "kunne ikke tiltræde.", [("for", ("A", "V", "O"), (), None), ("imod", ("Ø",), (), None)]),
    ("Et flertal (A, V) anbefaler indstillingen. Et mindretal (F) ønsker sagen udsat.",
     [("for", ("A", "V"), (), None), ("imod", ("F",), (), None)]),
    ("Et flertal på 5 medlemmer (A, C) stemte imod forslaget.", [("imod", ("A", "C"), (), 5)]),
    # full party names, verb second, dissents without a vote word
    ("Godkendt.\nEnhedslisten og SF stemte imod.", [("imod", ("Ø", "SF"), (), None)]),
    ("Godkendt.\nDesuden stemte (Ø) imod.", [("imod", ("Ø",), (), None)]),
    ("Byrådet godkendte Økonomiudvalgets indstilling.\n(A) og (Ø) følger administrationens indstilling.",
     [("imod", ("A", "Ø"), (), None)]),
    ("Indstillingen blev godkendt.\nMogens Riis (D) kunne ikke tiltræde indstillingen.",
     [("imod", ("D",), ("Mogens Riis",), None)]),
    ("Udvalget anbefaler indstillingen.\n\nKirsten Bjerre (Ø) kunne ikke anbefale indstillingen, da "
     "garantiprovisionen bør være højere.", [("imod", ("Ø",), ("Kirsten Bjerre",), None)]),
    ("Godkendt.\n(Ø) tilkendegav at ville stemme imod.", [("imod", ("Ø",), (), None)]),
    ("Socialdemokratiet, SF og Enhedslisten stemte for, mens Venstre og Konservative stemte imod.",
     [("for", ("A", "SF", "Ø"), (), None), ("imod", ("V", "C"), (), None)]),
    ("Venstre og Dansk Folkeparti kunne ikke tiltræde indstillingen.", [("imod", ("V", "O"), (), None)]),
    ("Kommunalbestyrelsen godkendte med 15 stemmer mod 6 (V og O) indstillingen.",
     [("for", (), (), 15), ("imod", ("V", "O"), (), 6)]),
    ("Forslaget blev vedtaget med 15 stemmer (A, B, F og Ø) mod 10 stemmer (V, C og O).",
     [("for", ("A", "B", "F", "Ø"), (), 15), ("imod", ("V", "C", "O"), (), 10)]),
    ("For forslaget stemte 10: A og F.\nImod stemte 15: V, C og O.",
     [("for", ("A", "F"), (), 10), ("imod", ("V", "C", "O"), (), 15)]),
    ("Godkendt.\n(V) ønskede sin afvigende mening tilført protokollen.", [("imod", ("V",), (), None)]),
    ("Godkendt med 5 stemmer for og 2 imod, idet V undlod at stemme.",
     [("for", (), (), 5), ("imod", (), (), 2), ("undlod", ("V",), (), None)]),
    ("Godkendt.\nRådmand Jens Hansen (A) stemte imod.", [("imod", ("A",), ("Jens Hansen",), None)]),
    ("Indstillingen blev godkendt. For stemte 45 medlemmer: A, B, C, F, I, O, V, Ø, Å. Imod stemte 0 "
     "medlemmer. Undlod at stemme 5 medlemmer: D.",
     [("for", ("A", "B", "C", "F", "I", "O", "V", "Ø", "Å"), (), 45), ("undlod", ("D",), (), 5)]),
    ("Et flertal i udvalget (A, B, F og Ø) indstiller planen. Et mindretal (V, C og O) stemmer imod.",
     [("for", ("A", "B", "F", "Ø"), (), None), ("imod", ("V", "C", "O"), (), None)]),
    ("Vedtaget med 8 stemmer for (A, F, Ø), 4 stemmer imod (V, C) og 1 som undlod at stemme (O).",
     [("for", ("A", "F", "Ø"), (), 8), ("imod", ("V", "C"), (), 4), ("undlod", ("O",), (), 1)]),
    ("Forslaget blev vedtaget med 28 stemmer mod 0.", [("for", (), (), 28)]),
    ("(V) og (O) tager forbehold for endelig stillingtagen.", [("undlod", ("V", "O"), (), None)]),
    # several votes in one sentence, and one per proposal
    ("Tina Holm (A) stemte for, Linda Bak (F) stemte imod. Niels Kragh (V) og Jesper Kjær (V) undlod at "
     "stemme.", [("for", ("A",), ("Tina Holm",), None), ("imod", ("F",), ("Linda Bak",), None),
                 ("undlod", ("V",), ("Niels Kragh", "Jesper Kjær"), None)]),
    ("A stiller forslag om at hæve temperaturen.\nA stemmer for og V stemmer imod.",
     [("for", ("A",), (), None), ("imod", ("V",), (), None)]),
    # a vote inside a reason still counts
    ("Anbefales, idet Rikke Brandt (V) undlod.", [("undlod", ("V",), ("Rikke Brandt",), None)]),
]


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[c[0][:50] for c in CASES])
def test_votes(text, expected):
    assert votes_of(decide(text)) == expected


# Party letters and positions that are no votes (ANNOTATION.md §6)
NOT_VOTES = [
    "Godkendt.\n(V) og (O) foreslår, at der udarbejdes en analyse.",
    "Teknik- og Miljøudvalget udpegede Bente Mogensen (V) og Susanne Krag (A) til bestyrelsen.",
    "Godkendt.\nFraværende: Tove Schmidt (V)",
    "Udvalget undlod at tage stilling.",
    "Økonomiudvalget undlod at tage stilling og ønsker en supplerende sagsfremstilling.",
    "Økonomiudvalget kan ikke anbefale administrationens indstilling.",
    "Anbefales.\nHvad sker der, hvis boligselskabet er imod dette?",
    "Godkendt.\n”Enhedslisten stemmer imod, da vi ikke har besparelsen med.”",
    "Ændringsforslag fra O om færre boliger blev ikke vedtaget.",
    "Anbefales, med den ændring, at én repræsentant fra flertalsgruppen og én fra mindretallet deltager.",
    "Administrationens indstilling blev godkendt.\n(A) og (Ø) følger administrationens indstilling.",
]


@pytest.mark.parametrize("text", NOT_VOTES, ids=[t[:50] for t in NOT_VOTES])
def test_no_votes(text):
    assert votes_of(decide(text)) == []


def test_vote_offsets_point_at_the_words_read():
    decision = decide("Godkendt.\nYusuf Emre Kaya (Ø) stemte imod.")
    vote = decision.votes[0]
    doc_text_slice = decision.text[vote.start - decision.start:vote.end - decision.start]
    assert doc_text_slice == "Yusuf Emre Kaya (Ø) stemte imod"


def test_a_vote_on_disqualification_counts_but_leaves_the_matter_unanimous():
    decision = decide("Susanne Krag (A) spurgte, om hun var inhabil i sagens behandling.\n"
                      "Udvalget stemte om Susanne Krag kunne deltage i sagens behandling.\nFor stemte:\n"
                      "Imod stemte: Birgitte Lauth (UP), Anders Østerby (V), Susanne Krag (A)\n"
                      "Udvalget erklærede, at Susanne Krag (A) ikke kan deltage.\nAd 1) godkendes")
    assert votes_of(decision) == [("imod", ("UP", "V", "A"),
                                   ("Birgitte Lauth", "Anders Østerby", "Susanne Krag"), None)]
    assert decision.outcome == "godkendt"
    assert decision.unanimous is True
    assert any("disqualification" in e for e in decision.evidence)
