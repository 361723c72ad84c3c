"""LAW: references to legislation, with the act's canonical short name.

What is a LAW (ANNOTATION.md §3):

    aktivlovens § 13 d, stk. 5      act + section + subsection: one span
    lov om social service § 101     a title, then its section
    § 85 i serviceloven             a section, then "i" + act: one span
    Den Kommunale Styringslov §§ 37 – 40
    Lov om integrationsgrunduddannelse (IGU)
    Lov om ændring af lov om ..., lov om ... og forskellige andre love, § 5
    Serviceloven · LAB-loven · IGU-lov · barnets lov · Loven om socialt frikort
    §56 · § 18                      a bare section: act null

Acts come from `configs/acts.toml` (titles, names, abbreviations). One-word
names are found by shape (a word ending in -lov, -loven, -lovens) and looked
up; an act not in the table normalises to its own name in lower case, a
"lov om ..." title to the lower-cased title. A name that is a small typo of a
listed name ("Styringslov" for "styrelseslov") is matched to it.

Normalised value: `{"act", "section", "subsection"}` (each null where not
printed), plus `"number"` (nr.) and `"litra"` where printed. Sections keep
their letter with one space ("13 d"); ranges use a hyphen ("37-40").

Not LAW: policies and plans, executive orders named in general terms
("bekendtgørelse om ..."), "loven" or "lovgivningen" without a name.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from functools import lru_cache

from referat.annotate.scan import finditer_in, literal_hits, windows
from referat.annotate.spans import make_span, squash, without_overlaps
from referat.model import Span
from referat.resources import load_toml

SOURCE = "rules:law"

_SP = r"[ \u00a0]"
_SEC = r"\d+(?:\.\d+)*(?:" + _SP + r"?[a-hj-zA-HJ-Z](?![\wæøåÆØÅ]))?"  # 13 d · 81a · 16C · 7.2 (not "101 i")
_SECTION = re.compile(
    r"(?P<sign>§(?P<multi>§)?)" + _SP + r"*(?P<sec>" + _SEC
    + r"(?:" + _SP + r"*[-–]" + _SP + r"*" + _SEC + r")?"
    + r"(?(multi)(?:(?:," + _SP + r"*|" + _SP + r"+(?:og|samt)" + _SP + r"+)" + _SEC + r")*))"
    + r"(?:,?" + _SP + r"*[Ss]tk\.?" + _SP + r"*(?P<stk>\d+(?:" + _SP + r"*(?:[-–]|og|,)" + _SP + r"*\d+(?![.\d]))*))?"
    + r"(?:,?" + _SP + r"*nr\." + _SP + r"*(?P<nr>\d+(?:" + _SP + r"*[-–]" + _SP + r"*\d+)?))?"
    + r"(?:,?" + _SP + r"*litra" + _SP + r"*(?P<litra>[a-zæøå])(?![\wæøå]))?"
    + r"(?:,?" + _SP + r"*(?P<pkt>\d+)\." + _SP + r"*(?:pkt|punktum)\.?)?"
)
# A word that names an act by its shape (servicelovens, IGU-lov, Styringslov) ends so.
_ACT_WORD_END = re.compile(r"lov(?:ens|en|s)?(?![\wæøå-])")
_WORD_CHAR = re.compile(r"[\wÆØÅæøå-]")
_TITLE_OPENING = re.compile(r"[Ll]ov(?:en)?" + _SP + r"+om" + _SP)
_NOT_ACT_WORD = re.compile(r"(?:orlov|orloven|orlovens|orlovs)$", re.IGNORECASE)
# "Den Kommunale Styringslov": article and capitalised adjectives belong to the name.
_TITLED_WORD = re.compile(r"(?<![\w])(?:Den|Det)" + _SP + r"+(?:[A-ZÆØÅ][\wæøå]*e" + _SP + r"+){1,2}$")
_GENERIC_TITLE = re.compile(r"(?<![\w])(?P<lov>[Ll]ov(?:en)?)" + _SP + r"+om" + _SP + r"+")
_TITLE_WORD = re.compile(_SP + r"*(?:\n" + _SP + r"*)?([\wÆØÅæøå][\wÆØÅæøå-]*)")
_AMENDING = re.compile(r"(?<![\w])[Ll]ov(?:en)?" + _SP + r"+om" + _SP + r"+ændring" + _SP + r"+af"
                       r"[^\n§;]{1,300}?(?:forskellige|flere|visse)?" + _SP + r"*andre" + _SP + r"+love")
_ABBREVIATION_SUFFIX = re.compile(_SP + r"*\([A-ZÆØÅ]{2,6}\)")
_JOIN_SECTION = re.compile(r",?" + _SP + r"*(?=§)")
_SECTION_IN_ACT = re.compile(_SP + r"+i" + _SP + r"+")
# Words that end a "lov om ..." title that is not in the table.
_TITLE_STOP = frozenset("""
og samt eller men som der hvor hvis når da jf jævnfør ifølge med pr fra trådte træder gælder gjaldt
giver gav blev bliver er var har havde skal skulle kan kunne vil ville må indebærer betyder medfører
fastsætter foreskriver kræver omfatter indeholder sikrer stiller åbner beskriver regulerer vedtaget
vedtog ændret fremsat samtidig herunder bl dvs mv
""".split())
_TITLE_ARTICLES = frozenset("en et den det de".split())
_TITLE_TRAILING = frozenset("af i til for på om ved den det de en et".split())
_MAX_TITLE_WORDS = 10


@dataclass(frozen=True)
class Acts:
    """The acts table, indexed for lookup (built once from configs/acts.toml)."""

    by_title: dict[str, str]  # "lov om social service" -> "serviceloven"
    by_name: dict[str, str]  # "serviceloven" / "barnets lov" -> canonical
    by_abbr: dict[str, str]  # "SEL" -> "serviceloven"
    title_re: re.Pattern
    phrase_re: re.Pattern | None  # multi-word names ("barnets lov")
    abbr_re: re.Pattern | None


def _definite(word: str) -> str:
    """`servicelovens` / `IGU-lov` / `servicelovs` → `serviceloven` / `igu-loven`."""
    w = word.lower()
    if w.endswith(("lovens", "lovs")):
        w = w[:-1]
    if w.endswith("lov"):
        w += "en"
    return w


def _name_key(name: str) -> str:
    """Lookup key of an act name: lower case, one space, the -lov word definite."""
    words = squash(name).lower().split(" ")
    if len(words) == 1:
        return _definite(words[0])
    if words[-1].endswith("s") and words[-1].rstrip("s").endswith("lov"):
        words[-1] = words[-1][:-1]  # barnets lovs -> barnets lov
    return " ".join(words)


def _flex(phrase: str) -> str:
    """A phrase as a regex: any run of spaces or one line break between words."""
    gap = r"(?:" + _SP + r"+|" + _SP + r"*\n" + _SP + r"*)"
    return gap.join(re.escape(w) for w in phrase.split())


@lru_cache(maxsize=1)
def load_acts() -> Acts:
    table = load_toml("acts.toml")["act"]
    by_title, by_name, by_abbr = {}, {}, {}
    for act in table:
        canonical = act["canonical"]
        for title in act.get("titles", []):
            by_title[squash(title).lower()] = canonical
        for name in act.get("names", []):
            by_name[_name_key(name)] = canonical
        by_name.setdefault(_name_key(canonical), canonical)
        for abbr in act.get("abbr", []):
            by_abbr[abbr] = canonical
    titles = sorted(by_title, key=len, reverse=True)
    # "lov om social service" also as "Loven om social service", with "m.v." after it
    title_re = re.compile(
        r"(?<![\w])(?:" + "|".join(r"lov(?:en)?" + _SP + r"+" + _flex(t[4:]) for t in titles) + r")"
        + r"(?:" + _SP + r"+m\.(?:v|fl)\.)?(?![\wæøå])",
        re.IGNORECASE,
    )
    phrases = sorted((n for n in by_name if " " in n), key=len, reverse=True)
    phrase_re = re.compile(
        r"(?<![\w])(?:" + "|".join(_flex(p) + r"s?" for p in phrases) + r")(?![\wæøå])", re.IGNORECASE
    ) if phrases else None
    abbr_re = re.compile(
        r"(?<![\w])(?:" + "|".join(re.escape(a) for a in sorted(by_abbr, key=len, reverse=True))
        + r")\.?(?=" + _SP + r"*§)"
    ) if by_abbr else None
    return Acts(by_title, by_name, by_abbr, title_re, phrase_re, abbr_re)


def canonical_act(name: str, acts: Acts | None = None) -> str:
    """The canonical short name for an act as printed (a name, title or abbreviation)."""
    acts = acts or load_acts()
    flat = squash(name)
    if flat in acts.by_abbr:
        return acts.by_abbr[flat]
    key = re.sub(r"\s*\([A-ZÆØÅ]{2,6}\)$", "", flat).lower()
    key = re.sub(r"\s+m\.(?:v|fl)\.$", "", key)
    if key.startswith("loven om "):
        key = "lov om " + key[len("loven om "):]
    if key.startswith("lov om "):
        return acts.by_title.get(key, key)
    key = _name_key(key)
    if key in acts.by_name:
        return acts.by_name[key]
    if len(key) >= 12:  # a typo of a listed name ("den kommunale styringslov")
        same_start = [n for n in acts.by_name if n[:3] == key[:3] and abs(len(n) - len(key)) <= 2]
        close = difflib.get_close_matches(key, same_start, n=1, cutoff=0.86)
        if close:
            return acts.by_name[close[0]]
    return key


def _section_norm(m: re.Match) -> dict:
    sec = squash(m.group("sec"))
    sec = re.sub(r"(\d)\s*([a-zA-Z])(?![a-zA-Z])", lambda x: f"{x.group(1)} {x.group(2).lower()}", sec)
    sec = re.sub(r"\s*[-–]\s*", "-", sec)
    sec = re.sub(r"\s*,\s*|\s+(?:og|samt)\s+", ", ", sec)
    norm = {"section": sec, "subsection": None}
    if m.group("stk"):
        stk = re.sub(r"\s*[-–]\s*", "-", squash(m.group("stk")))
        norm["subsection"] = re.sub(r"\s*,\s*|\s+og\s+", ", ", stk)
    if m.group("nr"):
        norm["number"] = re.sub(r"\s*[-–]\s*", "-", squash(m.group("nr")))
    if m.group("litra"):
        norm["litra"] = m.group("litra")
    return norm


def _generic_title_end(text: str, pos: int) -> int:
    """Where a "lov om ..." title that is not in the table ends (its last word's end)."""
    end, words = pos, 0
    while words < _MAX_TITLE_WORDS:
        m = _TITLE_WORD.match(text, end)
        if not m:
            break
        word = m.group(1).lower()
        if word in _TITLE_STOP or word[0].isdigit() or (len(word) > 5 and word.endswith("es")):
            break
        if words and word in _TITLE_ARTICLES:  # "lov om almene boliger en betingelse"
            break
        if "\n" in text[end:m.start(1)] and words:
            break
        end, words = m.end(1), words + 1
    # give back trailing function words ("lov om socialt frikort i" -> "... frikort")
    while end > pos:
        head, _, last = text[pos:end].rpartition(" ")
        if last.lower() in _TITLE_TRAILING and head:
            end = pos + len(head.rstrip())
        else:
            break
    return end if words else pos


def _act_mentions(text: str, acts: Acts) -> list[tuple[int, int, str]]:
    """(start, end, canonical act) of every act named in `text`, none overlapping.

    Every act name holds "lov" ("Lov", "LOV"), so the patterns run only where
    that literal is (scan.py); abbreviations only right before a "§".
    """
    found: list[Span] = []

    def add(start: int, end: int, act: str) -> None:
        found.append(Span("ACT", start, end, text[start:end], {"act": act}))

    hits = literal_hits(text, ("lov", "Lov", "LOV"))
    for hit in hits:
        if _TITLE_OPENING.match(text, hit):
            _titles_at(text, hit, acts, add)
            continue
        word = _ACT_WORD_END.match(text, hit)
        if word:
            _act_word_at(text, hit, word.end(), acts, add)
    if acts.phrase_re:
        for m in finditer_in(acts.phrase_re, text, windows(text, hits, 40, 12)):
            add(m.start(), m.end(), canonical_act(m.group(), acts))
    if acts.abbr_re:
        sections = literal_hits(text, ("§",))
        for m in finditer_in(acts.abbr_re, text, windows(text, sections, 12, 3)):
            add(m.start(), m.end(), acts.by_abbr[m.group().rstrip(".")])
    return [(s.start, s.end, s.norm["act"]) for s in without_overlaps(found)]


def _titles_at(text: str, start: int, acts: Acts, add) -> None:
    """An amending act, a listed title, or an unlisted "lov om ..." title at `start`."""
    m = _AMENDING.match(text, start)
    if m:
        add(start, m.end(), squash(m.group()).lower())
    m = acts.title_re.match(text, start)
    if m:
        suffix = _ABBREVIATION_SUFFIX.match(text, m.end())
        add(start, suffix.end() if suffix else m.end(), canonical_act(m.group(), acts))
        return
    m = _GENERIC_TITLE.match(text, start)
    end = _generic_title_end(text, m.end()) if m else start
    if m and end > m.end():
        suffix = _ABBREVIATION_SUFFIX.match(text, end)
        end = suffix.end() if suffix else end
        add(start, end, canonical_act(text[start:end], acts))


def _act_word_at(text: str, hit: int, end: int, acts: Acts, add) -> None:
    """A word ending in -lov/-loven/-lovens at `hit` ("servicelovens", "IGU-lov")."""
    start = hit
    while start > 0 and start > hit - 40 and _WORD_CHAR.match(text, start - 1):
        start -= 1
    word = text[start:end]
    if hit - start < 3 or _NOT_ACT_WORD.search(word) or word.startswith("-"):
        return
    if word[0].isupper():  # "Den Kommunale Styringslov": a capitalised name in several words
        head = _TITLED_WORD.search(text, max(0, start - 60), start)
        if head:
            start = head.start()
    add(start, end, canonical_act(text[start:end], acts))


def find_laws(text: str) -> list[Span]:
    """Every reference to legislation in `text`, none overlapping."""
    acts = load_acts()
    spans: list[Span] = []
    mentions = _act_mentions(text, acts)
    starts = {start: (end, act) for start, end, act in mentions}
    used_sections: set[int] = set()
    for start, end, act in mentions:
        norm = {"act": act, "section": None, "subsection": None}
        join = _JOIN_SECTION.match(text, end)
        sec = _SECTION.match(text, join.end()) if join else None
        if sec and "\n" not in text[end:sec.start()]:
            norm.update(_section_norm(sec))
            used_sections.add(sec.start())
            end = sec.end()
        spans.append(make_span(text, "LAW", start, end, norm, SOURCE))
    for sec in _SECTION.finditer(text):
        if sec.start() in used_sections:
            continue
        end, act = sec.end(), None
        link = _SECTION_IN_ACT.match(text, end)
        if link and link.end() in starts:  # "§ 85 i serviceloven"
            end, act = starts[link.end()]
        norm = {"act": act, "section": None, "subsection": None} | _section_norm(sec)
        spans.append(make_span(text, "LAW", sec.start(), end, norm, SOURCE))
    return without_overlaps(spans)
