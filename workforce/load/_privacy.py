"""Pseudonymisation of identifiers at the door.

Employee numbers are replaced by a keyed hash as soon as a file is read
(SipHash-2-4 for an employee number, which is a plain number: a keyed
pseudorandom function made for short inputs, computed for all the numbers of a
file at once; keyed BLAKE2b, a message authentication code like HMAC, for any
other identifier), so the same person can be linked across snapshots
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
import pyarrow as pa
import pyarrow.compute as pc

from . import _fast
from ._values import distinct

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
        """Hash each identifier (once per distinct value); blanks stay missing.

        Returns 16 hex characters per identifier (see :meth:`hash_keys`).
        """
        return self.hash_keys(values)[0]

    def hash_keys(self, values: pd.Series) -> tuple[pd.Series, np.ndarray]:
        """Each identifier's pseudonym as text, and the same 64 bits as an unsigned integer per row.

        The integers let the loader group and link people without hashing the text again; a blank
        identifier has no pseudonym (missing text; its integer is 0 and means nothing).  Each distinct
        identifier is hashed once: a plain number (the usual employee number) with SipHash-2-4, keyed,
        vectorised over all of them; any other identifier with keyed BLAKE2b.

        Examples
        --------
        >>> ids, keys = Pseudonymiser(key="example key").hash_keys(pd.Series(["123", "AB-9", None]))
        >>> [int(ids[i], 16) == int(keys[i]) for i in (0, 1)], pd.isna(ids[2])
        ([True, True], True)
        """
        plain = _numbers_per_row(values) if _fast.ENABLED else None
        if plain is not None:   # the usual export: every employee number a plain number, hashed row by row
            numbers, given = plain
            keys = np.where(given, siphash24(numbers, *self._sip_key), np.uint64(0))
            ids = _hex(keys).set_axis(values.index)
            return ids.where(given), keys
        codes, uniques = distinct(values)
        keys, known = self._hash_distinct(uniques if len(uniques) else pd.Series([], dtype=object))
        given = np.append(known, False)[codes]   # code -1: a blank identifier
        row_keys = np.append(keys, np.zeros(1, dtype=np.uint64))[codes]   # blanks: 0 (keys of unknowns are 0)
        return _hex(row_keys).set_axis(values.index).where(given), row_keys

    def _hash_distinct(self, uniques: pd.Series) -> tuple[np.ndarray, np.ndarray]:
        """The 64-bit pseudonym of each distinct identifier, and whether it has one (not blank)."""
        keys = np.zeros(len(uniques), dtype=np.uint64)
        known = np.zeros(len(uniques), dtype=bool)
        if not len(uniques):
            return keys, known
        numbers, plain = _plain_numbers(uniques)
        keys[plain] = siphash24(numbers, *self._sip_key)
        known[plain] = True
        # the rest (spaces, letters, long numbers) in their canonical form; one that is a plain number then
        # ("1 23" is 123) is hashed as that number, so every spelling of a number is one person
        others = np.flatnonzero(~plain)
        texts = [self.canonical(v) for v in uniques.iloc[others].tolist()]
        as_number = np.array([t is not None and t.isascii() and t.isdigit() and len(t) <= 19 for t in texts],
                             dtype=bool)
        keys[others[as_number]] = siphash24(np.array([int(t or 0) for t, n in zip(texts, as_number) if n],
                                                      dtype=np.uint64), *self._sip_key)
        keyed = hashlib.blake2b(key=self._key, digest_size=8)  # copying a keyed state is cheaper than keying anew
        for i, text in zip(others.tolist(), texts):
            if text is None:
                continue
            known[i] = True
            if text.isascii() and text.isdigit() and len(text) <= 19:
                continue
            h = keyed.copy()
            h.update(text.encode())
            keys[i] = int.from_bytes(h.digest(), "big")
        return keys, known

    @property
    def _sip_key(self) -> tuple[int, int]:
        """SipHash's 128-bit key, derived from the secret key (never the key itself)."""
        derived = hashlib.blake2b(b"workforce siphash key", key=self._key, digest_size=16).digest()
        return int.from_bytes(derived[:8], "little"), int.from_bytes(derived[8:], "little")


#: A plain number as ESR and Excel write an employee number: digits, perhaps with a trailing ".0".
_PLAIN_NUMBER = r"^[0-9]{1,40}(\.0+)?$"


def _numbers_per_row(values: pd.Series) -> tuple[np.ndarray, np.ndarray] | None:
    """Each row's identifier as a number, and whether it has one, when every identifier given is a plain number.

    Plain numbers (ASCII digits, at most 19 after any leading zeros) are their own canonical form, so no
    distinct values need finding; ``None`` when any identifier is not one (then :meth:`hash_keys` works
    on the distinct values).
    """
    if pd.api.types.is_integer_dtype(values.dtype) and not pd.api.types.is_bool_dtype(values.dtype):
        # numbers (a parquet file's) are their own canonical form, unless negative
        given = values.notna().to_numpy()
        filled = values[given]
        if not given.any() or filled.min() < 0:
            return None
        numbers = np.zeros(len(values), dtype=np.uint64)
        numbers[given] = filled.to_numpy(dtype=np.uint64)
        return numbers, given
    if not pd.api.types.is_string_dtype(values.dtype) or isinstance(values.dtype, pd.CategoricalDtype):
        return None
    try:
        text = pa.array(values, type=pa.large_string())
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return None
    if not pc.all(pc.ascii_is_decimal(text)).as_py() or text.null_count == len(text):
        return None
    given = text.is_valid().to_numpy(zero_copy_only=False)
    kept, short = _as_numbers(text)
    if not np.array_equal(short, given):   # a number too long for 64 bits
        return None
    numbers = np.zeros(len(text), dtype=np.uint64)
    numbers[short] = kept
    return numbers, given


def _as_numbers(digits: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """Texts of ASCII digits as numbers: those of at most 19 digits after any leading zeros, and which they are.

    (10**19 - 1 < 2**64, so each fits in 64 bits; "000" is the number 0.)  A missing text is not one.
    """
    significant = pc.utf8_ltrim(digits, characters="0")
    length = pc.utf8_length(significant)
    short = pc.fill_null(pc.less_equal(length, 19), False)
    kept = pc.if_else(pc.equal(length, 0), "0", significant).filter(short)
    return pc.cast(kept, pa.uint64()).to_numpy(zero_copy_only=False), short.to_numpy(zero_copy_only=False)


def _plain_numbers(uniques: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Which distinct values are plain numbers of at most 19 significant digits, and those numbers.

    Such a value's canonical form (:meth:`Pseudonymiser.canonical`) is the number itself, so it is
    hashed as an integer.  Others (letters, spaces, longer numbers) take the text path.
    """
    if pd.api.types.is_integer_dtype(uniques.dtype) and not pd.api.types.is_bool_dtype(uniques.dtype):
        numbers = uniques.to_numpy()
        plain = numbers >= 0
        return numbers[plain].astype(np.uint64), plain
    text = pa.array(uniques.astype(object).where(uniques.notna(), None).astype("str") if uniques.dtype == object
                    else uniques.astype("str"), type=pa.large_string())
    if not pc.all(pc.ascii_is_decimal(text)).as_py():   # the usual case is all digits: no pattern needed
        match = pc.match_substring_regex(text, _PLAIN_NUMBER)
        plain = match.to_numpy(zero_copy_only=False).astype(bool) & text.is_valid().to_numpy(zero_copy_only=False)
        text = pc.replace_substring_regex(text.filter(pa.array(plain)), r"\.0+$", "")
    else:
        plain = np.ones(len(text), dtype=bool)
    numbers, short = _as_numbers(text)
    plain[np.flatnonzero(plain)[~short]] = False
    return numbers, plain


def _rotl(x: np.ndarray, b: int, spare: np.ndarray) -> None:
    """Rotate each of ``x`` left by ``b`` bits, in place (``spare``: scratch space of the same shape)."""
    np.left_shift(x, np.uint64(b), out=spare)
    np.right_shift(x, np.uint64(64 - b), out=x)
    x |= spare


def siphash24(messages: np.ndarray, k0: int, k1: int) -> np.ndarray:
    """SipHash-2-4 (Aumasson and Bernstein, 2012) of each 8-byte message, vectorised.

    ``messages`` are unsigned 64-bit integers, each hashed as its 8 little-endian bytes with the
    128-bit key ``(k0, k1)`` (two 64-bit halves, little-endian).  SipHash is a keyed pseudorandom
    function made for short inputs (Python and Rust key their hash tables with it).

    Examples
    --------
    The reference test vector: key bytes 00..0f, message bytes 00..07.

    >>> message = np.array([int.from_bytes(bytes(range(8)), "little")], dtype=np.uint64)
    >>> key = bytes(range(16))
    >>> hex(int(siphash24(message, int.from_bytes(key[:8], "little"), int.from_bytes(key[8:], "little"))[0]))
    '0x93f5f5799a932462'
    """
    m = np.asarray(messages, dtype=np.uint64)
    with np.errstate(over="ignore"):
        v0 = np.full(m.shape, k0 ^ 0x736F6D6570736575, dtype=np.uint64)
        v1 = np.full(m.shape, k1 ^ 0x646F72616E646F6D, dtype=np.uint64)
        v2 = np.full(m.shape, k0 ^ 0x6C7967656E657261, dtype=np.uint64)
        v3 = np.full(m.shape, k1 ^ 0x7465646279746573, dtype=np.uint64)

        spare = np.empty_like(m)

        def rounds(n: int) -> None:
            nonlocal v0, v1, v2, v3   # each is updated in place
            for _ in range(n):
                v0 += v1
                _rotl(v1, 13, spare)
                v1 ^= v0
                _rotl(v0, 32, spare)
                v2 += v3
                _rotl(v3, 16, spare)
                v3 ^= v2
                v0 += v3
                _rotl(v3, 21, spare)
                v3 ^= v0
                v2 += v1
                _rotl(v1, 17, spare)
                v1 ^= v2
                _rotl(v2, 32, spare)

        v3 ^= m
        rounds(2)
        v0 ^= m
        last = np.uint64(8 << 56)   # the final block: the message length (8 bytes), no bytes left over
        v3 ^= last
        rounds(2)
        v0 ^= last
        v2 ^= np.uint64(0xFF)
        rounds(4)
        return v0 ^ v1 ^ v2 ^ v3


_HEX_DIGITS = np.frombuffer(b"0123456789abcdef", dtype=np.uint8)


def _hex(keys: np.ndarray) -> pd.Series:
    """Each 64-bit key as 16 lower-case hex characters (as ``format(key, "016x")``), vectorised."""
    octets = np.ascontiguousarray(keys, dtype=">u8").view(np.uint8).reshape(-1, 8)
    nibbles = np.empty((len(keys), 16), dtype=np.uint8)
    nibbles[:, 0::2] = _HEX_DIGITS[octets >> 4]
    nibbles[:, 1::2] = _HEX_DIGITS[octets & 15]
    text = pa.array(nibbles.view("S16").ravel()).cast(pa.string())
    return pd.Series(pd.array(text, dtype="str"))


def _canonical_text(text: str) -> str | None:
    if not text.isdigit():
        text = "".join(text.split())
        if text.endswith(".0") and _TRAILING_ZERO.match(text):
            text = text.split(".", 1)[0]
        if not text.isdigit():
            return text.upper() or None
    return text.lstrip("0") or "0" if text[:1] == "0" else text
