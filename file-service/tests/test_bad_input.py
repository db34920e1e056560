"""Bad uploads: each is a clear 4xx problem+json, and nothing stays on disk or in the table."""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from hdms_common.testing.plugin import TestUser

from_bin_ls = Path("/bin/ls").read_bytes()[:4096]


@pytest.fixture
def refused(
    send_upload: Callable[..., Any],
    requestor: TestUser,
    files_on_disk: Callable[[], list[Path]],
    count_attachments: Callable[[], int],
) -> Iterator[Callable[..., dict[str, Any]]]:
    """``refused(status, name, data, **upload_kwargs)``: the problem body, after checking that
    the upload left nothing behind."""

    def check(status: int, name: str, data: bytes, **kwargs: Any) -> dict[str, Any]:
        before = files_on_disk()
        response = send_upload(requestor, name, data, **kwargs)
        assert response.status_code == status, response.get_json()
        assert response.content_type == "application/problem+json"
        assert count_attachments() == 0
        assert files_on_disk() == before == []
        body: dict[str, Any] = response.get_json()
        return body

    yield check


def _png_header(width: int, height: int) -> bytes:
    """A PNG that declares width x height pixels but carries almost no data."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0" * 1024))
        + chunk(b"IEND", b"")
    )


def test_an_empty_file_is_refused(refused: Callable[..., dict[str, Any]]) -> None:
    body = refused(422, "empty.txt", b"")
    assert body["errors"] == {"file": ["The file is empty."]}


@pytest.mark.parametrize(
    ("name", "data", "why"),
    [
        ("cat.png", from_bin_ls, "an ELF executable named .png"),
        ("cat.png", b"<!DOCTYPE html><html><script>alert(1)</script></html>", "HTML named .png"),
        ("notes.txt", b"<!DOCTYPE html><html><body>hi</body></html>", "HTML named .txt"),
        ("setup.exe", b"MZ" + b"\0" * 500, "a Windows executable"),
        ("diagram.pdf", _png_header(10, 10), "a PNG named .pdf"),
        ("run.sh", b"#!/bin/sh\nrm -rf /\n", "a shell script"),
    ],
)
def test_types_not_allowed_or_lying_names_are_415(
    refused: Callable[..., dict[str, Any]], name: str, data: bytes, why: str
) -> None:
    body = refused(415, name, data, content_type="image/png")
    assert body["status"] == 415, why
    assert "file" in body["errors"]


def test_a_decompression_bomb_image_is_refused_from_its_header(
    refused: Callable[..., dict[str, Any]],
) -> None:
    body = refused(422, "bomb.png", _png_header(100_000, 100_000))
    assert "pixels" in body["errors"]["file"][0]


def test_a_zip_bomb_is_refused_from_its_directory(refused: Callable[..., dict[str, Any]]) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        with archive.open("zeros.bin", "w") as entry:
            for _ in range(40):
                entry.write(bytes(1024 * 1024))
    body = refused(422, "logs.zip", buffer.getvalue())
    assert "zip bomb" in body["errors"]["file"][0]


def test_a_zip_inside_a_zip_is_refused(refused: Callable[..., dict[str, Any]]) -> None:
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as archive:
        archive.writestr("a.txt", "x")
    outer = io.BytesIO()
    with zipfile.ZipFile(outer, "w") as archive:
        archive.writestr("inner.zip", inner.getvalue())
    body = refused(422, "nested.zip", outer.getvalue())
    assert "inside archives" in body["errors"]["file"][0]


def test_an_ordinary_zip_and_an_office_document_are_accepted(
    send_upload: Callable[..., Any], requestor: TestUser
) -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("readme.txt", "hello " * 100)
    assert send_upload(requestor, "bundle.zip", buffer.getvalue()).status_code == 201
    docx = io.BytesIO()
    with zipfile.ZipFile(docx, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    response = send_upload(requestor, "minutes.docx", docx.getvalue())
    assert response.status_code == 201
    assert response.get_json()["content_type"] == (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        ("../../etc/passwd.txt", "passwd.txt"),
        # Backslashes escape the next character in a quoted multipart filename.
        ("..\\..\\windows\\boot.txt", "windowsboot.txt"),
        ("/var/www/../../.hidden.txt", "hidden.txt"),
        ("....txt", "txt"),
        ("name\x00.png.txt", "name_.png.txt"),
        ("a\u202etxt.exe.txt", "atxt.exe.txt"),
    ],
)
def test_path_traversal_and_control_characters_never_reach_the_name_or_the_disk(
    send_upload: Callable[..., Any],
    requestor: TestUser,
    storage_dir: Path,
    files_on_disk: Callable[[], list[Path]],
    raw: str,
    stored: str,
) -> None:
    response = send_upload(requestor, raw, b"just text\n")
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["original_name"] == stored
    assert files_on_disk() == [
        storage_dir
        / "objects"
        / body["file_key"][:2]
        / body["file_key"][2:4]
        / body["file_key"]
        / "original"
    ]


def test_a_wrong_field_name_is_refused(refused: Callable[..., dict[str, Any]]) -> None:
    body = refused(422, "a.txt", b"text", field="upload")
    assert body["errors"] == {"upload": ["Unknown field."]}


def test_invalid_purpose_and_ticket_are_refused(refused: Callable[..., dict[str, Any]]) -> None:
    body = refused(422, "a.txt", b"text", fields={"purpose": "memes", "ticket_id": "12"})
    assert set(body["errors"]) == {"purpose", "ticket_id"}


def test_a_chat_file_needs_its_ticket(refused: Callable[..., dict[str, Any]]) -> None:
    body = refused(422, "a.txt", b"text", fields={"purpose": "chat"})
    assert body["errors"] == {"ticket_id": ["Required for chat files."]}


@pytest.fixture
def post_raw(client: Any, requestor: TestUser) -> Callable[..., Any]:
    def post(body: bytes, content_type: str, **environ: Any) -> Any:
        return client.post(
            "/api/files/upload/",
            data=body,
            headers={**requestor.headers, "Content-Type": content_type},
            environ_overrides=environ,
        )

    return post


BOUNDARY = "b0undary"
MULTIPART = f"multipart/form-data; boundary={BOUNDARY}"


def _part(name: str, filename: str | None, data: bytes) -> bytes:
    disposition = f'form-data; name="{name}"' + (f'; filename="{filename}"' if filename else "")
    return f"--{BOUNDARY}\r\nContent-Disposition: {disposition}\r\n\r\n".encode() + data + b"\r\n"


def test_a_truncated_multipart_body_is_400_and_leaves_nothing(
    post_raw: Callable[..., Any],
    files_on_disk: Callable[[], list[Path]],
    count_attachments: Callable[[], int],
) -> None:
    whole = _part("file", "a.txt", b"some text " * 1000) + f"--{BOUNDARY}--\r\n".encode()
    for cut in (len(whole) - 20, len(whole) // 2, 30):
        response = post_raw(whole[:cut], MULTIPART)
        assert response.status_code == 400, (cut, response.get_json())
        assert response.content_type == "application/problem+json"
    assert count_attachments() == 0
    assert files_on_disk() == []


def test_no_file_part_two_file_parts_and_no_multipart_at_all_are_refused(
    post_raw: Callable[..., Any],
    files_on_disk: Callable[[], list[Path]],
    count_attachments: Callable[[], int],
) -> None:
    end = f"--{BOUNDARY}--\r\n".encode()
    only_purpose = post_raw(_part("purpose", None, b"ticket") + end, MULTIPART)
    assert only_purpose.status_code == 422
    assert only_purpose.get_json()["errors"] == {"file": ["Missing data for required field."]}
    two = post_raw(_part("file", "a.txt", b"one") + _part("file", "b.txt", b"two") + end, MULTIPART)
    assert two.status_code == 422
    assert two.get_json()["errors"] == {"file": ["Send exactly one file."]}
    as_json = post_raw(b'{"file": "aGVsbG8="}', "application/json")
    assert as_json.status_code == 415
    no_boundary = post_raw(b"whatever", "multipart/form-data")
    assert no_boundary.status_code == 400
    huge_field = post_raw(
        _part("purpose", None, b"x" * 10_000) + _part("file", "a.txt", b"t") + end, MULTIPART
    )
    assert huge_field.status_code == 422
    assert count_attachments() == 0
    assert files_on_disk() == []


@pytest.fixture
def small_limit_client(file_environ: dict[str, str]) -> Any:
    from file_service import create_app

    return create_app(environ={**file_environ, "FILE_MAX_BYTES": "100000"}).test_client()


def test_an_oversized_upload_is_413_by_its_length_or_while_streaming(
    small_limit_client: Any,
    requestor: TestUser,
    files_on_disk: Callable[[], list[Path]],
    count_attachments: Callable[[], int],
) -> None:
    body = _part("file", "big.txt", b"a" * 300_000) + f"--{BOUNDARY}--\r\n".encode()
    headers = {**requestor.headers, "Content-Type": MULTIPART}
    by_length = small_limit_client.post("/api/files/upload/", data=body, headers=headers)
    assert by_length.status_code == 413
    assert by_length.content_type == "application/problem+json"
    # Chunked transfer: no Content-Length, so the limit can only be found while streaming.
    streamed = small_limit_client.post(
        "/api/files/upload/",
        input_stream=io.BytesIO(body),
        headers={**headers, "Transfer-Encoding": "chunked"},
        environ_overrides={"wsgi.input_terminated": True},
    )
    assert streamed.status_code == 413, streamed.get_json()
    assert streamed.get_json()["errors"] == {"file": ["At most 100000 bytes."]}
    just_fits = _part("file", "ok.txt", b"a" * 99_000) + f"--{BOUNDARY}--\r\n".encode()
    before_ok = count_attachments()
    assert before_ok == 0 and files_on_disk() == []
    accepted = small_limit_client.post("/api/files/upload/", data=just_fits, headers=headers)
    assert accepted.status_code == 201
    assert count_attachments() == 1


def test_a_video_too_long_or_too_large_is_refused_from_its_header(
    file_environ: dict[str, str],
    requestor: TestUser,
    make_video: Callable[..., bytes],
    files_on_disk: Callable[[], list[Path]],
    count_attachments: Callable[[], int],
) -> None:
    from file_service import create_app

    strict = create_app(
        environ={**file_environ, "FILE_MAX_VIDEO_SECONDS": "1", "FILE_MAX_VIDEO_PIXELS": "20000"}
    ).test_client()
    long_video = make_video(2.0, audio=False, size=(64, 48))
    big_video = make_video(0.2, audio=False, size=(320, 240))
    for data, message in ((long_video, "longer than 1 seconds"), (big_video, "20000 pixels")):
        body = _part("file", "clip.mkv", data) + f"--{BOUNDARY}--\r\n".encode()
        response = strict.post(
            "/api/files/upload/",
            data=body,
            headers={**requestor.headers, "Content-Type": MULTIPART},
        )
        assert response.status_code == 422, response.get_json()
        assert message in response.get_json()["errors"]["file"][0]
    assert count_attachments() == 0
    assert files_on_disk() == []


def test_a_broken_video_is_refused(refused: Callable[..., dict[str, Any]]) -> None:
    # The Matroska magic number and nothing after it.
    body = refused(
        422, "clip.mkv", bytes.fromhex("1a45dfa3") + b"\x93\x42\x82\x88matroska" + b"\0" * 64
    )
    assert "video" in body["errors"]["file"][0].lower()


def test_a_file_name_that_is_not_utf8_is_accepted_with_its_bad_bytes_replaced(
    client: Any, requestor: TestUser
) -> None:
    boundary = b"not-utf8-name"
    body = (
        b"--" + boundary + b"\r\n"
        b'Content-Disposition: form-data; name="file"; filename="caf\xe9 r\xff\xfeport.txt"\r\n'
        b"Content-Type: text/plain\r\n\r\n"
        b"just text\n\r\n--" + boundary + b"--\r\n"
    )
    response = client.post(
        "/api/files/upload/",
        data=body,
        headers={
            **requestor.headers,
            "Content-Type": "multipart/form-data; boundary=" + boundary.decode(),
        },
    )
    assert response.status_code == 201, response.get_data(as_text=True)[:500]
    assert response.get_json()["original_name"] == "caf\ufffd r\ufffd\ufffdport.txt"
    details = client.get(
        f"/api/files/{response.get_json()['file_key']}/", headers=requestor.headers
    )
    assert details.get_json()["original_name"] == "caf\ufffd r\ufffd\ufffdport.txt"


@pytest.mark.parametrize("size", [1, 3, 7, 64, 4096])
def test_part_header_repair_leaves_a_valid_body_byte_for_byte_in_any_chunking(size: int) -> None:
    from file_service.multipart import PartHeaderRepair

    boundary = b"b0und"
    body = (
        b'--b0und\r\nContent-Disposition: form-data; name="purpose"\r\n\r\nticket\r\n'
        b'--b0und\r\nContent-Disposition: form-data; name="file"; filename="caf\xc3\xa9.bin"'
        b"\r\n\r\n--b0un\r\n--b0unX\xff\xfe\r\n\r\n\xe9\r\n--b0und--\r\nepilogue"
    )
    repair = PartHeaderRepair(boundary)
    out = b"".join(repair.feed(body[i : i + size]) for i in range(0, len(body), size))
    assert out + repair.flush() == body
    broken = body.replace(b"caf\xc3\xa9", b"caf\xe9")
    repair = PartHeaderRepair(boundary)
    out = b"".join(repair.feed(broken[i : i + size]) for i in range(0, len(broken), size))
    assert out + repair.flush() == body.replace(b"caf\xc3\xa9", "caf\ufffd".encode())
