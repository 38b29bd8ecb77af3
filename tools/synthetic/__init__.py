"""Deterministic generator of FICTIONAL NHS workforce exports (development tooling, not shipped).

:mod:`tools.synthetic.people`
    Staff-in-post frames (ESR columns) with built-in truths: the trust over
    several snapshots (:func:`~tools.synthetic.people.generate_trust`) or one
    large export for the benchmarks (:func:`~tools.synthetic.people.generate_export`).
:mod:`tools.synthetic.monthly`
    Month-end snapshots between the yearly ones: each year's leavers, joiners
    and promotions placed in months (:func:`~tools.synthetic.monthly.generate_monthly`).
:mod:`tools.synthetic.peers`
    Aggregated counts of further fictional organisations, for pooled estimates
    and funnel plots (:func:`~tools.synthetic.peers.peer_organisations`).
:mod:`tools.synthetic.inputs`
    Recruitment, case, training and board files made from one snapshot of a trust.
:mod:`tools.synthetic.xlsx`
    Writes the frames as ESR-shaped Excel workbooks, byte for byte the same on every run.
:mod:`tools.synthetic.sample_data`
    Writes the sample files shipped in ``sample_data/`` (installed as
    ``workforce.sample_data``): ``python -m tools.synthetic.sample_data [--out DIR]``.

The generator uses the package only through its public layer names
(``workforce.codes``, ``workforce.load``); the installed package ships the
generated files, never the generator.
"""
