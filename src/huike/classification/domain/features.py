"""Per-customer inputs of the rules, as computed by set-based SQL for one as-of date.

Amounts are integer fen (cents) so that boundaries compare exactly; dates are day ordinals
(date.toordinal()), 0 meaning "none".
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields

import numpy as np


@dataclass(frozen=True)
class Features:
    amt_annual: int = 0          # fen, last annual window (12 months)
    cnt_annual: int = 0
    amt_class: int = 0           # fen, value-class window
    amt_tier: int = 0            # fen, value-tier window (6 months)
    amt_recent: int = 0          # fen, last churn window (3 months)
    amt_before_recent: int = 0   # fen, the churn window before that
    cnt_growth: int = 0          # orders, last growth window (6 months)
    cnt_growth_prev: int = 0     # orders, the growth window before that
    orders_ever: int = 0
    last_order: int = 0          # ordinal of the last order date up to as-of
    first_coop: int = 0          # ordinal of the first order or contract start
    complaints_annual: int = 0
    nonrenewed_streak: int = 0   # how many of the latest ended contracts in a row were not renewed
    core_business: bool = False
    proactive: bool = False
    new_demand: bool = False

    @property
    def last_order_date(self) -> dt.date | None:
        return dt.date.fromordinal(self.last_order) if self.last_order else None

    @property
    def first_coop_date(self) -> dt.date | None:
        return dt.date.fromordinal(self.first_coop) if self.first_coop else None


FEATURE_NAMES = tuple(f.name for f in fields(Features))


class FeatureTable:
    """The same features as numpy columns, one row per customer (the batch form)."""

    def __init__(self, ids: np.ndarray, columns: dict[str, np.ndarray]):
        self.ids = ids
        self.columns = columns

    def __len__(self) -> int:
        return len(self.ids)

    def __getattr__(self, name: str) -> np.ndarray:
        try:
            return self.__dict__["columns"][name]
        except KeyError:
            raise AttributeError(name) from None

    def row(self, i: int) -> Features:
        return Features(**{n: (bool(self.columns[n][i]) if n in ("core_business", "proactive", "new_demand")
                               else int(self.columns[n][i])) for n in FEATURE_NAMES})

    @classmethod
    def from_rows(cls, ids: list[int], rows: list[Features]) -> "FeatureTable":
        cols = {n: np.array([getattr(r, n) for r in rows], dtype=bool if n in ("core_business", "proactive", "new_demand")
                            else np.int64) for n in FEATURE_NAMES}
        return cls(np.array(ids, dtype=np.int64), cols)
