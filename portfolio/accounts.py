"""The web interface's accounts on disk: `users.yaml` read, checked and written, and the password
hashes (SPEC §11).

Load level: reading never raises for a user's mistake; every problem is an `Issue` at its line,
for `portfolio check`. The application layer (`portfolio.app.accounts`) takes the workspace's
write lock, reads the file again, changes it and writes it whole with `save_accounts`.
"""

from __future__ import annotations

import base64
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml
from argon2 import PasswordHasher, Type, extract_parameters
from argon2.exceptions import InvalidHashError, VerificationError
from argon2.low_level import ARGON2_VERSION
from pydantic import ValidationError

from portfolio.french import unknown
from portfolio.fsutil import write_atomic
from portfolio.issues import Issue, Location, error, has_errors, warning
from portfolio.load import load_file
from portfolio.model.accounts import ROLE_SCOPE, Account, AccountRole, Accounts, Scope
from portfolio.model.loaded import Workspace
from portfolio.resources import USERS_FILE
from portfolio.yamlsource import SourceMap, read_yaml

FILE_MODE = 0o600
"""`users.yaml` is readable by its owner only: a hash leaked is a password to attack offline."""

HASHER = PasswordHasher()
"""argon2id with argon2-cffi's defaults (RFC 9106's low-memory recommendation): they follow the
library's updates, and `needs_rehash` brings older hashes up to them at the next login."""

ROLE_WORDS: dict[AccountRole, str] = {
    "federation": "fédération",
    "counselor": "conseiller",
    "trainer": "formateur",
}
"""Each role as a user reads it (`users list`, the pages)."""
ACCOUNT_OF: dict[AccountRole, str] = {
    "federation": "de la fédération",
    "counselor": "de conseiller",
    "trainer": "de formateur",
}
"""« un compte de conseiller »."""
SCOPE_WORDS: dict[Scope, str] = {
    "association": "une association",
    "body": "un organisme de formation",
}
SCOPES: tuple[Scope, ...] = ("association", "body")
"""Every tie an account may have, whatever its role."""
SCOPE_IDS: dict[Scope, str] = {
    "association": "l'identifiant d'une association de workspace.yaml",
    "body": "l'identifiant d'un organisme de formation de catalog/",
}

_HEADER = """\
# Comptes de l'interface web (portfolio serve). Ce fichier est tenu par « portfolio users » :
# il ne contient que des empreintes argon2id des mots de passe, jamais un mot de passe, et il
# est réécrit à chaque changement (un commentaire ajouté à la main n'y reste pas). Gardez-le
# lisible par vous seul : chmod 600 users.yaml.
"""


@dataclass(frozen=True)
class UsersFile:
    """`users.yaml` as read: every entry of its list, as an `Account` or None where the entry is
    invalid, and where each value was written."""

    path: Path
    entries: tuple[Account | None, ...]
    source: SourceMap
    valid: bool
    """Read and validated without error: `entries` holds every account of the file, and the
    file may be rewritten from them without losing anything."""

    @property
    def accounts(self) -> list[Account]:
        return [account for account in self.entries if account is not None]

    def locate(self, index: int, field: str) -> Location:
        return self.source.locate("users", index, field)


# --- reading and checking -----------------------------------------------------------------------


def read_users(root: Path) -> tuple[UsersFile, list[Issue]]:
    """Read `users.yaml` of the workspace `root`; a missing file is a workspace without accounts.

    The file is read as every workspace file is (`portfolio.load.load_file`: confined to the
    workspace, positions kept, French messages). When it has schema errors, its entries that
    are valid by themselves are still returned, so that `check` judges them too (SPEC §8).
    """
    path = root / USERS_FILE
    if not path.exists() and not path.is_symlink():
        return UsersFile(path, (), SourceMap(USERS_FILE), valid=True), []
    accounts, source, issues = load_file(Accounts, path, USERS_FILE, root)
    if accounts is not None:
        valid = not has_errors(issues)
        return UsersFile(path, tuple(accounts.users), source, valid), issues
    return UsersFile(path, _valid_entries(path, source), source, valid=False), issues


def _valid_entries(path: Path, source: SourceMap) -> tuple[Account | None, ...]:
    """Each entry of a file that failed validation, validated alone. An empty source map means
    the file was not parsed (refused, unreadable, not YAML): there is nothing to salvage, and it
    is not read again."""
    if not source.values:
        return ()
    data = read_yaml(path, USERS_FILE)[0]
    items = data.get("users") if isinstance(data, dict) else None
    if not isinstance(items, list):
        return ()
    entries: list[Account | None] = []
    for item in items:
        try:
            entries.append(Account.model_validate(item))
        except ValidationError:  # already reported, at its line, by load_file
            entries.append(None)
    return tuple(entries)


def check_accounts(ws: Workspace, users: UsersFile) -> list[Issue]:
    """SPEC §11: what `portfolio check` says of `users.yaml` beyond its schema (`read_users`)."""
    return [
        *duplicate_logins(users),
        *scope_issues(users),
        *_hash_issues(users),
        *_reference_issues(ws, users),
        *_mode_issues(users),
    ]


def duplicate_logins(users: UsersFile) -> list[Issue]:
    """A login names one account: with two, which password and which role would hold?"""
    first: dict[str, int] = {}
    issues = []
    for index, account in enumerate(users.entries):
        if account is None:
            continue
        if account.login not in first:
            first[account.login] = index
            continue
        line = users.locate(first[account.login], "login").line
        issues.append(
            error(
                users.locate(index, "login"),
                "duplicate-login",
                f"l'identifiant de connexion « {account.login} » est déjà celui du compte de la "
                f"ligne {line} : un identifiant ne sert qu'à un compte ; supprimez ce compte-ci "
                "ou changez son identifiant",
            )
        )
    return issues


def scope_issues(users: UsersFile) -> list[Issue]:
    """Each account has exactly the tie its role names (`ROLE_SCOPE`): the web interface shows
    a counselor its association's workers, a trainer its body's figures."""
    issues = []
    for index, account in enumerate(users.entries):
        if account is None:
            continue
        needed = ROLE_SCOPE[account.role]
        who = ACCOUNT_OF[account.role]
        for tie in SCOPES:
            value = getattr(account, tie)
            if tie == needed and value is None:
                issues.append(
                    error(
                        users.locate(index, "role"),
                        "account-scope",
                        f"un compte {who} est rattaché à {SCOPE_WORDS[tie]} : ajoutez "
                        f"« {tie}: … » avec {SCOPE_IDS[tie]}",
                    )
                )
            elif tie != needed and value is not None:
                issues.append(
                    error(
                        users.locate(index, tie),
                        "account-scope",
                        f"un compte {who} {tie_rule(needed, tie)} : supprimez « {tie}: {value} »",
                    )
                )
    return issues


def tie_rule(needed: Scope | None, extra: Scope) -> str:
    """Why an account of a role tied to `needed` takes no `extra` tie."""
    if needed is None:
        return "voit toute la fédération, sans être rattaché à une association ni à un organisme"
    return f"est rattaché à {SCOPE_WORDS[needed]}, pas à {SCOPE_WORDS[extra]}"


def _hash_issues(users: UsersFile) -> list[Issue]:
    """SPEC §11: the file holds argon2id hashes only. The value is never quoted: it may be a
    password someone typed there."""
    return [
        error(
            users.locate(index, "password"),
            "password-hash",
            "ce n'est pas une empreinte argon2id : users.yaml ne garde jamais un mot de passe "
            "en clair, et ce compte ne peut pas se connecter ; donnez-lui un nouveau mot de passe "
            f"avec « portfolio users password {account.login} »",
        )
        for index, account in enumerate(users.entries)
        if account is not None and not is_argon2id(account.password)
    ]


def _reference_issues(ws: Workspace, users: UsersFile) -> list[Issue]:
    """The association of a counselor and the body of a trainer exist. An unreadable
    workspace.yaml or catalogue is reported by the loader; what would name it is not."""
    associations = {a.id for a in ws.settings.associations} if ws.settings else None
    bodies = {catalog.body.id for catalog in ws.catalogs}
    issues = []
    for index, account in enumerate(users.entries):
        if account is None:
            continue
        assoc, body = account.association, account.body
        if assoc is not None and associations is not None and assoc not in associations:
            issues.append(
                error(
                    users.locate(index, "association"),
                    "unknown-association",
                    unknown("association inconnue", assoc, associations)
                    + " (les associations sont décrites dans workspace.yaml)",
                )
            )
        if body is not None and body not in bodies and not ws.is_broken("catalog", body):
            issues.append(
                error(
                    users.locate(index, "body"),
                    "unknown-body",
                    unknown("organisme de formation inconnu", body, bodies)
                    + " (les organismes sont décrits dans catalog/)",
                )
            )
    return issues


def _mode_issues(users: UsersFile) -> list[Issue]:
    """The file is the owner's alone (`FILE_MODE`); a copy or an editor may have widened it."""
    if not users.source.values:
        return []
    try:
        mode = users.path.stat().st_mode & 0o777
    except OSError:
        return []
    if not mode & 0o077:
        return []
    return [
        warning(
            Location(USERS_FILE, 1, 1),
            "users-mode",
            f"droits trop larges (mode {mode:o}) : d'autres que son propriétaire peuvent lire "
            f"les empreintes des mots de passe ; chmod 600 {USERS_FILE}",
        )
    ]


# --- passwords ----------------------------------------------------------------------------------


def hash_password(password: str) -> str:
    return HASHER.hash(password)


def is_argon2id(value: str) -> bool:
    try:
        return extract_parameters(value).type is Type.ID
    except InvalidHashError:
        return False


def _dummy_hash(hasher: PasswordHasher) -> str:
    """A hash with `hasher`'s parameters and random salt and digest, verified when there is no
    account to verify against: verifying costs what the parameters say, whatever the digest.
    Written out rather than hashed, so that the first unknown login is not slower than the
    others (hashing costs as much as verifying)."""

    def random_b64(size: int) -> str:
        return base64.b64encode(secrets.token_bytes(size)).decode("ascii").rstrip("=")

    return (
        f"$argon2id$v={ARGON2_VERSION}$m={hasher.memory_cost},t={hasher.time_cost},"
        f"p={hasher.parallelism}${random_b64(hasher.salt_len)}${random_b64(hasher.hash_len)}"
    )


def verify(account: Account | None, password: str) -> bool:
    """Whether `password` is the account's. An unknown login (None), or an account whose value is
    no argon2id hash, costs one verification all the same, against a hash of the same
    parameters: how long the answer takes does not tell which logins exist (SPEC §11)."""
    hashed = account.password if account is not None and is_argon2id(account.password) else None
    try:
        return HASHER.verify(hashed or _dummy_hash(HASHER), password) and hashed is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(account: Account) -> bool:
    """Whether the account's hash (verified, so argon2id) was made with other parameters than
    `HASHER`'s: after a library update, it is made again at the next successful login."""
    return HASHER.check_needs_rehash(account.password)


# --- writing ------------------------------------------------------------------------------------


def users_text(accounts: Sequence[Account]) -> str:
    """The whole file. PyYAML quotes every value it would read as other than text (`true`,
    `2024-01-01`, `1.5`), which covers all that `portfolio.yamlsource` reads so."""
    data = {"users": [account.model_dump(exclude_none=True) for account in accounts]}
    return _HEADER + yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=1000)


def save_accounts(root: Path, accounts: Sequence[Account]) -> None:
    """Write `users.yaml` whole and atomically, with `FILE_MODE` from its creation on. Call it
    under `portfolio.transaction.locked(root)`, with accounts read again under that lock: two
    writers must not each add an account to the same old list."""
    write_atomic(root / USERS_FILE, users_text(accounts), mode=FILE_MODE)
