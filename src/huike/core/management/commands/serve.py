"""`huike serve`: gunicorn and the background worker as two child processes, supervised together.

Either child dying stops the other and the command exits non-zero, so a process
manager (systemd, docker) sees one failed service instead of half a Huike.
SIGINT / SIGTERM are forwarded; the children get a grace period, then SIGKILL.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

GRACE_SECONDS = 15


def default_workers() -> int:
    return max(2, min(4, (os.cpu_count() or 1) + 1))


class Command(BaseCommand):
    help = "Serve Huike with gunicorn plus the background worker (one command for production)."
    requires_system_checks: list = []

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=default_workers(), help="gunicorn worker processes")
        parser.add_argument("--no-collectstatic", action="store_true", help="skip collecting static files")

    def handle(self, *args, **opts):
        self.check(display_num_errors=False)
        if not opts["no_collectstatic"]:
            call_command("collectstatic", interactive=False, verbosity=0)
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "huike.config.settings")}
        web_cmd = [
            sys.executable, "-m", "gunicorn", "huike.config.wsgi:application",
            "--bind", f"{opts['host']}:{opts['port']}", "--workers", str(opts["workers"]),
            "--access-logfile", "-", "--graceful-timeout", str(GRACE_SECONDS - 5), "--timeout", "60",
        ]
        worker_cmd = [sys.executable, "-m", "huike.manage", "run_huey"]
        self.stdout.write(f"Huike at http://{opts['host']}:{opts['port']}/ (data: {settings.DATA_DIR}); "
                          f"background worker on {settings.HUEY['huey_class']}. Ctrl-C stops both.")
        self.stdout.flush()
        children = {"web": subprocess.Popen(web_cmd, env=env), "worker": subprocess.Popen(worker_cmd, env=env)}
        code = self._supervise(children)
        if code:
            raise CommandError(f"stopped: {code}", returncode=1)

    def _supervise(self, children: dict[str, subprocess.Popen]) -> str:
        stop = {"signal": None}

        def on_signal(signum, _frame):
            stop["signal"] = signum

        previous = {s: signal.signal(s, on_signal) for s in (signal.SIGINT, signal.SIGTERM)}
        try:
            while stop["signal"] is None:
                dead = [name for name, p in children.items() if p.poll() is not None]
                if dead:
                    _stop_all(children)
                    return f"the {dead[0]} process exited with code {children[dead[0]].returncode}"
                time.sleep(0.2)
            _stop_all(children)
            return ""
        finally:
            for s, handler in previous.items():
                signal.signal(s, handler)


# The graceful stop of each: gunicorn finishes requests on SIGTERM, huey finishes tasks on SIGINT.
STOP_SIGNALS = {"web": signal.SIGTERM, "worker": signal.SIGINT}


def _stop_all(children: dict[str, subprocess.Popen]) -> None:
    for name, p in children.items():
        if p.poll() is None:
            p.send_signal(STOP_SIGNALS[name])
    deadline = time.monotonic() + GRACE_SECONDS
    for p in children.values():
        try:
            p.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
