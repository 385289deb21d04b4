"""`portfolio check` on hostile hand-written files: never a traceback, always located messages.

Every example writes one file of a small valid workspace (a worker, a training catalogue,
workspace.yaml or a local référentiel), then loads the workspace in-process (`load_workspace`,
which reads every file through `portfolio.yamlsource`) and applies the rules of SPEC §8 (the
checks' entry point, `check_workspace`). Whatever the file holds, this must not raise, and every
problem must render as one `path:line:column: erreur|avertissement: …` line with a position
inside the file, within the limits of `portfolio.yamlsource` (MAX_FILE_BYTES, MAX_DEPTH,
MAX_NODES). A few end-to-end runs, some of them on random files, prove that the application's
`check` (which streams the worker files) finds exactly the same issues, and that the command line
prints them and a summary, with exit code 1 whenever there is an error.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import tempfile
import tracemalloc
from pathlib import Path
from typing import Any, NamedTuple

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from portfolio.app.workspace import check
from portfolio.checks import check_workspace
from portfolio.cli import app
from portfolio.issues import Issue, cap_per_file, has_errors, sort_issues
from portfolio.load import load_workspace
from portfolio.yamlsource import MAX_DEPTH, MAX_FILE_BYTES, MAX_NODES

WORKSPACE: dict[str, Any] = {
    "name": "Programme test",
    "federation": "Fédération test",
    "associations": [{"id": "ai-est", "name": "AI Lyon Est", "counselors": ["Mme Martin"]}],
    "settings": {
        "training_budget_hours": 30,
        "training_ratio": [0.10, 0.20],
        "programme_target_hours": 7200,
        "period": {"start": dt.date(2002, 9, 1), "end": dt.date(2003, 8, 31)},
    },
}
REFERENTIEL: dict[str, Any] = {
    "id": "loc",
    "title": "Référentiel local",
    "track": "batiment",
    "certification": {"kind": "cqp", "rncp": "RNCP1234", "level": 3},
    "rome": ["F1603"],
    "defaults": {"min_hours": 10, "observation": True},
    "blocks": [
        {
            "id": "b1",
            "title": "Peindre",
            "competencies": [
                {
                    "id": "c1",
                    "title": "Préparer un support",
                    "plain": "Je sais préparer un mur",
                    "axis": "technique",
                    "criteria": ["Le mur est lessivé"],
                    "evidence": {"min_hours": 5},
                }
            ],
        }
    ],
    "tasks": [
        {
            "id": "lessivage",
            "label": "Lessiver un mur",
            "synonyms": ["lessiver"],
            "evidences": ["b1.c1"],
        }
    ],
}
CATALOG: dict[str, Any] = {
    "body": {"id": "ofa", "name": "Organisme de formation A"},
    "modules": [
        {
            "id": "ofa.linge",
            "title": "Entretien du linge",
            "axis": "technique",
            "hours": 12,
            "competencies": ["advf.ccp1.c3", "loc.b1.c1"],
            "group": {"min": 6, "max": 12},
        }
    ],
}
WORKER: dict[str, Any] = {
    "id": "w-1",
    "first_name": "Fatima",
    "last_name": "B.",
    "association": "ai-est",
    "counselor": "Mme Martin",
    "targets": ["advf", "loc"],
    "consent": {"given": True, "date": dt.date(2002, 9, 20)},
    "pass_iae": {"start": dt.date(2002, 9, 15), "end": dt.date(2004, 9, 14)},
    "placements": [
        {
            "id": "p1",
            "client": {"name": "Mme D.", "kind": "particulier"},
            "start": dt.date(2002, 10, 1),
            "end": dt.date(2002, 12, 20),
            "hours": 64,
            "tutor": "Mme D.",
            "tasks": ["repassage", {"task": "ménage des sols", "hours": 20}, "lessiver"],
        }
    ],
    "observations": [
        {
            "date": dt.date(2002, 12, 20),
            "by": "Mme D.",
            "role": "tuteur",
            "competency": "advf.ccp1.c3",
            "level": 3,
            "placement": "p1",
            "note": "Repasse seule",
        }
    ],
    "trainings": [
        {
            "module": "ofa.linge",
            "start": dt.date(2003, 1, 10),
            "end": dt.date(2003, 1, 24),
            "hours": 10,
            "result": "acquis",
        }
    ],
}
TEMPLATES: dict[str, dict[str, Any]] = {
    "workspace.yaml": WORKSPACE,
    "referentiels/loc.yaml": REFERENTIEL,
    "catalog/ofa.yaml": CATALOG,
    "workers/w-1.yaml": WORKER,
}
REQUIRED = {
    "workspace.yaml": {"name", "associations"},
    "referentiels/loc.yaml": {"id", "title", "track", "certification", "blocks"},
    "catalog/ofa.yaml": {"body"},
    "workers/w-1.yaml": {"id", "first_name", "last_name", "association"},
}
ALLOWED = {
    "workspace.yaml": {"name", "federation", "associations", "settings"},
    "referentiels/loc.yaml": set(REFERENTIEL),
    "catalog/ofa.yaml": {"body", "modules"},
    "workers/w-1.yaml": set(WORKER),
}
FIELD_NAMES = sorted(
    {"id", "hours", "start", "end", "date", "name", "kind", "level", "task", "module", "tasks"}
    | {key for template in TEMPLATES.values() for key in template}
)

ISSUE_LINE = re.compile(
    r"^(?P<path>.+?):(?P<line>[1-9]\d*):(?P<column>[1-9]\d*): "
    r"(?P<severity>erreur|avertissement): \S"
)
SUMMARY = re.compile(
    r"^(Aucun problème trouvé\.|(?P<errors>\d+) erreurs?, (?P<warnings>\d+) avertissements?\.)$"
)
YAML_LINE_BREAK = re.compile(r"\r\n|[\r\n\x85\u2028\u2029]")

# --- hostile values ------------------------------------------------------------------------------


class Raw(str):
    """Text written into the YAML file as is, unquoted: numbers, tags, aliases, broken syntax."""


RAW_TOKENS = [
    "9" * 5000,
    "-" + "9" * 400,
    "1.0e400",
    "-1.5e400",
    "1e400",
    ".nan",
    "nan",
    "inf",
    "-.inf",
    "0x1F",
    "010",
    "0o17",
    "1_000",
    "no",
    "yes",
    "~",
    "-0",
    "+12",
    "2002-02-30",
    "0001-01-01",
    "9999-12-31",
    "2002-13-01",
    "*undefined",
    "&anchor value",
    "!!python/object/apply:os.system ['true']",
    "!!binary aGVsbG8=",
    "!!float 3",
    "'unterminated",
    '"bad \\q escape"',
    "[",
    "{a: 1",
    "@",
    "`",
    "%",
    "|",
    "[" * 80 + "]" * 80,
    "{a: " * 70 + "1" + "}" * 70,
]
SPECIAL_CHARS = (
    "\u200f\u200e\u202e\u202d\u2066\u2069\u0301\u0327\ufeff\u2028\u2029\x85\x00\t\r\n\x1b\x7f"
    "\U0001f600\U0001f469\u200d\U0001f467\u00a0\u3000\ufffd\u0627\u05d0'\"\\:#&*!|>%@`{}[],-?"
)
MARKUP = [
    "<script>alert(1)</script>",
    "<img src=http://127.0.0.1:1/x>",
    "{{ 7*7 }}",
    "{% raw %}",
    "[bold]gras[/]",
    "[/x]",
    ":smile:",
    "%s %d {0} {}",
    "../../etc/passwd",
    "file:///etc/passwd",
]

odd_text = st.text(
    alphabet=st.one_of(st.characters(codec="utf-8"), st.sampled_from(SPECIAL_CHARS)), max_size=30
)
long_text = st.sampled_from(
    ["x" * 10_000, "é" * 100_000, "\u202e" * 1000 + "abc", "a\u0301" * 5000, "\U0001f600" * 3000]
)
numbers = st.one_of(
    st.integers(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(),
    st.sampled_from([0, -1, -0.0, 0.001, 1e308, -1e308, 2**63, -(2**63) - 1]),
)
hostile_scalar = st.one_of(
    st.none(),
    st.booleans(),
    numbers,
    st.dates(),
    odd_text,
    long_text,
    st.sampled_from(RAW_TOKENS).map(Raw),
    st.sampled_from(MARKUP),
)
hostile_value = st.recursive(
    hostile_scalar,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(st.one_of(st.sampled_from(FIELD_NAMES), odd_text), children, max_size=4),
    ),
    max_leaves=12,
)


@st.composite
def mutated(draw: st.DrawFn, value: Any) -> Any:
    """A template with some of its nodes replaced, dropped, duplicated or added.

    Small draws mean "keep", so that Hypothesis shrinks a failure towards the valid template.
    """
    roll = draw(st.integers(0, 19))
    if roll == 19:
        return draw(hostile_value)
    if roll == 18:
        return draw(hostile_scalar)
    if isinstance(value, dict):
        result = {}
        for key, child in value.items():
            if draw(st.integers(0, 19)) == 19:
                continue
            result[key] = draw(mutated(child))
        if draw(st.integers(0, 9)) == 9:
            result[draw(st.one_of(st.sampled_from(FIELD_NAMES), odd_text))] = draw(hostile_value)
        return result
    if isinstance(value, list):
        items = [draw(mutated(child)) for child in value]
        if items and draw(st.integers(0, 9)) == 9:
            items.append(items[0])  # same object twice: a duplicate id, written as a YAML alias
        return items
    return value


ENDINGS = ["", "bom", "crlf", "cr"]


def to_yaml(data: Any, ending: str = "") -> bytes:
    """Dump data as YAML (shared objects become anchors and aliases), then splice raw tokens."""
    tokens: list[str] = []
    seen: dict[int, Any] = {}

    def swap(value: Any) -> Any:
        if isinstance(value, Raw):
            tokens.append(str(value))
            return f"rawtoken{len(tokens) - 1}z"
        if isinstance(value, dict | list) and id(value) in seen:
            return seen[id(value)]
        if isinstance(value, dict):
            seen[id(value)] = result = {}
            result.update({key: swap(child) for key, child in value.items()})
            return result
        if isinstance(value, list):
            seen[id(value)] = items = []
            items.extend(swap(child) for child in value)
            return items
        return value

    text = yaml.safe_dump(swap(data), allow_unicode=True, sort_keys=False, width=120)
    for index, token in enumerate(tokens):
        text = text.replace(f"rawtoken{index}z", token, 1)
    return with_ending(text, ending)


def with_ending(text: str, ending: str) -> bytes:
    if ending == "crlf":
        text = text.replace("\n", "\r\n")
    elif ending == "cr":
        text = text.replace("\n", "\r")
    return ("\ufeff" if ending == "bom" else "").encode() + text.encode("utf-8")


@functools.cache
def _base_files() -> dict[str, bytes]:
    return {path: to_yaml(template) for path, template in TEMPLATES.items()}


def base_files() -> dict[str, bytes]:
    """The valid workspace, dumped once: each caller gets its own dict of (immutable) bytes."""
    return dict(_base_files())


# --- checking in-process, judging the issues, and the command line ------------------------------

AS_OF = dt.date(2003, 6, 30)


def write_files(root: Path, files: dict[str, bytes]) -> None:
    for relative, content in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)


class Checked(NamedTuple):
    failed: bool
    """At least one error: `check` would exit with code 1."""
    issues: list[re.Match[str]]
    """Each issue's rendered line, parsed by ISSUE_LINE."""


def judge(files: dict[str, bytes], issues: list[Issue]) -> Checked:
    """Each issue renders as one located line, its position inside the file it names."""
    located = []
    for issue in issues:
        line = issue.render()
        assert line.splitlines() == [line], f"not one line: {line[:300]!r}"
        found = ISSUE_LINE.match(line)
        assert found, f"not a located issue line: {line[:300]!r}"
        assert (found["severity"] == "erreur") == issue.is_error, line[:300]
        path = found["path"]
        if path in files:
            text = files[path].decode("utf-8", errors="replace")
            assert int(found["line"]) <= len(YAML_LINE_BREAK.findall(text)) + 1, line[:300]
        else:
            assert path.startswith("<référentiels fournis>/"), line[:300]
        located.append(found)
    return Checked(has_errors(issues), located)


def check_in_process(root: Path) -> list[Issue]:
    """What `portfolio check` finds, without the command line: the load issues of every file
    and the rules of SPEC §8, at most ISSUES_PER_FILE per file. The workspace is loaded once, as
    a whole: the application's `check` streams the worker files, loading the shared files again
    for them, which only a federation needs (`assert_cli_prints_the_issues` shows both agree)."""
    ws, issues = load_workspace(root)
    return sort_issues(cap_per_file(issues + check_workspace(ws, AS_OF)))


def check_file(relative: str, content: bytes) -> Checked:
    """The valid workspace with one file replaced, checked in-process and judged."""
    files = {**base_files(), relative: content}
    with tempfile.TemporaryDirectory() as folder:
        write_files(Path(folder), files)
        issues = check_in_process(Path(folder))
    return judge(files, issues)


def assert_cli_prints_the_issues(files: dict[str, bytes], *dirs: str) -> Checked:
    """The application's `check` finds exactly the issues found in-process, and `portfolio
    check` prints them, with no traceback, then a summary that counts them; it exits with 1 when
    one of them is an error, else 0.

    `dirs` are folders created in the workspace besides the files.
    """
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        write_files(root, files)
        for relative in dirs:
            (root / relative).mkdir(parents=True)
        issues = check_in_process(root)
        assert check(root, AS_OF) == issues
        result = CliRunner().invoke(app, ["check", "-w", str(root), "--as-of", AS_OF.isoformat()])
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception
    )
    assert "Traceback" not in result.stdout + result.stderr
    *lines, summary = result.stdout.splitlines()
    assert lines == [issue.render() for issue in issues]
    counted = SUMMARY.match(summary)
    assert counted, summary
    errors = sum(issue.is_error for issue in issues)
    assert (int(counted["errors"] or 0), int(counted["warnings"] or 0)) == (
        errors,
        len(issues) - errors,
    ), summary
    checked = judge({**files, **dict.fromkeys(dirs, b"")}, issues)
    assert result.exit_code == (1 if checked.failed else 0), result.stdout[-2000:]
    return checked


def obviously_invalid(relative: str, data: Any) -> bool:
    """Invalid whatever the checks say: not a table, a required key missing or an unknown key."""
    if not isinstance(data, dict):
        return True
    keys = set(data)
    return not REQUIRED[relative] <= keys or not keys <= ALLOWED[relative]


# Each example loads and checks a small workspace in-process (about 0.04 s, most of it reading
# and checking the bundled référentiels): the counts keep the fuzzing near half a minute of CPU.
FUZZ = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
FUZZ_LESS = settings(FUZZ, max_examples=75)

# --- properties -----------------------------------------------------------------------------------


def test_templates_make_a_valid_workspace() -> None:
    checked = assert_cli_prints_the_issues(base_files())
    assert not checked.failed
    assert not [i for i in checked.issues if i["severity"] == "erreur"]


@pytest.mark.slow
@FUZZ
@given(
    relative=st.sampled_from(sorted(TEMPLATES)),
    data=st.data(),
    ending=st.sampled_from(ENDINGS),
)
def test_mutated_file_is_checked_without_crash(relative: str, data: st.DataObject, ending: str):
    content = data.draw(mutated(TEMPLATES[relative]))
    checked = check_file(relative, to_yaml(content, ending))
    if obviously_invalid(relative, content):
        assert checked.failed


@pytest.mark.slow
@FUZZ_LESS
@given(relative=st.sampled_from(sorted(TEMPLATES)), content=hostile_value)
def test_random_yaml_structure_is_checked_without_crash(relative: str, content: Any) -> None:
    checked = check_file(relative, to_yaml(content))
    if obviously_invalid(relative, content):
        assert checked.failed


@pytest.mark.slow
@FUZZ_LESS
@given(
    relative=st.sampled_from(sorted(TEMPLATES)),
    text=st.text(alphabet=st.one_of(st.characters(codec="utf-8"), st.sampled_from(SPECIAL_CHARS))),
    ending=st.sampled_from(ENDINGS),
)
@example(relative="workers/w-1.yaml", text="", ending="")
@example(relative="catalog/ofa.yaml", text="{", ending="")  # was reported on a line 2
@example(relative="workers/w-1.yaml", text="\ufeff", ending="")
@example(relative="workspace.yaml", text="a: 1\n\tb: 2\n", ending="crlf")
@example(relative="catalog/ofa.yaml", text="--- a\n--- b\n", ending="")
@example(relative="referentiels/loc.yaml", text="[" * 10_000 + "]" * 10_000, ending="")
def test_random_text_is_checked_without_crash(relative: str, text: str, ending: str) -> None:
    checked = check_file(relative, with_ending(text, ending))
    if not all(key in text for key in REQUIRED[relative]):
        assert checked.failed


@pytest.mark.slow
@settings(FUZZ, max_examples=50)
@given(
    relative=st.sampled_from(sorted(TEMPLATES)),
    prefix=st.sampled_from([b"", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"%PDF-1.7\n"]),
    content=st.binary(max_size=2000),
)
@example(relative="workers/w-1.yaml", prefix=b"\x89PNG\r\n\x1a\n", content=b"\x00" * 10)
@example(relative="workers/w-1.yaml", prefix=b"", content=b"id: w-1\nfirst_name: \xe9\n")
def test_binary_file_is_refused_without_crash(relative: str, prefix: bytes, content: bytes):
    checked = check_file(relative, prefix + content)
    if not all(key.encode() in content for key in REQUIRED[relative]):
        assert checked.failed


def nested_lists(levels: int, fanout: int) -> tuple[list[Any], int]:
    """Billion laughs: each level repeats the one below `fanout` times, as YAML aliases.

    Returns the structure and the number of values it expands to.
    """
    inner: list[Any] = ["lol"]
    count = 2
    for _ in range(levels):
        inner = [inner] * fanout
        count = 1 + fanout * count
    return inner, count


@pytest.mark.slow
@settings(max_examples=6, deadline=None)
@given(levels=st.integers(1, 12), fanout=st.integers(2, 10))
@example(levels=9, fanout=9)
def test_alias_bomb_stops_at_the_node_limit(levels: int, fanout: int) -> None:
    bomb, count = nested_lists(levels, fanout)
    checked = check_file("workers/w-1.yaml", to_yaml({**WORKER, "placements": bomb}))
    assert checked.failed
    too_complex = [i for i in checked.issues if "fichier trop complexe" in i.string]
    assert bool(too_complex) == (1 + count > MAX_NODES)


@pytest.mark.slow
@settings(max_examples=30, deadline=None)
@given(depth=st.integers(1, 200), flow=st.booleans())
@example(depth=MAX_DEPTH - 1, flow=False)
@example(depth=MAX_DEPTH, flow=True)
def test_deep_nesting_stops_at_the_depth_limit(depth: int, flow: bool) -> None:
    nested: Any = "x"
    for _ in range(depth):
        nested = [nested]
    text = yaml.safe_dump(
        {**WORKER, "placements": nested}, allow_unicode=True, default_flow_style=flow
    )
    checked = check_file("workers/w-1.yaml", text.encode())
    assert checked.failed
    too_deep = [i for i in checked.issues if "imbrication trop profonde" in i.string]
    # the innermost text sits under the file's table and `depth` lists
    assert bool(too_deep) == (depth + 1 > MAX_DEPTH)


# --- regressions found by fuzzing, and the limits -------------------------------------------------


def worker_text(**fields: str) -> bytes:
    lines = {"id": "w-1", "first_name": "Fatima", "last_name": "B.", "association": "ai-est"}
    return "".join(f"{k}: {v}\n" for k, v in {**lines, **fields}.items()).encode()


def test_integer_too_long_for_python_is_reported_as_invalid() -> None:
    digits = "9" * 5000
    text = worker_text(
        observations=f"[{{date: 2002-12-20, by: x, role: tuteur, "
        f"competency: advf.ccp1.c3, level: {digits}}}]"
    )
    checked = check_file("workers/w-1.yaml", text)
    assert checked.failed
    assert any("« level »" in i.string for i in checked.issues)


@pytest.mark.parametrize("hours", ["1e400", "1.0e400", "nan", "inf", "-inf", ".nan"])
def test_infinite_or_undefined_hours_are_errors(hours: str) -> None:
    placement = (
        "[{id: p1, client: {name: c, kind: particulier}, start: 2002-10-01, "
        f"end: 2002-10-31, hours: {hours}}}]"
    )
    checked = check_file("workers/w-1.yaml", worker_text(placements=placement))
    assert checked.failed
    assert any(f"« {hours} » n'est pas un nombre valide" in i.string for i in checked.issues)


def test_nan_budget_is_an_error() -> None:
    text = to_yaml(WORKSPACE).replace(b"training_budget_hours: 30", b"training_budget_hours: NaN")
    checked = check_file("workspace.yaml", text)
    assert checked.failed
    assert any("training_budget_hours" in i.string for i in checked.issues)


def test_line_break_in_a_quoted_value_stays_on_one_line() -> None:
    checked = check_file("workers/w-1.yaml", worker_text(association='"ai\\nest\\u2028x"'))
    assert checked.failed
    assert any("« ai\\nest\\u2028x »" in i.string for i in checked.issues)


def test_rich_markup_and_emoji_codes_in_a_value_are_printed_as_written() -> None:
    checked = assert_cli_prints_the_issues(
        {**base_files(), "workers/w-1.yaml": worker_text(association='"[/x]:smile:"')}
    )
    assert checked.failed
    assert any("« [/x]:smile: »" in i.string for i in checked.issues)


def test_file_over_the_size_limit_is_refused_unread() -> None:
    content = b"# " + b"x" * MAX_FILE_BYTES + b"\n"
    checked = check_file("workers/w-1.yaml", content)
    assert checked.failed
    assert [i["path"] for i in checked.issues if "fichier trop gros" in i.string] == [
        "workers/w-1.yaml"
    ]


@pytest.mark.slow
def test_long_list_is_refused_before_it_fills_the_memory() -> None:
    """2 MB of `[a,a,…]`: composing it whole took 330 MB; the event pre-scan stops early."""
    content = ("placements: [" + "a," * 1_000_000 + "a]\n").encode()
    tracemalloc.start()
    try:
        checked = check_file("workers/w-1.yaml", content)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert checked.failed
    assert any(
        i.string.startswith("workers/w-1.yaml:1:") and "trop complexe" in i.string
        for i in checked.issues
    )
    assert peak < 50_000_000


def test_deep_nesting_in_a_long_file_is_refused_before_composing() -> None:
    content = ("note: " + "a" * 500_000 + "\nplacements: " + "[" * 100 + "]" * 100 + "\n").encode()
    checked = check_file("workers/w-1.yaml", content)
    assert checked.failed
    assert any(
        i.string.startswith("workers/w-1.yaml:2:") and "imbrication trop profonde" in i.string
        for i in checked.issues
    )


def test_odd_unicode_in_names_is_accepted_and_echoed() -> None:
    name = "\u202eA\u0301\U0001f600\u200f\u0627"
    checked = assert_cli_prints_the_issues(
        {
            **base_files(),
            "workers/w-1.yaml": worker_text(first_name=f'"{name}"', consent="{given: false}"),
        }
    )
    assert not checked.failed
    assert [i["severity"] for i in checked.issues] == ["avertissement"]


# --- the command line, end to end -----------------------------------------------------------------


CLI_CASES: dict[str, tuple[str, bytes]] = {
    "broken-syntax": ("catalog/ofa.yaml", b"{"),
    "binary": ("workers/w-1.yaml", b"\x89PNG\r\n\x1a\n" + b"\x00" * 10),
    "bom-and-crlf": (
        "workspace.yaml",
        b"\xef\xbb\xbf"
        + to_yaml(WORKSPACE, "crlf").replace(b"budget_hours: 30", b"budget_hours: ["),
    ),
    "cr-and-unknown-key": ("catalog/ofa.yaml", to_yaml({**CATALOG, "modulez": []}, "cr")),
    "markup-bidi-and-line-breaks": (
        "workers/w-1.yaml",
        worker_text(
            first_name='"\\u202eA\\u0301\\U0001f600\\u200f"',
            association='"[/x]:smile: <b> {{ x }}\\nx\\u2028y\\x85z\\x1b"',
        ),
    ),
    "more-issues-than-shown": (
        "workers/w-1.yaml",
        worker_text(placements="[" + ", ".join(["{id: x}"] * 60) + "]"),
    ),
    "over-the-size-limit": ("referentiels/loc.yaml", b"# " + b"x" * MAX_FILE_BYTES + b"\n"),
}


@pytest.mark.parametrize("case", sorted(CLI_CASES))
def test_command_line_prints_the_located_issues(case: str) -> None:
    relative, content = CLI_CASES[case]
    checked = assert_cli_prints_the_issues({**base_files(), relative: content})
    assert checked.failed


@pytest.mark.slow
@settings(FUZZ, max_examples=10)
@given(
    relative=st.sampled_from(sorted(TEMPLATES)),
    data=st.data(),
    ending=st.sampled_from(ENDINGS),
)
def test_command_line_prints_what_the_checks_find(
    relative: str, data: st.DataObject, ending: str
) -> None:
    content = data.draw(mutated(TEMPLATES[relative]))
    assert_cli_prints_the_issues({**base_files(), relative: to_yaml(content, ending)})


def test_markup_in_a_command_line_argument_is_printed_as_written() -> None:
    result = CliRunner().invoke(app, ["check", "-w", "/nonexistent/[/x]:smile:"])
    assert result.exit_code == 2
    assert isinstance(result.exception, SystemExit)
    assert "[/x]:smile:" in result.stderr


def test_folder_named_like_a_yaml_file_is_reported_with_a_position() -> None:
    checked = assert_cli_prints_the_issues(base_files(), "workers/w-2.yaml")
    assert checked.failed
    assert any(
        i.string.startswith("workers/w-2.yaml:1:1: erreur: fichier illisible")
        for i in checked.issues
    )
