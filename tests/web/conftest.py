"""A copy of the demo workspace with one account per role, and test clients."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from starlette.testclient import TestClient
from web_support import ACCOUNTS, AS_OF, PASSWORD, login, users_yaml

from portfolio.resources import demo_dir
from portfolio.web.server import create_app


@pytest.fixture
def web_root(tmp_path: Path) -> Path:
    root = tmp_path / "demo"
    shutil.copytree(demo_dir(), root)
    users = root / "users.yaml"
    users.write_text(users_yaml(ACCOUNTS), encoding="utf-8")
    users.chmod(0o600)
    return root


@pytest.fixture
def make_client(web_root: Path) -> Callable[..., TestClient]:
    """`make_client(role=None, https=False)`: a client, logged in as that role's account."""

    def make(role: str | None = None, https: bool = False) -> TestClient:
        app = create_app(web_root, https=https, today=lambda: AS_OF, secret="clé de test")
        client = TestClient(app, base_url="https://testserver" if https else "http://testserver")
        if role is not None:
            login(client, ACCOUNTS[role]["login"], PASSWORD)
        return client

    return make
