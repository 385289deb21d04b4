"""The demo's web accounts (`portfolio demo --serve`, docs/interface-web.md): one per role of
SPEC §11, so that whoever tries the demo logs in as the federation, a counselor and a trainer and
sees what each role sees, without creating accounts first."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path

from portfolio.accounts import ROLE_WORDS
from portfolio.app.accounts import add_user, list_users
from portfolio.model.accounts import AccountRole


@dataclass(frozen=True)
class DemoAccount:
    """An account the demo creates: a role, tied to an association or a body of demo/."""

    login: str
    role: AccountRole
    association: str | None = None
    body: str | None = None


DEMO_ACCOUNTS: tuple[DemoAccount, ...] = (
    DemoAccount("federation", "federation"),
    DemoAccount("conseil-lyon-est", "counselor", association="ai-lyon-est"),
    DemoAccount("formateur-graindesel", "trainer", body="graindesel"),
)
"""ai-lyon-est and graindesel are an association and a training body of the demo workspace."""

PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
"""Lower-case letters and digits without those read one for another (l and 1, o and 0, i):
a password copied by hand from the terminal works the first time."""
PASSWORD_GROUPS = 4
GROUP_LENGTH = 5
"""Four groups of five characters, dashes between: 23 characters, about 99 bits of chance."""

DEMO_ONLY = (
    "Ces comptes ne servent qu'à la démonstration : ne les gardez pas pour de vraies données "
    "(créez les vôtres avec « portfolio users add »)."
)
KEPT = (
    "Les comptes déjà créés dans {root}/users.yaml sont gardés, avec leurs mots de passe "
    "(pour en donner un nouveau : portfolio users password IDENTIFIANT -w {root})."
)


@dataclass(frozen=True)
class DemoLogin:
    """A demo account just created, with the password to show once: only its hash is kept."""

    login: str
    role: str
    """The role as a user reads it (« conseiller »)."""
    password: str


def demo_password() -> str:
    """A random password that is easy to read and type: « k7pmx-3qa9t-rewb4-n8hcz »."""
    return "-".join(
        "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(GROUP_LENGTH))
        for _ in range(PASSWORD_GROUPS)
    )


def create_demo_accounts(root: Path) -> list[DemoLogin]:
    """Create `DEMO_ACCOUNTS` in the demo workspace `root`, each with a new random password,
    when it has no account yet; an empty list otherwise: accounts already there (made by an
    earlier run, or by the user) are kept with their passwords, which cannot be shown again."""
    if list_users(root):
        return []
    created: list[DemoLogin] = []
    for account in DEMO_ACCOUNTS:
        password = demo_password()
        add_user(root, account.login, account.role, password, account.association, account.body)
        created.append(DemoLogin(account.login, ROLE_WORDS[account.role], password))
    return created


def kept_accounts_note(root: Path) -> str:
    """What a second run says instead of the table: where the accounts are, how to reset one."""
    return KEPT.format(root=root)
