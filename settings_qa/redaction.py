"""Keep passwords and tokens out of everything the suite prints, logs or attaches.

Two layers: every secret the suite handles is registered here (exact-value
replacement, the reliable one), and shapes that look like secrets (bearer
headers, JWTs, password/token JSON fields) are masked even when unregistered.
"""

from __future__ import annotations

import json
import re
import threading
from typing import Any

MASK = "«redacted»"
_SECRETS: set[str] = set()
_LOCK = threading.Lock()

_PATTERNS = [
    # JSON Web Tokens: three base64url parts, the first two starting with '{"' encoded; and
    # password hashes (bcrypt, argon2, PBKDF2, crypt), which a broken backend may leak in a body
    # that is attached to a report before the suite has judged it.
    re.compile(r"eyJ[A-Za-z0-9_-]*\.eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*"
               r"|\$2[abxy]?\$\d{2}\$[./A-Za-z0-9]{53}|\$argon2(?:id|i|d)\$[^\s\"']+"
               r"|pbkdf2_sha(?:1|256|512)\$\d+\$[^\s\"']+|\$(?:5|6)\$[^\s\"'$]{1,40}\$[./A-Za-z0-9]{43,86}"),
    re.compile(r"(?i)(bearer[ \t]+)[^\s'\",}]+"),
    re.compile(r'(?i)("(?:password|access_token|token|secret)"\s*:\s*")((?:[^"\\]|\\.)*)(")'),
    re.compile(r"(?i)((?:password|access_token|token|secret)'\s*:\s*')((?:[^'\\]|\\.)*)(')"),
]
SENSITIVE_HEADERS = {"authorization", "cookie", "set-cookie", "proxy-authorization"}
SENSITIVE_KEYS = {"password", "access_token", "token", "secret", "authorization"}


def register_secret(value: str | None) -> None:
    """Remember a secret so that any later text containing it is masked."""
    if value and len(value) >= 4:
        with _LOCK:
            _SECRETS.add(value)
            escaped = json.dumps(value)[1:-1]
            if escaped != value:
                _SECRETS.add(escaped)


def redact(text: Any) -> str:
    """Return `text` as a string with every known or recognisable secret masked."""
    out = text if isinstance(text, str) else str(text)
    with _LOCK:
        secrets = sorted(_SECRETS, key=len, reverse=True)
    for secret in secrets:
        if secret in out:
            out = out.replace(secret, MASK)
    out = _PATTERNS[0].sub(MASK, out)
    out = _PATTERNS[1].sub(lambda m: m.group(1) + MASK, out)
    for pattern in _PATTERNS[2:]:
        out = pattern.sub(lambda m: m.group(1) + MASK + m.group(3), out)
    return out


def redact_headers(headers: Any) -> dict[str, str]:
    return {
        k: (MASK if k.lower() in SENSITIVE_HEADERS else redact(v)) for k, v in dict(headers).items()
    }


def redact_data(data: Any) -> Any:
    """Mask secret-named keys in decoded JSON, recursively, and known secrets in strings."""
    if isinstance(data, dict):
        return {
            k: (MASK if str(k).lower() in SENSITIVE_KEYS else redact_data(v)) for k, v in data.items()
        }
    if isinstance(data, list):
        return [redact_data(v) for v in data]
    if isinstance(data, str):
        return redact(data)
    return data
