"""Pseudonymisation at the door."""

from __future__ import annotations

import hashlib
import struct

import pandas as pd

from workforce.load._privacy import KEY_VARIABLE, Pseudonymiser


def _siphash24_reference(key: bytes, message: bytes) -> int:
    """SipHash-2-4 written out from the paper (Aumasson and Bernstein 2012, one byte string at a time)."""
    mask = (1 << 64) - 1

    def rotl(x: int, b: int) -> int:
        return ((x << b) | (x >> (64 - b))) & mask

    k0, k1 = struct.unpack("<QQ", key)
    v = [k0 ^ 0x736F6D6570736575, k1 ^ 0x646F72616E646F6D, k0 ^ 0x6C7967656E657261, k1 ^ 0x7465646279746573]

    def sipround() -> None:
        v[0] = (v[0] + v[1]) & mask; v[1] = rotl(v[1], 13) ^ v[0]; v[0] = rotl(v[0], 32)  # noqa: E702
        v[2] = (v[2] + v[3]) & mask; v[3] = rotl(v[3], 16) ^ v[2]  # noqa: E702
        v[0] = (v[0] + v[3]) & mask; v[3] = rotl(v[3], 21) ^ v[0]  # noqa: E702
        v[2] = (v[2] + v[1]) & mask; v[1] = rotl(v[1], 17) ^ v[2]; v[2] = rotl(v[2], 32)  # noqa: E702

    whole = len(message) // 8 * 8
    blocks = [int.from_bytes(message[i:i + 8], "little") for i in range(0, whole, 8)]
    blocks.append((len(message) & 0xFF) << 56 | int.from_bytes(message[whole:], "little"))
    for block in blocks:
        v[3] ^= block
        sipround()
        sipround()
        v[0] ^= block
    v[2] ^= 0xFF
    for _ in range(4):
        sipround()
    return v[0] ^ v[1] ^ v[2] ^ v[3]


def test_the_reference_siphash_gives_the_published_test_vectors():
    key = bytes(range(16))   # the paper's test key; vectors for the empty message and the bytes 00..07
    assert _siphash24_reference(key, b"") == 0x726FDB47DD0E0E31
    assert _siphash24_reference(key, bytes(range(8))) == 0x93F5F5799A932462


def test_a_number_is_keyed_siphash_of_its_value():
    key = hashlib.sha256(b"secret").digest()
    sip_key = hashlib.blake2b(b"workforce siphash key", key=key, digest_size=16).digest()
    expected = format(_siphash24_reference(sip_key, (123).to_bytes(8, "little")), "016x")  # computed independently
    ids = Pseudonymiser("secret").hash(pd.Series(["000123", "12 3", "123.0"])).tolist()
    assert ids == [expected] * 3


def test_other_identifiers_are_keyed_blake2b_of_the_canonical_text():
    key = hashlib.sha256(b"secret").digest()
    expected = hashlib.blake2b(b"AB123", key=key, digest_size=8).hexdigest()  # computed independently
    long_number = "1" * 25   # too long for 64 bits: hashed as text
    assert Pseudonymiser("secret").hash(pd.Series(["ab 123", long_number])).tolist() == [
        expected, hashlib.blake2b(long_number.encode(), key=key, digest_size=8).hexdigest()]


def test_many_numbers_hash_as_one_at_a_time():
    p = Pseudonymiser("secret")
    values = pd.Series([str(n) for n in range(0, 3000, 7)] + ["18446744073709551615", "9999999999999999999"])
    one_by_one = [p.hash(pd.Series([v]))[0] for v in values]
    ids, keys = p.hash_keys(values)
    assert ids.tolist() == one_by_one
    assert [format(int(k), "016x") for k in keys] == one_by_one


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


# ---------------------------------------------------------------- identifiers never quoted in a report


def _misaligned_export(tmp_path):
    """A staff export whose last rows put identifiers under other headers (a second table in another order)."""
    from conftest import HEADERS, staff_row, write_xlsx

    rows = [HEADERS] + [staff_row(i) for i in range(6)]
    rows.append(staff_row(6, Ethnic_Origin="QQ 12 34 56 C", Gender="14/07/1984", Pay_Band="1003",
                          Staff_Group="jo.bloggs@nhs.net", Disability="LE1 5WW", Job_Role="Nurse"))
    rows.append(staff_row(7, Ethnic_Origin="Surname2", Gender="1984-07-14", Pay_Band="20041975",
                          Assignment_Category="Surname4"))
    return write_xlsx(tmp_path / "misaligned.xlsx", {"Staff": rows})


def test_a_report_never_quotes_an_identifier_from_a_misaligned_row(tmp_path):
    import workforce

    report = workforce.load_staff(_misaligned_export(tmp_path)).report
    quoted = report.problems["value"].dropna().astype(str).tolist()
    for secret in ("QQ 12 34 56 C", "14/07/1984", "1003", "jo.bloggs@nhs.net", "LE1 5WW", "Surname2", "1984-07-14",
                   "20041975", "Surname4"):
        assert not any(secret in v for v in quoted), secret
    withheld = report.problems[report.problems["value"].astype(str).str.startswith("(withheld: looks like")]
    assert set(withheld["row"]) == {8, 9}
    assert {"an NI number", "a postcode", "a date", "an identifier in this file", "an email address"} <= {
        v.removeprefix("(withheld: looks like ").removesuffix(")") for v in withheld["value"]}


def test_ordinary_values_are_still_quoted(tmp_path):
    from conftest import HEADERS, staff_row, write_xlsx

    import workforce

    rows = [HEADERS] + [staff_row(i) for i in range(3)] + [staff_row(3, Pay_Band="Band 55", Gender="Robot")]
    report = workforce.load_staff(write_xlsx(tmp_path / "odd.xlsx", {"Staff": rows})).report
    assert {"Band 55", "Robot"} <= set(report.problems["value"].dropna())


def test_an_organisation_that_looks_like_a_postcode_or_date_is_never_one(tmp_path):
    from conftest import HEADERS, staff_row, write_xlsx

    import workforce

    rows = [HEADERS] + [staff_row(i) for i in range(4)]
    rows += [staff_row(4, Organisation="LE1 5WW"), staff_row(5, Organisation="31/03/2025")]
    staff = workforce.load_staff(write_xlsx(tmp_path / "org.xlsx", {"Staff": rows}))
    assert set(staff.assignments["organisation"].astype(str)) == {"Test Trust"}
    odd = staff.report.problems[staff.report.problems["code"] == "organisation_looks_like_identifier"]
    assert odd["row"].tolist() == [6, 7] and not odd["value"].isin(["LE1 5WW", "31/03/2025"]).any()
    counts = staff.report.counts.iloc[0]
    assert (counts["rows_read"], counts["rows_used"], counts["rows_excluded"]) == (6, 4, 2)
