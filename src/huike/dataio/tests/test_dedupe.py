"""Duplicate scan (R-2.3): groups by phone, email, credit code, normalised name, sound and near names."""
from __future__ import annotations

import pytest

from huike.customers.models import Customer
from huike.dataio.dedupe import find_groups, pinyin_key, scan_start
from huike.dataio.models import DuplicateScan
from huike.testing.factories import make_customer

pytestmark = pytest.mark.django_db


def test_pinyin_key_hears_homophones():
    # given two names written differently that sound the same, and one that does not
    # then the first two share a key
    assert pinyin_key("华为") == pinyin_key("化为") == "huawei"
    assert pinyin_key("华为") != pinyin_key("中兴")


def groups_by_reason(groups) -> dict[str, list[list[int]]]:
    out: dict[str, list[list[int]]] = {}
    for g in groups:
        out.setdefault(g["reason"], []).append(g["ids"])
    return out


def test_scan_groups_same_names_homophones_and_near_names_in_scope(org):
    # given, in team A: the same company written with full-width letters and a legal form, a homophone, a
    # near name, an unrelated company; and in team B a copy of the first name
    a = make_customer(org.ra1, name="北京ＡＢＣ科技有限公司")
    b = make_customer(org.ra2, name="abc科技股份有限公司")
    c = make_customer(org.ra1, name="华为技术有限公司")
    d = make_customer(org.ra2, name="化为技术有限公司")
    e = make_customer(org.ra1, name="星辰大海网络科技有限公司")
    f = make_customer(org.ra2, name="星辰大海网络科技发展有限公司")
    make_customer(org.ra1, name="完全不同贸易有限公司")
    make_customer(org.rb1, name="ABC科技有限公司")
    # when manager ma scans
    scanned, groups = find_groups(org.ma)
    # then team A's seven customers were scanned and three groups found, each with its reason and score
    by_reason = groups_by_reason(groups)
    assert scanned == 7
    assert by_reason["name"] == [sorted([a.pk, b.pk])]
    assert by_reason["pinyin"] == [sorted([c.pk, d.pk])]
    assert by_reason["similar"] == [sorted([e.pk, f.pk])]
    assert [g["score"] for g in groups] == sorted([g["score"] for g in groups], reverse=True)
    assert {g["reason"]: g["score"] for g in groups}["name"] == 0.95


def test_rep_cannot_scan_and_nothing_is_recorded(org):
    # given a rep
    from huike.core.errors import Forbidden

    # when the rep starts a scan, then it is refused and no scan row exists
    with pytest.raises(Forbidden):
        scan_start(actor=org.ra1)
    assert DuplicateScan.objects.count() == 0


def test_large_scope_is_scanned_by_the_worker(org, settings, django_capture_on_commit_callbacks):
    # given three customers, two with the same normalised name, and an inline limit of two
    settings.HUIKE_DUPLICATE_SCAN_INLINE_MAX = 2
    a, b = make_customer(org.ra1, name="同名有限公司"), make_customer(org.ra2, name="同名公司")
    make_customer(org.ra1, name="别名有限公司")
    # when the admin starts a scan (the worker runs it after commit)
    with django_capture_on_commit_callbacks(execute=True):
        scan = scan_start(actor=org.admin)
    # then the stored scan is done with the group
    scan = DuplicateScan.objects.get(pk=scan.pk)
    assert (scan.status, scan.scanned) == ("done", 3)
    assert [(g["reason"], g["ids"]) for g in scan.groups] == [("name", sorted([a.pk, b.pk]))]


def test_duplicates_page_lists_groups_for_managers_only(client, org):
    # given two records with the same normalised name in team A
    make_customer(org.ra1, name="页面重复有限公司"), make_customer(org.ra2, name="页面重复")
    # when manager ma scans on the page and a rep opens it
    client.force_login(org.ma)
    client.post("/data/duplicates/scan/")
    page = client.get("/data/duplicates/")
    client.force_login(org.ra1)
    rep = client.get("/data/duplicates/")
    # then the manager sees one group of two; the rep is refused
    assert page.status_code == 200 and [len(g["customers"]) for g in page.context["groups"]] == [2]
    assert rep.status_code == 403
