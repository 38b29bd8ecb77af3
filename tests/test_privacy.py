"""Pseudonymisation at the door."""

from __future__ import annotations

import hashlib

import pandas as pd

from workforce.load._privacy import KEY_VARIABLE, Pseudonymiser


def test_hash_is_keyed_blake2b_of_the_canonical_number():
    key = hashlib.sha256(b"secret").digest()
    expected = hashlib.blake2b(b"123", key=key, digest_size=8).hexdigest()  # computed independently
    assert Pseudonymiser("secret").hash(pd.Series(["000123"])).tolist() == [expected]


def test_spellings_of_one_number_link_and_blanks_stay_blank():
    ids = Pseudonymiser("k").hash(pd.Series(["123", " 123 ", "123.0", "00123", None, "124"])).tolist()
    assert len(set(ids[:4])) == 1 and pd.isna(ids[4]) and ids[5] != ids[0]


def test_key_sources(monkeypatch):
    monkeypatch.delenv(KEY_VARIABLE, raising=False)
    session = Pseudonymiser()
    assert session.source == "session" and "this session only" in session.describe()
    assert session.hash(pd.Series(["1"]))[0] == Pseudonymiser().hash(pd.Series(["1"]))[0]  # same process, same key
    monkeypatch.setenv(KEY_VARIABLE, "from-env")
    env = Pseudonymiser()
    assert env.source == "environment"
    assert env.hash(pd.Series(["1"]))[0] == Pseudonymiser("from-env").hash(pd.Series(["1"]))[0]
    assert env.hash(pd.Series(["1"]))[0] != session.hash(pd.Series(["1"]))[0]
