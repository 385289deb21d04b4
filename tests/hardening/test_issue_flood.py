"""A file with thousands of problems lists the first ones and counts the others (issue 13
item 10).

A worker file with 150,000 unknown keys printed 150,000 errors (64 s). Each file now lists at
most ISSUES_PER_FILE issues, in file order, then one error counting the rest.
"""

from __future__ import annotations

from support import VALID_CATALOG, VALID_WORKER, MakeWorkspace

from portfolio.issues import Location, error

LIMIT = 50
UNKNOWN_KEYS = 3_000
FIRST_KEY_LINE = VALID_WORKER.count("\n") + 1


def test_unknown_keys_are_listed_up_to_the_limit_then_counted(
    make_workspace: MakeWorkspace, run_check
) -> None:
    keys = "".join(f"inconnue-{n}: 1\n" for n in range(UNKNOWN_KEYS))
    root = make_workspace(
        {"workers/w-0042.yaml": VALID_WORKER + keys, "catalog/ofa.yaml": VALID_CATALOG}
    )
    run = run_check(root)
    assert run.exit_code == 1
    listed, (summary,) = run.issues[:-1], run.issues[-1:]
    assert [i.line for i in listed] == list(range(FIRST_KEY_LINE, FIRST_KEY_LINE + LIMIT))
    assert all("champ inconnu" in i.message for i in listed)
    assert (summary.path, summary.line, summary.severity) == (
        "workers/w-0042.yaml",
        FIRST_KEY_LINE + LIMIT,
        "erreur",
    )
    assert f"encore {UNKNOWN_KEYS - LIMIT:,}".replace(",", " ") in summary.message
    assert len(run.output.splitlines()) == LIMIT + 2  # the issues, the count, the summary line


def test_duplicate_keys_are_capped_too(make_workspace: MakeWorkspace, run_check) -> None:
    duplicates = "".join("id: w-0042\n" for _ in range(200))
    root = make_workspace(
        {"workers/w-0042.yaml": VALID_WORKER + duplicates, "catalog/ofa.yaml": VALID_CATALOG}
    )
    run = run_check(root)
    assert len(run.issues) == LIMIT + 1
    assert "encore 150" in run.issues[-1].message


def test_a_misspelt_key_among_the_first_still_gets_its_suggestion(
    make_workspace: MakeWorkspace, run_check
) -> None:
    worker = VALID_WORKER.replace("first_name:", "frist_name:")
    keys = "".join(f"inconnue-{n}: 1\n" for n in range(UNKNOWN_KEYS))
    root = make_workspace({"workers/w-0042.yaml": worker + keys, "catalog/ofa.yaml": VALID_CATALOG})
    run = run_check(root)
    first = run.issues[0]
    assert (first.line, first.severity) == (2, "erreur")
    assert "vouliez-vous écrire « first_name »" in first.message
    assert not any("« first_name » manquant" in i.message for i in run.issues)


def test_other_files_keep_all_their_issues() -> None:
    from portfolio.issues import cap_per_file

    few = [error(Location("a.yaml", n, 1), "x", "problème") for n in range(3)]
    many = [error(Location("b.yaml", n, 1), "x", "problème") for n in range(60, 0, -1)]
    capped = cap_per_file(few + many, limit=10)
    assert capped[:3] == few
    assert [i.location.line for i in capped[3:13]] == list(range(1, 11))
    assert capped[13].code == "more-issues"
    assert len(capped) == 14


def test_rule_errors_of_one_worker_are_capped_like_load_errors(
    make_workspace: MakeWorkspace, run_check
) -> None:
    """300 placements of 0 h gave 304 lines: the rules' issues are capped per file too."""
    placements = "".join(
        f"  - {{id: z{n}, client: {{name: C{n}, kind: particulier}}, start: 2026-01-05, "
        f"end: 2026-01-06, hours: 0}}\n"
        for n in range(300)
    )
    text = VALID_WORKER.replace("placements:\n", "placements:\n" + placements, 1)
    assert text != VALID_WORKER
    root = make_workspace({"workers/w-0042.yaml": text, "catalog/ofa.yaml": VALID_CATALOG})
    run = run_check(root)
    assert run.exit_code == 1
    assert len(run.issues) == LIMIT + 1
    assert "encore 250" in run.issues[-1].message


def test_warnings_alone_are_capped_by_a_warning_and_never_hide_an_error() -> None:
    from portfolio.issues import Severity, cap_per_file, warning

    warnings = [warning(Location("w.yaml", n, 1), "x", "à vérifier") for n in range(1, 61)]
    capped = cap_per_file(warnings, limit=10)
    assert capped[-1].code == "more-issues" and capped[-1].severity == Severity.WARNING
    assert capped[-1].hidden == 50
    late_error = error(Location("w.yaml", 99, 1), "x", "erreur tout en bas")
    capped = cap_per_file([*warnings, late_error], limit=10)
    assert late_error in capped
    assert [i.location.line for i in capped[:10]] == [*range(1, 10), 99]
    assert capped[-1].severity == Severity.WARNING and capped[-1].hidden == 51
