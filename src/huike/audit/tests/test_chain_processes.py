"""Two processes writing to one SQLite file keep one chain; `huike audit verify` exits non-zero on tampering."""
from __future__ import annotations

import sqlite3
import subprocess
import textwrap

import pytest

from huike.core.tests.processes import huike, huike_env, run_huike

WRITER = textwrap.dedent("""
    import sys
    from huike.audit.services import audit_event
    for i in range(40):
        audit_event(actor=None, action="test", object_type="test.process", object_id=int(sys.argv[1]) + i)
    print("done")
""")


@pytest.fixture
def migrated(tmp_path):
    result = run_huike(tmp_path, "migrate", "--skip-checks", "-v", "0", timeout=300)
    assert result.returncode == 0, result.stderr
    return tmp_path


def test_two_processes_append_to_one_chain_and_tampering_makes_verify_fail(migrated):
    # given two processes appending 40 entries each at the same time to one SQLite file
    script = migrated / "writer.py"
    script.write_text(WRITER)
    procs = [subprocess.Popen(huike("shell", "--no-imports", "-c",
                                    f"import sys; sys.argv=['w', '{start}']; exec(open({str(script)!r}).read())"),
                              env=huike_env(migrated), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for start in (0, 1000)]
    outputs = [p.communicate(timeout=240) for p in procs]
    for p, (out, err) in zip(procs, outputs):
        assert p.returncode == 0, err
    # when the chain is verified, then it holds (exit 0)
    ok = run_huike(migrated, "audit", "verify")
    assert (ok.returncode, ok.stdout.strip()) == (0, "audit chain intact")
    # when one entry is changed in the file behind the app's back
    db = sqlite3.connect(migrated / "huike.sqlite3")
    with db:
        rows = [r[0] for r in db.execute("SELECT id FROM audit_auditentry ORDER BY id")]
        db.execute("UPDATE audit_auditentry SET object_id = 7 WHERE id = ?", (rows[50],))
    db.close()
    # then verify exits non-zero naming that entry, and there were 80 entries in one line
    bad = run_huike(migrated, "audit", "verify")
    assert len(rows) == 80
    assert bad.returncode == 1
    assert f"audit chain broken at entry {rows[50]}: content hash mismatch" in bad.stderr
