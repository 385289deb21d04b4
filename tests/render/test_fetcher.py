"""The URL fetcher serves the package's assets and nothing else (SPEC §10)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from portfolio.render.fetcher import AssetsOnlyFetcher, RefusedURL, assets_dir


@pytest.fixture
def assets(tmp_path: Path) -> Path:
    root = tmp_path / "assets"
    (root / "css").mkdir(parents=True)
    (root / "css" / "a.css").write_text("p { color: red }", encoding="utf-8")
    (tmp_path / "secret.txt").write_text("secret", encoding="utf-8")
    return root


@pytest.fixture
def fetcher(assets: Path) -> AssetsOnlyFetcher:
    return AssetsOnlyFetcher(assets)


def test_file_inside_assets_is_served(fetcher: AssetsOnlyFetcher, assets: Path) -> None:
    response = fetcher((assets / "css" / "a.css").as_uri())
    assert response.read() == b"p { color: red }"
    assert response.content_type == "text/css"


def test_data_url_is_served(fetcher: AssetsOnlyFetcher) -> None:
    assert fetcher("data:text/plain,bonjour").read() == b"bonjour"


def test_file_outside_assets_is_refused(fetcher: AssetsOnlyFetcher, assets: Path) -> None:
    with pytest.raises(RefusedURL):
        fetcher((assets.parent / "secret.txt").as_uri())


def test_dot_dot_escape_is_refused(fetcher: AssetsOnlyFetcher, assets: Path) -> None:
    with pytest.raises(RefusedURL):
        fetcher(assets.as_uri() + "/css/../../secret.txt")


def test_symlink_out_of_assets_is_refused(fetcher: AssetsOnlyFetcher, assets: Path) -> None:
    os.symlink(assets.parent / "secret.txt", assets / "css" / "link.css")
    with pytest.raises(RefusedURL):
        fetcher((assets / "css" / "link.css").as_uri())


def test_system_file_is_refused(fetcher: AssetsOnlyFetcher) -> None:
    with pytest.raises(RefusedURL):
        fetcher("file:///etc/passwd")


def test_remote_file_host_is_refused(fetcher: AssetsOnlyFetcher, assets: Path) -> None:
    with pytest.raises(RefusedURL):
        fetcher("file://example.org" + (assets / "css" / "a.css").as_posix())


@pytest.mark.parametrize("scheme", ["http", "https", "ftp"])
def test_network_urls_are_refused_without_any_request(
    fetcher: AssetsOnlyFetcher, http_listener: tuple[str, list[str]], scheme: str
) -> None:
    address, requests = http_listener
    with pytest.raises(RefusedURL):
        fetcher(f"{scheme}://{address}/x.png")
    assert requests == []


def test_default_root_is_the_package_assets() -> None:
    fetcher = AssetsOnlyFetcher()
    assert fetcher.root == assets_dir().resolve()
    assert fetcher((assets_dir() / "fonts" / "OFL.txt").as_uri()).read().startswith(b"Copyright")
