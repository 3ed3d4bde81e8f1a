import numpy as np

from huike.classification.domain import rfm


def test_scores_are_quintiles_one_to_five():
    values = np.arange(1, 101, dtype=float)
    cuts = rfm._cuts(values)
    s = rfm.score(values, cuts)
    assert [int((s == k).sum()) for k in range(1, 6)] == [20, 20, 20, 20, 20]
    assert (s[0], s[-1]) == (1, 5)


def test_recent_buyers_score_high_on_recency():
    r, f, m, seg, model = rfm.fit(np.array([1.0, 400.0, 30.0, 200.0, 5.0]), np.array([10.0, 1, 5, 2, 8]),
                                  np.array([90000.0, 100, 20000, 500, 50000]), k=2)
    assert r[0] == 5 and r[1] == 1
    assert f[0] == 5 and m[0] == 5
    # segment 1 is the one with the highest spend
    assert seg[0] == 1 and seg[1] == 2
    assert rfm.score_one(model, 1.0, 10.0, 90000.0) == (int(r[0]), int(f[0]), int(m[0]), int(seg[0]))


def test_identical_customers_form_one_segment():
    r, f, m, seg, model = rfm.fit(np.full(5, 10.0), np.full(5, 2.0), np.full(5, 1000.0))
    assert seg.tolist() == [1, 1, 1, 1, 1]
    assert model.centres and len(model.centres) == 1


def test_k_is_chosen_by_silhouette_when_not_given():
    rng = np.random.default_rng(1)
    a = rng.normal([5, 20, 100000], [1, 2, 5000], size=(60, 3))
    b = rng.normal([300, 1, 500], [20, 0.3, 50], size=(60, 3))
    x = np.abs(np.vstack([a, b]))
    _, _, _, seg, model = rfm.fit(x[:, 0], x[:, 1], x[:, 2])
    assert len(model.centres) == 2
    assert set(seg[:60].tolist()) == {1} and set(seg[60:].tolist()) == {2}
    described = rfm.describe(model, 1)
    assert described["amount"] > 50000 and described["recency_days"] < 20


def test_no_customers_no_model():
    r, f, m, seg, model = rfm.fit(np.zeros(0), np.zeros(0), np.zeros(0))
    assert model is None and len(seg) == 0
