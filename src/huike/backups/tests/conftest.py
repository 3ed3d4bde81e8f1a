"""Fixtures for backup tests: the key, a media folder, varied data, empty target databases."""
from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import uuid
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connections

KEY = "backup-test-key-0123456789"
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF"
TRICKY = ["北京汇客科技有限公司", "O'Brien & Söhne \"GmbH\"", "emoji 😀🚀 ｆｕｌｌ ｗｉｄｔｈ", "line\nbreak\ttab",
          "𠀀𪚥 rare CJK", "%s %% ; DROP TABLE x; --", "长" * 200]


@pytest.fixture(autouse=True)
def backup_key(monkeypatch):
    monkeypatch.setenv("HUIKE_BACKUP_KEY", KEY)
    return KEY


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.HUIKE_BACKUP_DIR = tmp_path / "backups"  # each test its own backups folder
    return settings.MEDIA_ROOT


@pytest.fixture
def rich_data(org, media):
    """Customers with awkward text, follow-ups with an uploaded file, orders, contracts, complaints, a token."""
    from rest_framework.authtoken.models import Token

    from huike.backups.services import schedule_get, schedule_update
    from huike.followups.services import followup_create
    from huike.testing.factories import make_complaint, make_contract, make_customer, make_followup, make_order

    customers = []
    for i, name in enumerate(TRICKY):
        owner = (org.ra1, org.ra2, org.rb1)[i % 3]
        c = make_customer(owner, name=name[:100], contact_name=name[:20], remarks=name)
        make_followup(c, owner, content=name, occurred_at=dt.datetime(2026, 1, 2, 3, 4, 5, 678901, tzinfo=dt.UTC))
        make_order(c, owner, amount=Decimal("1234.56") + i, product=name[:50])
        customers.append(c)
    make_contract(customers[0], org.ra1, amount=Decimal("99999.99"))
    make_complaint(customers[1], org.ra2, description=TRICKY[2])
    followup_create(actor=org.ra1, customer=customers[0], data={"method": "visit", "content": "签约"},
                    files=[SimpleUploadedFile("合同扫描.pdf", PDF, content_type="application/pdf")])
    Token.objects.create(user=org.admin)
    schedule_get()
    schedule_update(actor=org.admin, data={"frequency": "daily", "at": "02:00", "weekday": 0, "keep": 3})
    return customers


def comparable(rows: dict) -> dict:
    """A canonical export without what backing up and restoring add by design: their audit entries (written
    after the snapshot, or into the restored database) and the audit chain head that follows them."""
    from huike.audit.models import AuditEntry
    from huike.backups.dump import columns

    out = {k: v for k, v in rows.items() if k != "audit.AuditChainHead"}
    action = columns(AuditEntry).index("action")
    out["audit.AuditEntry"] = [r for r in rows["audit.AuditEntry"] if r[action] not in ("backup", "restore")]
    return out


def media_files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(Path(root).rglob("*")) if p.is_file()}


@pytest.fixture(scope="session")
def pg_server():
    from huike.testing import pgserver

    return pgserver.start()


@pytest.fixture
def empty_database(tmp_path, request):
    """A database URL with nothing in it (no tables) of the kind asked for: "sqlite" or "postgres"."""
    def make(kind: str) -> str:
        if kind == "sqlite":
            return f"sqlite:///{tmp_path / f'target-{uuid.uuid4().hex[:6]}.sqlite3'}"
        server = request.getfixturevalue("pg_server")
        import psycopg

        name = f"restore_{uuid.uuid4().hex[:10]}"
        with psycopg.connect(server.url, autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name}")
        return server.url.rsplit("/", 1)[0] + f"/{name}"
    return make


def huike_cli(*args: str, database_url: str, data_dir: Path, key: str = KEY) -> subprocess.CompletedProcess:
    """The real `huike` command in its own process, against another database and data folder."""
    env = {k: v for k, v in os.environ.items() if k not in ("HUIKE_TEST_DB", "DJANGO_SETTINGS_MODULE")}
    env.update(DATABASE_URL=database_url, HUIKE_DATA_DIR=str(data_dir), HUIKE_BACKUP_KEY=key,
               DJANGO_SETTINGS_MODULE="huike.config.settings")
    return subprocess.run([sys.executable, "-m", "huike.manage", *args], env=env, capture_output=True, text=True,
                          timeout=600)


def vendor() -> str:
    return connections["default"].vendor
