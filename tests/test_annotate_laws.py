"""LAW: references to acts and sections, and the act's canonical short name."""

from __future__ import annotations

import pytest

from referat.annotate.laws import canonical_act, find_laws, load_acts
from referat.annotate.spans import from_markers

# (text, the reference's text, act, section, subsection)
SHAPES = [
    ("jf. aktivlovens § 13 d, stk. 5.", "aktivlovens § 13 d, stk. 5", "aktivloven", "13 d", "5"),
    ("Ifølge lov om social service § 101 skal", "lov om social service § 101", "serviceloven", "101", None),
    ("Den Kommunale Styringslov §§ 37 – 40.", "Den Kommunale Styringslov §§ 37 – 40", "kommunestyrelsesloven",
     "37-40", None),
    ("Den nye IGU-lov trådte i kraft", "IGU-lov", "igu-loven", None, None),
    ("Lov om integrationsgrunduddannelse (IGU), og", "Lov om integrationsgrunduddannelse (IGU)", "igu-loven",
     None, None),
    ("Serviceloven og", "Serviceloven", "serviceloven", None, None),
    ("Loven om socialt frikort trådte i kraft", "Loven om socialt frikort", "lov om socialt frikort", None, None),
    ("kompensation med §56, hjælpemidler", "§56", None, "56", None),
    ("Integrationslovens § 18 giver mulighed", "Integrationslovens § 18", "integrationsloven", "18", None),
    ("efter Lov om aktiv social politik eller", "Lov om aktiv social politik", "aktivloven", None, None),
    ("§ 85 i serviceloven", "§ 85 i serviceloven", "serviceloven", "85", None),
    ("§ 13 b, stk. 3. Der", "§ 13 b, stk. 3", None, "13 b", "3"),
    ("§§ 83 og 86.", "§§ 83 og 86", None, "83, 86", None),
    ("§ 16C, stk. 6-8, at træffe", "§ 16C, stk. 6-8", None, "16 c", "6-8"),
    ("jf. barnets lov § 17", "barnets lov § 17", "barnets lov", "17", None),
    ("efter Barnets Lov", "Barnets Lov", "barnets lov", None, None),
    ("SEL § 85 gælder", "SEL § 85", "serviceloven", "85", None),
    ("LAS § 34, stk. 2, nr. 3", "LAS § 34, stk. 2, nr. 3", "aktivloven", "34", "2"),
    ("straffeloven og", "straffeloven", "straffeloven", None, None),
    ("§ 40 stk. 2 hvoraf", "§ 40 stk. 2", None, "40", "2"),
    ("ifølge § 29 i lov om almene boliger en betingelse", "§ 29 i lov om almene boliger", "almenboligloven",
     "29", None),
    ("LAB-loven", "LAB-loven", "lab-loven", None, None),
    ("lov om en aktiv beskæftigelsesindsats", "lov om en aktiv beskæftigelsesindsats", "lab-loven", None, None),
    ("Repatrieringsloven", "Repatrieringsloven", "repatrieringsloven", None, None),
    ("efter Udlændingeloven til", "Udlændingeloven", "udlændingeloven", None, None),
    ("servicelovens §83-87.", "servicelovens §83-87", "serviceloven", "83-87", None),
    ("styrelseslovens § 16, stk. 12, 2. pkt.", "styrelseslovens § 16, stk. 12, 2. pkt.", "kommunestyrelsesloven",
     "16", "12"),
    ("Lov om kommunernes styrelse §20", "Lov om kommunernes styrelse §20", "kommunestyrelsesloven", "20", None),
    ("Lov om Social Service", "Lov om Social Service", "serviceloven", None, None),
    ("Dagtilbudslovens § 16 a", "Dagtilbudslovens § 16 a", "dagtilbudsloven", "16 a", None),
    ("Planlovens §19, stk. 1", "Planlovens §19, stk. 1", "planloven", "19", "1"),
    ("§ 3, stk. 1, nr. 3", "§ 3, stk. 1, nr. 3", None, "3", "1"),
    ("sundhedslovens §§ 118 b og 119", "sundhedslovens §§ 118 b og 119", "sundhedsloven", "118 b, 119", None),
    ("retssikkerhedsloven § 84 a", "retssikkerhedsloven § 84 a", "retssikkerhedsloven", "84 a", None),
    ("§ 79 b i retssikkerhedsloven", "§ 79 b i retssikkerhedsloven", "retssikkerhedsloven", "79 b", None),
    ("Udkast til ny ældrelov", "ældrelov", "ældreloven", None, None),
    ("den kommunale styrelseslov § 65e", "den kommunale styrelseslov § 65e", "kommunestyrelsesloven", "65 e",
     None),
    ("Kommunestyrelseslovens § 40, stk. 2", "Kommunestyrelseslovens § 40, stk. 2", "kommunestyrelsesloven",
     "40", "2"),
    ("lov om euforiserende stoffer, er", "lov om euforiserende stoffer", "lov om euforiserende stoffer", None,
     None),
    ("Vandforsyningsloven § 53 stk. 1", "Vandforsyningsloven § 53 stk. 1", "vandforsyningsloven", "53", "1"),
    ("lokalplanens §§ 7.2 og 7.3", "§§ 7.2 og 7.3", None, "7.2, 7.3", None),
    ("§ 18-ansøgninger", "§ 18", None, "18", None),
    ("lov om offentlighed i forvaltningen", "lov om offentlighed i forvaltningen", "offentlighedsloven", None,
     None),
    ("Intergrationsloven", "Intergrationsloven", "integrationsloven", None, None),
]


@pytest.mark.parametrize("text, expected, act, section, subsection", SHAPES, ids=[s[0] for s in SHAPES])
def test_shape(text, expected, act, section, subsection):
    spans = find_laws(text)
    assert [s.text for s in spans] == [expected]
    norm = spans[0].norm
    assert (norm["act"], norm["section"], norm["subsection"]) == (act, section, subsection)


def test_amending_act_with_section_is_one_span():
    text = ("Lov om ændring af lov om en aktiv beskæftigelsesindsats, lov om social service, lov om "
            "integration af udlændinge i Danmark og forskellige andre love, § 5")
    spans = find_laws(text)
    assert [s.text for s in spans] == [text]
    assert spans[0].norm["section"] == "5"


NOT_LAWS = [
    "Beskæftigelsespolitik 2019 - 2022",
    "lovgivningen på området og loven",
    "barselsorlov og forældreorlov",
    "et lovforslag fremsættes",
    "han var flov over det",
    "bekendtgørelse om sikkerhedsstillelse",
]


@pytest.mark.parametrize("text", NOT_LAWS, ids=NOT_LAWS)
def test_not_a_law(text):
    assert find_laws(text) == []


MARKED = [
    "Retligt grundlag\n[LAW Integrationsloven], [LAW Repatrieringsloven], [LAW Udlændingeloven], "
    "[LAW Lov om integrationsgrunduddannelse (IGU)], [LAW Serviceloven] og bekendtgørelser.",
    "Byrådet skal have en orientering jf. [LAW aktivlovens § 13 d, stk. 5].",
    "Tilbud efter [LAW § 85 i serviceloven] og [LAW barnets lov § 32].",
    "Det retlige grundlag fremgår af [LAW Den Kommunale Styringslov §§ 37 – 40]. I Regler for Økonomistyring",
]


@pytest.mark.parametrize("marked", MARKED, ids=range(len(MARKED)))
def test_marked_sentences(marked):
    text, expected = from_markers(marked)
    assert [(s.label, s.start, s.end) for s in find_laws(text)] == expected


@pytest.mark.parametrize("printed, canonical", [
    ("Serviceloven", "serviceloven"), ("servicelovens", "serviceloven"), ("lov om social service", "serviceloven"),
    ("Lov om aktiv socialpolitik", "aktivloven"), ("IGU-lov", "igu-loven"), ("SEL", "serviceloven"),
    ("ligningsloven", "ligningsloven"),  # unlisted, and no typo of "udligningsloven"
    ("Lov om frikort", "lov om frikort"),
])
def test_canonical_act(printed, canonical):
    assert canonical_act(printed) == canonical


def test_acts_table_has_sixty_acts_with_lower_case_names():
    acts = load_acts()
    canonical = set(acts.by_name.values()) | set(acts.by_title.values())
    assert len(canonical) >= 60
    assert all(c == c.lower() for c in canonical)
