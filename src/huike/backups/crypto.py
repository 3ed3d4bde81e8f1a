"""Authenticated encryption of a backup stream: AES-256-GCM in chunks (see docs/adr for the format).

File = header, then frames. Header: MAGIC, format version, scrypt parameters (log2 n, r, p), a random
16-byte salt, and a 16-byte key check. scrypt(HUIKE_BACKUP_KEY, salt) gives 48 bytes: the first 32 are
the AES key, the last 16 the key check (so a wrong key is told apart from a damaged file before any
decryption). Each frame: a flag byte (1 = last frame), the ciphertext length (4 bytes), the ciphertext
with its GCM tag. A fresh salt gives every file its own key, so the nonce can be the frame counter; the
header, the counter and the flag are bound as associated data, so a frame moved, dropped, repeated or
cut off, or a header changed, fails authentication.
"""
from __future__ import annotations

import hashlib
import hmac
import os
import struct
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

MAGIC = b"HUIKEBK\x00"
VERSION = 2  # 1: the plaintext is JSON lines; 2: msgpack records (stream.py). Both are read.
VERSIONS = (1, 2)
CHUNK = 1024 * 1024
MIN_KEY_CHARS = 16
SCRYPT = (15, 8, 1)  # log2(n), r, p: about 0.1 s and 32 MiB once per file
HEADER = struct.Struct(">8sBBBB16s16s")
FRAME = struct.Struct(">BI")
MAX_FRAME = CHUNK + 16


class BackupError(Exception):
    """A backup cannot be written or read; the message is bilingual (operators read it in a terminal)."""


class MissingKey(BackupError):
    pass


class WrongKey(BackupError):
    pass


class Damaged(BackupError):
    pass


def _msg(en: str, zh: str) -> str:
    return f"{en} / {zh}"


def damaged(detail: str = "") -> Damaged:
    return Damaged(_msg("The backup file is damaged or was changed; nothing was restored",
                        "备份文件已损坏或被改动，未恢复任何数据") + (f" ({detail})" if detail else ""))


def key_from_env() -> str:
    key = os.environ.get("HUIKE_BACKUP_KEY", "")
    if len(key) < MIN_KEY_CHARS:
        raise MissingKey(_msg(f"HUIKE_BACKUP_KEY must be set to a secret of at least {MIN_KEY_CHARS} characters",
                              f"请将 HUIKE_BACKUP_KEY 设置为至少 {MIN_KEY_CHARS} 个字符的密钥"))
    return key


def _derive(passphrase: str, salt: bytes, log_n: int, r: int, p: int) -> tuple[bytes, bytes]:
    out = hashlib.scrypt(passphrase.encode("utf-8"), salt=salt, n=1 << log_n, r=r, p=p,
                         maxmem=256 * 1024 * 1024, dklen=48)
    return out[:32], out[32:]


def _aad(header: bytes, counter: int, last: bool) -> bytes:
    return header + struct.pack(">QB", counter, 1 if last else 0)


def _nonce(counter: int) -> bytes:
    return counter.to_bytes(12, "big")


class EncryptingWriter:
    """A write-only binary stream that encrypts into `raw` frame by frame; close() writes the last frame."""

    def __init__(self, raw: BinaryIO, passphrase: str, version: int | None = None):
        salt = os.urandom(16)
        key, check = _derive(passphrase, salt, *SCRYPT)
        self.version = version or VERSION
        self.header = HEADER.pack(MAGIC, self.version, *SCRYPT, salt, check)
        self._aes, self._raw, self._buf, self._counter = AESGCM(key), raw, bytearray(), 0
        raw.write(self.header)

    def write(self, data: bytes) -> int:
        self._buf += data
        while len(self._buf) > CHUNK:  # strictly more: the last frame is never empty-by-accident
            self._frame(bytes(self._buf[:CHUNK]), last=False)
            del self._buf[:CHUNK]
        return len(data)

    def _frame(self, plain: bytes, *, last: bool) -> None:
        sealed = self._aes.encrypt(_nonce(self._counter), plain, _aad(self.header, self._counter, last))
        self._raw.write(FRAME.pack(1 if last else 0, len(sealed)) + sealed)
        self._counter += 1

    def close(self) -> None:
        self._frame(bytes(self._buf), last=True)
        self._buf.clear()


def read_header(raw: BinaryIO, passphrase: str) -> tuple[bytes, AESGCM, int]:
    header = raw.read(HEADER.size)
    if len(header) < HEADER.size:
        raise damaged("header")
    magic, version, log_n, r, p, salt, check = HEADER.unpack(header)
    if magic != MAGIC:
        raise BackupError(_msg("This is not a Huike backup file", "这不是汇客备份文件"))
    if version not in VERSIONS or not (10 <= log_n <= 22 and 1 <= r <= 32 and 1 <= p <= 16):
        raise BackupError(_msg(f"Unsupported backup format version {version}", f"不支持的备份格式版本 {version}"))
    key, expected = _derive(passphrase, salt, log_n, r, p)
    if not hmac.compare_digest(check, expected):
        raise WrongKey(_msg("The backup key (HUIKE_BACKUP_KEY) does not match this backup; nothing was restored",
                            "备份密钥（HUIKE_BACKUP_KEY）与此备份不符，未恢复任何数据"))
    return header, AESGCM(key), version


def open_frames(raw: BinaryIO, passphrase: str):
    """The stream's version (checked with the key at once) and an iterator of its plaintext chunks."""
    header, aes, version = read_header(raw, passphrase)
    return version, _frames(raw, header, aes)


def decrypted_chunks(raw: BinaryIO, passphrase: str):
    """Yield the plaintext chunks in order; raise Damaged on any tampering, reordering or truncation."""
    _version, frames = open_frames(raw, passphrase)
    yield from frames


def _frames(raw: BinaryIO, header: bytes, aes: AESGCM):
    counter = 0
    while True:
        head = raw.read(FRAME.size)
        if len(head) < FRAME.size:
            raise damaged("truncated")
        flag, size = FRAME.unpack(head)
        if flag not in (0, 1) or size > MAX_FRAME:
            raise damaged("frame")
        sealed = raw.read(size)
        if len(sealed) < size:
            raise damaged("truncated")
        try:
            plain = aes.decrypt(_nonce(counter), sealed, _aad(header, counter, flag == 1))
        except InvalidTag:
            raise damaged(f"frame {counter}") from None
        counter += 1
        yield plain
        if flag == 1:
            if raw.read(1):
                raise damaged("data after the end")
            return
