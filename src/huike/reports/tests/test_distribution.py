from rest_framework.test import APIClient

from huike.testing.factories import make_customer


def test_distribution_counts_the_callers_scope(org):
    # given two customers in team A (one high intent) and one in team B
    make_customer(org.ra1, intent="high", industry="it")
    make_customer(org.ra2, intent="low", industry="it")
    make_customer(org.rb1, intent="high", industry="finance")
    client = APIClient()

    def dist(user, by):
        client.force_authenticate(user)
        return client.get("/api/v1/reports/distribution/", {"by": by}).json()

    assert dist(org.admin, "intent") == [{"key": "high", "count": 2}, {"key": "low", "count": 1}]
    assert dist(org.ma, "intent") == [{"key": "high", "count": 1}, {"key": "low", "count": 1}]
    assert dist(org.ra1, "industry") == [{"key": "it", "count": 1}]
    assert dist(org.rb1, "value_tier") == [{"key": "", "count": 1}]
    client.force_authenticate(org.admin)
    response = client.get("/api/v1/reports/distribution/", {"by": "password"})
    assert response.status_code == 400 and "by" in response.json()
    client.force_authenticate(None)
    assert client.get("/api/v1/reports/distribution/", {"by": "intent"}).status_code == 401
