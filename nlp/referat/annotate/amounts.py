"""AMOUNT: sums of money in Danish notation, with their value in kroner.

Shapes (ANNOTATION.md §3): number, optional multiplier, currency, in any of
three orders, with Danish decimal comma and thousands dot:

    20 mio. kr. · 20.000 kr. · 2,0 mio.kr. · 1.198,- kr. · 500 t.kr. · 3 millioner kroner
    kr. 8,5 mio. · kr. 1.000 · DKK 3 mio. · kr. 1.198,-
    mio. kr. 2,5                       (table headers put the unit first)
    2-3 mio. kr. · kr. 2 - 3 mio.      (ranges: one span)

Normalised value: `{"value": <float>, "currency": "DKK"}`; a range adds
`"max"` (the upper bound) and `value` is its lower bound. A leading minus
sign is not part of the span and the value is the magnitude: in minutes a
`-` before an amount is as often a dash or a bullet as a sign ("reduceres
med -2,0 mio.kr."). Euro amounts get `"currency": "EUR"`, value in euro.

Not amounts: percentages, counts, years, and bare numbers in tables whose
unit is only in a header ("(i 1.000 kr.)" is itself an amount, the cells
under it are not). Number words ("en million kroner") are not read.
"""

from __future__ import annotations

import re

from referat.annotate.scan import finditer_in, literal_hits, windows
from referat.annotate.spans import make_span
from referat.model import Span

SOURCE = "rules:amount"

# 1.316.000 · 1 316 000 · 8,5 · 1.198,- · 1.5 (English decimal point before mio.) · 2½
_NUMBER = (r"(?:\d{1,3}(?:\.\d{3})+|\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?=[ \u00a0\u202f]*[kKDd€E])"
           r"|\d+\.\d{1,2}(?=[ \u00a0]*(?:mio|mia|mill|mrd))|\d+)"
           r"(?:,\d+)?½?(?:,-{1,2})?")
_WS = r"[ \t\u00a0\u202f]*(?:\n[ \t\u00a0\u202f]*)?"  # spaces, at most one line break
_DASH = r"[ \u00a0]*[-–][ \u00a0]*"
_MULT = (r"(?P<{n}>mio\.?|mill\.?|millioner|million|mia\.?|mrd\.?|milliarder|milliard"
         r"|tusinde?|t\.(?=[ \u00a0]?kr))")
_CUR = r"(?P<{n}>kr\.?(?![a-zæøå])(?:,-)?|kroner|dkr\.?|DKK|€|EUR(?![A-Z])|euro(?![a-zæøå]))"
_TKR = r"(?P<tkr>t\.?[ \u00a0]?kr\.?|tkr\.?)(?![a-zæøå])"


def _num(name: str) -> str:
    return f"(?P<{name}>{_NUMBER})"


_AMOUNT = re.compile(
    r"(?<![\w.,/])(?:"
    # A: 20 mio. kr. / 20.000 kr. / 2-3 mio. kr. / 500 t.kr.
    + _num("a") + f"(?:{_DASH}" + _num("a2") + ")?" + _WS
    + f"(?:{_TKR}|(?:" + _MULT.format(n="am") + _WS + ")?" + _CUR.format(n="ac") + ")"
    # B: kr. 8,5 mio. / DKK 3 mio. / kr. 1.000
    + "|" + _CUR.format(n="bc") + _WS + _num("b") + f"(?:{_DASH}" + _num("b2") + ")?"
    + "(?:" + _WS + _MULT.format(n="bm") + ")?"
    # C: mio. kr. 2,5
    + "|" + _MULT.format(n="cm") + _WS + _CUR.format(n="cc") + _WS + _num("c")
    + r")(?![\d½])",
    re.IGNORECASE,
)

_FACTORS = {"mio": 1e6, "mill": 1e6, "million": 1e6, "millioner": 1e6, "mia": 1e9, "mrd": 1e9,
            "milliard": 1e9, "milliarder": 1e9, "tusind": 1e3, "tusinde": 1e3, "t": 1e3}
_YEAR = re.compile(r"(?:19|20)\d\d")
# Every amount names its currency: look for these first (scan.py).
_TRIGGERS = ("kr", "Kr", "KR", "DKK", "€", "EUR", "euro")


def parse_number(raw: str) -> float:
    """Danish notation to float: `1.316.000` → 1316000, `8,5` → 8.5, `1.198,-` → 1198."""
    s = raw.replace(",-", "").replace("-", "").replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
    half = 0.5 if s.endswith("½") else 0.0
    s = s.rstrip("½")
    if re.fullmatch(r"\d+\.\d{1,2}", s):  # English decimal point (only matched before mio./mia.)
        return float(s) + half
    s = s.replace(".", "").replace(",", ".")
    return (float(s) if s else 0.0) + half


def _factor(mult: str | None) -> float:
    if not mult:
        return 1.0
    return _FACTORS[mult.lower().rstrip(".")]


def _currency(cur: str) -> str:
    return "EUR" if cur.strip().lower() in ("€", "eur", "euro") else "DKK"


def find_amounts(text: str) -> list[Span]:
    """Every sum of money in `text`, left to right, none overlapping."""
    spans: list[Span] = []
    hits = [i for i in literal_hits(text, _TRIGGERS) if _starts_word(text, i)]
    for m in finditer_in(_AMOUNT, text, windows(text, hits, 45, 40)):
        g = m.groupdict()
        if g["a"] is not None:
            low, high, mult, cur = g["a"], g["a2"], g["am"], g["ac"] or "kr"
            factor = 1e3 if g["tkr"] else _factor(mult)
        elif g["b"] is not None:
            low, high, mult, cur = g["b"], g["b2"], g["bm"], g["bc"]
            if not mult and not high and _YEAR.fullmatch(low):
                continue  # "beløb i kr. 2020 2021": a year after a unit header
            factor = _factor(mult)
        else:
            low, high, mult, cur = g["c"], None, g["cm"], g["cc"]
            if _YEAR.fullmatch(low):
                continue
            factor = _factor(mult)
        value = parse_number(low)
        norm: dict = {"value": value * factor, "currency": _currency(cur)}
        if high is not None:
            top = parse_number(high)
            if "." in high and "." not in low and value * 1000 <= top:
                value *= 1000  # "100-120.000 kr.": the thousands are written once
                norm["value"] = value * factor
            norm["max"] = top * factor
        spans.append(make_span(text, "AMOUNT", m.start(), m.end(), norm, SOURCE))
    return spans


def _starts_word(text: str, i: int) -> bool:
    """A currency trigger at a word start ("kr", also "tkr", "dkr"), not inside "skrive"."""
    before = text[max(0, i - 2):i]
    return not before[-1:].isalpha() or (before[-1:] in "tTdD" and not before[:1].isalpha())
