"""The archive's query language: what an archivist types, as an FTS5 query.

    bevilling                 the word in any inflection (bevillingen, bevillinger, ...)
    "bevillingen"             exactly that form
    "taget til efterretning"  a phrase, word for word
    bevill*                   words that start with `bevill` (at least 3 letters)
    skole OR dagtilbud        either (also ELLER)
    skole -lukning            skole, but not lukning (also NOT / IKKE)
    (skole OR dagtilbud) AND budget     grouping; AND (also OG) is what a space means

Operators are written in capitals; in lower case they are words. Punctuation
between words only separates them (`§ 13` is `13`), and a term of several
words (`18/58627`) is a phrase. A query that cannot be read — an unclosed
quote or parenthesis, an operator without a word on each side — is a
`QueryError` that says what is wrong, never an empty result.

Each term becomes a column filter on the index `items_fts`: a plain word is
its stem, searched in the words as printed (`title`, `text`) and in the stems
of the words a stem changes (`title_stem`, `text_stem`); quoted words,
phrases and prefixes search the words as printed only. Every word
reaches FTS5 inside double quotes, so nothing a user types is FTS5 syntax.

A prefix is FTS5's own (`"bevill"*`), read from the index's prefix indexes
(schema.py). Spelled out as an OR of the archive's words that have the prefix
(as it was before), a prefix cost a step per word for every row read and a
scan of the vocabulary: `budget*` took 200 ms at 100,000 documents.
"""

from __future__ import annotations

import heapq
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from itertools import chain, islice

from referat.archive.words import Stemmer, words
from referat.errors import InputError

MAX_TERMS = 64
"""Terms in one query. FTS5's cost grows with the product of a query's terms and
the rows they touch, so a pasted page of text is refused, not run."""
MAX_CHARS = 2_000
MIN_PREFIX = 3
"""`ab*` would merge the rows of every word starting with `ab`: too costly to be useful."""

_OPERATORS = {"OR": "OR", "ELLER": "OR", "AND": "AND", "OG": "AND", "NOT": "NOT", "IKKE": "NOT"}
_EXACT = "{title text}"
_STEMS = "{title text title_stem text_stem}"  # a word that is its own stem is only in the first two


class QueryError(InputError):
    """A query, date or filter that cannot be read; the message says why."""

    code = "bad_query"
    usage = True


@dataclass(frozen=True)
class Term:
    """One searched word or phrase: `stem` (a plain word), `exact` (quoted, or
    several words), or `prefix` (ending in `*`: its last word is a prefix)."""

    kind: str
    words: tuple[str, ...]

    def fts(self) -> str:
        if self.kind == "stem":
            return f'{_STEMS} : "{self.words[0]}"'
        if self.kind == "prefix":
            return f'{_EXACT} : "{" ".join(self.words)}"*'
        return f'{_EXACT} : "{" ".join(self.words)}"'


@dataclass(frozen=True)
class Not:
    node: Node


@dataclass(frozen=True)
class All:
    nodes: tuple[Node, ...]


@dataclass(frozen=True)
class Any_:
    nodes: tuple[Node, ...]


Node = Term | Not | All | Any_


@dataclass(frozen=True)
class Query:
    """A parsed query: `match` is the FTS5 query items must match (None when the
    query only excludes), `exclude` the one they must not match (None when
    nothing is excluded at the top level), `terms` the words to highlight."""

    match: str | None
    exclude: str | None
    terms: tuple[Term, ...]

    @property
    def empty(self) -> bool:
        return self.match is None and self.exclude is None


def parse(text: str | None, stemmer: Stemmer | None = None) -> Query:
    """Read a query; an empty one (or `*`) matches every item."""
    text = (text or "").strip()
    if text in ("", "*"):
        return Query(None, None, ())
    if len(text) > MAX_CHARS:
        raise QueryError(f"the query is {len(text)} characters long; at most {MAX_CHARS}")
    tokens = _tokens(text, stemmer or Stemmer())
    terms = sum(1 for t in tokens if isinstance(t, Term))
    if terms > MAX_TERMS:
        raise QueryError(f"the query has {terms} words and phrases; at most {MAX_TERMS}")
    parser = _Parser(tokens)
    node = parser.expression()
    if parser.position < len(tokens):
        raise QueryError("a ')' without its '('")
    if node is None:
        return Query(None, None, ())
    highlighted = tuple(dict.fromkeys(_positive_terms(node)))
    if isinstance(node, Not):
        return Query(None, _fts(node.node), highlighted)
    if isinstance(node, All) and all(isinstance(n, Not) for n in node.nodes):
        return Query(None, _fts(Any_(tuple(n.node for n in node.nodes))), highlighted)
    return Query(_fts(node), None, highlighted)


# --- reading ----------------------------------------------------------------

_Token = Term | str  # a term, an operator name, "-", "(" or ")"


def _tokens(text: str, stemmer: Stemmer) -> list[_Token]:
    tokens: list[_Token] = []
    position = 0
    while position < len(text):
        char = text[position]
        if char.isspace():
            position += 1
        elif char in "()":
            tokens.append(char)
            position += 1
        elif char == "-" and position + 1 < len(text) and not text[position + 1].isspace() \
                and (position == 0 or text[position - 1].isspace() or text[position - 1] == "("):
            tokens.append("-")
            position += 1
        elif char == '"':
            end = text.find('"', position + 1)
            if end < 0:
                raise QueryError(f"unclosed quote: {text[position:position + 30]}")
            phrase = words(text[position + 1:end])
            prefix = text[end + 1:end + 2] == "*"
            position = end + 1 + prefix
            if not phrase:
                raise QueryError(f"nothing to search for between the quotes {text[position - 2 - prefix:position]}")
            tokens.append(_term(phrase, exact=True, prefix=prefix))
        else:
            end = position
            while end < len(text) and not text[end].isspace() and text[end] not in '()"':
                end += 1
            chunk = text[position:end]
            position = end
            if chunk in _OPERATORS:
                tokens.append(_OPERATORS[chunk])
                continue
            found = words(chunk)
            if found:
                term = _term(found, exact=len(found) > 1, prefix=chunk.endswith("*"))
                tokens.append(term if term.kind != "stem" else Term("stem", (stemmer(found[0]),)))
    return tokens


def _term(found: list[str], *, exact: bool, prefix: bool) -> Term:
    if prefix:
        if len(found[-1]) < MIN_PREFIX:
            raise QueryError(f"a prefix needs at least {MIN_PREFIX} letters: {found[-1]}*")
        return Term("prefix", tuple(found))
    return Term("exact" if exact else "stem", tuple(found))


class _Parser:
    """or := and (OR and)* ; and := unary (AND? unary)* ; unary := (-|NOT) unary | atom"""

    def __init__(self, tokens: list[_Token]):
        self.tokens = tokens
        self.position = 0

    def peek(self) -> _Token | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def expression(self) -> Node | None:
        if self.peek() == "OR":
            raise QueryError("OR needs a word before it")
        nodes = [self.conjunction()]
        while self.peek() == "OR":
            self.position += 1
            if self.peek() in (None, ")", "OR"):
                raise QueryError("OR needs a word after it")
            nodes.append(self.conjunction())
        nodes = [n for n in nodes if n is not None]
        if len(nodes) > 1 and any(_only_excludes(n) for n in nodes):
            raise QueryError("a word with - or NOT can only narrow what the words beside it find; "
                             "it cannot stand alone on one side of OR")
        return nodes[0] if len(nodes) == 1 else Any_(tuple(nodes)) if nodes else None

    def conjunction(self) -> Node | None:
        nodes: list[Node] = []
        while (token := self.peek()) not in (None, ")", "OR"):
            if token == "AND":
                self.position += 1
                if not nodes or self.peek() in (None, ")", "OR", "AND"):
                    raise QueryError("AND needs a word on each side")
                continue
            node = self.unary()
            if node is not None:
                nodes.append(node)
        return nodes[0] if len(nodes) == 1 else All(tuple(nodes)) if nodes else None

    def unary(self) -> Node | None:
        token = self.tokens[self.position]
        if token in ("-", "NOT"):
            self.position += 1
            if self.peek() in (None, ")", "OR", "AND", "NOT", "-"):
                raise QueryError(f"{'NOT' if token == 'NOT' else '-'} needs a word or phrase after it")
            node = self.unary()
            if node is None:
                return None
            if _only_excludes(node):
                raise QueryError("a double negation (NOT -word) is not a search; write the word itself")
            return Not(node)
        self.position += 1
        if token == "(":
            inner = self.expression()
            if self.peek() != ")":
                raise QueryError("unclosed parenthesis '('")
            self.position += 1
            if inner is None:
                raise QueryError("empty parentheses ()")
            return inner
        if token == ")":
            raise QueryError("a ')' without its '('")
        return token  # a Term


def _only_excludes(node: Node) -> bool:
    return isinstance(node, Not) or (isinstance(node, All) and all(isinstance(n, Not) for n in node.nodes))


def _positive_terms(node: Node):
    if isinstance(node, Term):
        yield node
    elif isinstance(node, (All, Any_)):
        for child in node.nodes:
            yield from _positive_terms(child)


def _fts(node: Node) -> str:
    if isinstance(node, Term):
        return node.fts()
    if isinstance(node, Any_):
        return "(" + " OR ".join(_fts(n) for n in node.nodes) + ")"
    if isinstance(node, Not):  # only inside All, where it narrows what the rest finds
        raise AssertionError("a negation is rendered by its conjunction")
    include = [n for n in node.nodes if not isinstance(n, Not)]
    exclude = [n.node for n in node.nodes if isinstance(n, Not)]
    text = "(" + " AND ".join(_fts(n) for n in include) + ")"
    if exclude:
        text += " NOT " + (_fts(exclude[0]) if len(exclude) == 1 else _fts(Any_(tuple(exclude))))
    return "(" + text + ")" if exclude else text


# --- snippets ---------------------------------------------------------------


def snippet(text: str, terms: tuple[Term, ...], stemmer: Stemmer, width: int = 160) -> str | None:
    """About `width` characters of `text` around the most matched terms, each match
    in [brackets], on one line; None where no term occurs (a match in the title only).

    The text is read from its start only as far as the first window that holds
    every term: a page of hits on a common word reads each item's first lines."""
    lowered = text.lower()
    if len(lowered) != len(text):  # `İ` lowers to two characters: keep every position
        lowered = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
    matches = _matches(lowered, terms, stemmer)
    seen: list[tuple[int, int, int]] = []
    best = _best_window(matches, seen, len(terms), width)
    if best is None:
        return None
    begin = _word_start(text, best)
    end = _word_end(text, min(len(text), best + width))
    pieces = ["…"] if begin > 0 else []
    position = begin
    for start, stop, _ in chain(seen, matches):
        if start >= end:
            break
        if start >= position and stop <= end:
            pieces += [text[position:start], "[", text[start:stop], "]"]
            position = stop
    pieces.append(text[position:end])
    if end < len(text):
        pieces.append(" …")
    return " ".join("".join(pieces).split())


def _matches(lowered: str, terms: tuple[Term, ...], stemmer: Stemmer) -> Iterator[tuple[int, int, int]]:
    """(start, end, term index) of each term's matches in a lower-cased text, in the
    order they occur, read as they are asked for; at most `_MAX_MATCHES` a term."""
    return heapq.merge(*(islice(_term_matches(lowered, term, index, stemmer), _MAX_MATCHES)
                         for index, term in enumerate(terms)))


def _term_matches(lowered: str, term: Term, index: int, stemmer: Stemmer) -> Iterator[tuple[int, int, int]]:
    for match in _pattern(term).finditer(lowered):
        word = match.group()
        if term.kind != "stem" or word == term.words[0] or stemmer(word) == term.words[0]:
            yield match.start(), match.end(), index


def _best_window(matches: Iterator[tuple[int, int, int]], seen: list[tuple[int, int, int]], terms: int,
                 width: int) -> int | None:
    """Where the first `width` characters that hold the most different terms begin
    (a quarter of the width before a match); None where nothing matched. Stops
    reading `matches` at the first window that holds all `terms`; what it read is
    left in `seen`."""
    best, best_score = None, -1
    first = anchor = 0
    while True:
        if anchor == len(seen):
            found = next(matches, None)
            if found is None:
                break
            seen.append(found)
        window = max(0, seen[anchor][0] - width // 4)
        while seen[-1][0] < window + width and (found := next(matches, None)) is not None:
            seen.append(found)
        while seen[first][0] < window:
            first += 1
        limit, inside = window + width, set()
        for start, end, term in islice(seen, first, None):
            if start >= limit:
                break
            if end <= limit:
                inside.add(term)
        score = len(inside)
        if score > best_score:
            best, best_score = window, score
            if score == terms:
                break
        anchor += 1
    return best


_MAX_MATCHES = 1_000
_WORDCHAR = r"[^\W_]"


@lru_cache(maxsize=256)
def _pattern(term: Term) -> re.Pattern:
    """Where a term may occur in a lower-cased text: a stem starts its words, so
    candidates are words starting with it (checked against the stemmer after).
    The first word opens the pattern, its start checked behind it: a pattern
    that opens with a literal is searched for, several times faster than one
    tried at every position."""
    first, *rest = (re.escape(w) for w in term.words)
    body = "".join(r"[\W_]+" + w for w in rest)
    tail = _WORDCHAR + "*" if term.kind in ("stem", "prefix") else ""
    return re.compile(rf"{first}(?<!{_WORDCHAR}{first}){body}{tail}(?!{_WORDCHAR})")


def _word_start(text: str, position: int) -> int:
    while 0 < position < len(text) and text[position - 1].isalnum():
        position -= 1
    return position


def _word_end(text: str, position: int) -> int:
    while position < len(text) and text[position].isalnum():
        position += 1
    return position
