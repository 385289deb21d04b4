"""Where a command writes the document it makes: the file named with `-o`, a folder to put it
in, or its usual name in the current folder."""

from __future__ import annotations

from pathlib import Path

from portfolio.issues import PortfolioError


def output_file(output: Path | None, default_name: str, fmt: str) -> Path:
    """The file to write for `-o output`.

    A folder (an existing one, or a name without extension: `-o dossiers`) receives the document
    under its usual name, rather than a PDF called `dossiers`. A file whose extension says
    another format than the one asked for (`--format html -o x.pdf`) is refused: it would open
    in the wrong program, or not at all."""
    if output is None:
        return Path(default_name)
    if output.is_dir() or (not output.suffix and not output.exists()):
        return output / default_name
    if output.suffix.lower() != f".{fmt}":
        raise PortfolioError(
            f"--output : « {output} » se termine par « {output.suffix} », mais le format demandé "
            f"est {fmt} : nommez le fichier « {output.with_suffix('.' + fmt).name} », ou "
            f"choisissez le format avec --format",
            exit_code=2,
        )
    return output
