"""Helpers of the web interface's tests: the demo with one account per role, logging in."""

from __future__ import annotations

import datetime as dt

from argon2 import PasswordHasher
from starlette.testclient import TestClient

AS_OF = dt.date(2026, 11, 20)
PASSWORD = "un mot de passe assez long"
FAST_HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
ACCOUNTS = {
    "federation": {"login": "fede", "role": "federation"},
    "counselor": {"login": "conseil", "role": "counselor", "association": "ai-lyon-est"},
    "trainer": {"login": "formation", "role": "trainer", "body": "graindesel"},
}
"""ai-lyon-est holds aicha-m, dominique-r and fatima-b; the others are another association's."""
OWN_WORKER = "fatima-b"
OTHER_WORKER = "kevin-t"


def users_yaml(accounts: dict[str, dict[str, str]]) -> str:
    lines = ["users:"]
    for fields in accounts.values():
        lines.append(f"  - login: {fields['login']}")
        for key in ("role", "association", "body"):
            if key in fields:
                lines.append(f"    {key}: {fields[key]}")
        lines.append(f"    password: '{FAST_HASHER.hash(PASSWORD)}'")
    return "\n".join(lines) + "\n"


def csrf_of(html: str) -> str:
    marker = 'name="csrf_token" value="'
    start = html.index(marker) + len(marker)
    return html[start : html.index('"', start)]


def login(client: TestClient, name: str, password: str):  # type: ignore[no-untyped-def]
    token = csrf_of(client.get("/connexion").text)
    return client.post(
        "/connexion",
        data={"login": name, "password": password, "csrf_token": token},
        follow_redirects=False,
    )
