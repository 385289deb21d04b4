"""A WeasyPrint URL fetcher that reads nothing but the package's own template assets.

WeasyPrint's default fetcher follows any URL found in the HTML: an ``<img src="http://…">`` makes
a network request and ``<link rel="attachment" href="file:///etc/passwd">`` embeds a local file
in the PDF. User text is escaped anyway; this fetcher is the second wall (SPEC §10): only
``data:`` URLs and ``file:`` URLs whose real path (symlinks and ``..`` resolved) lies inside the
assets folder are served, with no redirect and no network handler at all.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import DataHandler, Request

from weasyprint.urls import URLFetcher, URLFetcherResponse

from portfolio.resources import templates_dir


class RefusedURL(ValueError):
    """A URL the restricted fetcher will not open; WeasyPrint logs it and skips the resource."""


def assets_dir() -> Path:
    return templates_dir() / "assets"


class AssetsOnlyFetcher(URLFetcher):
    """Serve ``data:`` URLs and files inside ``root``; refuse everything else."""

    def __init__(self, root: Path | None = None) -> None:
        super().__init__(allowed_protocols=("data", "file"), allow_redirects=False)
        self.root = (root or assets_dir()).resolve()

    def fetch(self, url: str, headers: dict[str, str] | None = None) -> URLFetcherResponse:
        scheme = urlsplit(url).scheme.lower()
        if scheme == "data":
            return self._data(url)
        if scheme == "file":
            return self._file(url)
        raise RefusedURL(f"adresse refusée (seules les ressources du paquet sont lues) : {url}")

    def _data(self, url: str) -> URLFetcherResponse:
        response = DataHandler().data_open(Request(url))
        return URLFetcherResponse(url, response.read(), dict(response.headers.items()))

    def _file(self, url: str) -> URLFetcherResponse:
        parts = urlsplit(url)
        if parts.netloc not in ("", "localhost"):
            raise RefusedURL(f"fichier distant refusé : {url}")
        path = Path(unquote(parts.path)).resolve()
        if not path.is_relative_to(self.root) or not path.is_file():
            raise RefusedURL(f"fichier hors des ressources du paquet refusé : {url}")
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(path.as_uri(), path.read_bytes(), {"Content-Type": content_type})
