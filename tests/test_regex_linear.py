"""No regular expression on the hot path backtracks super-linearly (issue 8).

Every compiled `re.Pattern` that a `referat` module holds (module attributes,
class attributes, and inside module-level dicts, lists, tuples, sets and
dataclass instances), plus the patterns that modules build lazily from their
configs, is fed adversarial text of growing size: runs of its own literals
and character classes and a few generic nasties. Its time must grow about
linearly: time(16k) / time(2k) < 20 (linear is 8, quadratic 64); timings
all under a floor are noise and are skipped.

A pattern is timed as referat uses it, found by reading referat's source:
one that is only ever `match`ed or `fullmatch`ed is timed so (one start);
any other, or one whose use cannot be seen (handed to a helper, held in a
config object), is timed scanning the whole text with `finditer`. A few
patterns only ever see a window of constant width; they are listed in
BOUNDED with the reason, checked by reading their call sites.

Why it matters: an archive holds lines of a megabyte without a space; a
pattern that is quadratic on 16k characters needs hours on 1 MB.
"""

from __future__ import annotations

import ast
import dataclasses
import importlib
import inspect
import itertools
import pkgutil
import re
import signal
import statistics
import time
from collections.abc import Iterator

import pytest

try:  # Python 3.11+
    from re import _constants as sre_constants
    from re import _parser as sre_parse
except ImportError:  # pragma: no cover - Python 3.10
    import sre_constants  # type: ignore[no-redef]
    import sre_parse  # type: ignore[no-redef]

import referat

SIZES = (2_000, 4_000, 8_000, 16_000)
MAX_RATIO = 20.0  # time(16k) / time(2k); linear 8, quadratic 64
MAX_STEP_RATIO = 3.0  # median time(2n) / time(n); linear 2, quadratic 4
FLOOR_S = 0.002  # a pattern under this on 16k chars is fast whatever its shape
GIVE_UP_S = 0.5  # one 16k run this slow is super-linear without further ado

GENERIC_PIECES = ("1.", "1 ", "a-", "§ 1, ", "Aa ", "1", "a", " ", "\n", ".", ",", "-",
                  "§§§ 1.1.1.1.1 stk. stk. ,", "1.000.", "kr. ", "mio. ", "Punkt 1: ",
                  "1. A (B) ", "AB ", "Aa-", "/", "19/", "1-", "\t", "æ")

# --- collecting the patterns ------------------------------------------------

# Optional dependencies a module may need: without them it is skipped, and said so.
OPTIONAL_DEPENDENCIES = {"torch", "transformers", "datasets", "pyarrow", "dacy", "dask",
                         "distributed", "spacy_transformers", "playwright", "skops",
                         "huggingface_hub", "tokenizers", "safetensors"}

# Lazily built patterns: modules compile patterns from configs/ on first use,
# in a cached loader without arguments (`segment.config.base()`,
# `annotate.laws.load_acts()`, ...). Every such loader is called and what it
# returns is walked like a module attribute.


def _cached_loaders(module) -> list[tuple[str, object]]:
    loaders = []
    for name, value in vars(module).items():
        if not (callable(value) and hasattr(value, "cache_info")
                and getattr(value, "__module__", None) == module.__name__):
            continue
        try:
            parameters = inspect.signature(value).parameters.values()
        except (TypeError, ValueError):
            continue
        if all(p.default is not p.empty or p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD) for p in parameters):
            loaders.append((f"{module.__name__}:{name}()", value))
    return loaders


def _import_all() -> tuple[list, list[str]]:
    modules, skipped = [referat], []
    for info in pkgutil.walk_packages(referat.__path__, "referat."):
        try:
            modules.append(importlib.import_module(info.name))
        except ModuleNotFoundError as err:
            if (err.name or "").split(".")[0] not in OPTIONAL_DEPENDENCIES:
                raise
            skipped.append(f"{info.name} (needs {err.name})")
    return modules, skipped


def _walk(value, where: str, seen: set[int], depth: int = 0) -> Iterator[tuple[str, re.Pattern]]:
    """(path, pattern) for every pattern inside `value`; the path says where it sits."""
    if depth > 6 or id(value) in seen:
        return
    seen.add(id(value))
    if isinstance(value, re.Pattern):
        yield where, value
    elif isinstance(value, dict):
        for key, v in value.items():
            yield from _walk(v, f"{where}[{key!r}]", seen, depth + 1)
    elif isinstance(value, (list, tuple)):
        for i, v in enumerate(value):
            yield from _walk(v, f"{where}[{i}]", seen, depth + 1)
    elif isinstance(value, (set, frozenset)):
        for v in value:
            yield from _walk(v, f"{where}{{}}", seen, depth + 1)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            yield from _walk(getattr(value, f.name, None), f"{where}.{f.name}", seen, depth + 1)
    elif hasattr(value, "__dict__") and type(value).__module__.startswith("referat"):
        for name, v in vars(value).items():
            yield from _walk(v, f"{where}.{name}", seen, depth + 1)


def collect_patterns(modules: list) -> dict[str, re.Pattern]:
    """`{"module:attr.path": pattern}` for every distinct pattern referat holds."""
    found: dict[str, re.Pattern] = {}
    known: set[tuple] = set()

    def add(roots: Iterator[tuple[str, re.Pattern]]) -> None:
        for where, pattern in roots:
            key = (pattern.pattern, pattern.flags)
            if key not in known and isinstance(pattern.pattern, str):
                known.add(key)
                found[where] = pattern

    for module in modules:
        for name, value in vars(module).items():
            if isinstance(value, type) and value.__module__ == module.__name__:
                add(_walk(dict(vars(value)), f"{module.__name__}:{name}", set()))
            elif isinstance(value, re.Pattern) or not (isinstance(value, type) or callable(value)):
                add(_walk(value, f"{module.__name__}:{name}", set()))
    for module in modules:
        for where, loader in _cached_loaders(module):
            add(_walk(loader(), where, set()))
    return found


MODULES, SKIPPED_MODULES = _import_all()
PATTERNS = collect_patterns(MODULES)

# --- how each pattern is used -------------------------------------------------

SCANNING = {"search", "finditer", "findall", "sub", "subn", "split"}
ANCHORED = {"match", "fullmatch"}

BOUNDED: dict[str, str] = {
    "referat.normalise:_PAGE_NUMBER": "searched only in the last _PAGE_NUMBER_REACH (40) characters "
                                      "of a line (`search(words, max(0, len(words) - 40))` in _signature)",
    "referat.normalise:_WORD_BEFORE": "searched only in the 80 characters before a hyphen "
                                      "(`search(text, max(0, m.start() - 80), m.start())`)",
    "referat.annotate.persons:_WORD_BEFORE": "searched only in the 30 or 60 characters before a name "
                                             "or party letter",
    "referat.annotate.persons:_LIST_JOINT": "searched only in lines that hold a person, cut to _REACH "
                                            "(600) characters either side of it (`_lines_of`)",
}
"""Patterns that only ever see a window of constant width, with where that is so.
Each entry was checked by reading its call sites; an entry whose pattern is
gone is ignored."""


def _resolve(node: ast.AST, module) -> object:
    """The object an expression names in a module: `NAME`, `module.NAME`, `self.NAME`/`cls.NAME`."""
    if isinstance(node, ast.Name):
        return vars(module).get(node.id)
    if isinstance(node, ast.Attribute):
        if isinstance(node.value, ast.Name) and node.value.id in ("self", "cls"):
            found = [vars(c)[node.attr] for c in vars(module).values()
                     if isinstance(c, type) and node.attr in vars(c)]
            return found[0] if len(found) == 1 else None
        owner = _resolve(node.value, module)
        return getattr(owner, node.attr, None) if owner is not None else None
    return None


def pattern_uses(modules: list) -> dict[int, set[str]]:
    """id(pattern) -> what referat does with it: the methods it calls on it by name,
    and "passed" where it hands the pattern to other code (which may scan with it)."""
    uses: dict[int, set[str]] = {}
    for module in modules:
        try:
            tree = ast.parse(inspect.getsource(module))
        except (OSError, TypeError):
            continue
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            if isinstance(node.func, ast.Attribute) and node.func.attr in SCANNING | ANCHORED:
                target = _resolve(node.func.value, module)
                if isinstance(target, re.Pattern):
                    uses.setdefault(id(target), set()).add(node.func.attr)
            for arg in [*node.args, *(kw.value for kw in node.keywords)]:
                target = _resolve(arg, module)
                if isinstance(target, re.Pattern):
                    uses.setdefault(id(target), set()).add("passed")
    return uses


USES = pattern_uses(MODULES)


def timed_uses(pattern: re.Pattern) -> list[str]:
    """How to time a pattern: as referat calls it. Anchored calls (`match`,
    `fullmatch`) try one start; anything else, or a pattern whose use we cannot
    see, is timed scanning the whole text (`finditer`)."""
    uses = USES.get(id(pattern), set())
    if uses and uses <= ANCHORED:
        return sorted(uses)
    return ["finditer"]

# --- adversarial inputs from a pattern's own pieces ------------------------

_CATEGORY_SAMPLES = {
    sre_constants.CATEGORY_DIGIT: "1", sre_constants.CATEGORY_NOT_DIGIT: "a",
    sre_constants.CATEGORY_SPACE: " ", sre_constants.CATEGORY_NOT_SPACE: "a",
    sre_constants.CATEGORY_WORD: "a", sre_constants.CATEGORY_NOT_WORD: " ",
    sre_constants.CATEGORY_LINEBREAK: "\n", sre_constants.CATEGORY_NOT_LINEBREAK: "a",
}


def pieces_of(pattern: re.Pattern) -> tuple[list[str], list[str]]:
    """The characters and literal runs a pattern is built from."""
    chars: list[str] = []
    runs: list[str] = []

    def visit(tree) -> None:
        run = ""
        for op, arg in tree:
            if op is sre_constants.LITERAL:
                run += chr(arg)
                chars.append(chr(arg))
                continue
            if len(run) > 1:
                runs.append(run)
            run = ""
            if op is sre_constants.IN:
                for kind, value in arg:
                    if kind is sre_constants.LITERAL:
                        chars.append(chr(value))
                    elif kind is sre_constants.RANGE:
                        chars.extend((chr(value[0]), chr(value[1])))
                    elif kind is sre_constants.CATEGORY:
                        chars.append(_CATEGORY_SAMPLES.get(value, "a"))
            elif op is sre_constants.NOT_LITERAL:
                chars.append("a" if chr(arg) != "a" else "b")
            elif op in (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT,
                        getattr(sre_constants, "POSSESSIVE_REPEAT", None)):
                visit(arg[2])
            elif op is sre_constants.SUBPATTERN:
                visit(arg[-1])
            elif op is getattr(sre_constants, "ATOMIC_GROUP", None):
                visit(arg)
            elif op in (sre_constants.ASSERT, sre_constants.ASSERT_NOT):
                visit(arg[1])
            elif op is sre_constants.BRANCH:
                for branch in arg[1]:
                    visit(branch)
            elif op is sre_constants.GROUPREF_EXISTS:
                visit(arg[1])
                if arg[2]:
                    visit(arg[2])
            elif op is sre_constants.CATEGORY:
                chars.append(_CATEGORY_SAMPLES.get(arg, "a"))
        if len(run) > 1:
            runs.append(run)

    visit(sre_parse.parse(pattern.pattern, pattern.flags))
    unique_chars = list(dict.fromkeys(c for c in chars if c))[:24]
    unique_runs = list(dict.fromkeys(runs))[:16]
    return unique_chars, unique_runs


def adversarial_pieces(pattern: re.Pattern) -> list[str]:
    """Short strings whose repetition is the nastiest input we can think of."""
    chars, runs = pieces_of(pattern)
    pieces = list(GENERIC_PIECES)
    pieces += chars + [c + " " for c in chars] + [c + "1" for c in chars]
    pieces += runs + [r + " " for r in runs] + [r + "1" for r in runs]
    if chars:
        pieces.append("".join(chars))
        pieces.append(" ".join(chars))
    if runs:
        pieces.append(" ".join(runs) + " ")
    return list(dict.fromkeys(pieces))


def text_of(piece: str, size: int, tail: str) -> str:
    return (piece * (size // len(piece) + 1))[: size - len(tail)] + tail


class _TooSlow(Exception):
    pass


def _interrupt(signum, frame):
    raise _TooSlow


def best_time(pattern: re.Pattern, text: str, repeat: int = 3, use: str = "finditer") -> float:
    """Best of `repeat` runs; an exponential pattern is cut off at GIVE_UP_S
    (the regex engine checks for signals, so SIGALRM interrupts it)."""
    best = float("inf")
    previous = signal.signal(signal.SIGALRM, _interrupt)
    try:
        for _ in range(repeat):
            start = time.perf_counter()
            signal.setitimer(signal.ITIMER_REAL, GIVE_UP_S * 1.5)
            try:
                if use == "finditer":
                    for _match in pattern.finditer(text):
                        pass
                else:
                    getattr(pattern, use)(text)
            except _TooSlow:
                return float("inf")
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
            best = min(best, time.perf_counter() - start)
            if best > GIVE_UP_S:
                break
    finally:
        signal.signal(signal.SIGALRM, previous)
    return best


def growth(pattern: re.Pattern, piece: str, tail: str, use: str = "finditer") -> dict[int, float] | None:
    """Timings per size when the pattern grows super-linearly on this input, else None.

    Cheap first: one run on the largest size; under the floor it is fast
    whatever its shape. Then best-of-3 on the smallest; only an offender
    gets the sizes in between, for the report.
    """
    def timed(size: int, repeat: int = 3) -> float:
        return best_time(pattern, text_of(piece, size, tail), repeat, use)

    largest = timed(SIZES[-1], repeat=1)
    if largest < FLOOR_S:
        return None
    timings = {SIZES[0]: timed(SIZES[0]), SIZES[-1]: largest if largest > GIVE_UP_S else timed(SIZES[-1])}
    if not super_linear(timings):
        return None
    timings.update({size: timed(size) for size in SIZES[1:-1]})
    timings = dict(sorted(timings.items()))
    return timings if timings[SIZES[-1]] > GIVE_UP_S or step_ratio(timings) > MAX_STEP_RATIO else None


def step_ratio(timings: dict[int, float]) -> float:
    """The median growth per doubling of the input: about 2 for a linear pattern, 4 for a
    quadratic one. One slow run on a busy machine moves one step, not the median."""
    values = list(timings.values())
    return statistics.median(b / max(a, 1e-6) for a, b in zip(values, values[1:]))


def super_linear(timings: dict[int, float]) -> bool:
    small, large = timings[SIZES[0]], timings[SIZES[-1]]
    if large > GIVE_UP_S:
        return True
    return large >= FLOOR_S and large / max(small, 1e-6) > MAX_RATIO


# --- the tests --------------------------------------------------------------


def test_patterns_were_found():
    """The walk finds referat's patterns (a walk that finds none proves nothing)."""
    lazily_built = [where for where in PATTERNS if "()" in where]
    print(f"\n{len(PATTERNS)} patterns, {len(lazily_built)} of them built from configs; "
          f"modules skipped for a missing optional dependency: {SKIPPED_MODULES or 'none'}")
    assert len(PATTERNS) > 50 and lazily_built


def test_harness_flags_a_quadratic_pattern():
    """The timing check catches a known-bad pattern and passes a known-good one."""
    bad = re.compile(r"(?:\d+\s?)+x")  # nested quantifier on overlapping classes
    good = re.compile(r"\b\d{1,3}(?:\.\d{3})*(?:,\d+)?\s?kr\b")
    quadratic = re.compile(r"\s+\d{1,3}$")  # tried from every start of a run of spaces
    assert growth(bad, "1 ", "!") is not None
    assert growth(quadratic, " ", "") is not None
    assert growth(quadratic, " ", "", use="match") is None
    assert not any(growth(good, piece, "!") for piece in ("1", "1.", "1 ", " ", "1.000.", "kr. "))


KNOWN_SUPERLINEAR: dict[str, str] = {}
"""Offenders found and not yet fixed: xfail(strict) until fixed, then delete."""


def _param(where: str):
    marks = [pytest.mark.xfail(strict=True, reason=KNOWN_SUPERLINEAR[where])] if where in KNOWN_SUPERLINEAR else []
    return pytest.param(where, marks=marks)


@pytest.mark.parametrize("where", [_param(where) for where in sorted(PATTERNS)])
def test_pattern_is_linear(where):
    pattern = PATTERNS[where]
    if where in BOUNDED:
        pytest.skip(f"bounded input: {BOUNDED[where]}")
    for use in timed_uses(pattern):
        for piece, tail in itertools.product(adversarial_pieces(pattern), ("", "!")):
            timings = growth(pattern, piece, tail, use)
            if timings and (timings[SIZES[-1]] == float("inf") or growth(pattern, piece, tail, use)):
                shown = ", ".join(f"{n // 1000}k: {t * 1000:.1f} ms" for n, t in timings.items())
                pytest.fail(f"{where} backtracks super-linearly under {use}(): /{pattern.pattern}/ "
                            f"(flags {pattern.flags}); input {piece!r} * n + {tail!r}: {shown}")
