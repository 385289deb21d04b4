"""Seeded generator of realistic workspaces of any size, built on the bundled référentiels.

    python benchmarks/generate.py OUT --workers N --seed S [--modules M]

Writes OUT/workspace.yaml (several associations), OUT/catalog/*.yaml (three training bodies, the
first with M modules) and OUT/workers/*.yaml: workers with 2–6 placements at various kinds of
clients, whose task entries mix task ids, full ids, labels, synonyms, typo'd and free text,
plus observations and trainings. The same seed gives the same files. YAML is written from string
templates, not a YAML library, so that 180,000 workers take a few minutes.

Importable: `generate(out, workers, seed, modules)` (used by the build benchmark too).
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
from dataclasses import dataclass
from pathlib import Path

from portfolio.load import load_referentiel
from portfolio.model.referentiel import Referentiel
from portfolio.resources import referentiels_dir

PERIOD_START = dt.date(2002, 9, 1)
PERIOD_END = dt.date(2003, 8, 31)
DEFAULT_MODULES = 40

FIRST_NAMES = (
    "Fatima Aïcha Nadia Sylvie Josiane Lucie Samia Brigitte Khadija Monique Sandrine Hélène "
    "Awa Mariam Céline Chantal Yasmina Nathalie Mehdi Moussa Kévin Bernard Jérémy Dominique "
    "Karim Patrick Mamadou Rachid Thierry Sébastien Franck Ibrahim Éric Yannick Joël Ousmane"
).split()
LAST_INITIALS = "ABCDEFGHIJKLMNOPRSTVZ"
TITLES = ("Mme", "M.")
SURNAMES = (
    "Durand Martin Bernard Petit Robert Richard Moreau Laurent Simon Michel Lefèvre Leroy Roux "
    "David Bertrand Morel Fournier Girard Bonnet Dupont Lambert Fontaine Rousseau Vincent "
    "Muller Faure André Mercier Blanc Guérin Boyer Garnier Chevalier François Legrand Gauthier"
).split()
ASSOCIATIONS = (
    ("ai-lyon-est", "Entr'Aide Lyon Est"),
    ("ai-beaujolais", "Coup de Main Beaujolais"),
    ("ai-monts-lyonnais", "Le Relais des Monts"),
    ("ai-sud-lyonnais", "Passerelles Sud Lyonnais"),
    ("ai-villeurbanne", "Villeurbanne Services Plus"),
    ("ai-vallee-gier", "Solidarité Vallée du Gier"),
)
BODIES = (
    ("ofa", "Organisme de formation A"),
    ("greta-lyon", "GRETA Lyon Métropole"),
    ("ateliers", "Les Ateliers des Métiers"),
)
# Client kinds and names per track: emplois familiaux work for private persons, the others
# mostly for local authorities, associations and companies.
CLIENT_KINDS = {
    "emplois-familiaux": (("particulier", 8), ("association", 1), ("collectivite", 1)),
    "agents-administratifs": (("collectivite", 4), ("association", 4), ("entreprise", 2)),
    "entretien-nettoyage": (("entreprise", 4), ("collectivite", 4), ("particulier", 2)),
    "restauration-collective": (("collectivite", 6), ("association", 2), ("entreprise", 2)),
    "espaces-verts": (("collectivite", 5), ("particulier", 3), ("entreprise", 2)),
    "batiment": (("collectivite", 4), ("association", 2), ("entreprise", 2), ("particulier", 2)),
}
ORGANISATIONS = {
    "collectivite": (
        "Mairie de {town}",
        "Collège {name}",
        "École {name}",
        "EHPAD {name}",
        "Cuisine centrale de {town}",
        "Services techniques de {town}",
    ),
    "association": ("Association {name}", "Centre social de {town}", "Foyer {name}"),
    "entreprise": ("{name} Services", "Net {name}", "Paysages {name}", "SARL {name} Bâtiment"),
}
TOWNS = (
    "Bron Vénissieux Givors Villefranche Tarare Oullins Vaulx-en-Velin Rillieux Meyzieu "
    "Saint-Priest Décines Brignais Mornant Feurs"
).split()
FREE_TEXT = (
    "aide ponctuelle",
    "renfort",
    "remplacement congés",
    "divers",
    "petits travaux",
    "dépannage",
    "mission d'appoint",
)
DECORATIONS = ("{t}", "{t}", "{t} chez le client", "{t} le matin", "{t} (2 fois par semaine)")
ROLES = (("tuteur", 7), ("conseiller", 2), ("formateur", 1))
LEVELS = ((1, 1), (2, 3), (3, 4), (4, 1))
RESULTS = (("acquis", 6), ("non-acquis", 1), ("en-cours", 2))
TRACK_WEIGHT = {
    "emplois-familiaux": 4,
    "entretien-nettoyage": 3,
    "restauration-collective": 2,
    "espaces-verts": 2,
    "batiment": 1,
    "agents-administratifs": 1,
}


def _weighted(rng: random.Random, pairs: tuple[tuple[object, int], ...]) -> object:
    return rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0]


def _quote(text: str) -> str:
    """A YAML double-quoted scalar."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _typo(rng: random.Random, text: str) -> str:
    """One keyboard slip: a letter dropped, doubled or swapped with the next one."""
    positions = [i for i, ch in enumerate(text) if ch.isalpha()]
    if len(positions) < 4:
        return text
    i = rng.choice(positions[1:-1])
    kind = rng.randrange(3)
    if kind == 0:
        return text[:i] + text[i + 1 :]
    if kind == 1:
        return text[:i] + text[i] + text[i:]
    return text[:i] + text[i + 1] + text[i] + text[i + 2 :]


@dataclass(frozen=True)
class TaskWords:
    ref: str
    id: str
    label: str
    synonyms: tuple[str, ...]


@dataclass(frozen=True)
class Frame:
    """What the generator draws from: the bundled référentiels and the generated modules."""

    targets: tuple[Referentiel, ...]
    transversal: tuple[Referentiel, ...]
    tasks: dict[str, tuple[TaskWords, ...]]
    competencies: dict[str, tuple[str, ...]]
    modules_for: dict[str, tuple[tuple[str, int], ...]]


def _bundled() -> list[Referentiel]:
    found = []
    for file in sorted(referentiels_dir().glob("*.yaml")):
        ref, issues = load_referentiel(file)
        if ref is None:
            raise SystemExit(f"référentiel fourni invalide : {file} ({issues[0].render()})")
        found.append(ref)
    return found


def _catalogs(
    rng: random.Random, refs: list[Referentiel], modules: int
) -> tuple[dict[str, str], dict[str, list[tuple[str, int]]]]:
    """Three catalogue files (the first with `modules` modules) and, per référentiel, the
    (module id, hours) that target it."""
    sizes = (modules, max(4, modules // 3), max(4, modules // 4))
    texts: dict[str, str] = {}
    by_ref: dict[str, list[tuple[str, int]]] = {r.id: [] for r in refs}
    for (body, name), size in zip(BODIES, sizes, strict=True):
        lines = [f"body: {{id: {body}, name: {_quote(name)}}}", "modules:"]
        for n in range(1, size + 1):
            ref = rng.choice(refs)
            block = rng.choice(ref.blocks)
            size = min(len(block.competencies), rng.randint(1, 3))
            chosen = rng.sample(block.competencies, k=size)
            axis = {"savoir-etre": "savoir-etre", "numerique": "general"}.get(ref.id, "technique")
            hours = rng.choice((3, 4, 6, 7, 8, 10, 12, 14, 21, 35))
            module_id = f"{body}.m{n:03d}"
            comps = ", ".join(ref.full_id(block, c) for c in chosen)
            title = _quote(f"{block.title} ({n})")
            low = rng.choice((4, 6))
            lines.append(
                f"  - {{id: {module_id}, title: {title}, axis: {axis}, hours: {hours}, "
                f"competencies: [{comps}], group: {{min: {low}, max: {low * 2}}}}}"
            )
            by_ref[ref.id].append((module_id, hours))
        texts[body] = "\n".join(lines) + "\n"
    return texts, by_ref


def _frame(refs: list[Referentiel], modules_for: dict[str, list[tuple[str, int]]]) -> Frame:
    tasks = {
        r.id: tuple(TaskWords(r.id, t.id, t.label, tuple(t.synonyms)) for t in r.tasks)
        for r in refs
    }
    competencies = {r.id: tuple(sorted(r.competency_ids())) for r in refs}
    return Frame(
        targets=tuple(r for r in refs if r.track != "transversal" and r.tasks),
        transversal=tuple(r for r in refs if r.track == "transversal"),
        tasks=tasks,
        competencies=competencies,
        modules_for={k: tuple(v) for k, v in modules_for.items()},
    )


def _entry_text(rng: random.Random, task: TaskWords) -> str:
    """How a counselor writes a task: its id, full id, label, a synonym, with a typo, or
    decorated with free words."""
    roll = rng.random()
    if roll < 0.25:
        return task.id
    if roll < 0.30:
        return f"{task.ref}.{task.id}"
    words = rng.choice((task.label, *task.synonyms)) if task.synonyms else task.label
    if roll < 0.93:
        return rng.choice(DECORATIONS).format(t=words)
    return _typo(rng, words)


def _placements(
    rng: random.Random, frame: Frame, targets: list[Referentiel], pass_start: dt.date
) -> tuple[list[str], list[tuple[str, str, dt.date, dt.date]]]:
    """YAML lines of 2–6 placements, and (id, tutor, start, end) of each for observations."""
    lines: list[str] = []
    made: list[tuple[str, str, dt.date, dt.date]] = []
    used_clients: set[str] = set()
    cursor = pass_start + dt.timedelta(days=rng.randint(0, 60))
    for n in range(1, rng.randint(2, 6) + 1):
        ref = rng.choice(targets)
        kind = str(_weighted(rng, CLIENT_KINDS[ref.track]))
        while True:
            if kind == "particulier":
                client = f"{rng.choice(TITLES)} {rng.choice(LAST_INITIALS)}."
            else:
                client = rng.choice(ORGANISATIONS[kind]).format(
                    town=rng.choice(TOWNS), name=rng.choice(SURNAMES)
                )
            if client not in used_clients:
                break
        used_clients.add(client)
        start = cursor
        days = rng.randint(10, 120)
        end = min(start + dt.timedelta(days=days), PERIOD_END)
        # Part-time work, 2 to 20 h a week.
        hours = max(4, round((end - start).days / 7 * rng.uniform(2, 20)))
        tutor = client if kind == "particulier" else f"{rng.choice(TITLES)} {rng.choice(SURNAMES)}"
        pid = f"p{n}"
        lines += [
            f"  - id: {pid}",
            f"    client: {{name: {_quote(client)}, kind: {kind}}}",
            f"    start: {start.isoformat()}",
            f"    end: {end.isoformat()}",
            f"    hours: {hours}",
            f"    tutor: {_quote(tutor)}",
            "    tasks:",
        ]
        count = rng.randint(1, 4)
        budget = hours * 0.6 / count
        for task in rng.sample(frame.tasks[ref.id], k=min(count, len(frame.tasks[ref.id]))):
            text = rng.choice(FREE_TEXT) if rng.random() < 0.04 else _entry_text(rng, task)
            if rng.random() < 0.2 and budget >= 1:
                lines.append(f"      - {{task: {_quote(text)}, hours: {int(budget)}}}")
            else:
                lines.append(f"      - {_quote(text)}")
        made.append((pid, tutor, start, end))
        # The next placement starts before or after this one ends (workers often have two at
        # once), and at the latest ten days before the end of the programme.
        cursor = min(
            start + dt.timedelta(days=rng.randint(days // 2, days + 30)),
            PERIOD_END - dt.timedelta(days=10),
        )
    return lines, made


def _observations(
    rng: random.Random,
    frame: Frame,
    targets: list[Referentiel],
    placements: list[tuple[str, str, dt.date, dt.date]],
    counselor: str,
) -> list[str]:
    lines = []
    pool = [c for r in targets for c in frame.competencies[r.id]]
    pool += list(frame.competencies["savoir-etre"])
    for _ in range(rng.randint(0, 6)):
        pid, tutor, start, end = rng.choice(placements)
        role = str(_weighted(rng, ROLES))
        by = {"tuteur": tutor, "conseiller": counselor, "formateur": "M. Formateur"}[role]
        day = start + dt.timedelta(days=rng.randint(0, (end - start).days))
        ref = f", placement: {pid}" if role == "tuteur" else ""
        lines.append(
            f"  - {{date: {day.isoformat()}, by: {_quote(by)}, role: {role}, "
            f"competency: {rng.choice(pool)}, level: {_weighted(rng, LEVELS)}{ref}}}"
        )
    return lines


def _trainings(rng: random.Random, frame: Frame, targets: list[Referentiel]) -> list[str]:
    lines = []
    pool = [m for r in (*targets, *frame.transversal) for m in frame.modules_for[r.id]]
    for module, hours in rng.sample(pool, k=min(len(pool), rng.choice((0, 1, 2, 2, 3, 3, 4)))):
        start = PERIOD_START + dt.timedelta(days=rng.randint(20, 330))
        end = f", end: {(start + dt.timedelta(days=rng.randint(0, 14))).isoformat()}"
        if hours <= 7 and rng.random() < 0.5:
            end = ""
        lines.append(
            f"  - {{module: {module}, start: {start.isoformat()}{end}, hours: {hours}, "
            f"result: {_weighted(rng, RESULTS)}}}"
        )
    return lines


def _worker(
    rng: random.Random, frame: Frame, ident: str, associations: list[tuple[str, list[str]]]
) -> str:
    association, counselors = rng.choice(associations)
    counselor = rng.choice(counselors)
    track_refs = rng.choices(
        frame.targets, weights=[TRACK_WEIGHT.get(r.track, 1) for r in frame.targets], k=2
    )
    chosen = track_refs if rng.random() < 0.15 else track_refs[:1]
    targets = [r for i, r in enumerate(chosen) if all(r is not o for o in chosen[:i])]
    pass_start = PERIOD_START + dt.timedelta(days=rng.randint(0, 90))
    placements, made = _placements(rng, frame, targets, pass_start)
    consent = (
        f"{{given: true, date: {pass_start.isoformat()}}}"
        if rng.random() < 0.97
        else "{given: false}"
    )
    pass_end = pass_start + dt.timedelta(days=729)
    parts = [
        f"id: {ident}",
        f"first_name: {rng.choice(FIRST_NAMES)}",
        f"last_name: {rng.choice(LAST_INITIALS)}.",
        f"association: {association}",
        f"counselor: {_quote(counselor)}",
        f"targets: [{', '.join(r.id for r in targets)}]",
        f"consent: {consent}",
        f"pass_iae: {{start: {pass_start.isoformat()}, end: {pass_end.isoformat()}}}",
        "placements:",
        *placements,
    ]
    observations = _observations(rng, frame, targets, made, counselor)
    parts += ["observations:", *observations] if observations else []
    trainings = _trainings(rng, frame, targets)
    parts += ["trainings:", *trainings] if trainings else []
    return "\n".join(parts) + "\n"


def _workspace_yaml(workers: int, associations: list[tuple[str, list[str]]]) -> str:
    lines = [
        "name: Programme de pré-validation 2002-2003 (données générées)",
        "federation: Fédération des associations intermédiaires du Rhône",
        "associations:",
    ]
    names = dict(ASSOCIATIONS)
    for ident, counselors in associations:
        quoted = ", ".join(_quote(c) for c in counselors)
        lines.append(f"  - {{id: {ident}, name: {_quote(names[ident])}, counselors: [{quoted}]}}")
    lines += [
        "settings:",
        "  training_budget_hours: 30",
        "  training_ratio: [0.10, 0.20]",
        f"  programme_target_hours: {workers * 30}",
        f"  period: {{start: {PERIOD_START.isoformat()}, end: {PERIOD_END.isoformat()}}}",
    ]
    return "\n".join(lines) + "\n"


def generate(out: Path, workers: int, seed: int, modules: int = DEFAULT_MODULES) -> None:
    """Write a workspace of `workers` workers into `out` (created if missing; files of the same
    names are overwritten). Deterministic for a given seed."""
    rng = random.Random(seed)
    refs = _bundled()
    associations = [
        (ident, [f"{rng.choice(TITLES)} {rng.choice(SURNAMES)}" for _ in range(rng.randint(1, 3))])
        for ident, _ in ASSOCIATIONS
    ]
    catalogs, modules_for = _catalogs(rng, refs, modules)
    frame = _frame(refs, modules_for)
    (out / "catalog").mkdir(parents=True, exist_ok=True)
    (out / "workers").mkdir(parents=True, exist_ok=True)
    (out / "workspace.yaml").write_text(_workspace_yaml(workers, associations), encoding="utf-8")
    for body, text in catalogs.items():
        (out / "catalog" / f"{body}.yaml").write_text(text, encoding="utf-8")
    width = max(4, len(str(workers)))
    folder = out / "workers"
    for n in range(1, workers + 1):
        ident = f"w-{n:0{width}d}"
        with open(folder / f"{ident}.yaml", "w", encoding="utf-8") as file:
            file.write(_worker(rng, frame, ident, associations))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Générer un espace de travail réaliste.")
    parser.add_argument("out", type=Path, help="dossier à créer ou compléter")
    parser.add_argument("--workers", type=int, default=240, help="nombre de salariés")
    parser.add_argument("--seed", type=int, default=1, help="graine du générateur")
    parser.add_argument(
        "--modules",
        type=int,
        default=DEFAULT_MODULES,
        help="modules du premier catalogue (200 pour un gros catalogue)",
    )
    args = parser.parse_args(argv)
    generate(args.out, args.workers, args.seed, args.modules)
    print(f"{args.workers} salariés écrits dans {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
