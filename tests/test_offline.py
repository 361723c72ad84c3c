"""referat makes no network connection and starts no program (issue 8).

The whole suite runs with sockets disabled (pytest-socket, `--disable-socket
--allow-unix-socket` in pyproject's addopts). The tests here go further:
they run the full pipeline, models loaded, over inputs that point outwards
(images, style sheets, scripts, external XML entities, a Word relationship
and a PDF link to a URL) while

- every Python-level way out (`connect`, `getaddrinfo`, `create_connection`,
  ...) is patched to record and refuse, and `subprocess` to record;
- a local HTTP server is the target of every such URL, so that a fetch from
  C code (libxml2, PDFium), which the patches cannot see, still shows up as
  a request the server received.
"""

from __future__ import annotations

import http.server
import os
import re
import socket
import subprocess
import threading
import tomllib
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from referat.errors import ModelError
from referat.pipeline import Options, Pipeline
from referat.resources import models_dir

REPO = Path(__file__).resolve().parent.parent

MINUTES = """Referat
Økonomiudvalget
Mødedato: 11. marts 2019
Deltagere: Jan Jensen (V), Lone Hansen (A)

Punkt 1: Godkendelse af dagsorden
Beslutning
Godkendt.

Punkt 2: Orientering om budget 2020
Sagsfremstilling
Der er afsat 20 mio. kr. efter serviceloven § 85, stk. 2.
Beslutning
Taget til efterretning.
"""


# --- the recorder and the canary server ---------------------------------------


class Attempts(list):
    """(what, where) for every refused way out, `where` being the caller's frame."""

    def refusing(self, what: str, original=None, allow_unix: bool = False):
        def refuse(*args, **kwargs):
            sock = args[0] if args and isinstance(args[0], socket.socket) else None
            if allow_unix and sock is not None and sock.family == socket.AF_UNIX:
                return original(*args, **kwargs)
            frame = traceback.extract_stack(limit=6)[0]
            self.append((what, f"{frame.filename}:{frame.lineno}", args[1:3] if sock else args[:2]))
            raise OSError(f"test_offline: {what} refused")
        return refuse


@contextmanager
def no_way_out() -> Iterator[Attempts]:
    """Refuse and record every network call and every program start."""
    attempts = Attempts()
    with pytest.MonkeyPatch.context() as mp:
        for name in ("getaddrinfo", "gethostbyname", "gethostbyname_ex", "gethostbyaddr",
                     "create_connection"):
            mp.setattr(socket, name, attempts.refusing(name))
        for name in ("connect", "connect_ex", "sendto", "sendmsg"):
            mp.setattr(socket.socket, name, attempts.refusing(name, getattr(socket.socket, name),
                                                              allow_unix=True))
        mp.setattr(subprocess.Popen, "__init__", attempts.refusing("subprocess"))
        mp.setattr(os, "system", attempts.refusing("os.system"))
        yield attempts


@contextmanager
def canary_server() -> Iterator[tuple[str, list[str]]]:
    """A local HTTP server that notes every request it gets: (base URL, requests)."""
    requests: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 (the stdlib's name)
            requests.append(self.path)
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"CANARY-FETCHED")

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", requests
    finally:
        server.shutdown()
        server.server_close()


def _pointing_outwards(folder: Path, url: str) -> list[Path]:
    """Minutes in each format, each with references to `url` that a careless reader would fetch."""
    import io
    import zipfile

    import fpdf

    body = "".join(f"<p>{line}</p>" for line in MINUTES.splitlines())
    html = (f'<!DOCTYPE html [<!ENTITY ext SYSTEM "{url}/entity">]><html><head>'
            f'<link rel="stylesheet" href="{url}/style.css"><script src="{url}/script.js"></script>'
            f'<base href="{url}/"><meta http-equiv="refresh" content="0; url={url}/refresh"></head>'
            f'<body><img src="{url}/img.png"><iframe src="{url}/frame"></iframe>{body}'
            f'<p>&ext;</p><object data="{url}/object"></object></body></html>')
    (folder / "outwards.html").write_text(html, encoding="utf-8")

    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    r = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    paragraphs = "".join(f"<w:p><w:r><w:t>{line}</w:t></w:r></w:p>" for line in MINUTES.splitlines())
    document = (f'<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY ext SYSTEM "{url}/docx-entity">]>'
                f'<w:document xmlns:w="{w}" xmlns:r="{r}"><w:body>{paragraphs}'
                f'<w:p><w:hyperlink r:id="rIdLink"><w:r><w:t>&ext;</w:t></w:r></w:hyperlink></w:p>'
                f"</w:body></w:document>")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("[Content_Types].xml", (
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-'
            'package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.wordprocessingml.document.main+xml"/></Types>'))
        zf.writestr("_rels/.rels", (
            '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
            f'2006/relationships"><Relationship Id="rId1" Type="{r}/officeDocument" '
            'Target="word/document.xml"/></Relationships>'))
        zf.writestr("word/_rels/document.xml.rels", (
            '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/'
            f'2006/relationships"><Relationship Id="rIdLink" Type="{r}/hyperlink" '
            f'Target="{url}/docx-link" TargetMode="External"/><Relationship Id="rIdImg" '
            f'Type="{r}/image" Target="{url}/docx-image.png" TargetMode="External"/></Relationships>'))
        zf.writestr("word/document.xml", document)
    (folder / "outwards.docx").write_bytes(buffer.getvalue())

    pdf = fpdf.FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=11)
    pdf.multi_cell(0, 6, MINUTES.replace("–", "-"))
    pdf.link(10, 10, 50, 10, f"{url}/pdf-link")
    (folder / "outwards.pdf").write_bytes(bytes(pdf.output()))

    (folder / "plain.txt").write_text(MINUTES + f"\nSe {url}/in-text for bilag.\n", encoding="utf-8")
    return sorted(folder.iterdir())


# --- the tests ------------------------------------------------------------------


def test_the_suite_runs_with_sockets_disabled():
    """pyproject makes pytest-socket refuse every socket but Unix ones, for every test."""
    config = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    addopts = config["tool"]["pytest"]["ini_options"]["addopts"].split()
    assert "--disable-socket" in addopts and "--allow-unix-socket" in addopts
    from pytest_socket import SocketBlockedError

    with pytest.raises(SocketBlockedError):
        socket.socket(socket.AF_INET, socket.SOCK_STREAM)


def test_the_recorder_sees_a_connection():
    """The recorder is not vacuous: a plain HTTP request is refused and recorded."""
    import urllib.request

    with no_way_out() as attempts, pytest.raises(OSError):
        urllib.request.urlopen("http://example.invalid/", timeout=1)
    assert attempts and attempts[0][0] in ("getaddrinfo", "create_connection")


@pytest.mark.enable_socket
@pytest.mark.network
def test_the_canary_sees_a_fetch():
    """The canary is not vacuous: a real fetch of its URL is counted."""
    import urllib.request

    with canary_server() as (url, requests):
        assert urllib.request.urlopen(f"{url}/probe", timeout=5).read() == b"CANARY-FETCHED"
    assert requests == ["/probe"]


@pytest.mark.enable_socket
@pytest.mark.network
def test_pipeline_makes_no_connection_and_starts_no_program(tmp_path):
    """Models loaded and every format read, nothing leaves the process."""
    from referat.review import render

    ner = "model" if (models_dir() / "ner").is_dir() else "rules"
    with canary_server() as (url, requests):
        inputs = _pointing_outwards(tmp_path, url)
        with no_way_out() as attempts:
            pipeline = Pipeline(Options(ner=ner, classifier="default"))
            docs = [pipeline.process(path) for path in inputs]
            page = render(docs)
        assert not attempts, f"network or program starts attempted: {attempts}"
        assert not requests, f"the canary server was fetched from: {requests}"
    results = {Path(d.source).name: d for d in docs}
    for name, doc in results.items():
        assert doc.ok, f"{name}: {doc.errors}"
        assert "CANARY-FETCHED" not in doc.text, f"{name}: fetched content in the text"
    assert [i.title for i in results["plain.txt"].items] == ["Godkendelse af dagsorden",
                                                            "Orientering om budget 2020"]
    assert "default-src 'none'" in page
    assert not re.search(r"""(?:src|href|action|data|poster|srcset)\s*=\s*["']?\s*(?:https?:)?//""", page), \
        "the review page refers to something outside itself"


def test_a_hub_name_is_not_fetched():
    """A model name where a directory is expected is an error, never a download."""
    with no_way_out() as attempts:
        from referat.classify import load_classifier

        with pytest.raises(ModelError):
            load_classifier("bert-base-multilingual-cased")
        with pytest.raises(ModelError):
            Pipeline(Options(ner="chcaa/da_dacy_small_trf")).annotator  # noqa: B018
    assert not attempts, attempts


@pytest.mark.slow
def test_a_missing_dacy_model_is_not_downloaded(tmp_path, monkeypatch):
    """`--ner dacy` without the model installed: a clear error, no download."""
    pytest.importorskip("dacy")
    monkeypatch.setenv("DACY_CACHE_DIR", str(tmp_path))
    with no_way_out() as attempts:
        from referat.annotate.backends import load_backend

        with pytest.raises(ModelError, match="not installed|never downloads"):
            load_backend("dacy", trust_model=True)
    assert not attempts, attempts


@pytest.mark.slow
def test_transformers_backend_loads_and_predicts_offline(tmp_path):
    """A fine-tuned model on disk is loaded and run without a connection attempt."""
    from test_model_safety import tiny_transformer_model

    model_dir = tiny_transformer_model(tmp_path / "model")
    with no_way_out() as attempts:
        from referat.classify import load_classifier

        classifier = load_classifier(str(model_dir))
        probabilities = classifier.predict_proba(["at godkende budgettet", "Taget til efterretning"])
    assert probabilities.shape == (2, 3)
    assert not attempts, attempts
