"""The accounts a run uses, by role, and where they come from.

Roles: `primary` (the account most scenarios act as), `secondary` (a second tenant,
for isolation), `no_business` (an account that owns no business, for the 404).
The suite provisions them itself on targets it starts; on a deployment they come
from the environment, and a scenario that needs a missing one is skipped with
the names of the variables to set.
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field

from settings_qa.redaction import register_secret

ROLES = ("primary", "secondary", "no_business")
ENV_VARS = {
    "primary": ("QA_EMAIL", "QA_PASSWORD"),
    "secondary": ("QA_EMAIL_2", "QA_PASSWORD_2"),
    "no_business": ("QA_EMAIL_NO_BUSINESS", "QA_PASSWORD_NO_BUSINESS"),
}


@dataclass(frozen=True)
class Account:
    role: str
    email: str
    password: str = field(repr=False)

    def __post_init__(self) -> None:
        register_secret(self.password)


def from_environment(environ: os._Environ | dict = os.environ) -> dict[str, Account]:
    """Accounts of a deployment, read from QA_EMAIL/QA_PASSWORD and friends."""
    found = {}
    for role, (email_var, password_var) in ENV_VARS.items():
        email, password = environ.get(email_var), environ.get(password_var)
        if email and password:
            found[role] = Account(role, email, password)
    return found


def missing_reason(role: str) -> str:
    email_var, password_var = ENV_VARS[role]
    return f"needs the {role.replace('_', ' ')} account: set {email_var} and {password_var}"


# Provisioning order: the account without a business first, so that no account's id equals
# its business's id and a backend that confuses the two is caught.
PROVISIONING_ORDER = ("no_business", "primary", "secondary")


def generated(worker: str) -> dict[str, Account]:
    """Fresh accounts for a backend the suite provisions itself, one set per xdist worker."""
    return {
        role: Account(role, f"qa-{role.replace('_', '-')}-{worker}@example.test", secrets.token_urlsafe(18))
        for role in PROVISIONING_ORDER
    }
