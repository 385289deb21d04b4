"""HTML → PDF with WeasyPrint, reading only the package's template assets (SPEC §10).

One ``FontConfiguration`` is shared by every render of the process, and each stylesheet is parsed
once with it: a ``CSS`` object carrying ``@font-face`` rules must be built with the same font
configuration that renders the document, or the shipped font is silently replaced.
"""

from __future__ import annotations

import base64
import contextlib
import io
import mimetypes
import re
import sys
from functools import lru_cache
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING
from urllib.parse import unquote

from portfolio.fsutil import write_atomic
from portfolio.issues import PortfolioError
from portfolio.resources import templates_dir

if TYPE_CHECKING:
    from portfolio.render.fetcher import AssetsOnlyFetcher

BASE_STYLESHEET = "base.css"
PDF_VARIANT = "pdf/ua-1"
"""Tagged PDF with title and language: readable by screen readers (the dossier is for the
worker, who may use one)."""


class PdfLibrariesMissing(PortfolioError):
    """WeasyPrint is installed but the system libraries it loads (Pango and its companions) are
    not: no PDF can be made, while HTML documents and every other command still work."""


APT_PACKAGES = "libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0"
INSTALL_HINTS: dict[str, tuple[str, ...]] = {
    "linux": (
        "Debian, Ubuntu :",
        f"  sudo apt install {APT_PACKAGES}",
        "Fedora :",
        "  sudo dnf install pango",
        "Arch Linux :",
        "  sudo pacman -S pango",
    ),
    "darwin": ("macOS (avec Homebrew, https://brew.sh) :", "  brew install pango"),
    "win32": (
        "Windows : utilisez vae-portfolio dans WSL (« wsl --install » installe Ubuntu), puis "
        "tapez-y :",
        f"  sudo apt install {APT_PACKAGES}",
        "ou installez Pango avec MSYS2, dans son terminal UCRT64 (voir "
        "https://doc.courtbouillon.org/weasyprint/stable/first_steps.html#windows) :",
        "  pacman -S mingw-w64-ucrt-x86_64-pango",
    ),
}
"""How to install what WeasyPrint loads, by `sys.platform`: the packages its documentation lists
for installing it with pip (version 69: Debian, Ubuntu, Fedora, Arch, Homebrew, MSYS2). Each
command stands alone on its line, indented under its system, to be copied whole."""


def install_hint(platform: str) -> tuple[str, ...]:
    """The install commands of this system; every system's on one we do not know."""
    if platform.startswith("linux"):
        return INSTALL_HINTS["linux"]
    if platform in INSTALL_HINTS:
        return INSTALL_HINTS[platform]
    return tuple(line for lines in INSTALL_HINTS.values() for line in lines)


def missing_libraries_message(failure: OSError) -> str:
    """What a counselor reads instead of WeasyPrint's traceback: what is missing and what works
    without it; the install commands follow, one per line (`install_hint`)."""
    found = re.search(r"cannot load library '([^']+)'", str(failure))
    library = f" ({found.group(1)} introuvable)" if found else ""
    return (
        "impossible de produire un PDF : WeasyPrint, qui les fabrique, a besoin de bibliothèques "
        f"du système (Pango, HarfBuzz, Fontconfig) qui manquent sur cet ordinateur{library}. "
        "Installez-les (ci-dessous), puis relancez la commande. En attendant, toutes les autres "
        "commandes fonctionnent, et « --format html » (render, grid, report, coverage) produit "
        "les documents en HTML, à ouvrir dans un navigateur"
    )


@lru_cache(maxsize=1)
def require_pdf_libraries() -> ModuleType:
    """Import WeasyPrint (about a second: only commands that make a PDF pay for it), or raise
    `PdfLibrariesMissing` in French.

    Without Pango, WeasyPrint prints an English notice on stdout, then raises the `OSError` of
    cffi's `dlopen` from its import: the notice is swallowed, the error translated. A build calls
    this once before starting its processes, so that none of them dies of it."""
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            import weasyprint
    except OSError as exc:
        raise PdfLibrariesMissing(
            missing_libraries_message(exc), details=install_hint(sys.platform)
        ) from None
    return weasyprint


@lru_cache(maxsize=1)
def weasyprint_and_fonts():  # type: ignore[no-untyped-def]
    """WeasyPrint and the one font configuration of the process (see the module's note)."""
    weasyprint = require_pdf_libraries()
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
