"""`portfolio log placement|observation|training` (SPEC §9): flags, prompts, refusals."""

from __future__ import annotations

import datetime as dt
import difflib
import io
import json
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

from portfolio.cli import app, prompts
from portfolio.load import load_workspace

runner = CliRunner()

TST = """\
id: tst
title: Référentiel de test
track: emplois-familiaux
certification: {kind: titre-professionnel}
blocks:
  - id: b1
    title: Entretenir le linge
    competencies:
      - {id: c1, title: Repasser le linge, plain: Je sais repasser}
      - {id: c2, title: Laver le linge, plain: Je sais laver le linge}
tasks:
  - {id: repassage, label: Repasser le linge, synonyms: [repassage], evidences: [b1.c1]}
  - {id: lessive, label: Faire la lessive, evidences: [b1.c2]}
"""

CATALOG = """\
body: {id: ofa, name: Organisme de formation A}
modules:
  - {id: ofa.linge, title: Entretien du linge, axis: technique, hours: 12,
     competencies: [tst.b1.c1]}
"""

WORKER = """\
# Suivie par Mme Martin.
id: w-1
first_name: Fatima
last_name: B.
association: ai-est
targets: [tst]
consent: {given: true, date: 2002-09-20}

placements:
  - id: p1
    client: {name: Mme D., kind: particulier}   # voisine
    start: 2002-10-01
    end: 2002-10-31
    hours: 20
    tutor: Mme D.
    tasks: [repassage]

# Observations des tuteurs
observations:
  - {date: 2002-10-31, by: Mme D., role: tuteur, competency: tst.b1.c1, level: 2,
     placement: p1}
"""


FILES = {"referentiels/tst.yaml": TST, "catalog/ofa.yaml": CATALOG, "workers/w-1.yaml": WORKER}


@pytest.fixture
def root(make_workspace) -> Path:
    return make_workspace(FILES)


def run(root: Path, *args: str, stdin: str | None = None):
    return runner.invoke(app, [*args, "-w", str(root)], input=stdin)


def worker_text(root: Path, stem: str = "w-1") -> str:
    return (root / "workers" / f"{stem}.yaml").read_text(encoding="utf-8")


def inserted(old: str, new: str) -> str:
    """The text `new` adds to `old`; fails if anything of `old` changed."""
    matcher = difflib.SequenceMatcher(a=old.splitlines(True), b=new.splitlines(True))
    added = []
    for tag, _, _, j1, j2 in matcher.get_opcodes():
        assert tag in {"equal", "insert"}
        if tag == "insert":
            added += new.splitlines(True)[j1:j2]
    return "".join(added)


def load_worker(root: Path, stem: str = "w-1"):
    ws, issues = load_workspace(root)
    assert not [i for i in issues if i.is_error]
    return ws.workers[stem]


PLACEMENT_FLAGS = (
    "--client", "Mairie de Bron", "--client-kind", "collectivite", "--start", "2002-11-04",
    "--end", "2002-11-29", "--hours", "30", "--tutor", "M. Ruiz",
)  # fmt: skip


# --- log placement ------------------------------------------------------------------------------


def test_log_placement_adds_p2_and_leaves_the_rest_of_the_file_byte_identical(root) -> None:
    result = run(
        root, "log", "placement", "w-1", *PLACEMENT_FLAGS, "--task", "repassage", "--task",
        "lessive=10",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert "Mise à disposition p2 ajoutée" in result.stdout
    assert inserted(WORKER, worker_text(root)) == (
        "  - id: p2\n"
        "    client: {name: Mairie de Bron, kind: collectivite}\n"
        "    start: 2002-11-04\n"
        "    end: 2002-11-29\n"
        "    hours: 30\n"
        "    tutor: M. Ruiz\n"
        "    tasks:\n"
        "      - repassage\n"
        "      - {task: lessive, hours: 10}\n"
    )
    assert [p.id for p in load_worker(root).placements] == ["p1", "p2"]


def test_missing_values_without_a_terminal_exit_2_listing_them(root) -> None:
    result = run(root, "log", "placement", "w-1", "--client", "Mairie de Bron")
    assert result.exit_code == 2
    assert "valeurs manquantes : --client-kind, --start, --end, --hours" in result.stderr
    assert worker_text(root) == WORKER


def test_end_before_start_is_refused_and_the_file_unchanged(root) -> None:
    flags = list(PLACEMENT_FLAGS)
    flags[flags.index("--end") + 1] = "2002-11-01"
    result = run(root, "log", "placement", "w-1", *flags)
    assert result.exit_code == 1
    assert "--end : le dernier jour, 01/11/2002, est avant le premier, 04/11/2002" in result.stderr
    assert worker_text(root) == WORKER


def test_a_malformed_date_flag_is_a_usage_error(root) -> None:
    flags = list(PLACEMENT_FLAGS)
    flags[flags.index("--start") + 1] = "4 novembre"
    result = run(root, "log", "placement", "w-1", *flags)
    assert result.exit_code == 2
    assert "--start : la date « 4 novembre » n'est pas une date valide" in result.stderr


def test_a_known_client_keeps_its_kind(root) -> None:
    result = run(
        root, "log", "placement", "w-1", "--client", "mme d.", "--start", "2002-11-04",
        "--end", "2002-11-29", "--hours", "8",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert load_worker(root).placements[1].client.kind == "particulier"


def test_an_unknown_worker_is_an_error(root) -> None:
    result = run(root, "log", "placement", "w-9", *PLACEMENT_FLAGS)
    assert result.exit_code == 1
    assert "salarié inconnu « w-9 »" in result.stderr


def test_prompts_offer_numbered_choices_at_a_terminal(root, monkeypatch) -> None:
    monkeypatch.setattr(prompts, "stdin_is_terminal", lambda: True)
    # client: 1 (Mme D., a known client, so no kind asked), dates, hours, tutor (default kept),
    # tasks: number 2 of the list (lessive) with 3 h, plus free text; then confirm.
    answers = "1\n2002-11-04\n08/11/2002\n3h30\n\n2=3, couture\ny\n"
    result = run(root, "log", "placement", "w-1", stdin=answers)
    assert result.exit_code == 0, result.stderr
    placement = load_worker(root).placements[1]
    assert (placement.client.name, placement.client.kind) == ("Mme D.", "particulier")
    assert (placement.start, placement.end, placement.hours) == (
        dt.date(2002, 11, 4),
        dt.date(2002, 11, 8),
        3.5,
    )
    assert placement.tutor == "Mme D."
    assert [(t.task, t.hours) for t in placement.tasks] == [("tst.lessive", 3.0), ("couture", None)]
    assert "Faire la lessive (tst.lessive)" in result.stderr


def test_an_answer_holding_a_control_character_is_asked_again(root, monkeypatch) -> None:
    monkeypatch.setattr(prompts, "stdin_is_terminal", lambda: True)
    # client: an escape sequence (refused, shown visibly), then 1 (Mme D.); the rest as above.
    answers = "Mme \x1b[2JD.\n1\n2002-11-04\n08/11/2002\n3h30\n\n2=3\ny\n"
    result = run(root, "log", "placement", "w-1", stdin=answers)
    assert result.exit_code == 0, result.stderr
    assert "la valeur contient un caractère de contrôle invisible (U+001B)" in result.stderr
    assert "\x1b" not in result.stderr.replace("Mme \x1b[2JD.", "")  # the echo of the input
    assert load_worker(root).placements[1].client.name == "Mme D."


def test_declining_the_confirmation_writes_nothing(root, monkeypatch) -> None:
    monkeypatch.setattr(prompts, "stdin_is_terminal", lambda: True)
    result = run(root, "log", "placement", "w-1", *PLACEMENT_FLAGS, stdin="\nn\n")
    assert result.exit_code == 1
    assert worker_text(root) == WORKER


# --- log observation and training ---------------------------------------------------------------


def test_log_observation_accepts_a_short_competency_id_and_a_level_word(root) -> None:
    result = run(
        root, "log", "observation", "w-1", "--competency", "b1.c1", "--level", "autonome",
        "--by", "Mme D.", "--role", "tuteur", "--placement", "p1", "--date", "2002-11-15",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert inserted(WORKER, worker_text(root)) == (
        "  - {date: 2002-11-15, by: Mme D., role: tuteur, competency: tst.b1.c1, level: 3, "
        "placement: p1}\n"
    )


def test_observation_prompts_list_only_what_the_chosen_placement_evidences(
    root, monkeypatch
) -> None:
    monkeypatch.setattr(prompts, "stdin_is_terminal", lambda: True)
    # date: today; placement 1 (p1); competency 1; level 3; role and observer: the defaults
    # (tuteur, p1's tutor); a note; confirm.
    answers = "\n1\n1\n3\n\n\nRepasse seule\ny\n"
    result = run(root, "log", "observation", "w-1", stdin=answers)
    assert result.exit_code == 0, result.stderr
    assert "1. Je sais repasser (tst.b1.c1)" in result.stderr
    assert "Je sais laver le linge" not in result.stderr  # p1 has no laundry task
    observation = load_worker(root).observations[-1]
    assert (observation.date, observation.competency, observation.level) == (
        dt.date.today(),
        "tst.b1.c1",
        3,
    )
    assert (observation.by, observation.role, observation.placement, observation.note) == (
        "Mme D.",
        "tuteur",
        "p1",
        "Repasse seule",
    )


def test_observation_of_an_unknown_placement_is_refused(root) -> None:
    result = run(
        root, "log", "observation", "w-1", "--competency", "tst.b1.c1", "--level", "3",
        "--by", "Mme D.", "--role", "tuteur", "--placement", "p7",
    )  # fmt: skip
    assert result.exit_code == 1
    assert "mise à disposition inconnue « p7 »" in result.stderr
    assert worker_text(root) == WORKER


# --- each answer judged when it is given --------------------------------------------------------


def test_a_wrong_competency_is_refused_at_once_and_asked_again_keeping_earlier_answers(
    root, monkeypatch
) -> None:
    monkeypatch.setattr(prompts, "stdin_is_terminal", lambda: True)
    # date; placement 1 (p1); competency: unknown, then number 1; level 3; role and observer:
    # the defaults; no note; confirm.
    answers = "15/11/2002\n1\nb1.c9\n1\n3\n\n\n\noui\n"
    result = run(root, "log", "observation", "w-1", stdin=answers)
    assert result.exit_code == 0, result.stderr
    refused = result.stderr.index("compétence inconnue « b1.c9 »")
    assert refused < result.stderr.index("Niveau")  # said at once, not after every question
    assert "tst.b1.c1 ?" in result.stderr[refused:].splitlines()[0]  # vouliez-vous dire …
    assert result.stderr.count("Compétence observée") == 2  # the choices shown again
    assert result.stderr[refused:].count("1. Je sais repasser (tst.b1.c1)") == 1
    assert result.stderr.count("Date") == 1  # the earlier answers are kept
    assert inserted(WORKER, worker_text(root)) == (
        "  - {date: 2002-11-15, by: Mme D., role: tuteur, competency: tst.b1.c1, level: 3, "
        "placement: p1}\n"
    )


def test_a_number_outside_the_list_is_refused_and_asked_again(root, monkeypatch) -> None:
    monkeypatch.setattr(prompts, "stdin_is_terminal", lambda: True)
    # module: number 3 of a one-item list, then 1; start; one day; the module's hours; result 1.
    answers = "3\n1\n12/11/2002\n\n\n1\noui\n"
    result = run(root, "log", "training", "w-1", stdin=answers)
    assert result.exit_code == 0, result.stderr
    assert "numéro 3 absent de la liste : le seul numéro est 1" in result.stderr
    assert load_worker(root).trainings[0].module == "ofa.linge"


def test_a_last_day_before_the_first_is_refused_when_typed(root, monkeypatch) -> None:
    monkeypatch.setattr(prompts, "stdin_is_terminal", lambda: True)
    answers = "1\n04/11/2002\n01/11/2002\n08/11/2002\n3h30\n\n\noui\n"
    result = run(root, "log", "placement", "w-1", stdin=answers)
    assert result.exit_code == 0, result.stderr
    assert "le dernier jour, 01/11/2002, est avant le premier, 04/11/2002" in result.stderr
    assert load_worker(root).placements[1].end == dt.date(2002, 11, 8)


def test_the_end_of_the_input_mid_form_stops_and_writes_nothing(root, monkeypatch) -> None:
    monkeypatch.setattr(prompts, "stdin_is_terminal", lambda: True)
    result = run(root, "log", "placement", "w-1", stdin="1\n2002-11-04\n")
    assert result.exit_code == 1
    assert "saisie interrompue avant la fin des questions : rien n'a été écrit" in result.stderr
    assert "Abort" not in result.output
    assert worker_text(root) == WORKER


def test_too_many_refused_answers_stop_and_name_the_option(root, monkeypatch) -> None:
    monkeypatch.setattr(prompts, "stdin_is_terminal", lambda: True)
    answers = "\n\n" + "xyz\n" * prompts.MAX_ATTEMPTS + "1\n"
    result = run(root, "log", "observation", "w-1", stdin=answers)
    assert result.exit_code == 1
    assert result.stderr.count("compétence inconnue « xyz »") == prompts.MAX_ATTEMPTS
    assert "rien n'a été écrit. Relancez la commande, ou donnez cette valeur avec l'option " \
        "--competency" in result.stderr  # fmt: skip
    assert worker_text(root) == WORKER


def test_an_unknown_competency_option_is_refused_naming_the_option(root) -> None:
    result = run(
        root, "log", "observation", "w-1", "--competency", "b1.c9", "--level", "3",
        "--by", "Mme D.", "--role", "tuteur",
    )  # fmt: skip
    assert result.exit_code == 1
    assert "--competency : compétence inconnue « b1.c9 »" in result.stderr
    assert worker_text(root) == WORKER


# --- roles in either gender ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "stored"), [("tutrice", "tuteur"), ("Conseillère", "conseiller")]
)
def test_a_role_option_in_the_feminine_is_stored_in_its_one_form(root, typed, stored) -> None:
    result = run(
        root, "log", "observation", "w-1", "--competency", "b1.c1", "--level", "3",
        "--by", "Mme D.", "--role", typed, "--date", "2002-11-15",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert f"role: {stored}," in inserted(WORKER, worker_text(root))


def test_a_role_typed_at_the_prompt_in_the_feminine_is_taken(root, monkeypatch) -> None:
    monkeypatch.setattr(prompts, "stdin_is_terminal", lambda: True)
    # date; no placement; competency 1; level 2; role « formatrice »; observer; no note.
    answers = "15/11/2002\n\n1\n2\nformatrice\nM. Ruiz\n\noui\n"
    result = run(root, "log", "observation", "w-1", stdin=answers)
    assert result.exit_code == 0, result.stderr
    assert load_worker(root).observations[-1].role == "formateur"


def test_a_file_writing_a_role_in_the_feminine_checks_clean_and_reads_as_one_role(
    make_workspace, run_check
) -> None:
    root = make_workspace({**FILES, "workers/w-1.yaml": WORKER.replace("tuteur", "Formatrice")})
    checked = run_check(root)
    assert checked.exit_code == 0
    assert [i for i in checked.issues if "role" in i.message or "rôle" in i.message] == []
    assessed = json.loads(run(root, "assess", "w-1", "--json", "--as-of", "2003-06-30").stdout)
    evidence = [
        e
        for ref in assessed["referentiels"]
        for block in ref["blocks"]
        for comp in block["competencies"]
        for e in comp["evidence"]
        if e["kind"] == "observation"
    ]
    assert [e["role"] for e in evidence] == ["formateur"]


def test_log_training_defaults_to_the_module_hours(root) -> None:
    result = run(
        root, "log", "training", "w-1", "--module", "ofa.linge", "--start", "2002-11-12",
        "--result", "acquis",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    assert inserted(WORKER, worker_text(root)) == (
        "trainings:\n"
        "  - module: ofa.linge\n"
        "    start: 2002-11-12\n"
        "    hours: 12\n"
        "    result: acquis\n"
    )


def test_an_unknown_module_is_refused_and_the_file_unchanged(root) -> None:
    result = run(
        root, "log", "training", "w-1", "--module", "ofa.cuisine", "--start", "2002-11-12",
        "--hours", "6", "--result", "acquis",
    )  # fmt: skip
    assert result.exit_code == 1
    assert "module inconnu « ofa.cuisine »" in result.stderr
    assert worker_text(root) == WORKER


def test_a_file_that_already_has_errors_is_left_alone(root) -> None:
    broken = WORKER.replace("end: 2002-10-31", "end: 2002-09-30")
    (root / "workers" / "w-1.yaml").write_text(broken, encoding="utf-8")
    result = run(
        root, "log", "training", "w-1", "--module", "ofa.linge", "--start", "2002-11-12",
        "--result", "acquis",
    )  # fmt: skip
    assert result.exit_code == 1
    assert "contient déjà des erreurs" in result.stderr
    assert worker_text(root) == broken


def test_a_change_refused_at_the_end_offers_the_command_with_every_answer(
    root, monkeypatch
) -> None:
    """Two placements at one client on the same days are judged together, after the last
    question: the answers typed come back as a command line, so that only one is retyped."""
    monkeypatch.setattr(prompts, "stdin_is_terminal", lambda: True)
    monkeypatch.setattr(prompts.sys, "argv", ["portfolio", "log", "placement", "w-1"])
    answers = "1\n05/10/2002\n20/10/2002\n3h30\n\n\noui\n"
    result = run(root, "log", "placement", "w-1", stdin=answers)
    assert result.exit_code == 1
    assert worker_text(root) == WORKER
    lines = result.stderr.splitlines()
    offer = lines.index(
        "Pour corriger sans tout retaper, relancez cette commande en changeant la valeur refusée :"
    )
    assert lines[offer + 1] == (
        "  portfolio log placement w-1 --client 'Mme D.' --start 05/10/2002 --end 20/10/2002 "
        "--hours 3h30 --tutor 'Mme D.'"
    )


# --- the preview in 80 columns (issue 14) -------------------------------------------------------


def preview(root: Path, monkeypatch, *, terminal: bool) -> str:
    """What `log placement` shows before it writes, on an 80-column terminal or a pipe."""
    out = io.StringIO()
    console = Console(file=out, width=80, force_terminal=terminal, color_system=None)
    monkeypatch.setattr(prompts, "stderr", console)
    note = "Une remarque assez longue pour dépasser la largeur d'un terminal de quatre-vingts"
    result = run(root, "log", "placement", "w-1", *PLACEMENT_FLAGS, "--note", note, "--yes")
    assert result.exit_code == 0, result.stderr
    return out.getvalue()


def test_the_preview_wraps_with_an_indent_on_a_terminal(root, monkeypatch) -> None:
    lines = preview(root, monkeypatch, terminal=True).splitlines()
    assert lines[0] == "À ajouter dans workers/w-1.yaml :"
    assert all(len(line) <= 80 for line in lines)
    note = next(i for i, line in enumerate(lines) if "note:" in line)
    assert lines[note + 1].startswith("        ")


def test_the_piped_preview_keeps_each_yaml_line_whole(root, monkeypatch) -> None:
    shown = preview(root, monkeypatch, terminal=False)
    assert "    note: Une remarque assez longue pour dépasser la largeur d'un terminal de " in shown
    assert all(line.startswith(("À ajouter", "  ")) for line in shown.splitlines())
