"""Locust users for benchmarks/load.py: sales reps on the API, 5 reads to 1 write (issue 7, load test).

Each user signs in with one rep's API token (HUIKE_LOAD_PLAN, written by load.py: tokens and each rep's
customer ids) and reads its list, searches, opens customers; one task in six writes (edit a customer or
add a follow-up). Requests are named by kind, so the report groups reads and writes.
"""
from __future__ import annotations

import datetime as dt
import itertools
import json
import os
import random

from locust import HttpUser, between, task

PLAN = json.loads(open(os.environ["HUIKE_LOAD_PLAN"], encoding="utf-8").read())
SEATS = itertools.cycle(PLAN["reps"])
SEARCHES = ["科技", "贸易", "138", "制造", "有限", "C0001"]


class Rep(HttpUser):
    wait_time = between(0.5, 1.5)

    def on_start(self):
        seat = next(SEATS)
        self.client.headers["Authorization"] = f"Token {seat['token']}"
        self.customers = seat["customers"]
        self.rng = random.Random(seat["token"])

    # --- reads (5) ---------------------------------------------------------------------------------------------
    @task(2)
    def list_page(self):
        self.client.get(f"/api/v1/customers/?page={self.rng.randint(1, 5)}", name="read: customer list")

    @task(1)
    def search(self):
        self.client.get(f"/api/v1/customers/?search={self.rng.choice(SEARCHES)}", name="read: search")

    @task(2)
    def detail(self):
        self.client.get(f"/api/v1/customers/{self.rng.choice(self.customers)}/", name="read: customer detail")

    # --- writes (1) --------------------------------------------------------------------------------------------
    @task(1)
    def write(self):
        customer = self.rng.choice(self.customers)
        if self.rng.random() < 0.5:
            self.client.patch(f"/api/v1/customers/{customer}/", json={"remarks": f"load {self.rng.random():.6f}"},
                              name="write: edit customer")
        else:
            when = (dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=5)).isoformat()
            self.client.post("/api/v1/followups/", json={"customer": customer, "method": "phone", "content": "回访",
                                                         "occurred_at": when}, name="write: add follow-up")
