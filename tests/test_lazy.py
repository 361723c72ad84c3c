"""Start-up: a run imports what it needs (python -X importtime shows what that is).

Each check runs in a fresh interpreter, because what one test imports stays
imported for the next.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from referat.pipeline import Options

MINUTES = """Referat
Økonomiudvalget
Mødedato: 3. maj 2021

Punkt 1: Godkendelse af dagsorden
Beslutning
Godkendt.

Punkt 2: Tilskud til foreninger
Sagsfremstilling
Der er afsat 2,5 mio. kr. efter lov om social service § 18.
Indstilling
Forvaltningen indstiller, at orienteringen tages til efterretning.
Beslutning
Taget til efterretning.
"""

# Never on the default path: the transformers stack, scikit-learn and what it drags in.
HEAVY = {"torch", "transformers", "spacy_transformers", "spacy_wrap", "dacy", "datasets", "sklearn",
         "scipy", "pandas", "pyarrow"}
# Only where a spaCy model runs; the rules alone do without spaCy.
SPACY = {"spacy", "thinc"}


def imported(stderr: str) -> set[str]:
    """Top-level packages that `-X importtime` lines ("import time: self | cumulative | name") show
    imported: a submodule of theirs is listed, or their own import took a millisecond or more.

    importtime lists refused imports too, in microseconds: a package that is not installed
    (thinc asks for cupy) and torch while referat.lazy keeps it from thinc.
    """
    names = set()
    for line in stderr.splitlines():
        if not line.startswith("import time:") or line.count("|") != 2:
            continue
        _, cumulative, name = (part.strip() for part in line.split("|"))
        if not cumulative.isdigit():
            continue
        if "." in name or int(cumulative) >= 1000:
            names.add(name.split(".")[0])
    return names


def run_python(code: str, *args: str, importtime: bool = True) -> subprocess.CompletedProcess:
    cmd = [sys.executable, *(["-X", "importtime"] if importtime else []), "-c", textwrap.dedent(code), *args]
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    return result


@pytest.fixture()
def minutes(tmp_path) -> Path:
    path = tmp_path / "okonomiudvalget-2021-05-03.txt"
    path.write_text(MINUTES, encoding="utf-8")
    return path


def default_path_forbidden() -> set[str]:
    return HEAVY | (SPACY if Options().ner == "rules" else set())


def test_the_default_pipeline_imports_neither_torch_nor_scikit_learn(minutes):
    result = run_python("""
        import sys
        from referat.pipeline import Pipeline
        doc = Pipeline().process(sys.argv[1])
        assert doc.ok and [i.type for i in doc.items] == ["beslutning", "orientering"], doc.errors
        """, str(minutes))
    assert not imported(result.stderr) & default_path_forbidden()


def test_referat_process_and_its_worker_import_neither(minutes, tmp_path):
    """PYTHONPROFILEIMPORTTIME reaches the worker process too: its imports are listed as well."""
    env = os.environ | {"PYTHONPROFILEIMPORTTIME": "1"}
    command = Path(sys.executable).with_name("referat")  # the console script
    result = subprocess.run([str(command), "process", str(minutes), "-o", str(tmp_path / "out.jsonl")],
                            capture_output=True, text=True, env=env, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    names = imported(result.stderr)
    assert "referat" in names and "numpy" in names  # the worker's imports are in the listing
    assert not names & default_path_forbidden()


def test_a_worker_loads_the_pipeline_without_the_command_line_or_the_exporters():
    """A worker is a fresh interpreter: typer, the verb modules and the exporters (it writes
    JSONL only) would be start-up paid for nothing."""
    run_python("""
        import multiprocessing, sys
        from referat.batch import _worker_main
        from referat.pipeline import Options
        parent, child = multiprocessing.Pipe()
        parent.send(None)  # stop once loaded
        _worker_main(child, Options(ner="rules", classifier="rules"), "document", 30)
        assert parent.recv() == ("ready", None)
        cli = sorted(m for m in sys.modules if m.split(".")[0] in ("typer", "click") or m.startswith("referat.cli"))
        assert not cli, cli
        exporters = ("docbin", "prodigy", "doccano", "labelstudio", "hf", "parquet", "corrections")
        assert not [m for m in exporters if f"referat.export.{m}" in sys.modules]
        from referat.export import EXPORTERS, IMPORTERS
        assert sorted(EXPORTERS) == ["doccano", "hf", "labelstudio", "parquet", "prodigy", "spacy"]
        assert "review" in IMPORTERS
        assert EXPORTERS["hf"].TARGET == "folder" and "referat.export.hf" in sys.modules
        """, importtime=False)


def test_rules_ner_needs_no_spacy(minutes):
    result = run_python("""
        import sys
        from referat.pipeline import Options, Pipeline
        assert Pipeline(Options(ner="rules", classifier="rules")).process(sys.argv[1]).ok
        """, str(minutes))
    assert not imported(result.stderr) & (HEAVY | SPACY)


def test_spacy_imports_without_torch_until_torch_is_imported():
    """thinc's torch support comes back, as thinc would set it up, once torch is imported."""
    pytest.importorskip("torch")
    run_python("""
        import sys
        import referat, spacy, thinc.compat, thinc.util, thinc.shims.pytorch
        assert "torch" not in sys.modules
        assert not thinc.compat.has_torch and thinc.shims.pytorch.torch is None
        import numpy, torch
        assert thinc.compat.has_torch and thinc.util.has_torch and thinc.util.torch is torch
        assert thinc.shims.pytorch.torch is torch
        from thinc.api import PyTorchWrapper
        model = PyTorchWrapper(torch.nn.Linear(2, 3))
        out, _ = model.begin_update(model.ops.asarray2f(numpy.ones((4, 2), dtype="f")))
        assert out.shape == (4, 3)
        """, importtime=False)


def test_torch_imported_first_leaves_thinc_as_it_is():
    pytest.importorskip("torch")
    run_python("""
        import torch, referat, spacy, thinc.compat
        assert thinc.compat.has_torch and thinc.compat.torch is torch
        """, importtime=False)


def test_spacy_imports_without_its_command_line_which_still_works():
    """`import spacy` runs its command line's code only when something uses it."""
    run_python("""
        import sys
        import referat, spacy
        cli = ("spacy.cli._util", "spacy.cli.download", "spacy.cli.train", "weasel", "requests", "typer")
        assert not [name for name in cli if name in sys.modules]
        assert spacy.load and spacy.blank("da")("Byrådet godkendte.")[0].text == "Byrådet"
        assert spacy.info()["spacy_version"] == spacy.__version__
        from spacy.cli import app
        from typer.main import get_command
        assert {"info", "train", "download", "init"} <= set(get_command(app).commands)
        from spacy.cli.train import train
        assert callable(train)
        from spacy.cli import *  # noqa: F403
        assert callable(init_config)  # noqa: F405
        """, importtime=False)


def test_a_blank_pipeline_loads_no_factory_packages():
    """spacy.blank imports every package that registers a factory; referat's blank imports none."""
    result = run_python("""
        from referat.lazy import spacy_blank
        nlp = spacy_blank("da")
        assert nlp("Byrådet godkendte 20 mio. kr.")[0].text == "Byrådet"
        """)
    assert not imported(result.stderr) & HEAVY


def test_a_saved_pipeline_loads_the_factories_it_names(tmp_path):
    run_python("""
        import sys
        import spacy
        from referat.lazy import pipeline_factories, spacy_load
        nlp = spacy.blank("da")
        nlp.add_pipe("sentencizer")
        nlp.add_pipe("referat_amounts")  # an entry-point factory (pyproject.toml)
        nlp.to_disk(sys.argv[1])
        assert pipeline_factories(sys.argv[1]) == ["sentencizer", "referat_amounts"]
        loaded = spacy_load(sys.argv[1])
        assert loaded.pipe_names == ["sentencizer", "referat_amounts"]
        """, str(tmp_path / "pipeline"), importtime=False)


def test_stop_words_are_spacys_without_spacy():
    run_python("""
        import sys
        from referat.lazy import spacy_stop_words
        words = spacy_stop_words("da")
        assert "spacy" not in sys.modules
        from spacy.lang.da.stop_words import STOP_WORDS
        assert words == frozenset(STOP_WORDS) and "og" in words
        """, importtime=False)
