"""Defaults and bounds of what users ask for, shared by the commands and the web interface; in
a module of its own, loaded by `portfolio --help` without the recording modules."""

DEFAULT_GAP_DAYS = 7
"""Days without work after which a new placement starts at the same client
(docs/import-feuilles-de-temps.md): a weekly intervention (every Monday) stays one placement, a
break of eight days or more starts a new one."""
MAX_GAP_DAYS = 366
"""A longer gap joins a whole year's rows at one client: more is a typing mistake (and the day
arithmetic would overflow for absurd values)."""
