"""A classification run: features by SQL, rules vectorised, results written in bulk where they changed."""
from __future__ import annotations

import datetime as dt
import json
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


class EvidenceRows:
    """The stored evidence of the changed rows, formatted in bulk.

    What the customer page and the API show are the inputs, so every check can be re-stated in words
    later (evidence.explain). Columns become Python lists once; each row is one string template fill,
    which keeps a first run over a million customers in seconds.
    """

    def __init__(self, ft: FeatureTable, res: Results, rows: np.ndarray, run_id: int | None, as_of: dt.date,
                 thresholds_id: int, stage_since: np.ndarray):
        # the chunk's rows are taken before stacking: stacking every customer's columns for each chunk cost
        # 6 s of a monthly run at 1M customers
        self.features = np.column_stack([ft.columns[n][rows].astype(np.int64) for n in FEATURE_NAMES]).tolist()
        self.tier, self.klass, self.rel = res.tier[rows].tolist(), res.klass[rows].tolist(), res.rel[rows].tolist()
        self.rfm = np.column_stack([res.r[rows], res.f[rows], res.m[rows]]).tolist()
        self.segment = res.segment[rows].tolist()
        # a JSON text per distinct day, not per row: a chunk's customers share a few thousand days
        days, at = np.unique(stage_since[rows], return_inverse=True)
        texts = [json.dumps(dt.date.fromordinal(v).isoformat() if v else None) for v in days.tolist()]
        self.stage_since = [texts[k] for k in at.tolist()]
        keys = ",".join(f'"{n}":%d' for n in FEATURE_NAMES)
        self.head = '{"run":%s,"thresholds":%d,"as_of":"%s",' % (json.dumps(run_id), thresholds_id, as_of.isoformat())
        self.template = '"stage_since":%s,"features":{' + keys + '},"value_tier":%s,"value_class":"%s",' \
            '"value_class_pending":%s,"relationship_type":"%s","rfm":%s,"segment":%s}'

    def row(self, j: int, klass_pending: bool) -> str:
        tier = self.tier[j]
        r, f, m = self.rfm[j]
        return self.head + self.template % (
            self.stage_since[j], *self.features[j], f'"{TIER_CODES[tier]}"' if tier >= 0 else "null",
            CLASS_CODES[self.klass[j]], "true" if klass_pending else "false", RELATIONSHIP_CODES[self.rel[j]],
            f"[{r},{f},{m}]" if r else "null", self.segment[j] or "null")
