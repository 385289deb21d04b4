"""Erase a worker and every output that names them (SPEC §9 `forget`, docs/donnees-personnelles.md).

Erasure is planned first, so that the user confirms an exact list and so that a worker file too
broken to load can still be erased. Documents are PDFs: they are found by their names. Those
that name every worker (the build's index and programme report, the programme reports `report`
writes under their default names) are removed whole, to be made again without the person. The
workspace's own text is searched by content: the person's rows are removed from its timesheets,
the comment lines naming them from its YAML files and their lines from the journal of writes,
the rest of each file kept byte for byte; any other mention is listed for someone to correct, as
the tool cannot judge it.

Forgetting happens under the workspace's lock, then each output folder's lock (always in this
order, output folders sorted), and `build` reads the worker files under its output folder's
lock: a build running at the same moment either ends before the erasure or starts after it, and
never brings the person's documents back.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import yaml

from portfolio.build import BUILD_INDEX, MANIFEST, PROGRAMME_DIR
from portfolio.credentials.issued import BADGES_DIR
from portfolio.french import InputError
from portfolio.fsutil import write_atomic
from portfolio.issues import PortfolioError
from portfolio.journal import JOURNAL_DIR, line_worker, settle
from portfolio.load import find_workspace, load_file
from portfolio.model.common import ID_PATTERN
from portfolio.model.workspace import Worker
from portfolio.record.timesheet import (
    HEADER_SEARCH_ROWS,
    WorkerNames,
    csv_delimiter,
    header_columns,
)
from portfolio.resources import (
    DEFAULT_OUTPUT,
    REPORT_STEM,
    TUTOR_LINKS_DIR,
    WORKER_LINKS_DIR,
    WORKSPACE_FILE,
)
from portfolio.transaction import commit, locked

DOC_SUFFIXES = (".pdf", ".html")
"""The name `portfolio report` gives its file by default (cli/report_cmds.py)."""
REPORT_SUFFIXES = (".pdf", ".html", ".csv", ".json")
TEXT_SUFFIXES = frozenset({".yaml", ".yml", ".csv", ".txt", ".md", ".json", ".html", ".htm"})
YAML_SUFFIXES = frozenset({".yaml", ".yml"})
LARGEST_READ = 20_000_000
"""Bytes: a workspace file larger than this is not searched (no timesheet or note is)."""
WORKSPACE_DATA = ("workers", "catalog", "referentiels", "imports", BADGES_DIR, WORKSPACE_FILE)
"""Parts of a workspace that removing a link's target must never touch."""


@dataclass(frozen=True)
class Rewrite:
    """A workspace file that stays, without the lines about the person."""

    content: bytes
    lines: int
    kind: Literal["timesheet", "comments", "journal"]


@dataclass(frozen=True)
class Leftover:
    """Something naming the person that `forget` leaves for someone to correct or check."""

    path: Path
    line: int | None
    """The line that names them; None for a link whose target lies outside (left alone)."""


@dataclass
class ErasurePlan:
    """What `forget` deletes: files, whole folders, manifest entries, lines of workspace files."""

    source: Path | None = None
    """The worker file, also listed in `files`: erased last."""
    files: list[Path] = field(default_factory=list)
    folders: list[Path] = field(default_factory=list)
    manifests: dict[Path, list[str]] = field(default_factory=dict)
    """Manifest file → the entries to drop from it."""
    rewrites: dict[Path, Rewrite] = field(default_factory=dict)
    leftovers: list[Leftover] = field(default_factory=list)
    """Not erased: shown so that a person corrects them."""

    @property
    def empty(self) -> bool:
        return not (self.files or self.folders or self.manifests or self.rewrites)


def mentions(name: str, worker: str, others: set[str]) -> bool:
    """Whether a file or folder name carries this worker's id, and not a longer id containing it.

    `w-1` is in `w-1-dossier.pdf` and `grille-w-1-p2.pdf`, not in `w-10.pdf`; `ana-b` is not in
    `ana-b-c.yaml` when a worker `ana-b-c` exists, as that file is about that other person.
    """
    for found in re.finditer(rf"(?<![a-z0-9]){re.escape(worker)}(?![a-z0-9])", name):
        start = found.start()
        longer = (
            other for other in others if len(other) > len(worker) and other.startswith(worker)
        )
        if not any(re.match(rf"{re.escape(other)}(?![a-z0-9])", name[start:]) for other in longer):
            return True
    return False


@dataclass(frozen=True)
class Person:
    """Whom to look for in text: the id (as a whole id) and, when the file told it, the name;
    and in timesheets, the rows `portfolio import` would give them (by id or by name)."""

    worker: str
    others: set[str]
    name: re.Pattern[str] | None
    names: WorkerNames

    def named_in(self, text: str) -> bool:
        if mentions(text, self.worker, self.others):
            return True
        return self.name is not None and self.name.search(text) is not None

    def owns_row(self, cell: str) -> bool:
        """Whether a timesheet's worker cell names the person as `portfolio import` reads it; a
        cell it refuses (several workers fit) is left, and listed as a mention if it names
        them."""
        try:
            return self.names.resolve(cell) == self.worker
        except InputError:
            return False


def _person(root: Path, worker: str, others: set[str]) -> Person:
    """The person's first and last name, read from their file when it is valid, and every valid
    worker's, to read timesheet rows written with names as `import` does."""
    workers: dict[str, Worker] = {}
    for stem in sorted({worker, *others}):
        file = root / "workers" / f"{stem}.yaml"
        if file.is_file():
            loaded, _, _ = load_file(Worker, file, f"workers/{file.name}", root)
            if loaded is not None:
                workers[stem] = loaded
    name = None
    if worker in workers:
        person = workers[worker]
        first, last = re.escape(person.first_name.strip()), re.escape(person.last_name.strip())
        name = re.compile(rf"(?<!\w){first}\s+{last}(?!\w)", re.IGNORECASE)
    return Person(worker, others, name, WorkerNames(workers))


def _other_workers(root: Path, worker: str) -> set[str]:
    folder = root / "workers"
    stems = {f.stem for f in folder.glob("*.yaml")} if folder.is_dir() else set()
    return stems - {worker}


def _walk(folder: Path, worker: str, others: set[str], plan: ErasurePlan) -> None:
    """Files and folders under `folder` whose name carries the worker's id (links are not
    followed here: see `_link_targets`)."""
    for current, dirs, files in os.walk(folder):
        base = Path(current)
        for name in sorted(dirs):
            if mentions(name, worker, others):
                path = base / name
                (plan.files if path.is_symlink() else plan.folders).append(path)
        dirs[:] = sorted(d for d in dirs if not mentions(d, worker, others))
        plan.files += [base / name for name in sorted(files) if mentions(name, worker, others)]


def _manifest_entries(data: Any, drop: Callable[[list[str]], bool]) -> list[str]:
    """Document paths (keys with a « / ») to drop, at any depth, judged on their components."""
    if not isinstance(data, dict):
        return []
    dropped = []
    for key, value in data.items():
        if "/" in str(key) and drop(str(key).split("/")):
            dropped.append(str(key))
        else:
            dropped += _manifest_entries(value, drop)
    return dropped


def _read_manifest(folder: Path) -> Any:
    try:
        return json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None  # not ours to rewrite; the next build replaces it


def _drop_from_manifest(folder: Path, drop: Callable[[list[str]], bool], plan: ErasurePlan) -> None:
    """Each entry once: an aggregate's path is a key of two tables of the manifest (the digest
    of what it shows under « documents », that of the files it was made from under « inputs »),
    both dropped by `_without`."""
    entries = _manifest_entries(_read_manifest(folder), drop)
    if entries:
        known = plan.manifests.setdefault(folder / MANIFEST, [])
        known += [e for e in dict.fromkeys(entries) if e not in known]


def _collective_documents(folder: Path, plan: ErasurePlan) -> None:
    """A build's index and programme report name every worker: removed whole, with their
    manifest entries, so that the next build makes them again without the person."""
    index = folder / BUILD_INDEX
    if index.is_file():
        plan.files.append(index)
    programme = folder / PROGRAMME_DIR
    if programme.is_dir():
        plan.files += sorted(p for p in programme.rglob("*") if p.is_file() or p.is_symlink())
    _drop_from_manifest(folder, lambda parts: parts[0] == PROGRAMME_DIR, plan)


def _programme_reports(folder: Path) -> list[Path]:
    """`rapport-programme.pdf` (or .html, .csv, .json): `portfolio report` names every worker.

    Removed whole, as their PDF cannot be searched; pseudonymised ones too, which still hold
    the person's figures (docs/donnees-personnelles.md)."""
    reports = (folder / f"{REPORT_STEM}{suffix}" for suffix in REPORT_SUFFIXES)
    return [path for path in reports if path.is_file() or path.is_symlink()]


def _default_named(folder: Path, worker: str, others: set[str]) -> list[Path]:
    """Documents `render` and `grid` write by default in the current folder:
    `<id>-dossier.pdf`, `<id>-portfolio.html`, `grille-<id>-<placement>.pdf`."""
    if not folder.is_dir():
        return []
    found = []
    for path in sorted(folder.iterdir()):
        name = path.name
        if not (path.is_file() and name.endswith(DOC_SUFFIXES)):
            continue
        stem = name.rsplit(".", 1)[0]
        own = stem in {f"{worker}-dossier", f"{worker}-portfolio"}
        grid = stem.startswith(f"grille-{worker}-") and mentions(stem[7:], worker, others)
        if own or grid:
            found.append(path)
    return found


def _link_targets(root: Path, folders: list[Path], person: Person, plan: ErasurePlan) -> None:
    """What the links of the plan lead to, erased too when it lies inside the workspace or an
    output folder and is only the person's; a link leading elsewhere is never followed."""
    zones = [root, *folders]
    data = [root / part for part in WORKSPACE_DATA]
    for link in [p for p in plan.files if p.is_symlink()]:
        try:
            target = link.resolve(strict=True)
        except (OSError, RuntimeError):
            continue  # a dangling link: nothing behind it
        protected = [*zones, *data, link.parent.resolve()]
        inside = any(target.is_relative_to(zone) for zone in zones)
        if not inside or any(p.is_relative_to(target) for p in protected):
            plan.leftovers.append(Leftover(link, None))
            continue
        if any(target.is_relative_to(part) for part in data) or _names_others(target, person):
            plan.leftovers.append(Leftover(link, None))
            continue
        (plan.folders if target.is_dir() else plan.files).append(target)


def _names_others(target: Path, person: Person) -> bool:
    """Whether a file or folder carries another worker's id in its name or below it."""
    names = [target.name]
    if target.is_dir():
        for _, dirs, files in os.walk(target):
            names += dirs + files
    everyone = person.others | {person.worker}
    return any(
        mentions(name, other, everyone - {other}) for name in names for other in person.others
    )


# --- the workspace's own text -------------------------------------------------------------------


def _workspace_text(root: Path, skipped: set[Path], person: Person, plan: ErasurePlan) -> None:
    """The person's timesheet rows and comment lines to remove, and the other mentions, in every
    file of the workspace outside `skipped` folders (the output folders, and the journal of
    writes, cleaned by `_journal_lines`) and the plan (links are not followed)."""
    erased = set(plan.files)
    for current, dirs, files in os.walk(root):
        base = Path(current)
        dirs[:] = sorted(
            d for d in dirs if (base / d) not in skipped and (base / d) not in plan.folders
        )
        for name in sorted(files):
            path = base / name
            if path in erased or path.is_symlink() or not path.is_file():
                continue
            if path.stat().st_size > LARGEST_READ:
                continue
            _search_file(path, person, plan)


def _search_file(path: Path, person: Person, plan: ErasurePlan) -> None:
    suffix = path.suffix.lower()
    rewrite = None
    if suffix == ".csv":
        rewrite = _csv_without(path.read_bytes(), person)
    elif suffix == ".xlsx":
        rewrite = _xlsx_without(path, person)
    elif suffix in YAML_SUFFIXES:
        rewrite = _comments_without(path.read_bytes(), person)
    if rewrite is not None:
        plan.rewrites[path] = rewrite
    if suffix not in TEXT_SUFFIXES:
        return
    content = rewrite.content if rewrite is not None else path.read_bytes()
    text = content.decode("utf-8", errors="replace")
    for number, line in enumerate(text.splitlines(), start=1):
        if person.named_in(line):
            plan.leftovers.append(Leftover(path, number))


def _comments_without(raw: bytes, person: Person) -> Rewrite | None:
    """A YAML file without its whole-line comments naming the person: a comment is never data,
    so the file means exactly what it meant. A line starting with « # » inside a text spread over
    several lines (`note: |`) is data, and stays."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
    lines = text.splitlines(keepends=True)
    doomed = {
        number
        for number, line in enumerate(lines)
        if line.lstrip().startswith("#") and person.named_in(line)
    }
    if not doomed:
        return None
    try:
        doomed -= _text_lines(text)
    except yaml.YAMLError:
        return None  # `check` reports the file; its lines are listed as mentions
    if not doomed:
        return None
    kept = [line for number, line in enumerate(lines) if number not in doomed]
    return Rewrite("".join(kept).encode("utf-8"), len(doomed), "comments")


def _text_lines(text: str) -> set[int]:
    """Lines (from 0) inside a value written over several lines, where « # » is not a comment."""
    inside: set[int] = set()
    for token in yaml.scan(text, Loader=yaml.SafeLoader):
        if isinstance(token, yaml.ScalarToken):
            end = token.end_mark  # a block value ends at the start of the line after it
            last = end.line if end.column > 0 else end.line - 1
            inside.update(range(token.start_mark.line + 1, last + 1))
    return inside


def _journal_lines(root: Path, person: Person, plan: ErasurePlan) -> None:
    """The person's lines of the journal of writes (journal/AAAA-MM.jsonl, SPEC §11), removed
    whatever else they hold, the other lines kept byte for byte; a line too broken to tell whom
    it is about, and naming them, is listed. Every file of journal/ is read, a copy of a month
    file under another name too (its hidden files are the journal's own, settled before)."""
    folder = root / JOURNAL_DIR
    files = sorted(folder.iterdir()) if folder.is_dir() else []
    for path in files:
        if path.name.startswith(".") or path.is_symlink() or not path.is_file():
            continue
        lines = path.read_bytes().splitlines(keepends=True)
        kept = [line for line in lines if line_worker(line) != person.worker]
        if len(kept) < len(lines):
            plan.rewrites[path] = Rewrite(b"".join(kept), len(lines) - len(kept), "journal")
        plan.leftovers += [
            Leftover(path, number)
            for number, line in enumerate(kept, start=1)
            if line_worker(line) is None and person.named_in(line.decode("utf-8", errors="replace"))
        ]


def _person_rows(rows: Iterable[Sequence[Any]], person: Person) -> list[int]:
    """Numbers (from 1) of the rows that give the person, as `portfolio import` reads them: the
    header is the first row naming the columns among the first filled ones; none when the table
    is not a timesheet."""
    column: int | None = None
    searched = 0
    found = []
    for number, values in enumerate(rows, start=1):
        cells = ["" if value is None else str(value) for value in values]
        if column is None:
            if any(cell.strip() for cell in cells):
                columns = header_columns([cell.lstrip("\ufeff").strip() for cell in cells])
                if columns is not None:
                    column = columns["worker"]
                    continue
                searched += 1
                if searched == HEADER_SEARCH_ROWS:
                    return []
            continue
        if column < len(cells) and cells[column].strip() and person.owns_row(cells[column].strip()):
            found.append(number)
    return found


def _csv_without(raw: bytes, person: Person) -> Rewrite | None:
    """A CSV timesheet without the person's rows; every other byte stays (encoding, separator,
    quotes, line ends), decoded as `portfolio import` decodes it."""
    try:
        text, encoding = raw.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        text, encoding = raw.decode("cp1252", errors="surrogateescape"), "cp1252"
    lines = io.StringIO(text, newline="").readlines()
    head = [line for line in lines if line.strip()][:HEADER_SEARCH_ROWS]
    reader = csv.reader(iter(lines), delimiter=csv_delimiter(head))
    rows: list[tuple[list[str], list[str]]] = []
    consumed = 0
    try:
        for cells in reader:
            rows.append((cells, lines[consumed : reader.line_num]))
            consumed = reader.line_num
    except csv.Error:
        return None  # a file `import` refuses too
    doomed = set(_person_rows((cells for cells, _ in rows), person))
    if not doomed:
        return None
    kept = [line for n, (_, row) in enumerate(rows, start=1) if n not in doomed for line in row]
    content = "".join(kept + lines[consumed:]).encode(encoding, errors="surrogateescape")
    return Rewrite(content, len(doomed), "timesheet")


def _xlsx_without(path: Path, person: Person) -> Rewrite | None:
    """An Excel timesheet without the person's rows, on every sheet with a timesheet header;
    saved again by openpyxl (values, formulas and styles stay; pictures and charts do not)."""
    from openpyxl import load_workbook

    from portfolio.record.timesheet import read_table

    try:
        read_table(path)  # refuses a zip bomb or a huge sheet before openpyxl loads it whole
        book = load_workbook(path)
    except Exception:  # a file `import` refuses too, or damaged: openpyxl raises many kinds
        return None
    dropped = 0
    for sheet in book.worksheets:
        doomed = _person_rows(sheet.iter_rows(values_only=True), person)
        for first, count in _runs(doomed):
            sheet.delete_rows(first, count)
        dropped += len(doomed)
    if not dropped:
        return None
    buffer = io.BytesIO()
    book.save(buffer)
    return Rewrite(buffer.getvalue(), dropped, "timesheet")


def _runs(numbers: list[int]) -> list[tuple[int, int]]:
    """Increasing row numbers as (first, count) runs, the last run first: deleting from the
    bottom keeps the numbers above it valid."""
    runs: list[tuple[int, int]] = []
    for number in numbers:
        if runs and sum(runs[-1]) == number:
            runs[-1] = (runs[-1][0], runs[-1][1] + 1)
        else:
            runs.append((number, 1))
    return runs[::-1]


# --- planning and erasing -----------------------------------------------------------------------


def output_folders(root: Path, outputs: list[Path]) -> list[Path]:
    """The workspace's documents folder and the folders given with --output, each once."""
    folders = [root / DEFAULT_OUTPUT, *outputs]
    return sorted(dict.fromkeys(f.resolve() for f in folders if f.is_dir()))


def _check_request(worker: str, outputs: list[Path]) -> None:
    if not re.fullmatch(ID_PATTERN.removeprefix("^").removesuffix("$"), worker):
        raise PortfolioError(
            f"« {worker} » n'est pas un identifiant de salarié : minuscules sans accent, chiffres "
            "et tirets, comme le nom de son fichier dans workers/ sans « .yaml »",
            exit_code=2,
        )
    for folder in outputs:
        if not folder.is_dir():
            raise PortfolioError(
                f"le dossier de documents « {folder} » n'existe pas : corrigez --output "
                "(rien n'a été effacé)",
                exit_code=2,
            )


def plan_erasure(root: Path, worker: str, outputs: list[Path], cwd: Path) -> ErasurePlan:
    """Everything to delete for one worker; raises when the id or an output folder is wrong."""
    root = find_workspace(root).resolve()
    _check_request(worker, outputs)
    others = _other_workers(root, worker)
    person = _person(root, worker, others)
    plan = ErasurePlan()
    workers = root / "workers"
    if (workers / f"{worker}.yaml").is_file():
        plan.source = workers / f"{worker}.yaml"
    if workers.is_dir():
        _walk(workers, worker, others, plan)  # the file, editors' backups, interrupted writes
    badges = root / BADGES_DIR
    if badges.is_dir():
        _walk(badges, worker, others, plan)  # the credentials issued to them name them
    folders = output_folders(root, outputs)
    builds = [folder for folder in folders if (folder / MANIFEST).is_file()]
    for folder in folders:
        _walk(folder, worker, others, plan)
    for folder in builds:
        _drop_from_manifest(
            folder, lambda parts: any(mentions(p, worker, others) for p in parts), plan
        )
    printed = list(dict.fromkeys([root, cwd.resolve()]))
    for folder in printed:
        plan.files += _default_named(folder, worker, others)
    _workspace_text(root, {*folders, root / JOURNAL_DIR}, person, plan)
    _journal_lines(root, person, plan)
    plan.files += _link_records(root, worker)
    if not plan.empty:  # the worker did exist: the collective documents name them
        for folder in builds:
            _collective_documents(folder, plan)
        for folder in dict.fromkeys([*printed, *folders]):
            plan.files += _programme_reports(folder)
    _link_targets(root, folders, person, plan)
    _without_overlaps(plan)
    return plan


def _link_records(root: Path, worker: str) -> list[Path]:
    """The records of the links made for the worker's tutors and for the worker themselves
    (they name the worker's id): a new worker given the same id later must not inherit them."""
    found = []
    paths = [
        path
        for folder in (root / TUTOR_LINKS_DIR, root / WORKER_LINKS_DIR)
        if folder.is_dir()
        for path in sorted(folder.glob("*.json"))
    ]
    for path in paths:
        try:
            record = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(record, dict) and record.get("worker") == worker:
            found.append(path)
    return found


def _without_overlaps(plan: ErasurePlan) -> None:
    """Each thing once, and nothing inside a folder erased whole (nor a file to keep that goes
    anyway)."""
    folders = list(dict.fromkeys(plan.folders))
    plan.folders = [d for d in folders if not any(d != o and d.is_relative_to(o) for o in folders)]

    def erased(path: Path) -> bool:
        return any(path.is_relative_to(folder) for folder in plan.folders)

    plan.files = [f for f in dict.fromkeys(plan.files) if not erased(f)]
    gone = set(plan.files)
    plan.rewrites = {
        p: rewrite for p, rewrite in plan.rewrites.items() if p not in gone and not erased(p)
    }
    plan.leftovers = [
        left
        for left in plan.leftovers
        if left.line is None or (left.path not in gone and not erased(left.path))
    ]


@contextmanager
def erasure_locks(root: Path, outputs: list[Path]) -> Iterator[None]:
    """The workspace's lock, then each output folder's, in a fixed order (see the module's note).

    The workspace's `documents/` is locked even before it exists: a build starting there
    meanwhile would otherwise read the worker file that is about to go. Folders are locked by
    their real path, so that a folder given twice (through a link) is locked once."""
    folders = [(root / DEFAULT_OUTPUT).resolve(), *(f.resolve() for f in outputs)]
    with ExitStack() as stack:
        stack.enter_context(locked(root))
        for folder in sorted(dict.fromkeys(folders)):
            if folder != root:
                stack.enter_context(locked(folder))
        yield


def forget_worker(root: Path, worker: str, outputs: list[Path], cwd: Path) -> ErasurePlan:
    """Plan again under the locks, then erase; returns what was erased."""
    root = find_workspace(root).resolve()
    _check_request(worker, outputs)
    with erasure_locks(root, outputs):
        settle(root)  # a journal line a killed writer left pending is removed with the others
        plan = plan_erasure(root, worker, outputs, cwd)
        erase(plan, root)
    return plan


def erase(plan: ErasurePlan, root: Path) -> None:
    """Delete the documents, clean the manifests and the workspace's files, then the worker file
    last: if this is interrupted, running `forget` again finds what is left."""
    for path in plan.folders:
        shutil.rmtree(path)
    for path in plan.files:
        if path != plan.source:
            path.unlink(missing_ok=True)
    for manifest, dropped in plan.manifests.items():
        data = json.loads(manifest.read_text(encoding="utf-8"))
        write_atomic(
            manifest, json.dumps(_without(data, set(dropped)), indent=1, ensure_ascii=False) + "\n"
        )
    if plan.rewrites:
        commit(root, {path: rewrite.content for path, rewrite in plan.rewrites.items()})
    if plan.source is not None:
        plan.source.unlink(missing_ok=True)


def _without(data: Any, dropped: set[str]) -> Any:
    if not isinstance(data, dict):
        return data
    return {k: _without(v, dropped) for k, v in data.items() if str(k) not in dropped}
