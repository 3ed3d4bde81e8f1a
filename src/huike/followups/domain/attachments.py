"""Which files a follow-up may carry (R-3.1): type by content, not by name; size capped."""
from __future__ import annotations

import os
import re

# extension -> accepted leading bytes
SIGNATURES: dict[str, tuple[bytes, ...]] = {
    "pdf": (b"%PDF-",),
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpg": (b"\xff\xd8\xff",),
    "jpeg": (b"\xff\xd8\xff",),
    "gif": (b"GIF87a", b"GIF89a"),
    "webp": (b"RIFF",),
    "docx": (b"PK\x03\x04",),
    "xlsx": (b"PK\x03\x04",),
    "pptx": (b"PK\x03\x04",),
    "doc": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",),
    "xls": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",),
}
CONTENT_TYPES = {
    "pdf": "application/pdf", "png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg", "gif": "image/gif",
    "webp": "image/webp",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "doc": "application/msword", "xls": "application/vnd.ms-excel",
}


def safe_filename(name: str) -> str:
    """The base name only, without path parts or control characters; never empty."""
    base = os.path.basename((name or "").replace("\\", "/"))
    base = re.sub(r"[\x00-\x1f\x7f/:*?\"<>|]", "_", base).strip(" .")
    return base[:150] or "file"


def check_attachment(name: str, head: bytes, size: int, max_bytes: int) -> str | None:
    """None when acceptable, else an error key: 'empty', 'too_large', 'type', 'mismatch'."""
    if size <= 0:
        return "empty"
    if size > max_bytes:
        return "too_large"
    ext = safe_filename(name).rsplit(".", 1)[-1].lower() if "." in name else ""
    if ext not in SIGNATURES:
        return "type"
    if not any(head.startswith(sig) for sig in SIGNATURES[ext]):
        return "mismatch"
    if ext == "webp" and head[8:12] != b"WEBP":
        return "mismatch"
    return None
