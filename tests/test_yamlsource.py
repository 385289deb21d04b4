"""Reading YAML with positions (portfolio/yamlsource.py) and the YAML faults `portfolio check`
reports (SPEC §8: invalid YAML, duplicate keys), each at its file, line and column."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from support import CheckRun, Reported

from portfolio.load import load_workspace
from portfolio.yamlsource import MAX_DEPTH, MAX_FILE_BYTES, SourceMap, parse_yaml_text, read_yaml

WORKER = """\
id: w-0042
first_name: Fatima
last_name: B.
association: ai-est
consent: {given: true, date: 2002-09-20}
"""


def only_issue(run: CheckRun) -> Reported:
    assert len(run.issues) == 1, run.output
    return run.issues[0]


def read(tmp_path: Path, text: str | bytes) -> tuple[object, SourceMap, list]:
    file = tmp_path / "f.yaml"
    if isinstance(text, str):
        file.write_text(text, encoding="utf-8")
    else:
        file.write_bytes(text)
    return read_yaml(file, "f.yaml")


# --- the scalar schema: predictable, no YAML 1.1 surprises -------------------------------------


@pytest.mark.parametrize(
    ("written", "value"),
    [
        ("no", "no"),
        ("yes", "yes"),
        ("off", "off"),
        ("010", "010"),
        ("0x1F", "0x1F"),
        ("1_000", "1_000"),
        ("1e3", "1e3"),
        ("12:30", "12:30"),
        ("'12'", "12"),
        ('"true"', "true"),
        ("true", True),
        ("False", False),
        ("12", 12),
        ("-3", -3),
        ("0", 0),
        ("12.5", 12.5),
        (".5", 0.5),
        ("~", None),
        ("null", None),
        ("", None),
        ("2003-01-31", dt.date(2003, 1, 31)),
        ("2003-02-30", "2003-02-30"),
    ],
)
def test_scalars_keep_yaml_1_1_words_and_leading_zeros_as_text(
    tmp_path: Path, written: str, value: object
) -> None:
    data, _, issues = read(tmp_path, f"v: {written}\n")
    assert issues == []
    assert data == {"v": value}
    assert type(data["v"]) is type(value)  # 1 is not True, "12" is not 12


def test_remembered_scalars_are_typed_as_written_each_time() -> None:
    """Short plain scalars are remembered from file to file: the same characters quoted stay
    text, and a long plain scalar, not remembered, is typed like a short one."""
    long_number = "1" * 40
    first, _, _ = parse_yaml_text(f"a: 12\nb: 2003-01-31\nc: {long_number}\n", "one.yaml")
    second, _, _ = parse_yaml_text(f"a: '12'\nb: '2003-01-31'\nc: '{long_number}'\n", "two.yaml")
    third, _, _ = parse_yaml_text(f"a: 12\nb: 2003-01-31\nc: {long_number}\n", "three.yaml")
    assert first == third == {"a": 12, "b": dt.date(2003, 1, 31), "c": int(long_number)}
    assert second == {"a": "12", "b": "2003-01-31", "c": long_number}


def test_no_and_010_stay_text_for_ids_and_codes(make_workspace, run_check) -> None:
    root = make_workspace(
        {
            "workers/no.yaml": WORKER.replace("id: w-0042", "id: no")
            + "counselor: 010\ntargets: [no]\n",
        }
    )
    ws, issues = load_workspace(root)
    assert issues == []
    assert ws.workers["no"].id == "no"
    assert ws.workers["no"].counselor == "010"
    run = run_check(root)
    # `targets: [no]` is the text "no", reported as an unknown référentiel, not as False.
    issue = only_issue(run)
    assert issue[:4] == ("workers/no.yaml", 7, 11, "erreur")
    assert "référentiel visé inconnu « no »" in issue.message


# --- what reading measures of the texts ----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "longest", "control"),
    [
        ("id: w-1\nnote: abc\nlist: [12345, 2003-01-02]\n", 10, False),
        ('id: w-1\nname: "A\\e[31m"\n', 6, True),
        ("note: |\n  a\n  b\n", 4, True),
        ("{a_very_long_key_is_not_a_value: 1}\n", 1, False),
    ],
    ids=["plain", "escape", "block", "keys"],
)
def test_reading_measures_the_scalar_values(
    tmp_path: Path, text: str, longest: int, control: bool
) -> None:
    """`check` trusts these two figures to skip its walk over the texts of a worker file."""
    source = read(tmp_path, text)[1]
    assert (source.longest_text, source.control_in_text) == (longest, control)


def test_a_file_not_parsed_has_no_measure(tmp_path: Path) -> None:
    source = read(tmp_path, "a: [1\n")[1]
    assert (source.longest_text, source.control_in_text) == (None, True)


# --- positions -----------------------------------------------------------------------------------


def test_a_yaml_tag_is_reported_not_silently_dropped(tmp_path: Path) -> None:
    data, _, issues = read(tmp_path, "counselor: !b\ncode: !!str 010\n")
    assert data == {"counselor": None, "code": "010"}
    assert [(i.location.line, i.location.column, i.code) for i in issues] == [(1, 12, "yaml-tag")]
    assert "mettez la valeur entre guillemets" in issues[0].message


def test_positions_of_values_and_keys_are_one_based(tmp_path: Path) -> None:
    _, source, _ = read(tmp_path, "a: 1\nlist:\n  - {x: 2, y: [3, 4]}\n")
    assert source.locate()[1:] == (1, 1)
    assert source.locate("a")[1:] == (1, 4)
    assert source.locate("a", key=True)[1:] == (1, 1)
    assert source.locate("list", 0)[1:] == (3, 5)
    assert source.locate("list", 0, key=True)[1:] == (3, 5)  # an item has no key
    assert source.locate("list", 0, "y", key=True)[1:] == (3, 12)
    assert source.locate("list", 0, "y", 1)[1:] == (3, 19)


def test_locate_falls_back_to_the_closest_node_the_file_has(tmp_path: Path) -> None:
    _, source, _ = read(tmp_path, "a: 1\nlist:\n  - {x: 2}\n")
    assert source.locate("list", 0, "missing").line == 3
    assert source.locate("list", 0, "missing").column == 5
    assert source.locate("list", 0, "x", key=True)[1:] == (3, 6)
    assert source.locate("nowhere")[1:] == (1, 1)


def test_locate_skips_what_does_not_fit_the_shape_of_the_data(tmp_path: Path) -> None:
    """An index past the end, an index on a mapping, a key on a sequence: each is skipped, as a
    name the file does not have is."""
    _, source, _ = read(tmp_path, "list:\n  - a\n  - {x: 2}\n'1': b\n")
    assert source.locate("list", 5)[1:] == (2, 3)
    assert source.locate("list", -1)[1:] == (2, 3)
    assert source.locate("list", "x")[1:] == (2, 3)
    assert source.locate(1)[1:] == (1, 1)
    assert source.locate("1")[1:] == (4, 6)
    assert source.locate("list", 1, 0, "x")[1:] == (3, 9)


def test_a_file_that_was_not_parsed_locates_at_its_start(tmp_path: Path) -> None:
    data, source, issues = read(tmp_path, "a: [1\n")
    assert data is None and issues
    assert source.values is None
    assert source.locate("a", 0)[1:] == (1, 1)


def test_bom_and_crlf_file_loads_with_the_right_lines(tmp_path: Path) -> None:
    text = "\ufeffa: 1\r\nb:\r\n  c: x\r\n"
    data, source, issues = read(tmp_path, text.encode("utf-8"))
    assert issues == []
    assert data == {"a": 1, "b": {"c": "x"}}
    assert source.locate("b", "c")[1:] == (3, 6)


def test_bom_and_crlf_worker_passes_check(make_workspace, run_check) -> None:
    root = make_workspace({})
    worker = ("\ufeff" + WORKER).replace("\n", "\r\n").encode("utf-8")
    (root / "workers").mkdir()
    (root / "workers" / "w-0042.yaml").write_bytes(worker)
    run = run_check(root)
    assert run.exit_code == 0, run.output
    assert run.issues == []


def test_crlf_file_errors_point_at_the_right_line(make_workspace, run_check) -> None:
    root = make_workspace({})
    worker = WORKER.replace("first_name:", "firstname:").replace("\n", "\r\n").encode()
    (root / "workers").mkdir()
    (root / "workers" / "w-0042.yaml").write_bytes(worker)
    issue = only_issue(run_check(root))
    assert issue[:4] == ("workers/w-0042.yaml", 2, 1, "erreur")


# --- invalid YAML through `portfolio check` ----------------------------------------------------


def check_worker_text(make_workspace, run_check, text: str) -> Reported:
    run = run_check(make_workspace({"workers/w-0042.yaml": text}))
    assert run.exit_code == 1
    return only_issue(run)


def test_yaml_key_indented_deeper_than_its_siblings(make_workspace, run_check) -> None:
    text = "id: w-0042\nfirst_name: Fatima\n  last_name: B.\nassociation: ai-est\n"
    issue = check_worker_text(make_workspace, run_check, text)
    assert issue[:4] == ("workers/w-0042.yaml", 3, 12, "erreur")
    assert "YAML invalide : « : » inattendu" in issue.message
    assert "alignez cette ligne sur les clés du même niveau" in issue.message


def test_yaml_list_item_key_not_aligned(make_workspace, run_check) -> None:
    text = WORKER + "placements:\n  - id: p1\n    hours: 3\n   start: 2002-10-01\n"
    issue = check_worker_text(make_workspace, run_check, text)
    assert issue[:4] == ("workers/w-0042.yaml", 9, 4, "erreur")
    assert "indentation incohérente dans une liste" in issue.message


def test_yaml_unclosed_double_quote_points_at_the_opening_quote(make_workspace, run_check) -> None:
    text = 'id: w-0042\nfirst_name: "Fatima\nlast_name: B.\nassociation: ai-est\n'
    issue = check_worker_text(make_workspace, run_check, text)
    assert issue[:4] == ("workers/w-0042.yaml", 2, 13, "erreur")
    assert "guillemet ouvert ici mais jamais fermé" in issue.message


def test_yaml_unclosed_single_quote(make_workspace, run_check) -> None:
    text = "id: w-0042\nfirst_name: Fatima\nlast_name: 'B.\nassociation: ai-est\n"
    issue = check_worker_text(make_workspace, run_check, text)
    assert issue[:4] == ("workers/w-0042.yaml", 3, 12, "erreur")
    assert "guillemet ouvert ici mais jamais fermé" in issue.message


def test_yaml_tab_used_for_indentation(make_workspace, run_check) -> None:
    text = "id: w-0042\n\tfirst_name: Fatima\n"
    issue = check_worker_text(make_workspace, run_check, text)
    assert issue[:4] == ("workers/w-0042.yaml", 2, 1, "erreur")
    assert "tabulation" in issue.message
    assert "espaces" in issue.message


def test_yaml_tab_before_a_list_item(make_workspace, run_check) -> None:
    text = WORKER + "placements:\n\t- id: p1\n"
    issue = check_worker_text(make_workspace, run_check, text)
    assert issue[:4] == ("workers/w-0042.yaml", 7, 1, "erreur")
    assert "tabulation interdite" in issue.message


def test_yaml_missing_colon_points_at_the_key_line(make_workspace, run_check) -> None:
    text = "id: w-0042\nfirst_name Fatima\nlast_name: B.\n"
    issue = check_worker_text(make_workspace, run_check, text)
    assert issue[:4] == ("workers/w-0042.yaml", 2, 1, "erreur")
    assert "« : » manquant après la clé de cette ligne" in issue.message


def test_yaml_unclosed_bracket_points_at_the_opening_bracket(make_workspace, run_check) -> None:
    text = WORKER + "targets: [advf, eaa\ncounselor: Mme Martin\n"
    issue = check_worker_text(make_workspace, run_check, text)
    assert issue[:4] == ("workers/w-0042.yaml", 6, 10, "erreur")
    assert "le crochet « [ » ouvert ici n'est pas fermé" in issue.message


def test_yaml_value_starting_with_a_reserved_character(make_workspace, run_check) -> None:
    text = WORKER + "counselor: @martin\n"
    issue = check_worker_text(make_workspace, run_check, text)
    assert issue[:4] == ("workers/w-0042.yaml", 6, 12, "erreur")
    assert "ne peut pas commencer par « @ » : mettez-la entre guillemets" in issue.message


def test_yaml_two_documents_in_one_file(make_workspace, run_check) -> None:
    issue = check_worker_text(make_workspace, run_check, WORKER + "---\nid: w-0043\n")
    assert issue[:4] == ("workers/w-0042.yaml", 6, 1, "erreur")
    assert "un seul document par fichier" in issue.message


def test_duplicate_key_points_at_the_second_one(make_workspace, run_check) -> None:
    text = WORKER + "counselor: Mme Martin\ncounselor: M. Diallo\n"
    issue = check_worker_text(make_workspace, run_check, text)
    assert issue[:4] == ("workers/w-0042.yaml", 7, 1, "erreur")
    assert "la clé « counselor » apparaît deux fois (déjà ligne 6)" in issue.message


def test_duplicate_key_inside_a_flow_mapping(make_workspace, run_check) -> None:
    text = WORKER.replace("{given: true, date: 2002-09-20}", "{given: true, given: false}")
    issue = check_worker_text(make_workspace, run_check, text)
    assert issue[:4] == ("workers/w-0042.yaml", 5, 24, "erreur")
    assert "la clé « given » apparaît deux fois (déjà ligne 5)" in issue.message


def test_key_that_is_a_list(make_workspace, run_check) -> None:
    run = run_check(make_workspace({"workers/w-0042.yaml": WORKER + "[a, b]: 1\n"}))
    assert run.exit_code == 1
    assert run.issues[0][:4] == ("workers/w-0042.yaml", 6, 1, "erreur")
    assert "une clé doit être un simple mot suivi de « : »" in run.issues[0].message


def test_top_level_list_instead_of_fields(make_workspace, run_check) -> None:
    issue = check_worker_text(make_workspace, run_check, "- id: w-0042\n- first_name: F\n")
    assert issue[:4] == ("workers/w-0042.yaml", 1, 1, "erreur")
    assert "le fichier doit être une table de champs « clé: valeur »" in issue.message


# --- files that are not YAML text --------------------------------------------------------------


def write_worker_bytes(make_workspace, content: bytes) -> Path:
    root = make_workspace({})
    (root / "workers").mkdir()
    (root / "workers" / "w-0042.yaml").write_bytes(content)
    return root


@pytest.mark.parametrize("text", ["", "\n\n", "# rien pour l'instant\n"])
def test_empty_file(make_workspace, run_check, text: str) -> None:
    issue = check_worker_text(make_workspace, run_check, text)
    assert issue[:4] == ("workers/w-0042.yaml", 1, 1, "erreur")
    assert "fichier vide : remplissez-le ou supprimez-le" in issue.message


def test_file_not_in_utf8_points_at_the_first_bad_character(make_workspace, run_check) -> None:
    root = write_worker_bytes(make_workspace, "id: w-0042\nfirst_name: Hélène\n".encode("latin-1"))
    run = run_check(root)
    assert run.exit_code == 1
    issue = only_issue(run)
    assert issue[:4] == ("workers/w-0042.yaml", 2, 14, "erreur")
    assert "n'est pas enregistré en UTF-8" in issue.message
    assert "enregistrez-le avec l'encodage UTF-8" in issue.message


def test_file_in_utf16_says_so(make_workspace, run_check) -> None:
    root = write_worker_bytes(make_workspace, WORKER.encode("utf-16"))
    issue = only_issue(run_check(root))
    assert issue[:4] == ("workers/w-0042.yaml", 1, 1, "erreur")
    assert "enregistré en UTF-16" in issue.message


def test_binary_file(make_workspace, run_check) -> None:
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10"
    run = run_check(write_worker_bytes(make_workspace, png))
    assert run.exit_code == 1
    issue = only_issue(run)
    assert issue[:4] == ("workers/w-0042.yaml", 1, 1, "erreur")
    assert "ce fichier n'est pas du texte" in issue.message


def test_file_too_big(tmp_path: Path) -> None:
    data, _, issues = read(tmp_path, b"# " + b"x" * MAX_FILE_BYTES + b"\n")
    assert data is None
    assert [i.code for i in issues] == ["file-too-big"]
    assert "fichier trop gros (5,0 Mo, au plus 5 Mo)" in issues[0].message


# --- text not read from a file (a worker file judged before it is written) -----------------------


@pytest.mark.parametrize(
    "text",
    [
        WORKER,
        "\ufeffid: w-1\r\nfirst_name: A\r\n",
        "id: w-1\nid: w-2\n",
        'id: "w-1\nfirst_name: A\n',
        "id: w-1\n\tfirst_name: A\n",
        "",
        "id: w-1\x00\n",
        "# " + "x" * MAX_FILE_BYTES + "\n",
    ],
    ids=["valid", "bom-crlf", "duplicate", "quote", "tab", "empty", "nul", "too-big"],
)
def test_text_is_parsed_exactly_as_the_file_holding_it(tmp_path: Path, text: str) -> None:
    assert parse_yaml_text(text, "f.yaml") == read(tmp_path, text)


# --- hostile YAML ---------------------------------------------------------------------------------

BILLION_LAUGHS = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{name}: &{name} [{', '.join([f'*{prev}'] * 10)}]\n"
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True)
)


def test_billion_laughs_aliases_are_rejected(make_workspace, run_check) -> None:
    issue = check_worker_text(make_workspace, run_check, BILLION_LAUGHS)
    assert issue.path == "workers/w-0042.yaml"
    assert issue.severity == "erreur"
    assert "fichier trop complexe (plus de 200 000 éléments" in issue.message
    assert "alias" in issue.message


def test_nesting_deeper_than_the_limit_is_rejected(make_workspace, run_check) -> None:
    depth = MAX_DEPTH + 10
    issue = check_worker_text(make_workspace, run_check, "id: " + "[" * depth + "]" * depth)
    # The node beyond the limit is the bracket at depth MAX_DEPTH + 1 (the root mapping is 0).
    assert issue[:4] == ("workers/w-0042.yaml", 1, 4 + MAX_DEPTH + 1, "erreur")
    assert f"imbrication trop profonde (plus de {MAX_DEPTH} niveaux)" in issue.message


def test_nesting_beyond_the_parser_limit_is_rejected(make_workspace, run_check) -> None:
    depth = 100_000
    issue = check_worker_text(make_workspace, run_check, "id: " + "[" * depth + "]" * depth)
    assert issue.path == "workers/w-0042.yaml"
    assert "imbrication trop profonde" in issue.message
