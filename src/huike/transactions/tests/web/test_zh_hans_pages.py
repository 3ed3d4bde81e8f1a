"""Pages speak zh-Hans by default (the compiled catalogue is shipped) and English when the user picks it."""
from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from huike.testing.factories import make_complaint, make_customer, make_order


def chinese(client):
    del client.cookies[settings.LANGUAGE_COOKIE_NAME]
    return client


def test_order_list_renders_chinese_labels_by_default(client, org):
    # given ra1 with an order and no language chosen
    make_order(make_customer(org.ra1), org.ra1)
    chinese(client).force_login(org.ra1)
    # when the order list is opened
    body = client.get(reverse("transactions:orders")).content.decode()
    # then the headings and badges are in Chinese
    for label in ("订单管理", "下单日期", "产品/服务", "回款金额", "账款到期日", "未回款", "新建订单"):
        assert label in body


def test_complaint_detail_renders_chinese_deadlines_and_status(client, org):
    # given ra1's complaint and no language chosen
    complaint = make_complaint(make_customer(org.ra1), org.ra1, urgency="critical")
    chinese(client).force_login(org.ra1)
    # when the detail page is opened
    body = client.get(reverse("service:detail", args=[complaint.pk])).content.decode()
    # then deadlines, urgency and the status choices read in Chinese (closed is 已关闭, not the stage 成交)
    for label in ("客户投诉", "响应时限", "解决时限", "特急", "待处理", "已响应", "已关闭", "处理结果"):
        assert label in body


def test_admin_pages_render_chinese_roles_and_english_on_request(client, org):
    # given the admin and no language chosen
    chinese(client).force_login(org.admin)
    # when the user list is opened in the default language, then with English picked
    zh = client.get(reverse("accounts:users")).content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    en = client.get(reverse("accounts:users")).content.decode()
    # then the default is Chinese and the English page has the English labels
    assert all(label in zh for label in ("用户管理", "用户名", "销售人员", "销售主管", "管理员", "新建用户"))
    assert all(label in en for label in ("Users", "User name", "Sales rep", "Sales manager", "New user"))
    assert "用户管理" not in en


def test_catalogue_has_no_fuzzy_or_empty_entry_and_the_mo_matches_the_po():
    # given the shipped zh-Hans catalogue
    import gettext
    import re
    from pathlib import Path

    folder = Path(settings.LOCALE_PATHS[0]) / "zh_Hans" / "LC_MESSAGES"
    po = (folder / "django.po").read_text(encoding="utf-8")
    body = po.split("\n\n", 1)[1]
    # when it is read / then nothing is fuzzy or untranslated, and every msgid is in the compiled .mo
    assert "#, fuzzy" not in body
    assert re.findall(r'^msgstr(?:\[0\])? ""\n(?!")', body + "\n", flags=re.M) == []
    with open(folder / "django.mo", "rb") as fh:
        catalogue = gettext.GNUTranslations(fh)._catalog
    msgids = len(re.findall(r"^msgid ", body, flags=re.M))
    assert len([k for k in catalogue if k]) == msgids
