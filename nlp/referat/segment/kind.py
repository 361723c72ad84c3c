"""What a document is: minutes (`referat`), an agenda (`dagsorden`) or something else (`andet`).

Agendas are published with their attachments: citizens' letters, e-mails,
memos, newsletters, reports. Those are no minutes, whatever numbered lines
they hold (a letter's list of questions, a report's chapters), and get no
items. The kind is read from cues, each kept as evidence with its offsets:

- at the top of the document: a title line naming the kind ("Referat",
  "Økonomiudvalget – Dagsorden – 3. maj 2021"), an e-mail header ("Fra:",
  "Sendt:", "Emne:"), a letter's salutation ("Kære ..."), or a title that
  names another kind of document ("Notat", "Høringssvar", "Nyhedsbrev");
  the first of these in the text decides, except that a title below an
  e-mail or memo header ("Til: Byrådets medlemmer" / "Fra: Borgmesteren" /
  "Dagsorden") still makes an agenda;
- a letter's closing ("Med venlig hilsen") among the last lines;
- in the body: items with a decision ("Beslutning") make minutes, items
  without one an agenda; where no item was found, decision headings make
  minutes and labelled meeting fields ("Mødedato", "Deltagere") an agenda.

A letter's cue (at the top, or its closing) makes a document `andet` unless
its items carry decisions or case numbers: minutes stay minutes under an
e-mail header (minutes forwarded by mail) or with a letter quoted in an item. The vocabulary is data, in
configs/meeting.toml [kind].
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from referat.model import Item, KindEvidence
from referat.segment import config
from referat.segment.config import fold
from referat.segment.lines import Lines

_TITLE_WORDS = 12  # a title line has at most this many words ...
_OPENING_WORDS = 30  # ... unless it opens with the kind ("Referat af ordinært møde tirsdag den ...")
_TITLE_CHARS = 300  # longer lines are paragraphs
_TITLE_LINES = 15  # lines of the head where a title naming the kind may stand
_MEETING_FIELDS = frozenset({"date", "time", "location", "participants", "absent"})
_MIN_MEETING_LABELS = 2  # labelled meeting fields in the head that make a meeting document

LabelOf = Callable[[str], "str | None"]
"""The meeting field a line's label names ("Mødedato: ..." -> "date"), or None."""


@dataclass(frozen=True)
class Kind:
    """The kind of a document and the cues that decided it, the deciding one first."""

    kind: str
    evidence: list[KindEvidence]


def _printed(lines: Lines, cue: str, kind: str, first: int, last: int | None = None) -> KindEvidence:
    """Evidence printed on lines [first, last]: its text and offsets."""
    start, end = lines[first].start, lines[last if last is not None else first].end
    return KindEvidence(cue, kind, lines.text[start:end], start, end)


def _is_title_line(text: str) -> bool:
    """Short and no sentence: a title, not a line of prose that mentions a word."""
    words = text.split()
    return 0 < len(words) <= _TITLE_WORDS and not text.endswith((".", ",", ";", "?", "!"))


def title_kind(text: str) -> str | None:
    """"referat" or "dagsorden" where a title line names it (referat wins where both are named).

    The word must name this document: "Godkendelse af dagsorden" (a word such
    as "af" before it) is an item's title, not the document's. A line that
    opens with the word may be a long sentence.
    """
    if len(text) > _TITLE_CHARS:
        return None
    vocab = config.kinds()
    words = _words(text)
    opens = bool(words) and len(words) <= _OPENING_WORDS and vocab.words.get(words[0].casefold())
    if not opens and not _is_title_line(text):  # "Referat af mødet ... kl. 14.00 i Mødelokale B." is one
        return None
    found = {vocab.words.get(w.casefold()) for k, w in enumerate(words)
             if k == 0 or words[k - 1].casefold() not in vocab.not_after}
    return "referat" if "referat" in found else "dagsorden" if "dagsorden" in found else None


def _words(text: str) -> list[str]:
    return "".join(ch if ch.isalpha() else " " for ch in text).split()


def _top_cues(lines: Lines, head: list[int], label_of: LabelOf) -> list[tuple[int, KindEvidence]]:
    """(line, evidence) for the cues at the top: title, e-mail header, salutation, document type."""
    vocab = config.kinds()
    cues: list[tuple[int, KindEvidence]] = []
    for index in head[:_TITLE_LINES]:
        text = lines[index].text
        labelled = (label_of(text) in ("participants", "absent") and ":" in text  # "Indkaldelse: A, B"
                    or vocab.email_label.match(text))  # "Emne: Referat fra borgermødet"
        kind = None if labelled else title_kind(text)
        if kind:
            cues.append((index, _printed(lines, "title", kind, index)))
            break
    top = [ln.index for ln in lines.lines if not ln.blank][:vocab.top_lines]
    header = [i for i in top if vocab.email_label.match(lines[i].text)]
    labels = {fold(vocab.email_label.match(lines[i].text)["label"]) for i in header}
    if len(labels) >= 2 and labels & vocab.email_senders:
        cues.append((header[0], _printed(lines, "email_header", "andet", header[0], header[-1])))
    for index in top:
        text = lines[index].text
        if vocab.salutation.match(text) and len(text) <= 80:
            cues.append((index, _printed(lines, "salutation", "andet", index)))
            break
    for index in top:
        text = lines[index].text
        first = _words(text)[:1]
        if first and fold(first[0]) in vocab.document_types and _is_title_line(text):
            cues.append((index, _printed(lines, "document_type", "andet", index)))
            break
    return sorted(cues, key=lambda c: c[0])


def _closing(lines: Lines) -> KindEvidence | None:
    """A letter's closing greeting among the last lines."""
    vocab = config.kinds()
    bottom = [ln.index for ln in lines.lines if not ln.blank][-vocab.bottom_lines:]
    for index in bottom:
        if vocab.closing.match(lines[index].text):
            return _printed(lines, "closing", "andet", index)
    return None


def _count(cue: str, kind: str, count: int, what: str) -> KindEvidence:
    """Evidence that is a count: "3 items with a decision", "1 item without a decision"."""
    if count == 1:
        what = what.replace("items", "item", 1).replace("headings", "heading", 1)
    return KindEvidence(cue, kind, f"{count} {what}")


def document_kind(lines: Lines, head: list[int], items: list[Item], stated: str | None = None,
                  label_of: LabelOf = lambda text: None) -> Kind:
    """The document's kind from its cues (see the module docstring).

    `head` holds the non-blank lines before the first item; `stated` is a kind
    the input format stated; `label_of` names the meeting field of a labelled
    line, so that "Indkaldelse: Anne Hansen, ..." is a list of names, not a title.
    """
    top = [evidence for _, evidence in _top_cues(lines, head, label_of)]
    decided = [i for i in items if i.section("beslutning")]
    structure: list[KindEvidence] = []
    if decided:
        structure.append(_count("decisions", "referat", len(decided), "items with a decision"))
    elif items:
        structure.append(_count("items", "dagsorden", len(items), "items without a decision"))
    closing = _closing(lines)
    if stated:
        return Kind(stated, [KindEvidence("format", stated, "stated by the input format"), *top, *structure])
    first = top[0] if top else None
    if first is not None and first.cue == "email_header":  # a memo-like header above a title "Dagsorden"
        first = next((cue for cue in top if cue.cue == "title"), first)
    if first is not None and first.kind != "andet":
        return Kind(first.kind, [first, *(cue for cue in top if cue is not first), *structure])
    cased = sum(1 for i in items if i.case_number)
    minutes_body = bool(decided) or (len(items) >= 2 and 2 * cased >= len(items))
    if (first is not None or closing is not None) and not minutes_body:  # a letter's numbered list
        return Kind("andet", [*top, *([closing] if closing else []), *structure])
    if structure:
        return Kind(structure[0].kind, [*structure, *top])
    decisions = sum(1 for i in range(len(lines)) if (s := lines.section(i)) and s.kind == "beslutning")
    labelled = [i for i in head if label_of(lines[i].text) in _MEETING_FIELDS]
    if closing is None and (decisions or len(labelled) >= _MIN_MEETING_LABELS):
        kind = "referat" if decisions else "dagsorden"
        evidence = [_printed(lines, "meeting_labels", kind, labelled[0], labelled[-1])] if labelled else []
        if decisions:
            evidence.insert(0, _count("decisions", "referat", decisions, "decision headings outside any item"))
        return Kind(kind, evidence)
    if closing is not None:
        return Kind("andet", [closing])
    return Kind("andet", [KindEvidence("no_items", "andet", "no title naming minutes or an agenda, and no items")])
