"""`huike serve`: gunicorn and the background worker start together, answer HTTP, stop together."""
from __future__ import annotations

import signal
import subprocess
import urllib.error
import urllib.request

import pytest

from .processes import alive, children_of, free_port, huike, huike_env, wait_for

START_SECONDS = 60


def _get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=5) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()
    except OSError:
        return 0, b""


@pytest.fixture
def server(tmp_path):
    port = free_port()
    proc = subprocess.Popen(huike("serve", "--port", str(port), "--workers", "1"), env=huike_env(tmp_path),
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        yield proc, f"http://127.0.0.1:{port}"
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait(timeout=10)
        for pid in children_of(proc.pid):
            subprocess.run(["kill", "-9", str(pid)], check=False)


def _kinds(pid: int) -> dict[str, int]:
    kids = children_of(pid)
    out = {}
    for child, cmd in kids.items():
        if "gunicorn" in cmd:
            out["web"] = child
        elif "run_huey" in cmd:
            out["worker"] = child
    return out


def _both(pid: int) -> dict[str, int] | None:
    kinds = _kinds(pid)
    return kinds if len(kinds) == 2 else None


def test_serve_answers_http_with_static_files_and_stops_both_children_on_sigterm(server):
    proc, url = server
    # given `huike serve` started on a free port
    status = wait_for(lambda: _get(f"{url}/api/v1/me/")[0], START_SECONDS)
    # then it answers HTTP (an anonymous API request is refused, not lost)
    assert status in (401, 403)
    static_status, body = _get(f"{url}/static/rest_framework/css/bootstrap.min.css")
    assert static_status == 200 and len(body) > 1000
    # and both children run
    kinds = wait_for(lambda: _both(proc.pid), 20)
    assert set(kinds) == {"web", "worker"}
    # when it is asked to stop
    proc.send_signal(signal.SIGTERM)
    # then it exits cleanly and takes both children with it
    assert proc.wait(timeout=30) == 0
    assert not alive(kinds["web"]) and not alive(kinds["worker"])


def test_serve_stops_the_web_server_and_fails_when_the_worker_dies(server):
    proc, url = server
    # given a running serve
    assert wait_for(lambda: _get(f"{url}/api/v1/me/")[0], START_SECONDS) in (401, 403)
    kinds = wait_for(lambda: _both(proc.pid), 20)
    # when the worker is killed
    subprocess.run(["kill", "-9", str(kinds["worker"])], check=True)
    # then serve stops gunicorn too and exits non-zero
    assert proc.wait(timeout=30) != 0
    assert not alive(kinds["web"])
    assert _get(f"{url}/api/v1/me/")[0] == 0
