"""Web accounts: `users.yaml` at the workspace root (SPEC §11).

Who may log in to `portfolio serve`, with which role, and what the role is scoped to. Whether a
password value really is an argon2id hash, whether each account has the scope its role needs
(`ROLE_SCOPE`) and whether that association or training body exists are judged by
`portfolio.accounts`, so that `portfolio check` reports every problem of the file at its line.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any, ClassVar, Literal, get_args

from pydantic import field_validator
from pydantic_core import PydanticCustomError

from portfolio.model.common import Id, InputModel

AccountRole = Literal["federation", "counselor", "trainer"]
ACCOUNT_ROLES: tuple[str, ...] = get_args(AccountRole)
ACCOUNT_ROLE_SPELLINGS: dict[str, AccountRole] = {
    "federation": "federation",
    "counselor": "counselor",
    "conseiller": "counselor",
    "conseillere": "counselor",
    "trainer": "trainer",
    "formateur": "trainer",
    "formatrice": "trainer",
}
"""Every way a role is written, without capitals or accents (« Fédération », « conseillère »),
and the code name the file stores: the pages and the scoping rules read one value."""

Scope = Literal["association", "body"]
ROLE_SCOPE: dict[AccountRole, Scope | None] = {
    "federation": None,
    "counselor": "association",
    "trainer": "body",
}
"""SPEC §11: a federation account sees everything and is tied to nothing; a counselor account is
tied to one association (`association`), a trainer account to one training body (`body`). An
account has exactly the tie its role names, no other."""

LOGIN_PATTERN = re.compile(r"[a-z0-9._-]{2,40}")
LOGIN_RULE = (
    "un identifiant de connexion a de 2 à 40 caractères : lettres minuscules sans accent, "
    "chiffres, « . », « - » ou « _ » (par exemple m.martin)"
)


def canonical_account_role(text: str) -> str:
    """A role as written (« Fédération », « CONSEILLÈRE », « formatrice ») → its `AccountRole`;
    any other text unchanged, for the caller to refuse with its own message."""
    decomposed = unicodedata.normalize("NFKD", text.strip().casefold())
    key = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return ACCOUNT_ROLE_SPELLINGS.get(key, text)


def login_problem(login: str) -> str | None:
    """Why `login` cannot name an account, in French; None when it can. Logins appear in URLs,
    in the journal's lines and in messages: plain lower-case ASCII keeps them unambiguous."""
    if LOGIN_PATTERN.fullmatch(login):
        return None
    shown = login if len(login) <= 40 else login[:39] + "…"
    return f"« {shown} » ne convient pas : {LOGIN_RULE}"


class Account(InputModel):
    """One account. `password` is the argon2id hash of the password, never the password."""

    FIELD_HINTS: ClassVar[dict[str, str]] = {
        "role": "federation, counselor ou trainer (ou fédération, conseiller, formateur)"
    }

    login: str
    role: AccountRole
    association: Id | None = None
    body: Id | None = None
    password: str

    @field_validator("login")
    @classmethod
    def _valid_login(cls, value: str) -> str:
        problem = login_problem(value)
        if problem is not None:
            raise PydanticCustomError("login", "{problem}", {"problem": problem})
        return value

    @field_validator("role", mode="before")
    @classmethod
    def _one_spelling(cls, value: Any) -> Any:
        """`role: conseillère` is read as `counselor`, whoever wrote the file."""
        return canonical_account_role(value) if isinstance(value, str) else value


class Accounts(InputModel):
    """`users.yaml`."""

    users: list[Account]
