"""LocalStorage: safe names, URLs from PUBLIC_URL or the caller's host, direct reads, signed upload forms."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from app.errors import UserError
from app.settings import Settings
from app.storage.base import safe_name
from app.storage.local import INCOMING, LocalStorage
from app.storage.media_types import content_type_for, upload_extension


def make(tmp_path: Path, now: list[float] | None = None, **env: object) -> LocalStorage:
    settings = Settings(LOCAL_STORAGE_FOLDER_NAME=str(tmp_path / "store"), FLASK_SECRET_KEY="k", PORT=5000, **env)
    clock = (lambda: now[0]) if now is not None else None
    return LocalStorage(settings, clock=clock) if clock else LocalStorage(settings)


def test_save_uses_the_callers_host_and_reads_back_directly(tmp_path: Path) -> None:
    storage = make(tmp_path)
    name = safe_name("my node#1", "png")
    url = storage.save(name, b"\x89PNG data", base_url="http://192.168.1.20:5000/")
    assert url == f"http://192.168.1.20:5000/image/{name}"
    assert (tmp_path / "store" / name).read_bytes() == b"\x89PNG data"
    assert storage.read(url) == b"\x89PNG data"
    assert not list((tmp_path / "store" / INCOMING).iterdir())  # the temporary file was renamed


def test_save_copies_a_binary_file_too(tmp_path: Path) -> None:
    storage = make(tmp_path)
    with tempfile.SpooledTemporaryFile(16) as body:
        body.write(b"x" * 100)
        body.seek(0)
        url = storage.save("big.bin", body)
    assert storage.read(url) == b"x" * 100


def test_public_url_wins_and_may_carry_a_path_prefix(tmp_path: Path) -> None:
    storage = make(tmp_path, PUBLIC_URL="https://flows.example.org/aiflow/")
    url = storage.save("out.txt", b"hi", base_url="http://127.0.0.1:5000")
    assert url == "https://flows.example.org/aiflow/image/out.txt"
    assert storage.read(url) == b"hi"


def test_without_any_base_the_url_is_not_localhost_none(tmp_path: Path) -> None:
    url = make(tmp_path).save("a.png", b"x")
    assert url == "http://localhost:5000/image/a.png"


def test_read_ignores_foreign_urls_and_reports_our_missing_files(tmp_path: Path) -> None:
    storage = make(tmp_path)
    assert storage.read("https://example.com/files/a.pdf") is None
    assert storage.read("https://example.com/image/gone.png") is None  # someone else's /image/
    with pytest.raises(UserError, match="no longer stored"):
        storage.read("http://localhost:5000/image/gone.png")


@pytest.mark.parametrize("name", ["../x", "a/../../x", "/etc/passwd", ".incoming/x.part", "a\\..\\x", "", ".",
                                  "uploads/../../x", "x\x00.png"])
def test_names_outside_the_folder_or_hidden_are_refused(tmp_path: Path, name: str) -> None:
    storage = make(tmp_path)
    (tmp_path / "x").write_text("secret")
    assert storage.path_of(name) is None
    assert storage.target_of(name) is None


def test_symlink_out_of_the_folder_is_not_served(tmp_path: Path) -> None:
    storage = make(tmp_path)
    (tmp_path / "store").mkdir()
    (tmp_path / "secret.txt").write_text("secret")
    (tmp_path / "store" / "link.txt").symlink_to(tmp_path / "secret.txt")
    assert storage.path_of("link.txt") is None


def test_upload_form_round_trip(tmp_path: Path) -> None:
    now = [1_000_000.0]
    storage = make(tmp_path, now, MAX_UPLOAD_SIZE_MB=2)
    upload, link = storage.upload_link("Report Q3.PDF", base_url="http://10.0.0.5:5000")
    assert upload["url"] == "http://10.0.0.5:5000/upload/local"
    fields = upload["fields"]
    assert fields["key"].startswith("uploads/") and fields["key"].endswith(".pdf")
    assert link == f"http://10.0.0.5:5000/image/{fields['key']}"
    ticket = storage.verify_upload(fields)
    assert ticket.key == fields["key"] and ticket.max_bytes == 2 * 1024 * 1024

    tmp, handle = storage.open_incoming()
    with handle:
        handle.write(b"%PDF-1.4")
    storage.commit(tmp, ticket.key)
    assert storage.read(link) == b"%PDF-1.4"
    assert not tmp.exists()

    tmp2, handle2 = storage.open_incoming()
    handle2.close()
    with pytest.raises(UserError, match="already used") as info:
        storage.commit(tmp2, ticket.key)
    assert info.value.status == 409 and not tmp2.exists()


def test_expired_or_tampered_forms_are_refused(tmp_path: Path) -> None:
    now = [1_000_000.0]
    storage = make(tmp_path, now, UPLOAD_LINK_EXPIRY_S=600)
    fields = storage.upload_link("a.png")[0]["fields"]
    now[0] += 601
    with pytest.raises(UserError, match="expired") as info:
        storage.verify_upload(fields)
    assert info.value.status == 403
    now[0] -= 601
    for name, value in (("max-size", "999999999999"), ("expires", "9999999999"), ("key", "uploads/../../x.png"),
                        ("signature", "0" * 64)):
        with pytest.raises(UserError, match="signature") as info:
            storage.verify_upload({**fields, name: value})
        assert info.value.status == 403
    with pytest.raises(UserError, match="lacks 'signature'"):
        storage.verify_upload({k: v for k, v in fields.items() if k != "signature"})


def test_forms_signed_by_another_secret_are_refused(tmp_path: Path) -> None:
    fields = make(tmp_path).upload_link("a.png")[0]["fields"]
    other = LocalStorage(Settings(LOCAL_STORAGE_FOLDER_NAME=str(tmp_path / "store"), FLASK_SECRET_KEY="other"))
    with pytest.raises(UserError, match="signature"):
        other.verify_upload(fields)


def test_the_signed_size_cannot_exceed_the_current_limit(tmp_path: Path) -> None:
    storage = make(tmp_path, MAX_UPLOAD_SIZE_MB=5)
    fields = storage.upload_link("a.png")[0]["fields"]
    storage.settings.max_upload_size_mb = 1
    assert storage.verify_upload(fields).max_bytes == 1024 * 1024


@pytest.mark.parametrize("filename, message", [(None, "Missing 'filename'"), ("  ", "Missing 'filename'"),
                                               ("README", "has no extension"), ("setup.exe", "'.exe' cannot"),
                                               ("x.PHP", "'.php' cannot")])
def test_upload_names_are_checked(tmp_path: Path, filename: str | None, message: str) -> None:
    with pytest.raises(UserError, match=message) as info:
        make(tmp_path).upload_link(filename)
    assert info.value.status == 400
    assert "Allowed files" in info.value.message or "Missing" in info.value.message


def test_upload_types() -> None:
    assert upload_extension("photo.JPEG") == "jpeg"
    assert upload_extension("model.glb") == "glb"
    assert upload_extension("track.mp3?x=1") == "mp3"
    assert content_type_for("uploads/a.webp") == "image/webp"
    assert content_type_for("a.safetensors") == "application/octet-stream"
    assert content_type_for("a.pdf") == "application/pdf"
    assert content_type_for("a.unknownext") == "application/octet-stream"
