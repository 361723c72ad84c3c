"""Progress of a long command on stderr, the same for every command.

On a terminal: a bar (rich) that disappears when the command ends. Elsewhere
(a log file, CI, a pipe): one plain line every `REFERAT_PROGRESS_SECONDS`
seconds (default 10), so a long run still says it is alive without flooding
the log. Lines the command prints meanwhile go through `say()`, so that they
never tear the bar.

    with progress("exporting", total=288, unit="documents") as bar:
        for doc in docs:
            ...
            bar.advance()
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterable, Iterator
from typing import TextIO, TypeVar

T = TypeVar("T")

INTERVAL_ENV = "REFERAT_PROGRESS_SECONDS"
DEFAULT_INTERVAL = 10.0


class Progress:
    """A bar on a terminal, periodic lines elsewhere; `advance()` per unit of work."""

    def __init__(self, description: str, total: int | None = None, unit: str = "documents",
                 stream: TextIO | None = None, interval: float | None = None):
        self.description = description
        self.total = total
        self.unit = unit
        self.done = 0
        self.stream = stream or sys.stderr
        if interval is None:
            interval = float(os.environ.get(INTERVAL_ENV) or DEFAULT_INTERVAL)
        self.interval = interval
        self._bar = None
        self._task = None
        self._started = 0.0
        self._last_line = 0.0

    def __enter__(self) -> Progress:
        self._started = self._last_line = time.monotonic()
        if _is_terminal(self.stream):
            from rich.console import Console
            from rich.progress import (BarColumn, MofNCompleteColumn, Progress as Bar, TextColumn,
                                       TimeElapsedColumn, TimeRemainingColumn)

            columns = [TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                       TextColumn(self.unit), TimeElapsedColumn(), TimeRemainingColumn()]
            self._bar = Bar(*columns, console=Console(file=self.stream), transient=True)
            self._bar.__enter__()
            self._task = self._bar.add_task(self.description, total=self.total)
        return self

    def __exit__(self, *exc) -> None:
        if self._bar is not None:
            self._bar.__exit__(*exc)
            self._bar = None

    def advance(self, n: int = 1) -> None:
        self.done += n
        if self._bar is not None:
            self._bar.advance(self._task, n)
            return
        now = time.monotonic()
        if now - self._last_line >= self.interval:
            self._last_line = now
            self._line(now)

    def update(self, stage: str, done: int, total: int | None = None) -> None:
        """For work in stages (reading, fitting, evaluating): how far `stage` is.
        A new stage gets its own bar, or a line of its own."""
        if self._bar is not None:
            if stage != self.description:
                self.description = stage
                self._task = self._bar.add_task(stage, total=total)
            self._bar.update(self._task, completed=done, total=total)
            return
        new_stage = stage != self.description
        self.description, self.done, self.total = stage, done, total
        now = time.monotonic()
        if new_stage or done == total or now - self._last_line >= self.interval:
            self._last_line = now
            self._line(now)

    def say(self, line: str) -> None:
        """A line on stderr above the bar."""
        if self._bar is not None:
            self._bar.console.print(line, markup=False, highlight=False, soft_wrap=True)
        else:
            print(line, file=self.stream, flush=True)

    def _line(self, now: float) -> None:
        of = f"/{self.total}" if self.total is not None else ""
        share = f" ({100 * self.done / self.total:.0f}%)" if self.total else ""
        self.say(f"referat: {self.description}: {self.done}{of} {self.unit}{share}, "
                 f"{now - self._started:.0f} s")


def progress(description: str, total: int | None = None, unit: str = "documents") -> Progress:
    """The progress display for one long step of a command (a context manager)."""
    return Progress(description, total=total, unit=unit)


def track(items: Iterable[T], bar: Progress) -> Iterator[T]:
    """`items`, advancing `bar` after each."""
    for item in items:
        yield item
        bar.advance()


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
