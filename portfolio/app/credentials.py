"""Open Badges 3.0 credentials (SPEC §12): issuer keys, issuing a worker's badges, checking one.

A badge is issued for each block the worker can present to a jury, signed with the key of the
worker's association, and recorded in the workspace (`badges/<worker>/<block>.json`, with a
line in the journal) so that the portfolio document lists what was given and a jury can match
paper and file by the SHA-256 the document prints. A badge already issued, still valid and
signed by the same key is kept as it is: issuing it again would change the file and its hash
under a paper already handed over (`renew` reissues on purpose).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from portfolio import journal, transaction
from portfolio.app.engine import worker_warnings
from portfolio.app.workspace import open_worker, open_workspace
from portfolio.assess import assess
from portfolio.credentials.issued import BADGES_DIR, LARGEST_CREDENTIAL, credentials_folder
from portfolio.french import fr_date, natural_key, plural, unknown
from portfolio.fsutil import write_atomic
from portfolio.issues import PortfolioError
from portfolio.model.loaded import Workspace
from portfolio.model.workspace import Association, Worker

DEFAULT_YEARS = 3
"""How long a badge is valid by default: past that, a pre-validation no longer says where the
person stands (and the worker can ask for a new one)."""
MAX_YEARS = 10


@dataclass(frozen=True)
class IssuerKey:
    association: str
    name: str
    did: str
    path: Path

    def created_lines(self) -> list[str]:
        return [
            f"Clé d'émetteur créée pour {self.name} ({self.association}) : {self.path} "
            "(lisible par vous seul).",
            f"Identité d'émetteur des badges : {self.did}",
            "Sauvegardez ce fichier hors de l'espace de travail : sans lui, l'association ne "
            "pourra plus émettre de badges sous cette identité.",
        ]


@dataclass(frozen=True)
class IssuedBadge:
    block: str
    title: str
    code: str | None
    path: Path
    sha256: str
    kept: bool
    """Already issued, still valid, same key: left as it was."""
    replaced: bool = False
    """Issued again over a former badge (`renew`, an expired badge, another key)."""

    @property
    def state(self) -> str:
        if self.kept:
            return "déjà remis, gardé tel quel"
        return "remplacé : nouvelle empreinte" if self.replaced else "nouveau"


@dataclass(frozen=True)
class Issuance:
    worker: Worker
    issuer: IssuerKey
    badges: tuple[IssuedBadge, ...]
    blocks_in_progress: tuple[str, ...]
    """« advf.ccp2 (2/5) »: the blocks with some competencies acquired, not all."""
    blocks_not_started: int
    copies: Path | None
    warnings: tuple[str, ...]
    as_of: dt.date
    no_longer: tuple[str, ...] = ()
    """« advf.ccp1 (2/3) »: blocks with a badge already issued that are not presentable any
    more (a later observation lowered a level)."""

    def lines(self) -> list[str]:
        """What the command says: the badges (new or kept, with the hash the paper shows),
        the blocks still in progress, where the copies went."""
        who = f"{self.worker.display_name} ({self.worker.id})"
        if not self.badges:
            lines = [
                f"Aucun bloc présentable au {fr_date(self.as_of, 'long')} pour {who} : aucun "
                "badge émis."
            ]
        else:
            lines = [
                f"{plural(len(self.badges), 'badge')} pour {who}, émis par "
                f"{self.issuer.name} ({self.issuer.did}) :"
            ]
            for badge in self.badges:
                code = f" {badge.code}" if badge.code else ""
                lines += [
                    f"  {badge.block}{code} « {badge.title} » : {badge.path} ({badge.state})",
                    f"    empreinte SHA-256 : {badge.sha256}",
                ]
        if self.blocks_in_progress:
            lines.append(
                "Blocs en cours (compétences acquises) : "
                + ", ".join(self.blocks_in_progress)
                + "."
            )
        if self.blocks_not_started:
            lines.append(
                f"{plural(self.blocks_not_started, 'autre bloc', 'autres blocs')} sans "
                "compétence encore acquise."
            )
        if self.copies is not None and self.badges:
            lines.append(f"Copie des badges dans {self.copies}.")
        if any(badge.kept for badge in self.badges):
            lines.append("Pour remplacer les badges déjà remis : --renew.")
        if any(badge.replaced for badge in self.badges):
            lines.append(
                "Réimprimez le portfolio (portfolio build) : l'empreinte des badges remplacés a "
                "changé, et les copies déjà remises au salarié portent l'ancienne."
            )
        for block in self.no_longer:
            lines.append(
                f"Attention : le bloc {block} n'est plus présentable au "
                f"{fr_date(self.as_of, 'long')}, mais son badge déjà remis reste dans "
                f"{BADGES_DIR}/{self.worker.id}/ (le portfolio le marque « bloc plus "
                "présentable ») ; supprimez ce fichier pour le retirer."
            )
        return lines


def create_issuer_key(root: Path, association: str) -> IssuerKey:
    """A new key for one of the workspace's associations (refused when it has one)."""
    from portfolio.credentials.keys import did_key, key_path, new_key

    ws, _ = open_workspace(root, workers=False)
    name = _association(ws, association).name
    key = new_key(association)
    return IssuerKey(association, name, did_key(key.public_key()), key_path(association))


def only_association(root: Path) -> str:
    """The association `--new-key` means when the workspace has just one."""
    ws, _ = open_workspace(root, workers=False)
    ids = [a.id for a in ws.settings.associations]
    if len(ids) != 1:
        raise PortfolioError(
            f"L'espace de travail compte {len(ids)} associations ({', '.join(ids)}) : dites "
            "laquelle avec --association, ou donnez un salarié."
        )
    return ids[0]


def issue_credentials(
    root: Path,
    worker_id: str,
    as_of: dt.date,
    *,
    years: int = DEFAULT_YEARS,
    copies: Path | None = None,
    renew: bool = False,
    new_key: bool = False,
    actor: str | None = None,
    now: dt.datetime | None = None,
) -> Issuance:
    """Sign a badge for each presentable block of the worker's assessment, write them in the
    workspace (and a copy in `copies`, a USB key say), with one journal line per new badge."""
    from portfolio.credentials.badge import Issuer, achievement_credential
    from portfolio.credentials.keys import did_key, issuer_key, key_path, verification_method
    from portfolio.credentials.proof import sign
    from portfolio.render.consent import require_consent

    if not 1 <= years <= MAX_YEARS:
        raise PortfolioError(
            f"Durée de validité impossible : {years} ans (--years attend de 1 à {MAX_YEARS})."
        )
    moment = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).replace(microsecond=0)
    if as_of > moment.date():
        raise PortfolioError(
            f"--as-of {fr_date(as_of)} est dans le futur : un badge atteste de ce qui est acquis, "
            "à la date d'aujourd'hui au plus tard.",
            exit_code=2,
        )
    ws, worker = open_worker(root, worker_id)
    require_consent(worker)
    association = _association(ws, worker.association)
    warnings = worker_warnings(ws, [worker_id], as_of)[worker_id]
    assessment, _ = assess(ws, worker, as_of, warnings)
    if new_key:
        create_issuer_key(root, association.id)
    key = issuer_key(association.id)
    did = did_key(key.public_key())
    until = _years_later(moment, years)
    method = verification_method(key.public_key())
    folder = credentials_folder(root, worker_id)
    issuer = Issuer(did, association)
    written: dict[Path, str] = {}
    badges: list[IssuedBadge] = []
    in_progress: list[str] = []
    no_longer: list[str] = []
    untouched = 0
    modules = {ident: module.title for ident, module in ws.modules.items()}
    for ref_status in assessment.referentiels:
        referentiel = ws.referentiels[ref_status.id]
        for status in sorted(ref_status.blocks, key=lambda b: natural_key(b.id)):
            block = next(b for b in referentiel.blocks if referentiel.full_id(b) == status.id)
            path = folder / f"{status.id}.json"
            if not status.presentable:
                if path.exists():
                    no_longer.append(f"{status.id} ({status.acquired}/{status.total})")
                if status.acquired:
                    in_progress.append(f"{status.id} ({status.acquired}/{status.total})")
                else:
                    untouched += 1
                continue
            kept = not renew and _still_valid(path, did, moment)
            if not kept:
                credential = achievement_credential(
                    referentiel=referentiel,
                    block=block,
                    status=status,
                    worker=worker,
                    issuer=issuer,
                    as_of=as_of,
                    issued=moment,
                    valid_until=until,
                    modules=modules,
                )
                signed = sign(credential, key, method, created=moment)
                written[path] = json.dumps(signed, ensure_ascii=False, indent=2) + "\n"
            content = path.read_bytes() if kept else written[path].encode("utf-8")
            badges.append(
                IssuedBadge(
                    block=status.id,
                    title=block.title,
                    code=block.rncp,
                    path=path,
                    sha256=hashlib.sha256(content).hexdigest(),
                    kept=kept,
                    replaced=not kept and path.exists(),
                )
            )
    if written:
        login = journal.actor_login(actor)
        entries = [
            journal.JournalEntry.now(
                login=login, action="credential.issue", worker=worker_id, entry=path.stem
            )
            for path in written
        ]
        with transaction.locked(root):
            folder.mkdir(parents=True, exist_ok=True)
            journal.commit(root, written, entries)
    if copies is not None and badges:
        _copy(badges, copies)
    return Issuance(
        worker=worker,
        issuer=IssuerKey(association.id, association.name, did, key_path(association.id)),
        badges=tuple(badges),
        blocks_in_progress=tuple(in_progress),
        blocks_not_started=untouched,
        copies=copies,
        warnings=tuple(warnings),
        as_of=as_of,
        no_longer=tuple(no_longer),
    )


def _association(ws: Workspace, ident: str) -> Association:
    found = {a.id: a for a in ws.settings.associations}
    if ident not in found:
        raise PortfolioError(unknown("association inconnue", ident, found))
    return found[ident]


def _years_later(moment: dt.datetime, years: int) -> dt.datetime:
    """The same day `years` later (28 February for a 29 February)."""
    try:
        return moment.replace(year=moment.year + years)
    except ValueError:
        return moment.replace(year=moment.year + years, day=28)


def _still_valid(path: Path, did: str, now: dt.datetime) -> bool:
    """Whether the badge already there was signed by this key and has not expired: issuing it
    again would only change a file the worker may already hold."""
    from portfolio.credentials.proof import verify

    try:
        credential = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    issuer = credential.get("issuer") if isinstance(credential, dict) else None
    if not isinstance(issuer, dict) or issuer.get("id") != did:
        return False
    return verify(credential, now=now).valid


def _copy(badges: list[IssuedBadge], folder: Path) -> None:
    """A copy of each badge for the worker to take away; an existing file is replaced."""
    if folder.exists() and not folder.is_dir():
        raise PortfolioError(
            f"-o {folder} est un fichier, pas un dossier : donnez le dossier où copier les "
            "badges. Les badges sont bien enregistrés dans l'espace de travail."
        )
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for badge in badges:
            write_atomic(folder / badge.path.name, badge.path.read_bytes())
    except OSError as exc:
        raise PortfolioError(
            f"Impossible de copier les badges dans {folder} : {exc.strerror or exc}. Les badges "
            "sont bien enregistrés dans l'espace de travail."
        ) from None


# --- verifying ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Verification:
    """`verify FILE`: the file's hash (to compare with the paper), what the badge says, and
    why it is not valid (nothing when it is)."""

    path: Path
    sha256: str
    facts: tuple[tuple[str, str], ...]
    reasons: tuple[str, ...]

    @property
    def valid(self) -> bool:
        return not self.reasons

    def lines(self) -> list[str]:
        verdict = (
            "Badge valide : signature vérifiée, conforme au schéma Open Badges 3.0."
            if self.valid
            else "Badge NON valide :"
        )
        lines = [f"{self.path} — {verdict}"]
        lines += [f"  - {reason}" for reason in self.reasons]
        width = max((len(label) for label, _ in self.facts), default=0)
        lines += [f"{label.ljust(width)} : {value}" for label, value in self.facts]
        lines.append(f"Empreinte SHA-256 du fichier : {self.sha256}")
        return lines


def verify_file(path: Path, *, now: dt.datetime | None = None) -> Verification:
    from portfolio.credentials import schema
    from portfolio.credentials.proof import verify

    try:
        if path.is_file() and path.stat().st_size > LARGEST_CREDENTIAL:
            raise PortfolioError(
                f"{path} pèse {path.stat().st_size // 1_000_000} Mo : bien trop pour un badge "
                "(quelques Ko)."
            )
        content = path.read_bytes()
    except FileNotFoundError:
        raise PortfolioError(f"Fichier introuvable : {path}.") from None
    except IsADirectoryError:
        raise PortfolioError(
            f"{path} est un dossier : donnez le fichier .json d'un badge."
        ) from None
    except OSError as exc:
        raise PortfolioError(f"Impossible de lire {path} : {exc.strerror or exc}.") from None
    try:
        credential = json.loads(content.decode("utf-8"))
    except UnicodeDecodeError:
        raise PortfolioError(f"{path} n'est pas un texte UTF-8 : ce n'est pas un badge.") from None
    except json.JSONDecodeError as exc:
        raise PortfolioError(
            f"{path}, ligne {exc.lineno}, colonne {exc.colno} : ce n'est pas du JSON valide "
            f"({_json_reason(exc.msg)}) ; un badge est un fichier JSON."
        ) from None
    reasons = schema.problems(credential)
    if isinstance(credential, dict):
        reasons += [r for r in verify(credential, now=now).reasons if r not in reasons]
    return Verification(
        path=path,
        sha256=hashlib.sha256(content).hexdigest(),
        facts=_facts(credential) if isinstance(credential, dict) else (),
        reasons=tuple(reasons),
    )


def _json_reason(message: str) -> str:
    words = {
        "Expecting value": "valeur attendue",
        "Expecting property name enclosed in double quotes": "nom de champ attendu",
        "Expecting ',' delimiter": "virgule attendue",
        "Expecting ':' delimiter": "deux-points attendus",
        "Extra data": "texte en trop après la fin",
        "Unterminated string starting at": "texte sans guillemet de fin",
    }
    return words.get(message, message)


def _facts(credential: dict[str, Any]) -> tuple[tuple[str, str], ...]:
    """Who issued what to whom, and when, read from the file as it is (valid or not)."""
    issuer = _at(credential, "issuer", "name")
    did = _at(credential, "issuer", "id")
    achievement = _at(credential, "credentialSubject", "achievement", "name")
    code = _at(credential, "credentialSubject", "achievement", "humanCode")
    subject = credential.get("credentialSubject")
    identities = subject.get("identifier") if isinstance(subject, dict) else None
    names = [
        i.get("identityHash")
        for i in identities or ()
        if isinstance(i, dict) and i.get("identityType") == "name" and not i.get("hashed")
    ]
    facts = [
        ("Émis par", " ".join(x for x in (issuer, f"({did})" if did else None) if x)),
        ("Pour", ", ".join(n for n in names if isinstance(n, str))),
        ("Bloc", " ".join(x for x in (code, f"« {achievement} »" if achievement else None) if x)),
        ("Certification", _certification(credential)),
        ("Preuves", _at(credential, "evidence", 0, "narrative")),
        ("Remis le", _day(credential.get("validFrom"))),
        ("Valable jusqu'au", _day(credential.get("validUntil"))),
    ]
    return tuple((label, value) for label, value in facts if value)


def _certification(credential: dict[str, Any]) -> str | None:
    aligned = _at(credential, "credentialSubject", "achievement", "alignment")
    for item in aligned if isinstance(aligned, list) else ():
        if isinstance(item, dict) and item.get("targetType") == "ceterms:Credential":
            name, code = item.get("targetName"), item.get("targetCode")
            return f"{name} ({code})" if code else name
    return None


def _at(value: Any, *keys: str | int) -> Any:
    for key in keys:
        if isinstance(key, int):
            value = value[key] if isinstance(value, list) and len(value) > key else None
        else:
            value = value.get(key) if isinstance(value, dict) else None
    return value if isinstance(value, str) else value if not isinstance(value, dict) else None


def _day(text: Any) -> str | None:
    if not isinstance(text, str):
        return None
    try:
        return fr_date(dt.datetime.fromisoformat(text).date(), "long")
    except ValueError:
        return text
