"""RFM scores (1–5 each, by quintile) and k-means segments on the scaled RFM features (R-5.5).

Pure numpy / scikit-learn: columns in, scores and segment labels out, plus the small model
(cut points, scaler, centres) that scores one customer later exactly as the run did.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

MAX_FIT_ROWS = 50_000
MAX_SILHOUETTE_ROWS = 4_000


@dataclass(frozen=True)
class RfmModel:
    r_cuts: list[float]
    f_cuts: list[float]
    m_cuts: list[float]
    mean: list[float]
    std: list[float]
    centres: list[list[float]]  # scaled space, ordered by monetary (segment 1 = highest)

    def as_dict(self) -> dict:
        return self.__dict__.copy()

    @classmethod
    def from_dict(cls, d: dict) -> "RfmModel | None":
        return cls(**d) if d else None


def _cuts(values: np.ndarray) -> list[float]:
    if len(values) == 0:
        return [0.0, 0.0, 0.0, 0.0]
    return [float(q) for q in np.quantile(values, [0.2, 0.4, 0.6, 0.8])]


def score(values: np.ndarray, cuts: list[float]) -> np.ndarray:
    """1..5: how many quintile cuts the value passes, plus one."""
    return (np.searchsorted(np.asarray(cuts), values, side="right") + 1).clip(1, 5).astype(np.int8)


def raw_features(recency_days: np.ndarray, frequency: np.ndarray, monetary_yuan: np.ndarray) -> np.ndarray:
    """log1p makes the heavy tails of order counts and amounts comparable; recency is 'less is better'."""
    return np.column_stack([np.log1p(recency_days), np.log1p(frequency), np.log1p(monetary_yuan)]).astype(np.float64)


def _choose_k(x: np.ndarray, rng: np.random.Generator) -> int:
    from sklearn.cluster import KMeans
    from sklearn.metrics import silhouette_score

    sample = x[rng.choice(len(x), size=min(len(x), MAX_SILHOUETTE_ROWS), replace=False)]
    best_k, best = 2, -2.0
    for k in range(2, 7):
        if len(np.unique(sample, axis=0)) <= k:
            break
        labels = KMeans(n_clusters=k, n_init=3, random_state=0).fit_predict(sample)
        s = silhouette_score(sample, labels)
        if s > best:
            best_k, best = k, s
    return best_k


def fit(recency_days: np.ndarray, frequency: np.ndarray, monetary_yuan: np.ndarray, k: int = 0,
        seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, RfmModel | None]:
    """Scores and segments for customers who have ordered (the caller passes only those)."""
    n = len(recency_days)
    empty = np.zeros(0, dtype=np.int8)
    if n == 0:
        return empty, empty, empty, np.zeros(0, dtype=np.int16), None
    r_cuts = _cuts(-recency_days)
    f_cuts, m_cuts = _cuts(frequency), _cuts(monetary_yuan)
    r, f, m = score(-recency_days, r_cuts), score(frequency, f_cuts), score(monetary_yuan, m_cuts)
    x = raw_features(recency_days, frequency, monetary_yuan)
    mean, std = x.mean(axis=0), x.std(axis=0)
    std[std == 0] = 1.0
    xs = (x - mean) / std
    distinct = len(np.unique(xs[: min(n, 10_000)], axis=0))
    if distinct < 2:
        segments = np.ones(n, dtype=np.int16)
        return r, f, m, segments, RfmModel(r_cuts, f_cuts, m_cuts, mean.tolist(), std.tolist(), [xs[0].tolist()])
    from sklearn.cluster import KMeans

    rng = np.random.default_rng(seed)
    k = min(k or _choose_k(xs, rng), distinct)
    fit_rows = xs[rng.choice(n, size=min(n, MAX_FIT_ROWS), replace=False)]
    km = KMeans(n_clusters=k, n_init=3, random_state=seed).fit(fit_rows)
    order = np.argsort(-km.cluster_centers_[:, 2])  # by monetary, high first: labels stable across runs
    centres = km.cluster_centers_[order]
    segments = assign(xs, centres)
    return r, f, m, segments, RfmModel(r_cuts, f_cuts, m_cuts, mean.tolist(), std.tolist(), centres.tolist())


def assign(xs: np.ndarray, centres: np.ndarray) -> np.ndarray:
    """1-based nearest centre, in chunks so a million rows stay within memory."""
    out = np.empty(len(xs), dtype=np.int16)
    c = np.asarray(centres)
    for start in range(0, len(xs), 200_000):
        block = xs[start:start + 200_000]
        d = ((block[:, None, :] - c[None, :, :]) ** 2).sum(axis=2)
        out[start:start + 200_000] = d.argmin(axis=1) + 1
    return out


def score_one(model: RfmModel, recency_days: float, frequency: float, monetary_yuan: float) -> tuple[int, int, int, int]:
    r = int(score(np.array([-recency_days]), model.r_cuts)[0])
    f = int(score(np.array([frequency]), model.f_cuts)[0])
    m = int(score(np.array([monetary_yuan]), model.m_cuts)[0])
    x = (raw_features(np.array([recency_days]), np.array([frequency]), np.array([monetary_yuan]))
         - np.array(model.mean)) / np.array(model.std)
    return r, f, m, int(assign(x, np.array(model.centres))[0])


def describe(model: RfmModel, segment: int) -> dict[str, float]:
    """A segment's centre back in plain units: days since last order, orders a year, yuan a year."""
    centre = np.array(model.centres[segment - 1]) * np.array(model.std) + np.array(model.mean)
    recency, freq, money = np.expm1(centre)
    return {"recency_days": round(float(recency)), "orders": round(float(freq), 1), "amount": round(float(money))}
