"""Pseudonymisation of identifiers at the door.

Employee numbers are replaced by a keyed hash (keyed BLAKE2b, a
message authentication code like HMAC, and faster) as
soon as a file is read, so the same person can be linked across snapshots
without their number ever reaching an output.  The key matters: employee
numbers are short, so an unkeyed hash could be reversed by hashing every
possible number.

The key comes, in this order, from the ``pseudonym_key`` argument, the
``WORKFORCE_PSEUDONYM_KEY`` environment variable, or a random key made once
per Python process.  With the random key, identifiers link within one session
(one notebook kernel, one command) but not across sessions; set a key of your
own, kept secret, to link snapshots loaded on different days.

The key travels with the data: a :class:`~workforce.StaffTable` keeps its
pseudonymiser (never shown), so ``load_disciplinary(path, like=staff)`` hashes
with the same key; every loaded table records the key's :attr:`fingerprint`
(a keyed hash of a fixed text, safe to show), and analyses that link people
across inputs refuse inputs whose fingerprint differs from the staff table's.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets

import numpy as np
import pandas as pd

__all__ = ["Pseudonymiser", "KEY_VARIABLE"]

KEY_VARIABLE = "WORKFORCE_PSEUDONYM_KEY"
_SESSION_KEY = secrets.token_bytes(32)
_TRAILING_ZERO = re.compile(r"^(\d+)\.0+$")


class Pseudonymiser:
    """Keyed hashing of identifiers.

    Parameters
    ----------
    key : str or bytes, optional
        The secret key.  Defaults as described in the module docstring.

    Examples
    --------
    >>> p = Pseudonymiser(key="example key")
    >>> p.source
    'argument'
    >>> ids = p.hash(pd.Series(["00123", "123", "123.0", None]))
    >>> ids[0] == ids[1] == ids[2], pd.isna(ids[3]), len(ids[0])
    (True, True, 16)
    >>> p.fingerprint == Pseudonymiser(key="example key").fingerprint != Pseudonymiser(key="other").fingerprint
    True
    >>> "example key" in repr(p)
    False
    """

    def __init__(self, key: str | bytes | None = None) -> None:
        if key is not None:
            self.source = "argument"
        elif os.environ.get(KEY_VARIABLE):
            key, self.source = os.environ[KEY_VARIABLE], "environment"
        else:
            key, self.source = _SESSION_KEY, "session"
        raw = key.encode("utf-8") if isinstance(key, str) else bytes(key)
        self._key = hashlib.sha256(raw).digest()  # any length of key -> the 32 bytes BLAKE2b takes

    @property
    def fingerprint(self) -> str:
        """8 hex characters naming the key without revealing it: equal keys, equal fingerprints."""
        return hashlib.blake2b(b"workforce pseudonym key fingerprint", key=self._key, digest_size=4).hexdigest()

    def __repr__(self) -> str:
        return f"Pseudonymiser(source={self.source!r}, fingerprint={self.fingerprint!r})"

    def describe(self) -> str:
        """One line for the validation report saying how identifiers were protected."""
        if self.source == "session":
            return (
                f"Employee numbers were replaced by keyed hashes using a random key made for this session (fingerprint "
                f"{self.fingerprint}): they link snapshots loaded in this session only. Set {KEY_VARIABLE} to link "
                "across sessions."
            )
        origin = "the pseudonym_key argument" if self.source == "argument" else f"the {KEY_VARIABLE} variable"
        return f"Employee numbers were replaced by keyed hashes using the key from {origin} (fingerprint {self.fingerprint})."

    @staticmethod
    def canonical(value: object) -> str | None:
        """The form of an identifier that is hashed.

        Spaces are removed, a trailing ``.0`` left by Excel is dropped and
        leading zeros of an all-digit number are ignored, so ``"00123"``,
        ``"123"`` and ``123.0`` are the same person.
        """
        if value is None or value is pd.NA or (isinstance(value, float) and value != value):
            return None
        return _canonical_text(str(value))

    def hash(self, values: pd.Series) -> pd.Series:
        """Hash each identifier (once per distinct value); blanks stay missing."""
        codes, uniques = pd.factorize(values, use_na_sentinel=True)
        key = self._key
        texts = _canonical_many(pd.Series(uniques))
        keyed = hashlib.blake2b(key=key, digest_size=8)  # copying a keyed state is cheaper than keying anew
        hashed: list[str | None] = []
        for t in texts:
            if t is None:
                hashed.append(None)
                continue
            h = keyed.copy()
            h.update(t.encode())
            hashed.append(h.hexdigest())
        hashed.append(None)
        return pd.Series(np.asarray(hashed, dtype=object)[codes], index=values.index, dtype="str")


def _canonical_many(values: pd.Series) -> list[str | None]:
    """:meth:`Pseudonymiser.canonical` for many values at once."""
    text = values.astype("str")
    if text.str.fullmatch(r"[1-9][0-9]*").all():  # the usual case: plain numbers, already canonical
        return list(text.tolist())
    return [_canonical_text(v) for v in text.where(values.notna(), "").tolist()]


def _canonical_text(text: str) -> str | None:
    if not text.isdigit():
        text = "".join(text.split())
        if text.endswith(".0") and _TRAILING_ZERO.match(text):
            text = text.split(".", 1)[0]
        if not text.isdigit():
            return text.upper() or None
    return text.lstrip("0") or "0" if text[:1] == "0" else text
