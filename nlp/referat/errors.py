"""Errors that name the file and the problem.

Library code raises these; the pipeline turns them into `Problem` records on
the document, and only the CLI prints them. A `code` is stable so that
manifests and downstream tools can count failures by kind.
"""

from __future__ import annotations


class ReferatError(Exception):
    """Base class: every error referat raises on purpose."""

    code = "error"

    def __init__(self, message: str, *, path: str | None = None, code: str | None = None):
        super().__init__(message)
        self.message = message
        self.path = path
        if code:
            self.code = code

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


class InputError(ReferatError):
    """The input file cannot be read as minutes (empty, binary, broken, ...)."""

    code = "bad_input"


class UnsupportedFormat(InputError):
    code = "unsupported_format"


class LimitExceeded(InputError):
    """A per-document limit (size, pages, time) was hit; the batch goes on."""

    code = "limit"


class ModelError(ReferatError):
    """A model could not be loaded: missing, wrong checksum, wrong format."""

    code = "model"
