"""HTML → PDF with WeasyPrint, reading only the package's template assets (SPEC §10).

One ``FontConfiguration`` is shared by every render of the process, and each stylesheet is parsed
once with it: a ``CSS`` object carrying ``@font-face`` rules must be built with the same font
configuration that renders the document, or the shipped font is silently replaced.
"""

from __future__ import annotations

import base64
import mimetypes
import re
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote

from portfolio.fsutil import write_atomic
from portfolio.resources import templates_dir

if TYPE_CHECKING:
    from portfolio.render.fetcher import AssetsOnlyFetcher

BASE_STYLESHEET = "base.css"
PDF_VARIANT = "pdf/ua-1"
"""Tagged PDF with title and language: readable by screen readers (the dossier is for the
worker, who may use one)."""


@lru_cache(maxsize=1)
def weasyprint_and_fonts():  # type: ignore[no-untyped-def]
    """WeasyPrint takes about a second to import: only commands that print pay for it."""
    import weasyprint
    from weasyprint.text.fonts import FontConfiguration

    return weasyprint, FontConfiguration()


@lru_cache(maxsize=1)
def fetcher() -> AssetsOnlyFetcher:
    """Imported here: the fetcher subclasses WeasyPrint's, whose import costs about a second."""
    from portfolio.render.fetcher import AssetsOnlyFetcher

    return AssetsOnlyFetcher()


def stylesheet_path(name: str) -> Path:
    """A stylesheet of ``templates/assets/css/`` by file name."""
    assets = templates_dir() / "assets"
    path = (assets / "css" / name).resolve()
    if not path.is_relative_to(assets.resolve()) or not path.is_file():
        raise FileNotFoundError(f"feuille de style introuvable dans le paquet : {name}")
    return path


def stylesheet_names(stylesheets: list[str] | None) -> list[str]:
    """The shared stylesheet first, then the document's own, each once."""
    names = [BASE_STYLESHEET, *(stylesheets or [])]
    return list(dict.fromkeys(names))


@lru_cache(maxsize=32)
def _parsed_stylesheet(name: str):  # type: ignore[no-untyped-def]
    weasyprint, font_config = weasyprint_and_fonts()
    path = stylesheet_path(name)
    return weasyprint.CSS(
        string=path.read_text(encoding="utf-8"),
        base_url=path.as_uri(),
        url_fetcher=fetcher(),
        font_config=font_config,
    )


def html_to_pdf(
    html: str, *, title: str, author: str, stylesheets: list[str] | None = None
) -> bytes:
    """Render a document's HTML to PDF bytes.

    ``stylesheets`` are file names in ``templates/assets/css/`` added after ``base.css``. The
    title and author (the association) go in the PDF metadata with the language ``fr``; any
    attachment the HTML might ask for is dropped.
    """
    weasyprint, font_config = weasyprint_and_fonts()
    document = weasyprint.HTML(
        string=html, base_url=templates_dir().as_uri() + "/", url_fetcher=fetcher()
    ).render(
        stylesheets=[_parsed_stylesheet(n) for n in stylesheet_names(stylesheets)],
        font_config=font_config,
    )
    document.metadata.title = title
    document.metadata.authors = [author]
    document.metadata.lang = "fr"
    document.metadata.attachments = []
    return document.write_pdf(pdf_variant=PDF_VARIANT)


def write_pdf(
    path: Path, html: str, *, title: str, author: str, stylesheets: list[str] | None = None
) -> None:
    """Render and write a PDF atomically: an interrupted run never leaves half a file."""
    write_atomic(path, html_to_pdf(html, title=title, author=author, stylesheets=stylesheets))


_CSS_URL = re.compile(r"url\(\s*(['\"]?)(?!data:)([^'\")]+)\1\s*\)")


def asset_data_url(path: Path) -> str:
    """A file of ``templates/assets/`` as a ``data:`` URL (fonts, pictograms)."""
    assets = (templates_dir() / "assets").resolve()
    path = path.resolve()
    if not path.is_relative_to(assets) or not path.is_file():
        raise FileNotFoundError(f"ressource introuvable dans le paquet : {path.name}")
    kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return f"data:{kind};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"


def _asset_attributes() -> re.Pattern[str]:
    """``src``/``href`` attributes the templates fill with ``asset_url`` (absolute ``file:``
    URLs, which the PDF fetcher serves)."""
    prefix = (templates_dir() / "assets").resolve().as_uri()
    return re.compile(rf'(src|href)="{re.escape(prefix)}/([^"]+)"')


def standalone_html(html: str, stylesheets: list[str] | None = None) -> str:
    """The HTML with its stylesheets and assets inlined, for ``--format html`` previews.

    Fonts and pictograms become ``data:`` URLs: the page looks the same once saved or sent
    elsewhere, and it names no folder of the computer it was made on (the install path tells
    who made it, and where). The PDF keeps reading the files through the restricted fetcher.
    """
    assets = templates_dir() / "assets"
    css = []
    for name in stylesheet_names(stylesheets):
        path = stylesheet_path(name)
        text = path.read_text(encoding="utf-8")
        css.append(
            _CSS_URL.sub(lambda m, b=path.parent: f'url("{asset_data_url(b / m.group(2))}")', text)
        )
    style = "<style>\n" + "\n".join(css) + "</style>\n"
    html = _asset_attributes().sub(
        lambda m: f'{m.group(1)}="{asset_data_url(assets / unquote(m.group(2)))}"', html
    )
    return html.replace("</head>", style + "</head>", 1)
