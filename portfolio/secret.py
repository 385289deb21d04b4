"""The secret key behind the pseudonyms of `report --pseudonymise`.

A pseudonym keyed with anything printed on the report (the programme's name, say) can be
reversed by hashing guessable worker ids. The key is therefore random, kept out of the workspace
(so that a shared or copied workspace does not carry it, and `report` stays read-only on it):
`$PORTFOLIO_PSEUDONYM_KEY` when set (a federation sharing one key between its staff), else a file
of the user's configuration folder, created on first use and readable by its owner only, in
a folder only its owner can open, from the start (never world-readable for a moment).
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from portfolio.fsutil import write_atomic

ENV_KEY = "PORTFOLIO_PSEUDONYM_KEY"


def key_file() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config"
    return Path(base) / "vae-portfolio" / "cle-pseudonymes"


def pseudonym_key() -> str:
    """The key from the environment, else from the user's key file (created if missing)."""
    if os.environ.get(ENV_KEY):
        return os.environ[ENV_KEY]
    file = key_file()
    if file.is_file():
        return file.read_text(encoding="utf-8").strip()
    key = secrets.token_hex(32)
    file.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    file.parent.chmod(0o700)  # mkdir's mode is masked by the umask, and the folder may exist
    write_atomic(file, key + "\n", mode=0o600)
    return key
