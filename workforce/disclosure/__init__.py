"""Statistical disclosure control: small counts suppressed before anything is published."""

from ._suppress import DEFAULT_THRESHOLD, Derived, Margin, Part, suppress, suppress_counts

__all__ = ["suppress", "suppress_counts", "Margin", "Part", "Derived", "DEFAULT_THRESHOLD"]
