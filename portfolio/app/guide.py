"""The user documentation, readable from the command line: it is shipped with the package, so a
message may point to a page whatever the way the tool was installed (a clone, a wheel)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from portfolio.french import closest, did_you_mean, fold
from portfolio.issues import PortfolioError
from portfolio.resources import docs_dir


@dataclass(frozen=True)
class Page:
    name: str
    """The file name without `.md`: what `portfolio doc NAME` takes."""
    title: str
    path: Path

    def text(self) -> str:
        return self.path.read_text(encoding="utf-8")


def pages() -> list[Page]:
    """Every page, the index first, then in file order."""
    found = [_page(path) for path in sorted(docs_dir().glob("*.md"))]
    return sorted(found, key=lambda page: page.name != "index")


def _page(path: Path) -> Page:
    with path.open(encoding="utf-8") as handle:
        first = handle.readline()
    return Page(path.stem, first.lstrip("#").strip() or path.stem, path)


def find_page(name: str) -> Page:
    """The page named `name`, or the only one whose name starts with it (« import »), since
    nobody types « import-feuilles-de-temps » in full."""
    every = pages()
    wanted = fold(name.strip()).removesuffix(".md")
    exact = [page for page in every if page.name == wanted]
    starting = exact or [page for page in every if page.name.startswith(wanted)]
    if len(starting) == 1:
        return starting[0]
    names = [page.name for page in every]
    if starting:
        hint = did_you_mean([page.name for page in starting])
    else:
        hint = did_you_mean(closest(wanted, names)) or f"pages : {', '.join(names)}"
    raise PortfolioError(f"page de documentation inconnue « {name} » : {hint}", exit_code=2)
