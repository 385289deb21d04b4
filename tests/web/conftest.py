"""A copy of the demo workspace with one account per role, test clients, and for the browser
tests a uvicorn server, a Chromium and a fresh profile per test."""

from __future__ import annotations

import shutil
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import uvicorn
from browser_support import CHROMIUM, CHROMIUM_ARGS
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright
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


@pytest.fixture(scope="module")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A uvicorn server on a free port of 127.0.0.1, over a copy of the demo with one account
    per role, running in a daemon thread for the whole module."""
    root = tmp_path_factory.mktemp("browser") / "demo"
    shutil.copytree(demo_dir(), root)
    users = root / "users.yaml"
    users.write_text(users_yaml(ACCOUNTS), encoding="utf-8")
    users.chmod(0o600)
    app = create_app(root, today=lambda: AS_OF, secret="clé des tests du navigateur")
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    for _ in range(200):
        if server.started or not thread.is_alive():
            break
        time.sleep(0.05)
    assert server.started, "le serveur uvicorn des tests n'a pas démarré"
    port = server.servers[0].sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} manque : installez le paquet Debian « chromium » (.ci/run le fait)"
        )
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def context(browser: Browser, base_url: str) -> Iterator[BrowserContext]:
    """A fresh profile per test: no cookie carried from one test to the next."""
    fresh = browser.new_context(base_url=base_url, locale="fr-FR")
    yield fresh
    fresh.close()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return context.new_page()
