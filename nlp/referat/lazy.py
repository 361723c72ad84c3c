"""Heavy libraries, imported when a run needs them and not before.

A run that types a few files should not pay for torch, yet two habits of the
spaCy stack import it on every path:

- thinc (which spaCy imports) imports torch whenever it is installed, for
  the torch wrappers that only transformer pipelines use (a second or more
  of CPU and ~150 MB per process);
- constructing any spaCy `Language`, even `spacy.blank("da")`, imports every
  package that registers a factory by entry point: spacy-transformers,
  spacy-wrap and DaCy, hence transformers and torch.

`install()` (run when referat is imported) lets thinc import as if torch
were missing, as long as nothing has imported torch yet, and watches for
torch: the moment anything imports it (the transformers classifier, DaCy,
spacy-transformers, a notebook), thinc's torch support is switched on again,
exactly as thinc itself would have set it up. `spacy_load` and
`spacy_blank` build a `Language` that loads only the entry-point factories
its config names, so a transformer pipeline still finds `transformer`.
`spacy_stop_words` reads spaCy's stop-word list without importing spaCy.

`import spacy` also imports all of its command line (`from .cli.info import
info`): every command, typer, weasel, requests; 350 modules and a fifth of a
second that a process loading a pipeline never uses. `install()` has
`spacy.cli` and `spacy.cli.info` made as modules whose code runs the first
time anything is asked of them (`spacy.info()`, `from spacy.cli import app`,
`spacy.cli.train`); importing a command's own module (`spacy.cli.train`)
works as it always did.
"""

from __future__ import annotations

import ast
import importlib
import importlib.abc
import importlib.machinery
import importlib.util
import sys
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

_lock = threading.Lock()
_deferred_lock = threading.RLock()  # a deferred module's code may import another


class _Loader(importlib.abc.Loader):
    """A module's own loader, with something done around executing it."""

    def __init__(self, loader, around):
        self._loader = loader
        self._around = around

    def create_module(self, spec):
        return self._loader.create_module(spec)

    def exec_module(self, module) -> None:
        self._around(lambda: self._loader.exec_module(module))

    def __getattr__(self, name):  # get_code, get_source, ... for inspect and linecache
        return getattr(self._loader, name)


class _ThincWithoutTorch(importlib.abc.MetaPathFinder):
    """Imports `thinc.compat` with torch hidden, unless torch is already imported."""

    def find_spec(self, name, path=None, target=None):
        if name != "thinc.compat" or "torch" in sys.modules:
            return None
        sys.meta_path.remove(self)  # once: thinc is imported once per process
        return _spec_with_loader_around(name, _without_torch)


class _TorchWatcher(importlib.abc.MetaPathFinder):
    """Switches thinc's torch support on once torch has been imported."""

    def find_spec(self, name, path=None, target=None):
        if name != "torch":
            return None
        sys.meta_path.remove(self)
        return _spec_with_loader_around(name, _then_thinc_torch_on)


def _spec_with_loader_around(name: str, around):
    """`name`'s spec as the other finders give it, its loader wrapped by `around`."""
    spec = importlib.util.find_spec(name)
    if spec is None or spec.loader is None:
        return None
    spec.loader = _Loader(spec.loader, around)
    return spec


def _without_torch(execute) -> None:
    sys.modules["torch"] = None  # `import torch` raises ImportError: thinc sets has_torch False
    try:
        execute()
    finally:
        if sys.modules.get("torch", 0) is None:
            del sys.modules["torch"]
    if importlib.util.find_spec("torch") is not None:
        sys.meta_path.insert(0, _TorchWatcher())


def _then_thinc_torch_on(execute) -> None:
    execute()
    thinc_torch_on()


def thinc_torch_on() -> None:
    """Give thinc its torch support now that torch is imported (no-op where it has it).

    thinc.compat is run again, so it sets its torch flags as thinc always
    does, and every thinc module that copied a flag or `torch` itself from it
    (`from ..compat import torch`) gets the new value.
    """
    compat = sys.modules.get("thinc.compat")
    if compat is None or getattr(compat, "has_torch", True) or "torch" not in sys.modules:
        return
    with _lock:
        old = {name: value for name, value in vars(compat).items() if "torch" in name}
        importlib.reload(compat)
        new = {name: getattr(compat, name) for name in old}
        for module_name, module in list(sys.modules.items()):
            if module is None or module is compat or not module_name.startswith("thinc."):
                continue
            namespace = vars(module)
            for name, value in old.items():
                if name in namespace and namespace[name] is value:
                    namespace[name] = new[name]


# --- spaCy's command line, run when it is used -----------------------------------


class _DeferredLoader(_Loader):
    """Makes a module whose code runs the first time one of its attributes is asked for;
    then the code of every module deferred so runs, in the order they were imported
    (`spacy.cli`'s `app` has its `info` command only once `spacy.cli.info` has run).

    `ready` names functions the module offers before its code runs (`spacy.cli.info.info`,
    which `import spacy` takes): a stand-in that runs the code, then the real function.
    """

    def __init__(self, loader, ready: tuple[str, ...] = ()):
        super().__init__(loader, around=None)
        self._ready = ready

    def exec_module(self, module) -> None:
        loader = self._loader

        def run_code() -> None:
            if vars(module).pop("__getattr__", None) is not None:
                loader.exec_module(module)

        def __getattr__(name: str):
            if name.startswith("__") and name.endswith("__") and name != "__all__":
                # the import system's probes (`hasattr(module, "__path__")`) are no use
                raise AttributeError(f"module {module.__name__!r} has no attribute {name!r}")
            _run_deferred()
            return getattr(module, name)

        def stand_in(name: str):
            def call(*args, **kwargs):
                _run_deferred()
                return getattr(module, name)(*args, **kwargs)
            call.__name__ = call.__qualname__ = name
            return call

        module.__getattr__ = __getattr__
        for name in self._ready:
            setattr(module, name, stand_in(name))
        _deferred.append(run_code)


_deferred: list = []  # the code of deferred modules, not yet run


def _run_deferred() -> None:
    with _deferred_lock:
        while _deferred:
            _deferred.pop(0)()


class _DeferredSpacyCli(importlib.abc.MetaPathFinder):
    """Gives `spacy.cli` and `spacy.cli.info` deferred loaders, once each."""

    _modules = {"spacy.cli": (), "spacy.cli.info": ("info",)}

    def find_spec(self, name, path=None, target=None):
        if name not in self._modules:
            return None
        if name == "spacy.cli.info":  # the last of the two
            sys.meta_path.remove(self)
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        if spec is None or spec.loader is None:
            return None
        spec.loader = _DeferredLoader(spec.loader, self._modules[name])
        return spec


def install() -> None:
    """Have thinc import without torch, and spaCy without its command line, from now on
    (see the module docstring)."""
    if "spacy" not in sys.modules and not any(isinstance(f, _DeferredSpacyCli) for f in sys.meta_path):
        sys.meta_path.insert(0, _DeferredSpacyCli())
    if "thinc" in sys.modules or "torch" in sys.modules:
        return
    if not any(isinstance(f, _ThincWithoutTorch) for f in sys.meta_path):
        sys.meta_path.insert(0, _ThincWithoutTorch())


# --- spaCy pipelines with only the factories they name ------------------------


@contextmanager
def only_factories(names: Iterable[str] | None) -> Iterator[None]:
    """While a `Language` is built, load only these entry-point factories (None: all)."""
    from spacy.util import registry

    entry_points = getattr(registry, "_entry_point_factories", None)
    if names is None or entry_points is None or not hasattr(entry_points, "_get_entry_points"):
        yield
        return
    wanted = frozenset(names)
    previous = entry_points.__dict__.get("get_all")

    def get_named() -> dict:
        return {ep.name: ep.load() for ep in entry_points._get_entry_points() if ep.name in wanted}

    entry_points.get_all = get_named
    try:
        yield
    finally:
        if previous is None:
            del entry_points.get_all
        else:
            entry_points.get_all = previous


def pipeline_factories(path: Path) -> list[str] | None:
    """The factories a saved pipeline's config.cfg names; None where that cannot be told."""
    from spacy.util import load_config

    try:
        components = load_config(Path(path) / "config.cfg", interpolate=False).get("components", {})
    except (OSError, ValueError):
        return None
    if any("factory" not in block for block in components.values()):  # sourced components
        return None
    return [block["factory"] for block in components.values()]


def spacy_load(path: str | Path, **kwargs):
    """`spacy.load(path)` loading only the entry-point factories its config names."""
    import spacy

    with only_factories(pipeline_factories(Path(path))):
        return spacy.load(path, **kwargs)


def spacy_blank(lang: str, factories: Iterable[str] = ()):
    """`spacy.blank(lang)`, loading only the named entry-point factories."""
    import spacy

    with only_factories(factories):
        return spacy.blank(lang)


# --- spaCy's data without spaCy -------------------------------------------------


@lru_cache(maxsize=None)
def spacy_stop_words(lang: str = "da") -> frozenset[str]:
    """spaCy's stop-word list for a language, read without importing spaCy itself.

    The list is `STOP_WORDS = set("<words>".split())` in spacy/lang/<lang>/stop_words.py;
    its words are read from the file's syntax tree (nothing in it runs). A file of
    another shape, or spaCy already imported, takes the list from spaCy itself.
    """
    if "spacy" not in sys.modules:
        spec = importlib.util.find_spec("spacy")
        path = Path(spec.origin).parent / "lang" / lang / "stop_words.py" if spec and spec.origin else None
        if path is not None and path.is_file():
            words = _stop_words_literal(path.read_text(encoding="utf-8"))
            if words:
                return words
    return frozenset(importlib.import_module(f"spacy.lang.{lang}.stop_words").STOP_WORDS)


def _stop_words_literal(source: str) -> frozenset[str] | None:
    """The words of `STOP_WORDS = set("...".split())`, or None for any other shape."""
    for node in ast.parse(source).body:
        if (isinstance(node, ast.Assign) and [getattr(t, "id", None) for t in node.targets] == ["STOP_WORDS"]
                and isinstance(node.value, ast.Call) and len(node.value.args) == 1
                and isinstance(split := node.value.args[0], ast.Call)
                and isinstance(split.func, ast.Attribute) and split.func.attr == "split"
                and isinstance(split.func.value, ast.Constant) and isinstance(split.func.value.value, str)):
            return frozenset(split.func.value.value.split())
    return None
