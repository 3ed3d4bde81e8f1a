import pytest

from huike.followups.domain.attachments import check_attachment, safe_filename

MB = 1024 * 1024


@pytest.mark.parametrize(
    "name, head",
    [
        ("合同扫描.pdf", b"%PDF-1.7\n"),
        ("photo.PNG", b"\x89PNG\r\n\x1a\n\x00\x00"),
        ("产品图.jpg", b"\xff\xd8\xff\xe0"),
        ("a.webp", b"RIFF\x00\x00\x00\x00WEBPVP8 "),
        ("报价.xlsx", b"PK\x03\x04\x14\x00"),
        ("old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"),
    ],
)
def test_accepted_files(name, head):
    assert check_attachment(name, head, 1000, 10 * MB) is None


@pytest.mark.parametrize(
    "name, head, size, error",
    [
        ("a.pdf", b"%PDF-", 0, "empty"),
        ("a.pdf", b"%PDF-", 10 * MB + 1, "too_large"),
        ("run.exe", b"MZ\x90\x00", 100, "type"),
        ("noextension", b"%PDF-", 100, "type"),
        ("fake.pdf", b"MZ\x90\x00", 100, "mismatch"),
        ("fake.png", b"GIF89a", 100, "mismatch"),
        ("a.webp", b"RIFF\x00\x00\x00\x00WAVE", 100, "mismatch"),
    ],
)
def test_refused_files_say_why(name, head, size, error):
    assert check_attachment(name, head, size, 10 * MB) == error


@pytest.mark.parametrize(
    "raw, safe",
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\me\\合同.pdf", "合同.pdf"),
        ("a\x00b.pdf", "a_b.pdf"),
        ("...", "file"),
        ("", "file"),
    ],
)
def test_file_names_lose_their_paths(raw, safe):
    assert safe_filename(raw) == safe
