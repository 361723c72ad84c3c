"""Time limits that long work may stretch: OCR asks for more time per page it reads.

A batch gives each document a time limit (`Options.timeout_s`) sized for
text; a scanned document needs seconds per page. The code that knows how
much work lies ahead (`ingest.ocr`) calls `allow(seconds)`; whoever runs a
time limit around it (`referat.batch`) registers with `stretching()` and
moves its deadline. Outside a batch nobody listens and `allow` does nothing.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

_listeners = threading.local()


def allow(seconds: float) -> None:
    """Tell the time limits around this thread that the work needs `seconds` more."""
    for listener in getattr(_listeners, "stack", ()):
        listener(seconds)


@contextmanager
def stretching(listener: Callable[[float], None]) -> Iterator[None]:
    """Call `listener(seconds)` for every `allow` in this thread while the block runs."""
    stack = _listeners.__dict__.setdefault("stack", [])
    stack.append(listener)
    try:
        yield
    finally:
        stack.remove(listener)
