"""The version of referat, read by pyproject.toml and by every record referat writes.

A plain constant, so that knowing it costs no `importlib.metadata` scan at start-up.
"""

__version__ = "0.1.0"
