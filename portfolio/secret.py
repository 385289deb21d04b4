"""The secret key behind the pseudonyms of `report --pseudonymise`.

A pseudonym keyed with anything printed on the report (the programme's name, say) can be
reversed by hashing guessable worker ids. The key is therefore random, kept out of the workspace
(so that a shared or copied workspace does not carry it, and `report` stays read-only on it):
`$PORTFOLIO_PSEUDONYM_KEY` when set (a federation sharing one key between its staff), else a file
of the user's configuration folder, created on first use and readable by its owner only, in
a folder only its owner can open, from the start (never world-readable for a moment).

The key signing tutors' links (SPEC §11) is kept the same way, in a file of its own
(`$PORTFOLIO_LINK_KEY`, else `cle-liens-tuteurs`): a link made by `portfolio grid --lien` is
checked by `portfolio serve`, so both must run as the same system user or share the variable.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from portfolio.fsutil import write_atomic

ENV_KEY = "PORTFOLIO_PSEUDONYM_KEY"
LINK_ENV_KEY = "PORTFOLIO_LINK_KEY"
LINK_KEY_FILE = "cle-liens-tuteurs"
SESSION_ENV_KEY = "PORTFOLIO_SESSION_KEY"
SESSION_KEY_FILE = "cle-sessions"


def key_file(name: str = "cle-pseudonymes") -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config"
    return Path(base) / "vae-portfolio" / name


def pseudonym_key() -> str:
    """The key from the environment, else from the user's key file (created if missing)."""
    return _key(ENV_KEY, key_file())


def link_key() -> str:
    """The key signing tutors' links, from the environment, else from its own key file (created
    if missing): a separate key, so that knowing one never helps to forge the other."""
    return _key(LINK_ENV_KEY, key_file(LINK_KEY_FILE))


def session_key() -> str:
    """The key signing the web interface's session cookies, likewise: its own variable and
    file, kept out of the workspace (which may be copied or shared)."""
    return _key(SESSION_ENV_KEY, key_file(SESSION_KEY_FILE))


def _key(variable: str, file: Path) -> str:
    if os.environ.get(variable):
        return os.environ[variable]
    if file.is_file():
        return file.read_text(encoding="utf-8").strip()
    key = secrets.token_hex(32)
    file.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    file.parent.chmod(0o700)  # mkdir's mode is masked by the umask, and the folder may exist
    write_atomic(file, key + "\n", mode=0o600)
    return key
