"""The progress display every long command shares: a bar on a terminal,
periodic plain lines elsewhere, and messages that do not tear the bar."""

from __future__ import annotations

import io

from referat.cli.progress import Progress, track


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_plain_lines_at_most_every_interval(capsys):
    with Progress("export hf", total=3, interval=0) as bar:
        for _ in track(range(3), bar):
            pass
    err = capsys.readouterr().err.splitlines()
    assert [line.split(",")[0] for line in err] == [
        "referat: export hf: 1/3 documents (33%)", "referat: export hf: 2/3 documents (67%)",
        "referat: export hf: 3/3 documents (100%)"]


def test_quiet_when_the_work_is_short(capsys):
    with Progress("import review", interval=3600) as bar:
        for _ in track(range(50), bar):
            pass
    assert capsys.readouterr().err == ""
    assert bar.done == 50


def test_a_bar_on_a_terminal_and_lines_above_it():
    screen = Terminal()
    with Progress("export spacy", total=2, stream=screen, interval=0) as bar:
        bar.advance()
        bar.say("referat: error: a.jsonl: line 3: not JSON")
        bar.advance()
    shown = screen.getvalue()
    assert "referat: error: a.jsonl: line 3: not JSON" in shown
    assert "export spacy" in shown and "2/2" in shown
    assert "documents (" not in shown  # no plain progress lines on a terminal


def test_work_in_stages(capsys):
    with Progress("train types", unit="items", interval=3600) as bar:
        for done in range(4):
            bar.update("reading", done, 3)
        bar.update("fitting", 1, 1)
    err = [line.split(",")[0] for line in capsys.readouterr().err.splitlines()]
    assert err == ["referat: reading: 0/3 items (0%)", "referat: reading: 3/3 items (100%)",
                   "referat: fitting: 1/1 items (100%)"]
