"""Device identifiers: the secret a phone sends with every fix, random and long enough not to guess.

OsmAnd (Traccar Client) has no other credential than the identifier, so it must be a
secret: 128 random bits from the operating system, written in base64url (22 characters,
all of them allowed by ``devices.id_format``). The demo world draws its identifiers from
its seeded generator instead, so the same seed gives the same world; production refuses
identifiers that are short or look sequential (``hq00042``, ``m-17``, ``bench-0001``).
"""
from __future__ import annotations

import base64
import re
import secrets

import numpy as np

RANDOM_BYTES = 16
MIN_LENGTH = 22
# An identifier that is a short fixed prefix and a counter can be listed by anyone.
_COUNTER = re.compile(r"[^0-9]{0,15}[0-9]+")


def new_identifier() -> str:
    """A fresh identifier: 128 bits from ``secrets``, base64url without padding.

    Returns
    -------
    str
        22 characters of ``[A-Za-z0-9_-]``.
    """
    while True:
        identifier = encode(secrets.token_bytes(RANDOM_BYTES))
        # About one draw in a hundred thousand looks like a counter or repeats itself.
        if is_strong(identifier):
            return identifier


def seeded_identifiers(rng: np.random.Generator, n: int) -> list[str]:
    """``n`` identifiers from a seeded generator (the demo world: same seed, same ids).

    Parameters
    ----------
    rng : numpy.random.Generator
    n : int

    Returns
    -------
    list of str
    """
    out: list[str] = []
    while len(out) < n:
        identifier = encode(rng.bytes(RANDOM_BYTES))
        if is_strong(identifier):
            out.append(identifier)
    return out


def encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def is_strong(identifier: str) -> bool:
    """True when an identifier is long and varied enough to be a secret.

    At least 22 characters, not a short prefix followed by a counter, and at least 10
    different characters (a random 22-character base64url string has about 19).

    Parameters
    ----------
    identifier : str

    Returns
    -------
    bool
    """
    return (len(identifier) >= MIN_LENGTH and not _COUNTER.fullmatch(identifier)
            and len(set(identifier)) >= 10)
