"""Pseudonymisation at the door."""

from __future__ import annotations

import hashlib
import hmac

import pandas as pd

from workforce._privacy import KEY_VARIABLE, Pseudonymiser


def test_hash_is_hmac_sha256_of_the_canonical_number():
    expected = hmac.new(b"secret", b"123", hashlib.sha256).hexdigest()[:16]  # computed independently
    assert Pseudonymiser("secret").hash(pd.Series(["000123"])) == [expected]


def test_spellings_of_one_number_link_and_blanks_stay_blank():
    ids = Pseudonymiser("k").hash(pd.Series(["123", " 123 ", "123.0", "00123", None, "124"]))
    assert len(set(ids[:4])) == 1 and ids[4] is None and ids[5] != ids[0]


def test_key_sources(monkeypatch):
    monkeypatch.delenv(KEY_VARIABLE, raising=False)
    session = Pseudonymiser()
    assert session.source == "session" and "this session only" in session.describe()
    assert session.hash(pd.Series(["1"])) == Pseudonymiser().hash(pd.Series(["1"]))  # same process, same key
    monkeypatch.setenv(KEY_VARIABLE, "from-env")
    env = Pseudonymiser()
    assert env.source == "environment"
    assert env.hash(pd.Series(["1"])) == Pseudonymiser("from-env").hash(pd.Series(["1"]))
    assert env.hash(pd.Series(["1"])) != session.hash(pd.Series(["1"]))
