"""One output policy for every command that writes a file or a model directory.

- A target is checked before any work starts (`check_target`): an existing
  file is replaced only with `force`; a target that is one of the command's
  own inputs, or that exists and is not a regular file (a device node, a FIFO,
  a folder where a file is meant), is refused, with or without `force`.
- Writing goes to a temporary name beside the target, which replaces the
  target in one rename once everything is written and flushed (`atomic_file`,
  `atomic_dir`, `staged` for a writer that opens its files itself): a crash or
  an error leaves the previous file as it was and no half-written one.
"""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from referat.errors import ReferatError

STDOUT = "-"


class OutputRefused(ReferatError):
    """The target may not be written (exists, is an input, is not a regular file)."""

    code = "output_refused"


def check_target(target: str | Path, *, inputs: Iterable[str | Path] = (), force: bool = False,
                 directory: bool = False) -> None:
    """Refuse a target that must not be written; `-` (stdout) always passes.

    `directory` says the target is a directory the command writes whole (a
    model, a Hugging Face dataset), so an existing directory is what `force`
    replaces and an existing file is refused.
    """
    if str(target) == STDOUT:
        return
    path = Path(target)
    try:
        st = path.stat()
    except FileNotFoundError:
        st = None
    except OSError as err:
        raise OutputRefused(f"cannot be written: {err.strerror or err}", path=str(path)) from None
    if st is not None:
        expected = stat.S_ISDIR(st.st_mode) if directory else stat.S_ISREG(st.st_mode)
        if not expected:
            kind = "a folder" if stat.S_ISDIR(st.st_mode) else "a file" if stat.S_ISREG(st.st_mode) \
                else "not a regular file"
            raise OutputRefused(f"is {kind}; refusing to write {'a model folder' if directory else 'a file'} "
                                "over it", path=str(path))
    for source in inputs:
        if _same(path, Path(source)):
            raise OutputRefused("is also an input of this command; write the output elsewhere",
                                path=str(path))
    if st is not None and not force:
        raise OutputRefused("exists; use --force to overwrite it", path=str(path))
    if not path.parent.is_dir():
        raise OutputRefused(f"folder {path.parent} does not exist", path=str(path))


def _same(a: Path, b: Path) -> bool:
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return False


@contextmanager
def atomic_file(target: str | Path, mode: str = "wb", **open_kwargs) -> Iterator:
    """Open a temporary file beside `target`; on success it replaces `target`."""
    path = Path(target)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, mode, **open_kwargs) as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@contextmanager
def atomic_dir(target: str | Path) -> Iterator[Path]:
    """A temporary folder beside `target` to fill; on success it replaces `target`.

    An existing `target` (which `check_target(..., force=True, directory=True)`
    allowed) is moved aside first and removed only once the new one is in place.
    """
    path = Path(target)
    tmp = Path(tempfile.mkdtemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp"))
    try:
        yield tmp
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    old = None
    if path.exists():
        old = Path(tempfile.mkdtemp(dir=path.parent, prefix=f".{path.name}.", suffix=".old"))
        os.replace(path, old / path.name)
    replace(tmp, path)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


@contextmanager
def staged(target: str | Path) -> Iterator[Path]:
    """A temporary folder beside `target` for a writer that writes `target` (a file or
    a folder) and perhaps files beside it (a Label Studio config): it writes under the
    folder, with the same names; on success each one replaces its namesake beside
    `target`, on failure nothing beside `target` has changed."""
    path = Path(target)
    tmp = Path(tempfile.mkdtemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp"))
    try:
        yield tmp
        for written in sorted(tmp.iterdir(), key=lambda p: p.name != path.name):  # the target first
            if written.is_dir():
                with atomic_dir(path.parent / written.name) as fresh:
                    os.rmdir(fresh)
                    os.replace(written, fresh)
            else:
                replace(written, path.parent / written.name)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def replace(src: str | Path, dst: str | Path) -> None:
    """Rename `src` over `dst` so that the new name survives a crash."""
    os.replace(src, dst)
    fd = os.open(Path(dst).resolve().parent, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
