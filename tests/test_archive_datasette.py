"""The archive in Datasette: served on localhost, searched and faceted through HTTP."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from _archive_docs import handmade, records

from referat.archive import index_records
from referat.archive.datasette import metadata_path, write_metadata

pytestmark = [pytest.mark.network, pytest.mark.enable_socket]


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """`datasette archive.sqlite -m archive.metadata.json` on a free local port."""
    executable = Path(sys.executable).parent / "datasette"
    if not executable.exists():
        pytest.skip("datasette is not installed (pip install -e '.[dev]')")
    folder = tmp_path_factory.mktemp("datasette")
    recs = folder / "records.jsonl"
    recs.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records(handmade())),
                    encoding="utf-8")
    db = folder / "archive.sqlite"
    index_records(recs, db)
    meta = write_metadata(db)
    assert meta == metadata_path(db)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen([str(executable), "serve", str(db), "-m", str(meta), "-h", "127.0.0.1",
                               "-p", str(port)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              env={**os.environ, "DATASETTE_SECRET": "test"})
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                urllib.request.urlopen(f"{base}/-/versions.json", timeout=5).read()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"datasette did not start: {server.stdout.read().decode(errors='replace')}")
                time.sleep(0.3)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)


def get(base: str, path: str, **params) -> dict | list:
    url = f"{base}{path}?{urllib.parse.urlencode(params)}"
    return json.loads(urllib.request.urlopen(url, timeout=30).read())


def test_the_search_box_finds_inflected_forms(served):
    rows = get(served, "/archive/items.json", _search="bevilling", _shape="array")
    assert sorted(row["title"] for row in rows) == ["Budget 2022, 2. behandling", "Tillægsbevilling til vintertjeneste"]


def test_search_with_facets(served):
    data = get(served, "/archive/items.json", _search="lokalplan", _facet="type", _shape="objects")
    assert sorted(row["title"] for row in data["rows"]) == ["Lokalplan 1.45 for boliger ved Stationsvej",
                                                            "Lokalplanforslag for Havneholmen"]
    facets = {r["value"]: r["count"] for r in data["facet_results"]["type"]["results"]}
    assert facets == {"beslutning": 1, "orientering": 1}


def test_the_body_facet_shows_labels(served):
    data = get(served, "/archive/items.json", _facet="body_id", _shape="objects")
    labels = {r["label"]: r["count"] for r in data["facet_results"]["body_id"]["results"]}
    assert labels == {"Byrådet / Kommunalbestyrelsen": 7, "Økonomiudvalget": 3}  # 2 councils, 1 committee


def test_canned_queries(served):
    rows = get(served, "/archive/stemmer.json", party="Ø", position="imod", _shape="array")
    assert sorted(row["title"] for row in rows) == ["Budget 2022, 2. behandling",
                                                    "Lokalplan 1.45 for boliger ved Stationsvej",
                                                    "Tillægsbevilling til vintertjeneste"]
    rows = get(served, "/archive/beloeb_over.json", kr="100000000", _shape="array")
    assert [row["title"] for row in rows] == ["Budget 2022, 2. behandling"]
    rows = get(served, "/archive/sog.json", q="klimaplan", _shape="array")
    assert [row["title"] for row in rows] == ["Drøftelse af klimaplan 2030"]
