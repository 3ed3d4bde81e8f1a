"""Background tasks of the core app (huey discovers `tasks` modules of installed apps)."""
from __future__ import annotations

from huey.contrib.djhuey import task


@task()
def health_check(token: str) -> str:
    """Proves a worker is consuming the queue: the caller waits for the echoed token."""
    return f"ok:{token}"
