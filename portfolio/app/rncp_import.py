"""`portfolio referentiels import-rncp FILE --fiche RNCPnnnnn` (SPEC §12): a référentiel skeleton
from France Compétences' open data.

A federation that adds a track should start from the official fiche, not from a blank file: the
title, RNCP code, level, certifier, ROME codes and blocks with their RNCP codes come from the
export (`portfolio.rncp` reads it), and so do the competencies when the XML export lists them.
What no export has — the plain wording a worker understands and the task vocabulary that
evidences each competency — is left for the counselor, and the file says so in comments. Until
the tasks are written, `check` reports each competency as having no way to be evidenced: that
list is the work left to do, before the file goes into a workspace whose workers are assessed
(its errors would refuse them all).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import textwrap
from dataclasses import dataclass
from pathlib import Path

import yaml

from portfolio.app.workspace import referentiels as referentiels_of
from portfolio.french import fold, fr_date
from portfolio.fsutil import write_atomic
from portfolio.issues import PortfolioError, terminal_safe
from portfolio.model.common import ID_PATTERN, RNCP_BLOCK_PATTERN
from portfolio.model.literals import TRACKS
from portfolio.model.referentiel import Referentiel
from portfolio.resources import WORKSPACE_FILE
from portfolio.rncp import Export, Fiche, RncpBlock, fiche_number, read_fiche

DEFAULT_RULE = "{min_hours: 30, observation: true}"
"""The evidence rule of the bundled titres professionnels (docs/referentiels.md): an imported
competency is never acquired by observation alone before the counselor decides so."""

KINDS = {"TP": "titre-professionnel", "CAP": "cap", "CAPA": "capa", "CQP": "cqp"}
"""SPEC §3 certification kinds by the fiche's abbreviation (`Abrege_Libelle`, `ABREGE/CODE`)."""
KINDS_BY_TITLE = (
    ("titre professionnel", "titre-professionnel"),
    ("certificat d'aptitude professionnelle agricole", "capa"),
    ("capa ", "capa"),
    ("certificat d'aptitude professionnelle", "cap"),
    ("cap ", "cap"),
    ("certificat de qualification professionnelle", "cqp"),
    ("cqp ", "cqp"),
)
"""The same, from the start of the fiche's title, when it has no abbreviation."""

TRACKS_BY_ROME = {
    "K13": "emplois-familiaux",
    "K22": "entretien-nettoyage",
    "G16": "restauration-collective",
    "A12": "espaces-verts",
    "I12": "batiment",
    "F1": "batiment",
    "M16": "agents-administratifs",
}
"""ROME code prefixes → track, from the ROME codes of the bundled référentiels (ADVF K13…, APH
K22…, EPR G16…, ouvrier paysagiste A12…, AMB I12… and the building trades F1…, EAA M16…)."""

COMMENT_WIDTH = 96


@dataclass(frozen=True)
class Imported:
    """What `import-rncp` wrote, and what the counselor has left to do."""

    path: Path
    referentiel_id: str
    blocks: int
    competencies: int
    message: str
    notes: tuple[str, ...]


def import_rncp(
    source: Path,
    fiche: str,
    *,
    output: Path | None,
    workspace: Path,
    force: bool,
    track: str | None,
    kind: str | None,
    today: dt.date,
) -> Imported:
    """Read the fiche from `source`, write its référentiel to `output` (by default
    `rncpNNNNN.yaml` in the current folder) and say what is left to write."""
    number = fiche_number(fiche)
    target = _target(output, number)
    ident = target.stem
    if not re.match(ID_PATTERN, ident):
        raise PortfolioError(
            f"--output : « {terminal_safe(target.name)} » ne donne pas un identifiant de "
            f"référentiel valable (le nom du fichier sans .yaml : minuscules sans accent, "
            f"chiffres et tirets) : nommez-le par exemple {number.lower()}.yaml",
            exit_code=2,
        )
    if target.exists() and not force:
        raise PortfolioError(
            f"{terminal_safe(str(target))} existe déjà : rien n'a été écrit ; ajoutez --force "
            "pour le remplacer, ou choisissez un autre nom avec -o"
        )
    found, _issues = referentiels_of(workspace)
    own = workspace / "referentiels" / target.name
    same_file = own.exists() and target.resolve() == own.resolve()
    if ident in found and not same_file:
        raise PortfolioError(
            f"l'identifiant « {ident} » est déjà celui du référentiel « "
            f"{terminal_safe(found[ident].title)} » : rien n'a été écrit ; choisissez un autre "
            "nom de fichier avec -o (l'identifiant est le nom du fichier sans .yaml)"
        )
    export, read = read_fiche(source, number, today)
    if not read.blocks:
        raise PortfolioError(
            f"la fiche {number} n'a aucun bloc de compétences dans {export.name} : un "
            "référentiel en demande au moins un ; rien n'a été écrit (la fiche est peut-être "
            "au répertoire spécifique, sans blocs)"
        )
    chosen_kind = kind or guess_kind(read)
    if chosen_kind is None:
        raise PortfolioError(
            f"la fiche {number} est de type « {read.abbreviation or 'non précisé'} », que le "
            "format des référentiels ne connaît pas : choisissez le type le plus proche avec "
            "--kind (titre-professionnel, cap, capa, cqp, clea ou socle)",
            exit_code=2,
        )
    chosen_track, track_note = (track, "") if track else guess_track(read)
    if chosen_track is None:
        codes = ", ".join(read.rome) or "aucun"
        raise PortfolioError(
            f"la filière de la fiche {number} ne se déduit pas de ses codes ROME ({codes}) : "
            f"choisissez-la avec --track ({', '.join(t for t in TRACKS if t != 'transversal')})",
            exit_code=2,
        )
    text = referentiel_text(read, export, ident, chosen_track, track_note, chosen_kind)
    Referentiel.model_validate(yaml.safe_load(text))  # what is written is a valid référentiel
    write_atomic(target, text)
    notes = tuple(_notes(read, found, ident, chosen_track, track_note))
    competencies = sum(max(1, len(b.competencies)) for b in read.blocks)
    message = (
        f"Référentiel « {ident} » écrit dans {terminal_safe(str(target))} : "
        f"{_count(len(read.blocks), 'bloc')}, {_count(competencies, 'compétence')}, d'après la "
        f"fiche {number} ({export.name}). À écrire avant usage : la phrase simple (plain) de "
        "chaque compétence et les tâches qui les prouvent, comme l'expliquent les commentaires "
        f"du fichier. {_next_step(target)}"
    )
    return Imported(target, ident, len(read.blocks), competencies, message, notes)


def _next_step(target: Path) -> str:
    """Where the file goes once written. While a référentiel of a workspace has errors, assess,
    plan and credentials refuse every worker of that workspace: an import already in a
    workspace's referentiels/ says so, any other is completed before it goes there."""
    folder = target.resolve().parent
    if folder.name == "referentiels" and (folder.parent / WORKSPACE_FILE).is_file():
        workspace = folder.parent
        shown = terminal_safe(
            str(workspace) if target.is_absolute() else os.path.relpath(workspace, Path.cwd())
        )
        named = "" if shown == "." else f" {shown}"
        return (
            f"Il est déjà dans le dossier referentiels/ de l'espace de travail{named} : tant "
            f"qu'il a des erreurs (portfolio check -w {shown} les liste), assess, plan et "
            "credentials y refusent tous les salariés."
        )
    return (
        "Ne le placez dans le dossier referentiels/ de l'espace de travail qu'une fois complet : "
        "tant qu'un référentiel y a des erreurs, assess, plan et credentials refusent tous les "
        "salariés (docs/referentiels.md dit comment le vérifier avant)."
    )


def _target(output: Path | None, number: str) -> Path:
    """`-o FILE.yaml`, or `rncpNNNNN.yaml` in `-o DIR` (an existing folder, or a name without
    extension) or in the current folder."""
    default = f"{number.lower()}.yaml"
    if output is None:
        return Path(default)
    if output.is_dir() or (not output.suffix and not output.exists()):
        return output / default
    if output.suffix != ".yaml":
        raise PortfolioError(
            f"--output : « {terminal_safe(output.name)} » doit se terminer par .yaml, comme "
            f"tout référentiel : nommez-le « {terminal_safe(output.stem)}.yaml »",
            exit_code=2,
        )
    return output


def _count(count: int, word: str) -> str:
    return f"{count} {word}{'s' if count > 1 else ''}"


def guess_kind(fiche: Fiche) -> str | None:
    """SPEC §3's kind of certification, from the abbreviation, else the start of the title."""
    by_abbreviation = KINDS.get(fiche.abbreviation.upper())
    if by_abbreviation:
        return by_abbreviation
    title = fold(fiche.title).replace("’", "'") + " "
    return next((kind for start, kind in KINDS_BY_TITLE if title.startswith(start)), None)


def guess_track(fiche: Fiche) -> tuple[str | None, str]:
    """The track most of the fiche's ROME codes belong to (the first code's on a tie), and the
    comment that says so in the file."""
    votes: dict[str, list[str]] = {}
    for code in fiche.rome:
        track = next((t for p, t in TRACKS_BY_ROME.items() if code.startswith(p)), None)
        if track is not None:
            votes.setdefault(track, []).append(code)
    if not votes:
        return None, ""
    best = max(votes, key=lambda t: len(votes[t]))
    return best, f"déduite des codes ROME {', '.join(votes[best])} : à vérifier"


def _notes(
    fiche: Fiche, found: dict[str, Referentiel], ident: str, track: str, track_note: str
) -> list[str]:
    notes = [
        f"{other.id} est déjà un référentiel de la fiche {fiche.number} : gardez-en un seul "
        "pour les mêmes salariés, sinon leurs compétences seront comptées deux fois."
        for other in found.values()
        if other.certification.rncp == fiche.number and other.id != ident
    ]
    if track_note:
        notes.append(f"Filière « {track} » {track_note} (clé « track » du fichier).")
    if fiche.blocks and not any(b.competencies for b in fiche.blocks):
        notes.append(
            "L'export CSV ne liste pas les compétences des blocs : chaque bloc a une compétence "
            "provisoire, à remplacer par celles de la fiche (rubrique « Compétences attestées ») "
            "ou en important l'export XML."
        )
    return notes


# --- the file's text ----------------------------------------------------------------------------


def _quoted(text: str) -> str:
    """A YAML scalar that reads back as `text` whatever it holds (JSON strings are YAML)."""
    return json.dumps(text, ensure_ascii=False)


def _comment(text: str, indent: str = "", first: str = "") -> list[str]:
    """`text` as comment lines at `indent`, wrapped; `first` starts the first line only."""
    return textwrap.wrap(
        text,
        width=COMMENT_WIDTH,
        initial_indent=f"{indent}# {first}",
        subsequent_indent=f"{indent}#   " if first else f"{indent}# ",
        break_on_hyphens=False,
    )


def block_ids(fiche: Fiche) -> list[str]:
    """`RNCP37715BC02` → `bc02`; another code → its letters and digits; each id once."""
    ids: list[str] = []
    for index, block in enumerate(fiche.blocks, start=1):
        code = block.code
        if code.upper().startswith(fiche.number):
            code = code[len(fiche.number) :]
        base = re.sub(r"[^a-z0-9]+", "-", fold(code)).strip("-")
        base = base if re.match(ID_PATTERN, base) else f"bloc{index}"
        ident, suffix = base, 2
        while ident in ids:
            ident, suffix = f"{base}-{suffix}", suffix + 1
        ids.append(ident)
    return ids


def block_codes(fiche: Fiche) -> list[str | None]:
    """Each block's `Bloc_Competences_Code` as the référentiel's `rncp` key (« rncp37715 bc02 » is
    RNCP37715BC02), or None when it is not a block of this fiche in that form, or a block before
    it already has it: `check` would refuse the file (SPEC §3), so such a code stays a comment."""
    codes: list[str | None] = []
    for block in fiche.blocks:
        code = "".join(block.code.split()).upper()
        usable = re.match(RNCP_BLOCK_PATTERN, code) and code.partition("BC")[0] == fiche.number
        codes.append(code if usable and code not in codes else None)
    return codes


def referentiel_text(
    fiche: Fiche, export: Export, ident: str, track: str, track_note: str, kind: str
) -> str:
    """The référentiel file (SPEC §3), with comments that name its source and what is left to
    write."""
    date = f"export du {fr_date(export.date)}" if export.date else "date d'export inconnue"
    listed = any(b.competencies for b in fiche.blocks)
    lines = [
        f"# Référentiel importé de la fiche {fiche.number} de France Compétences",
        f"# Source : {_one_line(export.name)} ({date}).",
        "#",
        *_comment(
            "Repris de la fiche : l'intitulé, le niveau, le certificateur, les codes ROME et les "
            "blocs de compétences"
            + (", avec la liste de leurs compétences." if listed else " (code et intitulé).")
        ),
        "#",
        "# À écrire par le conseiller ou la conseillère avant d'utiliser ce référentiel :",
        *_comment(
            "« plain » de chaque compétence : la phrase simple que le salarié comprend (« Je sais "
            "… ») ; elle reprend pour l'instant l'intitulé officiel.",
            first="- ",
        ),
        *_comment(
            "« tasks » (en bas du fichier) : le vocabulaire des tâches, tel que les conseillers "
            "l'écrivent, qui prouvent chaque compétence. Tant qu'une compétence n'est prouvée par "
            "aucune tâche, portfolio check le signale (« ne peut être prouvée par aucune "
            "tâche ») : c'est la liste de ce qu'il reste à écrire. Ne placez ce fichier dans "
            "l'espace de travail de vos salariés qu'une fois complet : tant qu'il a des erreurs, "
            "assess, plan et credentials les refusent tous.",
            first="- ",
        ),
    ]
    if fiche.blocks and not listed:
        lines += _comment(
            "les compétences : l'export CSV ne les donne pas. Chaque bloc a une compétence "
            "provisoire (son intitulé), à remplacer par celles de la fiche (rubrique « Compétences "
            "attestées » sur francecompetences.fr) ou en important l'export XML.",
            first="- ",
        )
    lines += _comment(
        "la règle de preuve (defaults) : celle des titres professionnels fournis, à adapter.",
        first="- ",
    )
    lines += [
        f"id: {ident}",
        f"title: {_quoted(fiche.title)}",
        f"track: {track}" + (f"  # {track_note}" if track_note else ""),
        "certification:",
        f"  kind: {kind}",
        f"  rncp: {fiche.number}",
    ]
    if fiche.level is not None:
        lines.append(f"  level: {fiche.level}")
    if fiche.certifiers:
        lines.append(f"  certifier: {_quoted(' ; '.join(fiche.certifiers))}")
    lines.append(f"  source: https://www.francecompetences.fr/recherche/rncp/{fiche.number[4:]}/")
    lines.append(f"rome: [{', '.join(fiche.rome)}]")
    lines.append(f"defaults: {DEFAULT_RULE}")
    lines.append("blocks:")
    counter = 0
    for block, block_id, code in zip(
        fiche.blocks, block_ids(fiche), block_codes(fiche), strict=True
    ):
        lines.append(f"  - id: {block_id}")
        lines.append(f"    title: {_quoted(block.title)}")
        if code is not None:
            lines.append(f"    rncp: {code}")
        else:
            lines.append(
                f"    # code du bloc dans la fiche : « {_one_line(block.code)} », pas de la forme "
                f"{fiche.number}BC01 (ou déjà pris) : non repris dans « rncp »"
            )
        if block.evaluation:
            lines += _comment(block.evaluation, "    ", "Modalités d'évaluation (fiche) : ")
        lines.append("    competencies:")
        for title, provisional in _competencies(block):
            counter += 1
            if provisional:
                lines.append("      # compétence provisoire, à remplacer par celles du bloc")
            lines += [
                f"      - id: c{counter}",
                f"        title: {_quoted(title)}",
                f"        plain: {_quoted(title)}  # à réécrire en mots simples",
            ]
    lines += [
        "# Tâches : à écrire. Chacune a un identifiant, un libellé, des synonymes et les",
        "# compétences qu'elle prouve (bloc.compétence), par exemple :",
        "#   - id: repassage",
        "#     label: Repasser le linge",
        "#     synonyms: [repassage, repasser, fer à repasser]",
        f"#     evidences: [{block_ids(fiche)[0] if fiche.blocks else 'bloc'}.c1]",
        "tasks: []",
    ]
    return "\n".join(lines) + "\n"


def _competencies(block: RncpBlock) -> list[tuple[str, bool]]:
    """The block's competencies, or its title as one provisional competency when the export
    lists none (a block needs one, SPEC §3)."""
    if block.competencies:
        return [(title, False) for title in block.competencies]
    return [(block.title, True)]


def _one_line(text: str) -> str:
    return " ".join(terminal_safe(text).split())
