"""Bearer tokens: the API's (ApiToken) and any app's own (an app names its own kind, e.g.
incidents' monitoring sources).

A token is shown once, when an admin issues it; only its SHA-256 hash is stored, with
a short visible prefix so admins can tell tokens apart. A request's token is hashed and
looked up by that (unique, indexed) hash: the plaintext never reaches the database."""

import hashlib
import secrets
from dataclasses import dataclass

#: Token kinds: the first letters tell a reader which kind of token they hold. An app's
#: own kind must differ from these (and from other apps').
API_TOKEN_KIND = "sdk"
#: How many leading characters of a token are kept in clear (kind, "_" and 8 more).
VISIBLE_PREFIX_LENGTH = 12
#: Longer "tokens" are never looked up (they cannot be ours).
MAX_TOKEN_LENGTH = 200


@dataclass(frozen=True)
class IssuedToken:
    plaintext: str
    prefix: str
    digest: str


def hash_token(plaintext: str) -> str:
    return hashlib.sha256(plaintext.encode("utf-8", "surrogatepass")).hexdigest()


def issue(kind: str) -> IssuedToken:
    plaintext = f"{kind}_{secrets.token_urlsafe(32)}"
    return IssuedToken(
        plaintext=plaintext, prefix=plaintext[:VISIBLE_PREFIX_LENGTH], digest=hash_token(plaintext)
    )


def looks_like(plaintext: str, kind: str) -> bool:
    """Cheap check before a database look-up: our prefix and a sane length."""
    return plaintext.startswith(f"{kind}_") and len(plaintext) <= MAX_TOKEN_LENGTH
