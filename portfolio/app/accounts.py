"""Web accounts (SPEC §11): what `portfolio users` and the web interface's login call.

Every change is made under the workspace's write lock, on `users.yaml` read again under it, and
written whole (`portfolio.accounts.save_accounts`): accounts added by two commands at once both
land. Hashing a password, the slow part, is done before the lock is taken.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import cast

from portfolio.accounts import (
    ACCOUNT_OF,
    ROLE_WORDS,
    SCOPE_WORDS,
    duplicate_logins,
    hash_password,
    needs_rehash,
    read_users,
    save_accounts,
    scope_issues,
    tie_rule,
    verify,
)
from portfolio.app.workspace import FIX_AND_RETRY
from portfolio.french import natural_key, unknown
from portfolio.issues import PortfolioError
from portfolio.load import find_workspace, load_workspace
from portfolio.model.accounts import (
    ACCOUNT_ROLES,
    ROLE_SCOPE,
    Account,
    AccountRole,
    Scope,
    canonical_account_role,
    login_problem,
)
from portfolio.model.loaded import Workspace
from portfolio.resources import USERS_FILE, WORKSPACE_FILE
from portfolio.transaction import locked

MIN_PASSWORD_LENGTH = 12
"""SPEC §11."""
SCOPE_OPTIONS: dict[Scope, str] = {"association": "--association", "body": "--body"}

Change = Callable[[list[Account]], tuple[list[Account], Account]]
"""A change of the accounts: the new list, and the account it is about."""


# --- what the web interface calls ---------------------------------------------------------------


def load_accounts(root: Path) -> dict[str, Account]:
    """Every account by login, for the web interface; a file that cannot be trusted to say who
    someone is and what they may see (invalid, a login twice, an account without the tie its
    role needs) refuses every login until it is fixed, with its located problems.

    An association or a body that does not exist is `check`'s to report: such an account only
    sees nothing.
    """
    find_workspace(root)
    users, issues = read_users(root)
    errors = [i for i in (*issues, *duplicate_logins(users), *scope_issues(users)) if i.is_error]
    if errors:
        raise PortfolioError(
            f"{USERS_FILE} contient des erreurs (ci-dessus) : {FIX_AND_RETRY}", issues=errors
        )
    return {account.login: account for account in users.accounts}


def authenticate(root: Path, login: str, password: str) -> Account | None:
    """The account `login` names when `password` is its password, else None.

    An unknown login and a wrong password cost the same work (`portfolio.accounts.verify`) and
    give the same answer. The login is compared in lower case: phones capitalise what is typed
    in a field. A hash made with older parameters is made again and saved (`needs_rehash`).
    """
    account = load_accounts(root).get(login.strip().lower())
    if not verify(account, password) or account is None:
        return None
    if needs_rehash(account):
        return _rehash(root, account, password)
    return account


def _rehash(root: Path, account: Account, password: str) -> Account:
    """The account with its hash made again, saved unless the file changed meanwhile. Saving is
    an upgrade, not a condition of the login: a workspace that cannot be written now (read-only,
    held by a long write) keeps the old hash until a later login."""
    fresh = account.model_copy(update={"password": hash_password(password)})

    def change(accounts: list[Account]) -> tuple[list[Account], Account]:
        same = (account.login, account.password)
        return [fresh if (a.login, a.password) == same else a for a in accounts], fresh

    try:
        return _update(root, change)
    except (OSError, PortfolioError):
        return account


# --- what `portfolio users` calls ---------------------------------------------------------------


def list_users(root: Path) -> list[Account]:
    """Every account, by login."""
    find_workspace(root)
    return sorted(_editable(root), key=lambda account: natural_key(account.login))


def check_new_user(
    root: Path,
    login: str,
    role: str,
    association: str | None = None,
    body: str | None = None,
) -> AccountRole:
    """Everything about a new account but its password, judged before the password is asked
    for: its role as `users.yaml` stores it (« conseillère » → counselor)."""
    ws, _ = load_workspace(root, workers=False)
    problem = login_problem(login)
    if problem is not None:
        raise PortfolioError(f"identifiant de connexion {problem}", exit_code=2)
    chosen = parse_role(role)
    _require_scope(ws, chosen, association, body)
    _require_known(ws, association, body)
    if any(account.login == login for account in _editable(root)):
        raise _taken(login)
    return chosen


def add_user(
    root: Path,
    login: str,
    role: str,
    password: str,
    association: str | None = None,
    body: str | None = None,
) -> Account:
    """Create an account (`portfolio users add`); refused, with nothing written, when any of
    its values breaks a rule of SPEC §11 or the login is taken."""
    chosen = check_new_user(root, login, role, association, body)
    require_password(password)
    new = Account(
        login=login,
        role=chosen,
        association=association,
        body=body,
        password=hash_password(password),
    )

    def add(accounts: list[Account]) -> tuple[list[Account], Account]:
        if any(account.login == login for account in accounts):
            raise _taken(login)
        return [*accounts, new], new

    return _update(root, add)


def remove_user(root: Path, login: str) -> Account:
    """Delete the account `login` (every entry of that login, if a hand edit wrote it twice)."""
    find_workspace(root)

    def remove(accounts: list[Account]) -> tuple[list[Account], Account]:
        gone = [account for account in accounts if account.login == login]
        if not gone:
            raise _unknown_login(login, accounts)
        return [account for account in accounts if account.login != login], gone[0]

    return _update(root, remove)


def require_user(root: Path, login: str) -> Account:
    """The account `login` names, refused with the closest logins when there is none: asked
    before a new password is typed for it."""
    find_workspace(root)
    return _only(_editable(root), login)[1]


def set_password(root: Path, login: str, password: str) -> Account:
    """Give the account `login` a new password (`portfolio users password`)."""
    find_workspace(root)
    require_password(password)
    hashed = hash_password(password)

    def change(accounts: list[Account]) -> tuple[list[Account], Account]:
        index, account = _only(accounts, login)
        updated = account.model_copy(update={"password": hashed})
        return [*accounts[:index], updated, *accounts[index + 1 :]], updated

    return _update(root, change)


def describe(account: Account) -> str:
    """The role and the tie of an account, as `users list` shows them: « conseiller,
    association ai-est »."""
    role = ROLE_WORDS[account.role]
    if account.association is not None:
        return f"{role}, association {account.association}"
    if account.body is not None:
        return f"{role}, organisme {account.body}"
    return role


# --- rules --------------------------------------------------------------------------------------


def parse_role(text: str) -> AccountRole:
    """A role as typed, in English or French (`canonical_account_role`)."""
    role = canonical_account_role(text)
    if role not in ACCOUNT_ROLES:
        raise PortfolioError(
            f"rôle « {text.strip()} » inconnu : écrivez federation (ou fédération), counselor "
            "(ou conseiller, conseillère) ou trainer (ou formateur, formatrice)",
            exit_code=2,
        )
    return cast(AccountRole, role)


def require_password(password: str) -> str:
    """SPEC §11: a password has at least `MIN_PASSWORD_LENGTH` characters."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise PortfolioError(
            f"mot de passe trop court : il faut au moins {MIN_PASSWORD_LENGTH} caractères ; une "
            "phrase de quelques mots se retient mieux qu'un mot compliqué"
        )
    return password


def _require_scope(
    ws: Workspace, role: AccountRole, association: str | None, body: str | None
) -> None:
    """An account has exactly the tie its role names (`ROLE_SCOPE`), said with the options."""
    needed = ROLE_SCOPE[role]
    given: dict[Scope, str | None] = {"association": association, "body": body}
    for tie, value in given.items():
        if tie == needed and value is None:
            known = _known_ids(ws, tie)
            listing = f" ({', '.join(known[:8])}{'…' if len(known) > 8 else ''})" if known else ""
            raise PortfolioError(
                f"un compte {ACCOUNT_OF[role]} est rattaché à {SCOPE_WORDS[tie]} : indiquez "
                f"son identifiant avec {SCOPE_OPTIONS[tie]}{listing}",
                exit_code=2,
            )
        if tie != needed and value is not None:
            raise PortfolioError(
                f"un compte {ACCOUNT_OF[role]} {tie_rule(needed, tie)} : retirez "
                f"{SCOPE_OPTIONS[tie]}",
                exit_code=2,
            )


def _known_ids(ws: Workspace, tie: Scope) -> list[str]:
    if tie == "association":
        ids = [a.id for a in ws.settings.associations] if ws.settings else []
    else:
        ids = [catalog.body.id for catalog in ws.catalogs]
    return sorted(ids, key=natural_key)


def _require_known(ws: Workspace, association: str | None, body: str | None) -> None:
    """The association or the body exists; a file that would say so but does not load is shown
    with its errors, not called unknown."""
    if association is not None:
        if ws.settings is None:
            raise PortfolioError(
                f"{WORKSPACE_FILE} contient des erreurs : corrigez-les pour que l'association "
                f"« {association} » puisse être vérifiée (« portfolio check » les liste)"
            )
        if association not in _known_ids(ws, "association"):
            raise PortfolioError(
                unknown("association inconnue", association, _known_ids(ws, "association"))
                + f" (les associations sont décrites dans {WORKSPACE_FILE})"
            )
    if body is not None and body not in _known_ids(ws, "body"):
        if ws.is_broken("catalog", body):
            raise PortfolioError(
                f"le catalogue catalog/{body}.yaml contient des erreurs : corrigez-les pour que "
                f"l'organisme « {body} » puisse être vérifié (« portfolio check » les liste)"
            )
        raise PortfolioError(
            unknown("organisme de formation inconnu", body, _known_ids(ws, "body"))
            + " (les organismes sont décrits dans catalog/)"
        )


def _taken(login: str) -> PortfolioError:
    return PortfolioError(
        f"le compte « {login} » existe déjà : choisissez un autre identifiant, ou changez son "
        f"mot de passe avec « portfolio users password {login} »"
    )


def _unknown_login(login: str, accounts: list[Account]) -> PortfolioError:
    logins = [account.login for account in accounts]
    if not logins:
        return PortfolioError(
            f"compte inconnu « {login} » : il n'y a encore aucun compte ; créez-en un avec "
            "« portfolio users add »"
        )
    return PortfolioError(unknown("compte inconnu", login, logins))


def _only(accounts: list[Account], login: str) -> tuple[int, Account]:
    """The position and the account of `login`, which must name exactly one."""
    found = [(index, account) for index, account in enumerate(accounts) if account.login == login]
    if not found:
        raise _unknown_login(login, accounts)
    if len(found) > 1:
        raise PortfolioError(
            f"« {login} » nomme {len(found)} comptes dans {USERS_FILE} : supprimez les comptes "
            f"en trop à la main (« portfolio check » dit à quelles lignes), puis relancez"
        )
    return found[0]


# --- reading and writing ------------------------------------------------------------------------


def _editable(root: Path) -> list[Account]:
    """Every account of the file, in its order; a file that is not valid is not rewritten, as
    the entries that do not load would be lost."""
    users, issues = read_users(root)
    if not users.valid:
        raise PortfolioError(
            f"{USERS_FILE} contient des erreurs (ci-dessus) : corrigez-les à la main, puis "
            "relancez (« portfolio check » les liste) ; rien n'a été modifié",
            issues=[i for i in issues if i.is_error],
        )
    return users.accounts


def _update(root: Path, change: Change) -> Account:
    """Apply `change` to the accounts read under the workspace's write lock, and save them."""
    with locked(root):
        accounts, concerned = change(_editable(root))
        save_accounts(root, accounts)
    return concerned
