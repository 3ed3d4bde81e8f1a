"""Records in a backup: msgpack (stream version 2; JSON lines in version 1, still read), zlib-compressed,
then encrypted (crypto.py). Bounded memory both ways."""
from __future__ import annotations

import json
import zlib
from typing import Any, BinaryIO, Iterator

import msgpack

from . import crypto
from .crypto import EncryptingWriter, damaged, open_frames

LEVEL = 1  # zlib level: on these records within ~7 % of level 3's size at about 1.5× the speed
PENDING = 256 * 1024  # one compressor call per ~256 KiB, not per record
MAX_RECORD = 256 * 1024 * 1024  # a record larger than this is damage, not data (chunks are ~1 MiB)


class RecordWriter:
    def __init__(self, raw: BinaryIO, passphrase: str, version: int | None = None):
        self._enc = EncryptingWriter(raw, passphrase, version or crypto.VERSION)
        self._json = self._enc.version == 1
        self.binary = not self._json  # msgpack carries bytes as they are; JSON needs base64
        self._pack = msgpack.Packer(use_bin_type=True).pack
        self._zip = zlib.compressobj(LEVEL)
        self._pending: list[bytes] = []
        self._pending_size = 0

    def write(self, record: dict[str, Any]) -> None:
        if self._json:
            data = json.dumps(record, ensure_ascii=False, separators=(",", ":")).encode("utf-8") + b"\n"
        else:
            data = self._pack(record)
        self._pending.append(data)
        self._pending_size += len(data)
        if self._pending_size >= PENDING:
            self._flush_pending()

    def _flush_pending(self) -> None:
        if self._pending:
            self._enc.write(self._zip.compress(b"".join(self._pending)))
            self._pending, self._pending_size = [], 0

    def close(self) -> None:
        self._flush_pending()
        self._enc.write(self._zip.flush())
        self._enc.close()


def read_records(raw: BinaryIO, passphrase: str) -> Iterator[dict[str, Any]]:
    """Every record in order. Raises Damaged/WrongKey (crypto) or Damaged on a malformed stream."""
    version, frames = open_frames(raw, passphrase)
    unzip = zlib.decompressobj()

    def plain() -> Iterator[bytes]:
        for chunk in frames:
            try:
                yield unzip.decompress(chunk)
            except zlib.error:
                raise damaged("compression") from None
        if not unzip.eof:
            raise damaged("incomplete stream")

    yield from (_json_records if version == 1 else _msgpack_records)(plain())


def _json_records(chunks: Iterator[bytes]) -> Iterator[dict[str, Any]]:
    tail = b""
    for chunk in chunks:
        lines = (tail + chunk).split(b"\n")
        tail = lines.pop()
        for line in lines:
            yield _checked(_parse(line))
    if tail:
        raise damaged("incomplete stream")


def _parse(line: bytes) -> Any:
    try:
        return json.loads(line)
    except ValueError:
        raise damaged("record") from None


def _msgpack_records(chunks: Iterator[bytes]) -> Iterator[dict[str, Any]]:
    unpacker, fed = msgpack.Unpacker(raw=False, max_buffer_size=MAX_RECORD), 0
    for chunk in chunks:
        fed += len(chunk)
        try:
            unpacker.feed(chunk)
            for record in unpacker:
                yield _checked(record)
        except (ValueError, msgpack.UnpackException, msgpack.ExtraData, msgpack.BufferFull):
            raise damaged("record") from None
    if unpacker.tell() != fed:  # bytes left over: a record cut short
        raise damaged("incomplete stream")


def _checked(record: Any) -> dict[str, Any]:
    if not isinstance(record, dict) or "t" not in record:
        raise damaged("record")
    return record
