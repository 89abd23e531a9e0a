"""Reading a response the way a consumer contract does: what the contract names must be
there and be right; what it does not name is set aside, listed, and looked at once.

`split(model, body)` returns the body with only the properties the contract names (what
the models then validate and every comparison uses) and the unnamed ones, each with its
path (`Business.phone`, `SaveResult.business.faqs[].id`). An unnamed property is the
provider's business (information, or a failure under `--strict`), except one that looks
like a leaked secret: by its name (`password_hash`, `api_key`) or by a value shaped like a
password hash, a JWT or an API key. That is a security bug in every mode.
"""

from __future__ import annotations

import re
import typing
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel

# Names made of these words say "secret" (checked word by word: `owner_password_hash`).
_SECRET_WORDS = {"password", "passwd", "passphrase", "pwd", "secret", "secrets", "credential", "credentials",
                 "apikey", "privatekey", "salt", "jwt", "token", "tokens", "otp", "totp", "pin"}
_SECRET_PAIRS = {("api", "key"), ("private", "key"), ("secret", "key"), ("access", "key"),
                 ("signing", "key"), ("encryption", "key"), ("auth", "key")}
# Values with these shapes are secrets whatever they are called (matched on the whole value).
_SECRET_SHAPES = (
    ("a bcrypt password hash", re.compile(r"\$2[abxy]?\$\d{2}\$[./A-Za-z0-9]{53}")),
    ("an argon2 password hash", re.compile(r"\$argon2(?:id|i|d)\$\S+")),
    ("a scrypt password hash", re.compile(r"(?:\$scrypt\$|\$7\$|scrypt:\d+:\d+:\d+\$)\S+")),
    ("a PBKDF2 password hash", re.compile(r"(?:pbkdf2_sha(?:1|256|512)\$\d+\$|\$pbkdf2(?:-sha\d+)?\$|pbkdf2:sha\d+:\d+\$)\S+")),
    ("a crypt(3) password hash", re.compile(r"\$(?:1|5|6|y|gy|sha1)\$\S{8,}")),
    ("a JSON Web Token", re.compile(r"eyJ[A-Za-z0-9_-]*\.eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*")),
    ("an API key", re.compile(r"(?:sk|rk|pk)_(?:live|test)_[A-Za-z0-9]{16,}|sk-[A-Za-z0-9_-]{20,}|AKIA[0-9A-Z]{16}"
                              r"|gh[pousr]_[A-Za-z0-9]{36,}|xox[abposr]-[A-Za-z0-9-]{10,}|AIza[0-9A-Za-z_-]{35}")),
    ("a private key", re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----.*", re.DOTALL)),
)
# The login answer exists to hand out credentials (a refresh token is no leak there); only a
# password hash is out of place in it.
_CREDENTIAL_RESPONSES = {"Token"}
_PASSWORD_HASHES = {label for label, _ in _SECRET_SHAPES if "password hash" in label}


@dataclass(frozen=True)
class Unnamed:
    """A property the contract does not name, where it was found, and why it looks like a secret."""

    path: str
    value: Any
    leak: str | None = None  # e.g. "a bcrypt password hash"; None when it looks harmless

    def describe(self) -> str:
        """One line, never the value of a leak."""
        if self.leak:
            return f"{self.path} looks like {self.leak} (value masked): a response must never carry one"
        return f"{self.path} ({type(self.value).__name__})"


def split(model: type[BaseModel], body: Any) -> tuple[Any, list[Unnamed]]:
    """`body` with only the properties `model` names (recursively), and the unnamed ones."""
    found: list[Unnamed] = []
    named = _split(model, body, model.__name__, found, root=model.__name__)
    return named, found


def contract_view(model: type[BaseModel], body: Any) -> Any:
    """Only what the contract names: what every comparison of the suite looks at."""
    return split(model, body)[0]


def _split(model: type[BaseModel], body: Any, path: str, found: list[Unnamed], *, root: str) -> Any:
    if not isinstance(body, dict):
        return body  # the model reports the wrong type
    named = {}
    for key, value in body.items():
        field = model.model_fields.get(key)
        if field is None:
            found.append(Unnamed(f"{path}.{key}", value, leak_reason(key, value, root=root)))
            continue
        nested, is_list = _nested_model(field.annotation)
        if nested is None:
            named[key] = value
        elif is_list and isinstance(value, list):
            named[key] = [_split(nested, item, f"{path}.{key}[]", found, root=root) for item in value]
        else:
            named[key] = _split(nested, value, f"{path}.{key}", found, root=root)
    return named


def _nested_model(annotation: Any) -> tuple[type[BaseModel] | None, bool]:
    """The model inside a field's type (`Business`, `list[Faq]`, `X | None`), and whether it is a list."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation, False
    origin = typing.get_origin(annotation)
    for arg in typing.get_args(annotation):
        model, is_list = _nested_model(arg)
        if model is not None:
            return model, is_list or origin in (list, tuple, set, frozenset)
    return None, False


def leak_reason(name: str, value: Any, *, root: str = "", depth: int = 0) -> str | None:
    """Why a property the contract does not name looks like a secret, or None. Objects and
    lists inside it are looked at too (`owner: {"password_hash": ...}`)."""
    shape = _secret_shape(value)
    if root in _CREDENTIAL_RESPONSES:
        return shape if shape in _PASSWORD_HASHES else None
    if shape:
        return shape
    words = [w.lower() for w in re.split(r"[^A-Za-z0-9]+|(?<=[a-z0-9])(?=[A-Z])", str(name)) if w]
    secret_name = any(w in _SECRET_WORDS for w in words) or any(p in _SECRET_PAIRS for p in zip(words, words[1:]))
    if secret_name and isinstance(value, str) and value.strip():  # `api_key: null`, `token_count: 3` leak nothing
        return f"a secret (its name, {name!r}, says so)"
    if depth < 5:
        inner = value.items() if isinstance(value, dict) else (
            (name, item) for item in value) if isinstance(value, list) else ()
        for key, item in inner:
            reason = leak_reason(key, item, root=root, depth=depth + 1)
            if reason:
                return reason
    return None


def _secret_shape(value: Any) -> str | None:
    if isinstance(value, str):
        text = value.strip()
        for label, pattern in _SECRET_SHAPES:
            if pattern.fullmatch(text):
                return label
    return None


def secret_values(value: Any) -> list[str]:
    """The strings inside a leaked value, to mask wherever they might be printed."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list):
        return [text for item in value for text in secret_values(item)]
    return [str(value)] if value is not None else []
