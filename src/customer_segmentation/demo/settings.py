"""Run-wide settings shared by every chunk, validated once up front."""

from __future__ import annotations

from dataclasses import dataclass

from .catalog import Catalog
from .text import digits_needed
from .timeline import Window

CHF_RATES_START_FRACTION = 0.3  # with dirt on, CHF rates begin 30% into the window


@dataclass(frozen=True)
class Context:
    """Immutable facts every chunk needs: window, catalogue, size, switches, id widths."""

    window: Window
    catalog: Catalog
    total_customers: int
    dirty: bool
    currencies: bool

    @property
    def chf_first_day(self) -> int:
        """First day with a CHF rate; CHF lines before it cannot be converted (dirt)."""
        return int(self.window.days * CHF_RATES_START_FRACTION) if self.dirty else 0

    @property
    def customer_id_width(self) -> int:
        """Digits in customer ids: 7 as in `C0000001`, more only for huge runs.

        Unknown-customer dirt uses numbers up to 2N + 1000, which must fit as well.
        """
        return max(7, digits_needed(2 * self.total_customers + 1001))

    def id_width(self, default: int, per_customer_digits: int) -> int:
        """Width for an id family whose count is below 10**per_customer_digits per customer."""
        return max(default, digits_needed(self.total_customers) + per_customer_digits)
