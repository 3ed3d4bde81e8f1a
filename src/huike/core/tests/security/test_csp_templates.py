"""Templates stay within the Content-Security-Policy: no inline script, no inline event handler, no
javascript: URL, no hx-on (htmx evaluates it as code). A page that needs behaviour puts it in a static
file (confirmations: `data-confirm="…"` on the form, handled by static/js/huike.js)."""
import re
from pathlib import Path

APP = Path(__file__).resolve().parents[3]
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
EVENT_ATTRIBUTE = re.compile(r"""\son[a-z]+\s*=\s*["']""", re.IGNORECASE)
OTHER = re.compile(r"javascript:|\bhx-on", re.IGNORECASE)


def _templates():
    for path in sorted(APP.rglob("*.html")):
        if "/static/" not in path.as_posix():
            yield path


def test_no_template_has_inline_script_or_event_handlers():
    found = []
    for path in _templates():
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if INLINE_SCRIPT.search(line) or EVENT_ATTRIBUTE.search(line) or OTHER.search(line):
                found.append(f"{path.relative_to(APP)}:{n}: {line.strip()[:100]}")
    assert found == [], "blocked by the CSP; use a static script (data-confirm for confirmations):\n" + "\n".join(found)


def test_the_check_sees_each_pattern():
    samples = ['<script>alert(1)</script>', '<form onsubmit="return confirm(1)">', '<a href="javascript:x()">',
               '<div hx-on::after-request="x()">']
    assert [bool(INLINE_SCRIPT.search(s) or EVENT_ATTRIBUTE.search(s) or OTHER.search(s)) for s in samples] == [True] * 4
    assert not INLINE_SCRIPT.search('<script src="/static/js/huike.js" defer></script>')
