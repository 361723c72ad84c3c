"""The archive's query language: Danish stems, operators, usage errors, snippets."""

from __future__ import annotations

import re

import pytest

from referat.archive.query import MAX_CHARS, MAX_TERMS, QueryError, Term, parse, snippet
from referat.archive.words import Stemmer

STEMMER = Stemmer()

S = "{title text title_stem text_stem}"
X = "{title text}"


@pytest.mark.parametrize("query, match, exclude", [
    ("bevillingen", f'{S} : "bevilling"', None),
    ("Byrådets", f'{S} : "byråd"', None),
    ('"bevillingen"', f'{X} : "bevillingen"', None),
    ('"taget til efterretning"', f'{X} : "taget til efterretning"', None),
    ("18/58627", f'{X} : "18 58627"', None),
    ("aktivlovens § 13", f'({S} : "aktivlov" AND {S} : "13")', None),
    ("skole OR dagtilbud", f'({S} : "skol" OR {S} : "dagtilbud")', None),
    ("skole ELLER dagtilbud", f'({S} : "skol" OR {S} : "dagtilbud")', None),
    ("skole -lukning", f'(({S} : "skol") NOT {S} : "lukning")', None),
    ("skole IKKE lukning", f'(({S} : "skol") NOT {S} : "lukning")', None),
    ("skole AND budget", f'({S} : "skol" AND {S} : "budg")', None),
    ("(skole OR dagtilbud) OG budget", f'(({S} : "skol" OR {S} : "dagtilbud") AND {S} : "budg")', None),
    ("-skole", None, f'{S} : "skol"'),
    ("NOT skole -lukning", None, f'({S} : "skol" OR {S} : "lukning")'),
    ("skole or dagtilbud", f'({S} : "skol" AND {S} : "or" AND {S} : "dagtilbud")', None),
    ("Klima - og miljø", f'({S} : "klima" AND {S} : "og" AND {S} : "miljø")', None),
    ("e-mail", f'{X} : "e mail"', None),
    ("*", None, None),
    ("", None, None),
    ("§", None, None),
], ids=["inflected", "genitive", "quoted-form", "phrase", "case-number", "section-sign", "or", "eller", "minus",
        "ikke", "and", "grouping", "only-minus", "only-excludes", "lower-case-or-is-a-word", "spaced-dash",
        "inner-hyphen", "star", "empty", "punctuation-only"])
def test_queries(query, match, exclude):
    parsed = parse(query, STEMMER)
    assert (parsed.match, parsed.exclude) == (match, exclude)


def test_nothing_a_user_types_reaches_fts5_as_syntax():
    parsed = parse('x NEAR(y) title:z {text}:w ^a OR "b" *', STEMMER)
    assert parsed.match.count('"') % 2 == 0
    for words in ('"near"', '"title z"', '"text w"'):
        assert words in parsed.match  # searched as words, in quotes


def test_prefixes_are_fts5_prefix_queries_on_the_words_as_printed():
    assert parse("bevill*", STEMMER).match == f'{X} : "bevill"*'
    assert parse('"til efter"*', STEMMER).match == f'{X} : "til efter"*'
    assert parse("Bevill* OR skole", STEMMER).match == f'({X} : "bevill"* OR {S} : "skol")'


@pytest.mark.parametrize("query, message", [
    ('"taget til', "unclosed quote"),
    ("(skole OR dagtilbud", "unclosed parenthesis"),
    ("skole)", "without its '('"),
    ("skole OR", "OR needs a word after it"),
    ("OR skole", "OR needs a word before it"),
    ("skole AND", "AND needs a word on each side"),
    ("NOT", "NOT needs a word"),
    ("skole -", None),
    ("skole OR -lukning", "cannot stand alone on one side of OR"),
    ("()", "empty parentheses"),
    ('""', "nothing to search for"),
    ("be*", "at least 3 letters"),
    (" ".join(["ord"] * (MAX_TERMS + 1)), f"at most {MAX_TERMS}"),
    ("x" * (MAX_CHARS + 1), f"at most {MAX_CHARS}"),
], ids=["quote", "paren", "close-paren", "or-end", "or-start", "and-end", "not-alone", "dash-alone-is-punctuation",
        "or-negation", "empty-parens", "empty-quotes", "short-prefix", "too-many-terms", "too-long"])
def test_malformed_queries_say_what_is_wrong(query, message):
    if message is None:
        assert parse(query, STEMMER).match == f'{S} : "skol"'
        return
    with pytest.raises(QueryError, match=re.escape(message)):
        parse(query, STEMMER)


def test_a_long_query_is_refused_before_it_is_read():
    """FTS5's cost grows with the product of a query's terms and the rows they
    touch: a pasted page is refused on its length, before it is tokenised."""
    with pytest.raises(QueryError, match="799999 characters long; at most 2000"):
        parse("ord " * 200_000, STEMMER)


def test_every_allowed_query_is_read_in_one_pass():
    parsed = parse(" OR ".join(f'"ord{n} og{n}"' for n in range(MAX_TERMS)), STEMMER)
    assert parsed.match.count(" OR ") == MAX_TERMS - 1


@pytest.mark.parametrize("text, terms, expected", [
    ("Byrådet gav bevillingen til skolen.", [Term("stem", ("bevilling",))],
     "Byrådet gav [bevillingen] til skolen."),
    ("Sagen blev Taget til efterretning i dag.", [Term("exact", ("taget", "til", "efterretning"))],
     "Sagen blev [Taget til efterretning] i dag."),
    ("Anlægsbevillingen er givet.", [Term("prefix", ("anlægsbevill",))], "[Anlægsbevillingen] er givet."),
    ("Anlægsbevillingen er givet.", [Term("stem", ("bevilling",))], None),
    ("budgettet og budget", [Term("stem", ("budget",))], "[budgettet] og [budget]"),
    ("BEVILLINGEN og Bevillinger", [Term("stem", ("bevilling",))], "[BEVILLINGEN] og [Bevillinger]"),
    ("Taget - til: efterretning.", [Term("exact", ("taget", "til", "efterretning"))],
     "[Taget - til: efterretning]."),
    ("Mødet i İstanbul: budgettet", [Term("prefix", ("budget",))], "Mødet i İstanbul: [budgettet]"),
    ("Ekstrabudget og budget", [Term("prefix", ("budget",))], "Ekstrabudget og [budget]"),
    ("ÆLDREPLEJE og ældreplejen", [Term("stem", ("ældreplej",))], "[ÆLDREPLEJE] og [ældreplejen]"),
], ids=["stem", "phrase-any-case", "prefix", "no-compound", "word-equal-to-the-stem", "upper-case",
        "phrase-across-punctuation", "a-letter-lower-case-makes-longer", "prefix-starts-a-word", "danish-letters"])
def test_snippets_mark_what_matched(text, terms, expected):
    assert snippet(text, tuple(terms), STEMMER) == expected


def test_a_snippet_is_a_window_around_the_matches():
    text = ("Indledning. " * 100) + "Her står lokalplanen og høringen. " + ("Afslutning. " * 100)
    result = snippet(text, (Term("stem", ("lokalplan",)), Term("stem", ("høring",))), STEMMER)
    assert result.startswith("…") and result.endswith("…")
    assert "[lokalplanen] og [høringen]" in result
    assert len(result) < 250 and "\n" not in result


def test_the_snippet_prefers_the_window_that_holds_every_term():
    text = "Lokalplanen først. " + ("Fyld. " * 60) + "Høring om lokalplan nr. 7. " + ("Fyld. " * 60) + "Høringen sidst."
    result = snippet(text, (Term("stem", ("lokalplan",)), Term("stem", ("høring",))), STEMMER)
    assert "[Høring] om [lokalplan] nr. 7" in result and "først" not in result and "sidst" not in result
