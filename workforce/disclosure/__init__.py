"""Statistical disclosure control: small counts suppressed, over everything published together, and audited."""

from ._publication import Audit, Link, Ref, audit, check_rounding, check_threshold, round_counts, suppress
from ._suppress import DEFAULT_THRESHOLD, Derived, Margin, Part, suppress_counts

__all__ = ["suppress", "audit", "round_counts", "Audit", "Link", "Ref", "check_threshold", "check_rounding",
           "suppress_counts", "Margin", "Part",
           "Derived", "DEFAULT_THRESHOLD"]
