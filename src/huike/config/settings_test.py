"""Test settings: SQLite by default; HUIKE_TEST_DB=postgres starts a throwaway PostgreSQL."""
import os
import tempfile

os.environ.setdefault("HUIKE_DATA_DIR", tempfile.mkdtemp(prefix="huike-test-"))

from .settings import *  # noqa: E402,F401,F403
from .settings import DATA_DIR, HUEY  # noqa: E402

if os.environ.get("HUIKE_TEST_DB") == "postgres":
    import dj_database_url

    from huike.testing import pgserver

    _pg = pgserver.start()
    DATABASES = {"default": dj_database_url.parse(_pg.url)}

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
HUEY = {**HUEY, "huey_class": "huey.SqliteHuey", "filename": str(DATA_DIR / "queue.sqlite3"), "immediate": True}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = DATA_DIR / "media"
