"""The backup's logical content: a header, every model's rows, the uploaded files, and an end record.

Format 2 carries values in the engine-neutral wire form of dump.raw_chunks; format 1 (written before
2026-11-23) carried them as the ORM returned them. Both are restored (format 1 through the fields'
to_python, as before); a newer format is refused with a message naming it.

Records: {"t": "header", format, app_version, created_at, vendor, migrations, models}
         {"t": "rows", "m": "<app.Model>", "c": [columns], "v": [[...], ...]}  (primary-key chunks)
         {"t": "file", "p": "<path under the media root>", "n": size} {"t": "fc", "d": bytes (base64 text in JSON streams)}… {"t": "fe", "h": sha256}
         {"t": "end", "rows": {label: count}, "files": count}   (the manifest's counts; must match what was read)
"""
from __future__ import annotations

import base64
import datetime as dt
import hashlib
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path, PurePosixPath
from typing import Any, BinaryIO, Iterator

from django.db import connections
from django.db.migrations.recorder import MigrationRecorder

from . import dump
from .crypto import BackupError, _msg, damaged
from .stream import RecordWriter, read_records

FORMAT = 2
READABLE = (1, 2)
FILE_PIECE = 256 * 1024


@dataclass
class Manifest:
    header: dict[str, Any]
    rows: dict[str, int] = field(default_factory=dict)
    files: int = 0

    @property
    def migrations(self) -> set[tuple[str, str]]:
        return {(a, n) for a, n in self.header["migrations"]}


def app_version() -> str:
    try:
        return version("huike")
    except PackageNotFoundError:
        return "unknown"


def applied_migrations(alias: str) -> list[list[str]]:
    return sorted([app, name] for app, name in MigrationRecorder(connections[alias]).applied_migrations())


def write(raw: BinaryIO, passphrase: str, alias: str, media_root: Path) -> Manifest:
    out = RecordWriter(raw, passphrase)
    models = dump.backed_up_models()
    header = {"t": "header", "format": FORMAT, "app_version": app_version(),
              "created_at": dt.datetime.now(dt.timezone.utc).isoformat(), "vendor": connections[alias].vendor,
              "migrations": applied_migrations(alias), "models": [m._meta.label for m in models]}
    out.write(header)
    manifest = Manifest(header=header)
    for model in models:
        label, cols = model._meta.label, dump.columns(model)
        manifest.rows[label] = 0
        for chunk in dump.raw_chunks(model, alias):
            out.write({"t": "rows", "m": label, "c": cols, "v": chunk})
            manifest.rows[label] += len(chunk)
    for path in media_files(media_root):
        _write_file(out, path, path.relative_to(media_root).as_posix())
        manifest.files += 1
    out.write({"t": "end", "rows": manifest.rows, "files": manifest.files})
    out.close()
    return manifest


def media_files(root: Path) -> list[Path]:
    if not root.is_dir():
        return []
    return sorted(p for p in root.rglob("*") if p.is_file() and not p.is_symlink())


def _write_file(out: RecordWriter, path: Path, name: str) -> None:
    digest, size = hashlib.sha256(), path.stat().st_size
    out.write({"t": "file", "p": name, "n": size})
    with path.open("rb") as f:
        while piece := f.read(FILE_PIECE):
            digest.update(piece)
            out.write({"t": "fc", "d": piece if out.binary else base64.b64encode(piece).decode("ascii")})
    out.write({"t": "fe", "h": digest.hexdigest()})


def safe_name(name: str) -> str:
    """A media path from a backup, refused when it could leave the media root."""
    path = PurePosixPath(name)
    if not name or path.is_absolute() or any(part in ("..", "") for part in path.parts) or "\\" in name:
        raise damaged("file name")
    return path.as_posix()


class Reader:
    """Walks the records once, checking the structure as it goes; the caller acts on rows and files."""

    def __init__(self, raw: BinaryIO, passphrase: str):
        self._records = read_records(raw, passphrase)

    def __iter__(self) -> Iterator[tuple[str, Any]]:
        """Yields ("header", dict), ("rows", (label, cols, rows)), ("file", name), ("piece", bytes),
        ("file_end", None) and finally ("end", Manifest) — after checking every count."""
        first = next(self._records, None)
        if not first or first.get("t") != "header" or not isinstance(first.get("format"), int):
            raise damaged("header record")
        if first["format"] not in READABLE:
            raise BackupError(_msg(f"This backup has content format {first['format']}, newer than this version of "
                                   f"Huike reads ({', '.join(map(str, READABLE))}); restore it with a newer Huike",
                                   f"此备份的内容格式为 {first['format']}，本版本汇客无法读取；请用更新版本的汇客恢复"))
        manifest, counted, labels = Manifest(header=first), {}, set(first["models"])
        yield "header", first
        for record in self._records:
            kind = record["t"]
            if kind == "rows":
                if record.get("m") not in labels:
                    raise damaged("model")
                counted[record["m"]] = counted.get(record["m"], 0) + len(record["v"])
                yield "rows", (record["m"], record["c"], record["v"])
            elif kind == "file":
                yield from self._file(record)
                manifest.files += 1
            elif kind == "end":
                if next(self._records, None) is not None:
                    raise damaged("records after the end")
                expected = {k: v for k, v in record["rows"].items() if v}
                if counted != expected or manifest.files != record["files"]:
                    raise damaged("row or file counts differ from the manifest")
                manifest.rows = record["rows"]
                yield "end", manifest
                return
            else:
                raise damaged(f"record {kind!r}")
        raise damaged("no end record")

    def _file(self, record: dict[str, Any]) -> Iterator[tuple[str, Any]]:
        yield "file", safe_name(record["p"])
        digest, size = hashlib.sha256(), 0
        for piece_record in self._records:
            if piece_record["t"] == "fc":
                data = piece_record["d"]  # bytes (stream version 2) or base64 text (JSON lines, version 1)
                piece = data if isinstance(data, bytes) else base64.b64decode(data)
                digest.update(piece)
                size += len(piece)
                yield "piece", piece
            elif piece_record["t"] == "fe":
                if piece_record["h"] != digest.hexdigest() or size != record["n"]:
                    raise damaged("file content")
                yield "file_end", None
                return
            else:
                raise damaged("file record")
        raise damaged("file")


def verify(raw: BinaryIO, passphrase: str) -> Manifest:
    """Read the whole backup without acting on it: authentication, structure and counts."""
    for kind, value in Reader(raw, passphrase):
        if kind == "end":
            return value
    raise damaged("no end record")
