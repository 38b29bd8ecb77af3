"""A trust's population benchmark: its catchment where the package has it, otherwise its ICB."""

from __future__ import annotations

from ..errors import PopulationError
from ._areas import catchment_shares, trusts
from ._benchmark import Benchmark
from ._census import population

__all__ = ["trust_population"]


def trust_population(code: str) -> tuple[Benchmark, str | None]:
    """A trust's benchmark (its catchment, else its ICB) and a note saying which, or any area's.

    Parameters
    ----------
    code : str
        A trust's ODS code (such as ``RWE``), or any area
        :func:`workforce.population` knows.

    Returns
    -------
    benchmark, note
        The benchmark, and a note for the reader when a trust is compared
        with its ICB (``None`` otherwise).

    Examples
    --------
    >>> benchmark, note = trust_population("RWE")
    >>> note.split(":")[0]
    'UNIVERSITY HOSPITALS OF LEICESTER NHS TRUST (RWE) is compared with its ICB, NHS Leicester, Leicestershire and Rutland Integrated Care Board'
    """
    trust = trusts().get(code.strip().upper())
    if trust is None:
        return population(code), None   # not a trust code: raises with the valid options, or an area
    if catchment_shares() is not None:
        try:
            return population(trust.code), None
        except PopulationError:
            pass   # a trust with no catchment (not acute): its ICB below
    if not trust.icb_ods:
        raise PopulationError(f"{trust.code} ({trust.name}) has no catchment in the package and no ICB recorded; "
                              "compare it with an area (--area) instead.")
    note = (f"{trust.name} ({trust.code}) is compared with its ICB, {trust.icb_name}: trust catchment shares are "
            "not shipped with the package (their licence could not be confirmed).")
    return population(trust.icb_ods), note
