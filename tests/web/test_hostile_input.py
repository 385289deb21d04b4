"""Issue 17, item 6: hostile input in every text field of every form — markup, template syntax,
control characters, a 10,000-character string, an impossible date — gets a French error next to
its field (400) or is stored as text (303): read back from the YAML as typed, shown escaped on the
worker page, never evaluated as a template; no answer is a server error and no file is left
broken (the worker's file and the journal still pass `portfolio check`).

Each form works on its own copy of the demo (one per form and per test process), valid values
in every other field, so that a refusal can only be the hostile field's."""

from __future__ import annotations

import html
import itertools
import re
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from starlette.testclient import TestClient
from web_support import ACCOUNTS, AS_OF, PASSWORD, csrf_of, login, users_yaml

from portfolio.app.tutor_links import make_link
from portfolio.app.workspace import open_worker
from portfolio.journal import check_journal
from portfolio.record.changes import current_issues
from portfolio.resources import demo_dir
from portfolio.web.server import create_app

WORKER = "fatima-b"
HOSTILE = {
    "markup": "<script>alert(1)</script>",
    "template-expression": "{{ 7*7 }}",
    "template-block": "{% raw %}",
    "control-characters": "\x00\x1b[31m\x07",
    "10000-characters": "x" * 10_000,
    "impossible-date": "31/02/2024",
}
_unique = itertools.count()


@dataclass(frozen=True)
class Form:
    """A form to sweep: where it is, who opens it, its text fields, and valid values for all
    its fields (`page` is the form's HTML, for the choices it offers)."""

    path: str
    role: str | None
    fields: tuple[str, ...]
    valid: Callable[[str], dict[str, Any]]
    stored_in: str | None = WORKER
    """The worker file a successful post writes to (None: the field is not stored)."""


def first_value(page: str, name: str) -> str:
    """The first non-empty choice the page offers for `name` (select option or radio/checkbox)."""
    if name.startswith("level:"):
        found = re.search(r'name="(level:[^"]+)"', page)
        assert found, "aucune compétence dans le formulaire"
        return found.group(1)
    options = re.search(rf'name="{re.escape(name)}"[^>]*>(.*?)</select>', page, re.DOTALL)
    if options:
        found = re.search(r'<option value="([^"]+)"', options.group(1))
    else:
        found = re.search(rf'name="{re.escape(name)}"[^>]*value="([^"]+)"', page)
    assert found, f"aucun choix pour {name}"
    return found.group(1)


def observation(page: str) -> dict[str, Any]:
    return {
        "date": "18/11/2026",
        "by": "Mme Essai",
        "role": "conseiller",
        "placement": "",
        "note": "",
        first_value(page, "level:"): "3",
    }


def placement(page: str) -> dict[str, Any]:
    return {
        "client": f"Client d'essai {next(_unique)}",
        "kind": "particulier",
        "start": "02/11/2026",
        "end": "13/11/2026",
        "hours": "7,5",
        "tutor": "Mme Essai",
        "service": "",
        "tasks": "repassage",
        "task_hours": "",
        "note": "",
    }


def training(page: str) -> dict[str, Any]:
    return {
        "module": first_value(page, "module"),
        "start": "02/11/2026",
        "end": "06/11/2026",
        "hours": "7",
        "result": "acquis",
    }


def new_worker(page: str) -> dict[str, Any]:
    return {
        "id": f"essai-{next(_unique)}",
        "first_name": "Essai",
        "last_name": "T.",
        "association": "ai-lyon-est",
        "counselor": "Mme Ferhat",
        "targets": first_value(page, "targets"),
        "consent": "oui",
        "consent_date": "01/11/2026",
    }


def tutor(page: str) -> dict[str, Any]:
    return {"by": "Mme Essai", "note": "", first_value(page, "level:"): "3"}


def credentials(page: str) -> dict[str, Any]:
    return {"login": ACCOUNTS["federation"]["login"], "password": PASSWORD}


FORMS = {
    "observation": Form(
        f"/salaries/{WORKER}/observations/nouvelle", "federation", ("date", "by", "note"),
        observation,
    ),
    "mission": Form(
        f"/salaries/{WORKER}/missions/nouvelle", "federation",
        ("client", "start", "end", "hours", "tutor", "service", "tasks", "task_hours", "note"),
        placement,
    ),
    "formation": Form(
        f"/salaries/{WORKER}/formations/nouvelle", "federation",
        ("module", "start", "end", "hours"), training,
    ),
    "nouveau-salarie": Form(
        "/salaries/nouveau", "federation",
        ("id", "first_name", "last_name", "counselor", "consent_date"), new_worker, stored_in=None,
    ),
    "tuteur": Form("/tuteur/{token}", None, ("by", "note"), tutor),
    "connexion": Form("/connexion", None, ("login", "password"), credentials, stored_in=None),
    "import": Form("/import", "federation", (), credentials, stored_in=None),
}  # fmt: skip
CASES = [
    pytest.param(form, field, value, id=f"{form}-{field}-{label}")
    for form, spec in FORMS.items()
    for field in spec.fields
    for label, value in HOSTILE.items()
]


@dataclass
class Site:
    root: Path
    client: TestClient
    reader: TestClient
    """A federation client, to read the worker page."""
    new_client: Callable[[str | None], TestClient]
    """A client of a new app (the login form counts failed attempts per app: after five, it
    answers 429 for a while)."""


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[[str], Site]]:
    """One copy of the demo per form, made when the form's first test runs."""
    made: dict[str, Site] = {}

    def site(form: str) -> Site:
        if form not in made:
            root = tmp_path_factory.mktemp(form) / "demo"
            shutil.copytree(demo_dir(), root)
            (root / "users.yaml").write_text(users_yaml(ACCOUNTS), encoding="utf-8")
            (root / "users.yaml").chmod(0o600)

            def client(role: str | None) -> TestClient:
                app = create_app(root, today=lambda: AS_OF, secret="clé de test")
                made_client = TestClient(app)
                if role is not None:
                    login(made_client, ACCOUNTS[role]["login"], PASSWORD)
                return made_client

            made[form] = Site(root, client(FORMS[form].role), client("federation"), client)
        return made[form]

    yield site


def stored_strings(root: Path, worker: str) -> list[str]:
    data = yaml.safe_load((root / "workers" / f"{worker}.yaml").read_text(encoding="utf-8"))

    def walk(node: object) -> Iterator[str]:
        if isinstance(node, dict):
            for value in node.values():
                yield from walk(value)
        elif isinstance(node, list):
            for value in node:
                yield from walk(value)
        elif isinstance(node, str):
            yield node

    return list(walk(data))


def marked_invalid(page: str, field: str) -> bool:
    """The field's control says it is refused (`aria-invalid`) and its error is shown."""
    tags = re.findall(rf'<(?:input|textarea|select)[^>]*name="{re.escape(field)}"[^>]*>', page)
    return any('aria-invalid="true"' in tag for tag in tags) and "field-error" in page


@pytest.mark.parametrize(("form", "field", "value"), CASES)
def test_hostile_value_is_refused_next_to_its_field_or_stored_as_text(
    sites: Callable[[str], Site], form: str, field: str, value: str
) -> None:
    spec, site = FORMS[form], sites(form)
    path = spec.path
    if form == "tuteur":
        link = make_link(site.root, WORKER, "p1", actor="fede", today=AS_OF)
        path = link.path
    client = site.new_client(None) if form == "connexion" else site.client
    page = client.get(path)
    assert page.status_code == 200, page.text[:300]
    data = {**spec.valid(page.text), field: value, "csrf_token": csrf_of(page.text)}
    answer = client.post(path, data=data, follow_redirects=False)

    assert answer.status_code < 500, answer.text[:500]
    assert "<script>alert" not in answer.text
    if form == "connexion":
        assert answer.status_code in {200, 400}, answer.status_code
        assert "Identifiant ou mot de passe incorrect." in answer.text
        return
    assert answer.status_code in {303, 400}, answer.text[:500]
    if answer.status_code == 400:
        assert marked_invalid(answer.text, field), re.findall(
            r'<p class="field-error"[^>]*>(.*?)</p>|role="alert".*?</ul>', answer.text, re.DOTALL
        )
    else:
        worker = data["id"] if form == "nouveau-salarie" else WORKER
        typed = value if field in {"note"} else " ".join(value.split())
        assert typed in stored_strings(site.root, worker), "valeur absente du fichier"
        shown = site.reader.get(f"/salaries/{worker}").text
        assert "<script>alert" not in shown
        if html.escape(typed, quote=False) not in shown:
            # The worker page does not show these (the tutor's grid signs with its own name).
            assert field in {"note", "service", "tutor", "task_hours"} or form == "tuteur", (
                "valeur enregistrée mais absente de la page du salarié"
            )
    ws, _ = open_worker(site.root, WORKER)
    assert [i.render() for i in current_issues(ws, WORKER, AS_OF) if i.is_error] == []
    assert check_journal(site.root) == []


@pytest.mark.parametrize("form", [f for f in FORMS if f not in {"connexion", "import"}])
def test_the_valid_values_are_accepted(sites: Callable[[str], Site], form: str) -> None:
    """The sweep's baseline: with no hostile value, each form records (303)."""
    spec, site = FORMS[form], sites(form)
    path = spec.path
    if form == "tuteur":
        path = make_link(site.root, WORKER, "p1", actor="fede", today=AS_OF).path
    page = site.client.get(path)
    data = {**spec.valid(page.text), "csrf_token": csrf_of(page.text)}
    answer = site.client.post(path, data=data, follow_redirects=False)
    assert answer.status_code == 303, (
        re.findall(r'<p class="field-error"[^>]*>(.*?)</p>', answer.text) or answer.text[:800]
    )


IMPORT_COLUMNS = ("client", "date", "heures", "taches")
"""The text cells of a timesheet row (`/import`), and the form's own text field `max_gap`."""


@pytest.mark.parametrize(
    ("field", "value"),
    [
        pytest.param(field, value, id=f"import-{field}-{label}")
        for field in (*IMPORT_COLUMNS, "max_gap")
        for label, value in HOSTILE.items()
    ],
)
def test_hostile_timesheet_cells_are_refused_or_imported_as_text(
    sites: Callable[[str], Site], field: str, value: str
) -> None:
    site = sites("import")
    row = {
        "salarie": WORKER,
        "client": f"Client importé {next(_unique)}",
        "type_client": "particulier",
        "date": "05/11/2026",
        "heures": "2",
        "taches": "repassage",
    }
    max_gap = value if field == "max_gap" else "7"
    if field != "max_gap":
        row[field] = value
    sheet = ";".join(row) + "\n" + ";".join(row.values()) + "\n"
    token = csrf_of(site.client.get("/import").text)
    preview = site.client.post(
        "/import",
        data={"csrf_token": token, "max_gap": max_gap},
        files={"file": ("heures.csv", sheet.encode("utf-8"), "text/csv")},
        follow_redirects=False,
    )
    assert preview.status_code in {200, 400}, preview.text[:500]
    assert "<script>alert" not in preview.text
    if field == "max_gap":
        assert preview.status_code == 400 and marked_invalid(preview.text, "max_gap")
        return
    confirmation = re.search(r'name="token" value="([^"]+)"', preview.text)
    if confirmation is not None:
        done = site.client.post(
            "/import/confirmer",
            data={"csrf_token": csrf_of(preview.text), "token": confirmation.group(1)},
            follow_redirects=False,
        )
        assert done.status_code in {303, 400, 409}, done.text[:500]
        if done.status_code == 303 and field == "client":
            typed = " ".join(value.split())
            assert typed in stored_strings(site.root, WORKER)
            shown = site.reader.get(f"/salaries/{WORKER}").text
            assert "<script>alert" not in shown
            assert html.escape(typed, quote=False) in shown
    ws, _ = open_worker(site.root, WORKER)
    assert [i.render() for i in current_issues(ws, WORKER, AS_OF) if i.is_error] == []
    assert check_journal(site.root) == []
