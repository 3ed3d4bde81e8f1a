"""A classification run: features by SQL, rules vectorised, results written in bulk where they changed."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from .domain import rfm
from .domain.features import FEATURE_NAMES, FeatureTable
from .domain.rules import (
    CLASS_CODES, RELATIONSHIP_CODES, TIER_CODES, TierCuts, relationship_batch, value_class_batch, value_tier_batch,
    value_tier_single,
)
from .domain.thresholds import Thresholds
from .features_sql import Snapshot

_MIX = np.uint64(0x9E3779B97F4A7C15)


@dataclass
class Results:
    tier: np.ndarray      # index into TIER_CODES, -1 = unknown (no run to compare with)
    klass: np.ndarray     # index into CLASS_CODES
    rel: np.ndarray       # index into RELATIONSHIP_CODES
    r: np.ndarray
    f: np.ndarray
    m: np.ndarray
    segment: np.ndarray   # 0 = none (no orders)
    hashes: np.ndarray    # int64 fingerprint of results + evidence
    model: dict           # tier cuts and RFM model of this run


def _hash(columns: list[np.ndarray]) -> np.ndarray:
    """A vectorised 64-bit fingerprint (splitmix-style) of several integer columns per row."""
    with np.errstate(over="ignore"):
        h = np.zeros(len(columns[0]), dtype=np.uint64)
        for col in columns:
            h ^= col.astype(np.int64).view(np.uint64) + _MIX + (h << np.uint64(6)) + (h >> np.uint64(2))
            h *= np.uint64(0xBF58476D1CE4E5B9)
            h ^= h >> np.uint64(31)
    return h.view(np.int64)


def _rfm_inputs(ft: FeatureTable, as_of: dt.date):
    ordered = ft.last_order > 0
    recency = (as_of.toordinal() - ft.last_order).astype(np.float64)
    return ordered, recency, ft.cnt_annual.astype(np.float64), ft.amt_annual.astype(np.float64) / 100


def compute(snap: Snapshot, t: Thresholds, as_of: dt.date, previous_model: dict | None = None) -> Results:
    """The whole population at once (previous_model None), or a few customers scored by a run's model."""
    ft = snap.features
    n = len(ft)
    klass = value_class_batch(ft.amt_class, t)
    rel = relationship_batch(ft, t, as_of)
    ordered, recency, freq, money = _rfm_inputs(ft, as_of)
    r = np.zeros(n, dtype=np.int8)
    f = np.zeros(n, dtype=np.int8)
    m = np.zeros(n, dtype=np.int8)
    segment = np.zeros(n, dtype=np.int16)
    if previous_model is None:
        tier, cuts = value_tier_batch(ft.amt_tier, t)
        rr, ff, mm, ss, model = rfm.fit(recency[ordered], freq[ordered], money[ordered], k=t.segments_k)
        r[ordered], f[ordered], m[ordered], segment[ordered] = rr, ff, mm, ss
        model_dict = {"tier_cuts": cuts.__dict__, "rfm": model.as_dict() if model else None}
    else:
        model_dict = previous_model
        cuts = TierCuts(**previous_model["tier_cuts"]) if previous_model.get("tier_cuts") else None
        tier = np.array([TIER_CODES.index(value_tier_single(int(a), cuts)) if cuts else -1 for a in ft.amt_tier],
                        dtype=np.int8)
        model = rfm.RfmModel.from_dict(previous_model.get("rfm"))
        for i in np.flatnonzero(ordered):
            if model is not None:
                r[i], f[i], m[i], segment[i] = rfm.score_one(model, recency[i], freq[i], money[i])
    stage_since = snap.current["stage_since"]
    hashes = _hash([tier, klass, rel, r, f, m, segment, stage_since, *(ft.columns[name] for name in FEATURE_NAMES)])
    return Results(tier, klass, rel, r, f, m, segment, hashes, model_dict)
