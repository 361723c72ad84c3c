"""Decide: what each body decided on each item, and who voted how (ANNOTATION.md §6).

    from referat.decide import load_decider
    load_decider().decide(doc)      # sets item.decision on every item

Runs after segment (it reads the Beslutning section) and annotate (it uses
the PERSON spans where there are any). One module per step:

    grammar.py   configs/decisions.toml compiled: positions, verbs, counts, outcome phrases
    scope.py     this meeting's decision section; quoted earlier treatments kept apart
    text.py      statements: lines and sentences, remarks and quotations blanked
    actors.py    party codes, party names and members in the lists votes name
    votes.py     the printed positions (`Vote`)
    outcome.py   the outcome from the phrase rules
    linear.py    the outcome model where the phrases are silent (numpy at run time)
    decider.py   all of it per item -> `Decision`
    training.py  `referat train outcomes`: distant supervision by the phrase rules
    attendance.py who attended which item; tally.py the tables of `referat votes`
    evaluate.py  the figures of shared/tools/score_decisions.py
"""

from __future__ import annotations

from functools import lru_cache

from referat.decide.decider import Decider


@lru_cache(maxsize=4)
def load_decider(model: str = "default") -> Decider:
    """The decider for a `--decision-model` choice ("default", "rules" or a directory), loaded once."""
    return Decider(model)


__all__ = ["Decider", "load_decider"]
