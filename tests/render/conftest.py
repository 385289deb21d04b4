"""A small workspace shared by the rendering tests, with facts simple enough to check by hand.

Target `aide-test` (a local référentiel). At 2026-06-30, block b1 gets placement hours from p1
(sols 30 h + repassage 30 h = 60 h), p3 (linge 20 h), p2 (repassage 10 h) and p4 (vitres 8 h):
its examples are p1, p3, p2 in that order and p4 is left out (three at most). b1.c1 has 38 h and
a level-3 observation, b1.c2 60 h and a level 4: both `acquise`, so b1 is presentable. b2.c3 has
30 h of toilette without observation (`en-cours`); b2.c4 and b3.c5 have nothing.
"""

from __future__ import annotations

import datetime as dt
import http.server
import textwrap
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from portfolio.load import load_workspace
from portfolio.model.loaded import Workspace

AS_OF = dt.date(2026, 6, 30)

WORKSPACE = """\
name: Programme test
federation: Fédération test
associations:
  - id: ai-est
    name: AI Lyon Est
    counselors: [Mme Martin]
    address: 14 rue des Mûriers, 69120 Vaulx-en-Velin
    phone: 04 65 71 20 14
settings:
  training_budget_hours: 30
  training_ratio: [0.10, 0.20]
"""

REFERENTIEL = """\
id: aide-test
title: Assistant de vie test
track: emplois-familiaux
certification: {kind: titre-professionnel, code: TP-99999, rncp: RNCP99999, level: 3}
defaults: {min_hours: 20, observation: true}
blocks:
  - id: b1
    title: Entretenir le logement
    competencies:
      - {id: c1, title: Entretenir les sols et les surfaces, plain: Je sais nettoyer les sols}
      - {id: c2, title: Entretenir le linge, plain: Je sais repasser le linge}
  - id: b2
    title: Accompagner la personne
    competencies:
      - {id: c3, title: Aider à la toilette, plain: Je sais aider une personne à se laver}
      - {id: c4, title: Préparer les repas, plain: Je sais préparer un repas simple}
  - id: b3
    title: Garder les enfants
    competencies:
      - {id: c5, title: Garder un enfant, plain: Je sais garder un enfant}
tasks:
  - {id: sols, label: Laver les sols, evidences: [b1.c1]}
  - {id: vitres, label: Nettoyer les vitres, evidences: [b1.c1]}
  - {id: repassage, label: Repasser le linge, evidences: [b1.c2]}
  - {id: linge, label: Laver et ranger le linge, evidences: [b1.c2]}
  - {id: toilette, label: Aider à la toilette, evidences: [b2.c3]}
  - {id: repas, label: Préparer les repas, evidences: [b2.c4]}
  - {id: enfants, label: Garder les enfants, evidences: [b3.c5]}
"""

CATALOG = """\
body: {id: ofa, name: Organisme de formation A}
modules:
  - {id: ofa.linge, title: Entretien du linge, axis: technique, hours: 12,
     competencies: [aide-test.b1.c2]}
  - {id: ofa.repas, title: Cuisine familiale, axis: technique, hours: 14,
     competencies: [aide-test.b2.c4]}
  - {id: ofa.enfants, title: Garde d'enfants, axis: technique, hours: 10,
     competencies: [aide-test.b3.c5]}
"""

WORKER = """\
id: fatima-b
first_name: Fatima
last_name: B.
association: ai-est
counselor: Mme Martin
targets: [aide-test]
consent: {given: true, date: 2025-09-20}
placements:
  - id: p1
    client: {name: Mme Delorme, kind: particulier}
    start: 2025-10-01
    end: 2025-12-19
    hours: 60
    tutor: Mme Delorme
    means: [fer à repasser vapeur, aspirateur]
    note: Cliente exigeante sur le repassage
    tasks: [{task: sols, hours: 30}, {task: repassage, hours: 30}]
  - id: p2
    client: {name: Résidence Les Tilleuls, kind: association}
    service: Service d'aide à domicile
    start: 2026-01-05
    end: 2026-02-27
    hours: 40
    tutor: M. Garnier
    tasks: [{task: repassage, hours: 10}, {task: toilette, hours: 30}]
  - id: p3
    client: {name: M. Petit, kind: particulier}
    start: 2026-03-02
    end: 2026-03-27
    hours: 20
    tasks: [{task: linge, hours: 20}]
  - id: p4
    client: {name: Mme Etienne, kind: particulier}
    start: 2026-04-01
    end: 2026-04-10
    hours: 8
    tasks: [{task: vitres, hours: 8}]
observations:
  - {date: 2025-12-19, by: Mme Delorme, role: tuteur, competency: aide-test.b1.c1, level: 3,
     placement: p1}
  - {date: 2025-12-19, by: Mme Delorme, role: tuteur, competency: aide-test.b1.c2, level: 4,
     placement: p1, note: "Repasse seule, soigneusement"}
trainings:
  - {module: ofa.linge, start: 2025-11-10, end: 2025-11-14, hours: 12, result: acquis}
"""

FILES = {
    "workspace.yaml": WORKSPACE,
    "referentiels/aide-test.yaml": REFERENTIEL,
    "catalog/ofa.yaml": CATALOG,
    "workers/fatima-b.yaml": WORKER,
}


def write_workspace(root: Path, files: dict[str, str]) -> Path:
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return root


@pytest.fixture(scope="session")
def as_of() -> dt.date:
    """The assessment date the module docstring's figures are computed at."""
    return AS_OF


@pytest.fixture(scope="session")
def render_workspace_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_workspace(tmp_path_factory.mktemp("render") / "ws", FILES)


@pytest.fixture(scope="session")
def render_workspace(render_workspace_dir: Path) -> Workspace:
    ws, issues = load_workspace(render_workspace_dir)
    assert not [i for i in issues if i.is_error], issues
    return ws


@pytest.fixture(scope="module")
def http_listener() -> Iterator[tuple[str, list[str]]]:
    """A local HTTP server on 127.0.0.1 recording every request path it receives: a document
    that fetches anything from the network shows up here."""
    requests: list[str] = []

    class Recorder(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            requests.append(self.path)
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"x")

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"127.0.0.1:{server.server_address[1]}", requests
    finally:
        server.shutdown()
        server.server_close()
