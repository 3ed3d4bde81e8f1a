"""The encrypted stream on its own: round trips, and every kind of damage refused (no database)."""
import io
import string

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from huike.backups import crypto
from huike.backups.stream import RecordWriter, read_records

KEY = "correct horse battery staple 1"


def sealed(records, key=KEY) -> bytes:
    raw = io.BytesIO()
    writer = RecordWriter(raw, key)
    for record in records:
        writer.write(record)
    writer.close()
    return raw.getvalue()


def opened(data: bytes, key=KEY) -> list:
    return list(read_records(io.BytesIO(data), key))


def big_records(n=40):
    # hardly compressible text, so the stream spans several frames (4 KiB each in these tests)
    import base64
    import os
    return [{"t": "rows", "i": i, "v": base64.b64encode(os.urandom(3000)).decode()} for i in range(n)]


@pytest.fixture
def small_frames(monkeypatch):
    """Frames of 4 KiB instead of 1 MiB: the same code paths with many frames from little data."""
    monkeypatch.setattr(crypto, "CHUNK", 4096)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-2**63, 2**63 - 1) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=6)


# too_slow: generation time depends on how busy the shared machine is, not on this code
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.dictionaries(st.text(string.ascii_letters, min_size=1, max_size=5), json_values, max_size=4)
                .map(lambda d: {**d, "t": "x"}), max_size=8))
def test_any_records_with_any_unicode_come_back_unchanged(records):
    # given records of any JSON shape and text / when sealed and opened with the same key / then equal
    assert opened(sealed(records)) == records


def test_a_version_1_stream_of_json_lines_still_reads(small_frames):
    # given records written as JSON lines under a version 1 header (backups made before msgpack)
    records = big_records(8) + [{"t": "x", "名": "值 😀", "n": None, "l": [1, 2.5, True]}]
    raw = io.BytesIO()
    writer = RecordWriter(raw, KEY, version=1)
    for record in records:
        writer.write(record)
    writer.close()
    data = raw.getvalue()
    # when opened / then the same records, and the header says version 1
    assert data[8] == 1 and crypto.VERSION == 2
    assert opened(data) == records


def test_a_stream_of_several_frames_round_trips(small_frames):
    records = big_records()
    data = sealed(records)
    assert len(data) > 3 * crypto.CHUNK
    assert opened(data) == records


def test_a_wrong_key_is_told_apart_from_damage():
    data = sealed([{"t": "header"}])
    with pytest.raises(crypto.WrongKey) as e:
        opened(data, key="another key entirely 2")
    assert "HUIKE_BACKUP_KEY" in str(e.value) and "密钥" in str(e.value)


@pytest.mark.parametrize("where", ["salt", "key check", "frame flag", "frame length", "first ciphertext",
                                   "middle", "tag of the last frame"])
def test_one_flipped_byte_anywhere_is_refused(where, small_frames):
    data = bytearray(sealed(big_records(8)))
    header = crypto.HEADER.size
    offset = {"salt": 14, "key check": header - 1, "frame flag": header, "frame length": header + 2,
              "first ciphertext": header + crypto.FRAME.size + 5, "middle": len(data) // 2,
              "tag of the last frame": len(data) - 1}[where]
    data[offset] ^= 0x01
    with pytest.raises(crypto.BackupError):
        opened(bytes(data))


def test_a_truncated_file_is_refused_even_at_a_frame_boundary(small_frames):
    data = sealed(big_records(8))
    frames = _frames(data)
    assert len(frames) >= 3
    for cut in (len(data) - 1, frames[-1][0], frames[1][0], crypto.HEADER.size, 10):
        with pytest.raises(crypto.Damaged):
            opened(data[:cut])


def test_reordered_repeated_or_appended_frames_are_refused(small_frames):
    data = sealed(big_records(8))
    (s0, e0), (s1, e1) = _frames(data)[:2]
    swapped = data[:s0] + data[s1:e1] + data[s0:e0] + data[e1:]
    repeated = data[:e0] + data[s0:e0] + data[e0:]
    appended = data + b"\x00"
    for bad in (swapped, repeated, appended):
        with pytest.raises(crypto.Damaged):
            opened(bad)


def test_a_file_that_is_not_a_backup_is_named_as_such():
    with pytest.raises(crypto.BackupError) as e:
        opened(b"PK\x03\x04" + b"\x00" * 100)
    assert "not a Huike backup" in str(e.value)


def test_a_missing_or_short_key_refuses_to_start(monkeypatch):
    monkeypatch.delenv("HUIKE_BACKUP_KEY", raising=False)
    with pytest.raises(crypto.MissingKey):
        crypto.key_from_env()
    monkeypatch.setenv("HUIKE_BACKUP_KEY", "short")
    with pytest.raises(crypto.MissingKey):
        crypto.key_from_env()
    monkeypatch.setenv("HUIKE_BACKUP_KEY", "x" * 16)
    assert crypto.key_from_env() == "x" * 16


def _frames(data: bytes) -> list[tuple[int, int]]:
    out, pos = [], crypto.HEADER.size
    while pos < len(data):
        _flag, size = crypto.FRAME.unpack_from(data, pos)
        out.append((pos, pos + crypto.FRAME.size + size))
        pos += crypto.FRAME.size + size
    return out
