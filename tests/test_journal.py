"""The journal of writes (SPEC §11): one line per write in journal/AAAA-MM.jsonl, holding the
time, the login, the action, the worker id and the entry id, and nothing else about the person;
read for a worker's history, validated by `portfolio check`, cleaned by `portfolio forget`."""

from __future__ import annotations

import datetime as dt
import getpass
import json
import re
from pathlib import Path

import pytest
from pydantic import ValidationError
from support import VALID_CATALOG, VALID_WORKER
from typer.testing import CliRunner

from portfolio import journal
from portfolio.app.recording import add_observation, open_for_recording
from portfolio.cli import app
from portfolio.issues import PortfolioError
from portfolio.journal import JournalEntry, actor_login, check_journal, read
from portfolio.transaction import locked

runner = CliRunner()

NOTE = "Repasse seule, très soigneuse"
"""A note typed by a counselor: personal data that must never reach the journal."""


@pytest.fixture
def root(make_workspace, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr(getpass, "getuser", lambda: "mmartin")
    return make_workspace({"workers/w-0042.yaml": VALID_WORKER, "catalog/ofa.yaml": VALID_CATALOG})


def run(root: Path, *args: str):
    return runner.invoke(app, [*args, "-w", str(root)])


def journal_lines(root: Path) -> list[str]:
    return [
        line
        for path in sorted((root / "journal").glob("*.jsonl"))
        for line in path.read_text(encoding="utf-8").splitlines()
    ]


def entry_at(time: str, worker: str = "w-0042", entry: str | None = None) -> JournalEntry:
    return JournalEntry.model_validate(
        {"time": time, "login": "m.martin", "action": "placement.add", "worker": worker,
         "entry": entry}
    )  # fmt: skip


def write_entries(root: Path, *entries: JournalEntry) -> None:
    with locked(root):
        journal.commit(root, {}, entries)


# --- one line per write, through the commands ---------------------------------------------------

COMMANDS = {
    "worker.add": (
        "worker", "new", "--id", "w-0043", "--first-name", "Kévin", "--last-name", "Tardieu",
        "--target", "advf", "--consent", "--consent-date", "2002-09-01",
    ),
    "placement.add": (
        "log", "placement", "w-0042", "--client", "Mairie de Bron", "--client-kind",
        "collectivite", "--start", "2003-01-06", "--end", "2003-01-31", "--hours", "30",
        "--tutor", "M. Ruiz", "--task", "repassage", "--note", NOTE,
    ),
    "observation.add": (
        "log", "observation", "w-0042", "--competency", "advf.ccp1.c3", "--level", "3",
        "--by", "Mme Durand", "--role", "tuteur", "--placement", "p1", "--date", "2002-12-20",
        "--note", NOTE,
    ),
    "training.add": (
        "log", "training", "w-0042", "--module", "ofa.linge", "--start", "2003-02-03",
        "--end", "2003-02-07", "--hours", "4", "--result", "en-cours",
    ),
}  # fmt: skip
EXPECTED = {
    "worker.add": ("w-0043", None),
    "placement.add": ("w-0042", "p2"),
    "observation.add": ("w-0042", None),
    "training.add": ("w-0042", None),
}


@pytest.mark.parametrize("action", COMMANDS)
def test_each_command_writes_one_line_naming_no_one(root: Path, action: str) -> None:
    before = dt.datetime.now(dt.UTC).replace(microsecond=0)
    result = run(root, *COMMANDS[action], "--yes")
    assert result.exit_code == 0, result.output
    (line,) = journal_lines(root)
    data = json.loads(line)
    assert list(data) == ["time", "login", "action", "worker", "entry"]
    assert (data["login"], data["action"]) == ("cli:mmartin", action)
    assert (data["worker"], data["entry"]) == EXPECTED[action]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", data["time"])
    written = dt.datetime.fromisoformat(data["time"])
    assert before <= written <= dt.datetime.now(dt.UTC)
    assert (root / "journal" / f"{written:%Y-%m}.jsonl").is_file()
    for personal in ("Fatima", "B.", "Kévin", "Tardieu", NOTE, "Mairie", "Ruiz", "Durand", "Mme"):
        assert personal not in line


def test_an_import_writes_one_line_per_placement_added(root: Path) -> None:
    sheet = root / "heures.csv"
    sheet.write_text(
        "salarié;client;type_client;date;heures;tâches\n"
        "w-0042;Mme Leroy;particulier;06/01/2003;3;repassage\n"
        "w-0042;Mme Leroy;particulier;07/01/2003;3;repassage\n"
        "w-0042;Mairie de Bron;collectivité;2003-03-03;7;sols\n",
        encoding="utf-8",
    )
    result = run(root, "import", "timesheet", str(sheet))
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in journal_lines(root)]
    assert [(e["action"], e["worker"], e["entry"]) for e in lines] == [
        ("timesheet.import", "w-0042", "p2"),
        ("timesheet.import", "w-0042", "p3"),
    ]
    assert "Leroy" not in "".join(journal_lines(root))
    again = run(root, "import", "timesheet", str(sheet))
    assert again.exit_code == 0, again.output
    assert len(journal_lines(root)) == 2  # nothing added, nothing journaled


def test_a_refused_write_leaves_no_line(root: Path) -> None:
    args = list(COMMANDS["placement.add"])
    args[args.index("--end") + 1] = "2003-01-01"  # before the start
    assert run(root, *args, "--yes").exit_code == 1
    assert not (root / "journal").exists()


def test_the_web_signs_with_its_login(root: Path) -> None:
    rec = open_for_recording(root, "w-0042")
    add_observation(
        rec, day=dt.date(2002, 12, 20), by="Mme Durand", role="tuteur",
        competency="advf.ccp1.c3", level=3, actor="m.martin",
    )  # fmt: skip
    (entry,) = read(root, "w-0042")
    assert (entry.login, entry.action, entry.entry) == ("m.martin", "observation.add", None)


def test_the_journal_keeps_portfolio_check_clean(root: Path, run_check) -> None:
    for action in COMMANDS:
        assert run(root, *COMMANDS[action], "--yes").exit_code == 0
    assert len(journal_lines(root)) == 4
    assert not [i for i in run_check(root).issues if i.path.startswith("journal")]


# --- the entry ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("time", "2026-11-02T14:05:09+01:00"),
        ("time", "2026-11-02T14:05:09.5Z"),
        ("time", "02/11/2026 14:05"),
        ("time", 1793628309),
        ("login", "Mme Martin"),
        ("action", "worker.rename"),
        ("worker", "../w-0042"),
        ("entry", "la mise chez Mme D."),
    ],
)
def test_an_entry_holds_identifiers_only(field: str, value: str | int) -> None:
    data = {
        "time": "2026-11-02T14:05:09Z",
        "login": "m.martin",
        "action": "placement.add",
        "worker": "w-0042",
        "entry": "p1",
        field: value,
    }
    with pytest.raises(ValidationError):
        JournalEntry.model_validate(data)


def test_an_entry_has_no_room_for_anything_else() -> None:
    with pytest.raises(ValidationError):
        JournalEntry.model_validate(
            {"time": "2026-11-02T14:05:09Z", "login": "m.martin", "action": "worker.add",
             "worker": "w-0042", "entry": None, "first_name": "Fatima"}
        )  # fmt: skip


def test_a_command_signs_cli_and_the_system_user(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(getpass, "getuser", lambda: "mmartin")
    assert actor_login(None) == "cli:mmartin"
    monkeypatch.setattr(getpass, "getuser", lambda: "Marie Martin")
    assert actor_login(None) == "cli"

    def unknown() -> str:
        raise OSError("no user")

    monkeypatch.setattr(getpass, "getuser", unknown)
    assert actor_login(None) == "cli"
    assert actor_login("m.martin") == "m.martin"
    with pytest.raises(PortfolioError, match="rien n'a été écrit"):
        actor_login("Mme Martin, conseillère")


def test_a_line_goes_to_the_month_of_its_utc_time(tmp_path: Path) -> None:
    write_entries(tmp_path, entry_at("2026-10-31T23:59:59Z"), entry_at("2026-11-01T00:00:00Z"))
    assert [p.name for p in journal.month_files(tmp_path)] == ["2026-10.jsonl", "2026-11.jsonl"]


def test_read_gives_one_workers_history_oldest_first(tmp_path: Path) -> None:
    write_entries(tmp_path, entry_at("2026-11-02T10:00:00Z", "w-1", "p1"))
    write_entries(tmp_path, entry_at("2026-10-02T10:00:00Z", "w-10", "p1"))
    write_entries(tmp_path, entry_at("2026-11-03T10:00:00Z", "w-1", "p2"))
    with (tmp_path / "journal" / "2026-11.jsonl").open("a", encoding="utf-8") as handle:
        handle.write('{"worker": "w-1", "cassé\n')
    assert [e.entry for e in read(tmp_path, "w-1")] == ["p1", "p2"]
    assert [e.worker for e in read(tmp_path)] == ["w-10", "w-1", "w-1"]
    assert read(tmp_path / "ailleurs") == []


def test_a_line_after_a_hand_edit_without_line_break_stays_a_line(tmp_path: Path) -> None:
    write_entries(tmp_path, entry_at("2026-11-02T10:00:00Z", entry="p1"))
    month = tmp_path / "journal" / "2026-11.jsonl"
    month.write_bytes(month.read_bytes().rstrip(b"\n"))
    write_entries(tmp_path, entry_at("2026-11-02T11:00:00Z", entry="p2"))
    assert [e.entry for e in read(tmp_path)] == ["p1", "p2"]


# --- portfolio check ----------------------------------------------------------------------------


def test_check_names_the_file_and_line_of_a_broken_line(root: Path, run_check) -> None:
    write_entries(root, entry_at("2026-11-02T10:00:00Z"), entry_at("2026-11-02T10:00:00Z"))
    month = root / "journal" / "2026-11.jsonl"
    good = month.read_text(encoding="utf-8").splitlines(keepends=True)
    extra = '{"time": "2026-11-02T10:00:00Z", "login": "m.martin", "action": "worker.add", '
    extra += '"worker": "w-0042", "entry": null, "note": "malade"}\n'
    month.write_text(good[0] + '{"time": "2026-11-0\n' + good[1] + extra, encoding="utf-8")
    (root / "journal" / "notes.txt").write_text("à faire\n", encoding="utf-8")
    (root / "journal" / ".pending.x1y2.new").write_text("", encoding="utf-8")
    found = [i for i in run_check(root).issues if i.path.startswith("journal")]
    assert [(i.path, i.line, i.severity) for i in found] == [
        ("journal/2026-11.jsonl", 2, "erreur"),
        ("journal/2026-11.jsonl", 4, "erreur"),
        ("journal/notes.txt", 0, "avertissement"),
    ]
    assert "JSON invalide" in found[0].message
    assert "champ « note » en trop" in found[1].message
    assert "AAAA-MM.jsonl" in found[2].message
    assert run_check(root).exit_code == 1


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("\n", "ligne vide"),
        ("[1, 2]\n", "pas un objet JSON"),
        ('{"time": "2026-11-02T10:00:00Z"}\n', "champ « login » manquant"),
        (
            '{"time": "2026-11-02", "login": "m.martin", "action": "worker.add", '
            '"worker": "w-0042", "entry": null}\n',
            "champ « time » invalide (date et heure UTC à la seconde",
        ),
        (
            '{"time": "2026-11-02T10:00:00Z", "login": "m.martin", "action": "supprimer", '
            '"worker": "w-0042", "entry": null}\n',
            "champ « action » invalide (une de : worker.add,",
        ),
    ],
)
def test_check_says_what_is_wrong_with_a_line(tmp_path: Path, line: str, expected: str) -> None:
    (tmp_path / "journal").mkdir()
    (tmp_path / "journal" / "2026-11.jsonl").write_text(line, encoding="utf-8")
    (issue,) = check_journal(tmp_path)
    assert issue.is_error and expected in issue.message, issue.message


def test_check_refuses_a_line_not_in_utf8(tmp_path: Path) -> None:
    (tmp_path / "journal").mkdir()
    (tmp_path / "journal" / "2026-11.jsonl").write_bytes(b'{"login": "Ren\xe9"}\n')
    (issue,) = check_journal(tmp_path)
    assert issue.location.line == 1 and "UTF-8" in issue.message


# --- portfolio forget ---------------------------------------------------------------------------


def test_forget_removes_the_workers_lines_and_keeps_the_others(root: Path) -> None:
    write_entries(root, entry_at("2026-10-02T10:00:00Z", "w-0042", "p1"))
    write_entries(root, entry_at("2026-10-02T11:00:00Z", "w-0043", "p1"))
    write_entries(root, entry_at("2026-11-02T10:00:00Z", "w-0042", "p2"))
    write_entries(root, entry_at("2026-11-02T11:00:00Z", "w-0042", None))
    october = root / "journal" / "2026-10.jsonl"
    other = october.read_bytes().splitlines(keepends=True)[1]
    with october.open("ab") as handle:  # an extra field must not keep the person's line
        handle.write(b'{"worker": "w-0042", "note": "malade"}\n')
    result = runner.invoke(app, ["forget", "w-0042", "--yes", "-w", str(root)])
    assert result.exit_code == 0, result.output
    assert october.read_bytes() == other
    assert (root / "journal" / "2026-11.jsonl").read_bytes() == b""
    assert "journal/2026-10.jsonl" in result.stdout
    assert "journal/2026-11.jsonl" in result.stdout
    assert "à son identifiant dans le journal des écritures" in result.stdout
    assert [e.worker for e in read(root)] == ["w-0043"]


def test_forget_lists_a_broken_journal_line_naming_the_person(root: Path) -> None:
    write_entries(root, entry_at("2026-11-02T10:00:00Z", "w-0042", "p1"))
    with (root / "journal" / "2026-11.jsonl").open("a", encoding="utf-8") as handle:
        handle.write('{"worker": "w-0042", cassé\n')
    result = runner.invoke(app, ["forget", "w-0042", "--yes", "-w", str(root)])
    assert result.exit_code == 0, result.output
    assert "2026-11.jsonl, ligne 1 : le nomme encore" in result.stderr  # once its own is gone
