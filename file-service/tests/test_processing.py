"""Processing by a real Celery worker process: clamd scan, WebP, MP4, quarantine."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

import av
import pytest
from PIL import Image

from hdms_common.testing.plugin import TestUser

EICAR = b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"

pytestmark = pytest.mark.usefixtures("worker")


def test_a_png_becomes_webp_and_a_thumbnail_and_is_downloadable(
    download: Callable[..., Any],
    send_upload: Callable[..., Any],
    await_status: Callable[..., dict[str, Any]],
    requestor: TestUser,
    make_png: Callable[..., bytes],
) -> None:
    data = make_png(size=(800, 600))
    key = send_upload(requestor, "diagram.png", data).get_json()["file_key"]

    details = await_status(requestor, key, "ready", "failed", "infected")

    assert details["status"] == "ready", details
    assert details["scan_result"] == "clean"
    assert details["scan_engine"].startswith("ClamAV")
    assert set(details["variants"]) == {"webp", "thumbnail"}
    original = download(requestor, key)
    assert original.status_code == 200
    assert original.data == data
    assert original.content_type == "image/png"
    webp = download(requestor, key, "webp")
    assert webp.content_type == "image/webp"
    assert len(webp.data) == details["variants"]["webp"]["size"]
    with Image.open(io.BytesIO(webp.data)) as image:
        assert (image.format, image.size) == ("WEBP", (800, 600))
    thumb = download(requestor, key, "thumbnail")
    with Image.open(io.BytesIO(thumb.data)) as image:
        assert image.format == "WEBP"
        assert max(image.size) <= 320
    missing = download(requestor, key, "mp4")
    assert missing.status_code == 404


def test_exif_orientation_is_applied_and_metadata_stripped(
    download: Callable[..., Any],
    send_upload: Callable[..., Any],
    await_status: Callable[..., dict[str, Any]],
    requestor: TestUser,
) -> None:
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotate 90 degrees clockwise to display
    exif[0x010F] = "SecretCam"  # camera make
    exif[0x9286] = "GPS near the CEO's house"  # user comment
    buffer = io.BytesIO()
    Image.new("RGB", (200, 100), (10, 200, 10)).save(buffer, "JPEG", exif=exif.tobytes())
    key = send_upload(requestor, "photo.jpg", buffer.getvalue()).get_json()["file_key"]

    assert await_status(requestor, key, "ready", "failed")["status"] == "ready"

    webp = download(requestor, key, "webp")
    with Image.open(io.BytesIO(webp.data)) as image:
        assert image.size == (100, 200)
        assert not image.getexif()
        assert "exif" not in image.info and "xmp" not in image.info
    assert b"SecretCam" not in webp.data


def test_a_short_video_becomes_h264_aac_mp4_with_a_poster(
    download: Callable[..., Any],
    send_upload: Callable[..., Any],
    await_status: Callable[..., dict[str, Any]],
    requestor: TestUser,
    make_video: Callable[..., bytes],
    tmp_path: Path,
) -> None:
    key = send_upload(requestor, "bug.mkv", make_video(1.0, audio=True)).get_json()["file_key"]

    details = await_status(requestor, key, "ready", "failed")

    assert details["status"] == "ready", details
    assert details["content_type"] == "video/x-matroska"
    assert details["variants"]["mp4"]["content_type"] == "video/mp4"
    response = download(requestor, key, "mp4")
    assert response.status_code == 200
    assert response.content_type == "video/mp4"
    assert response.headers["Content-Disposition"].startswith("inline;")
    assert 'filename="bug.mp4"' in response.headers["Content-Disposition"]
    # faststart: the index (moov) precedes the media data, so playback starts at once.
    assert 0 <= response.data.find(b"moov") < response.data.find(b"mdat")
    mp4 = tmp_path / "out.mp4"
    mp4.write_bytes(response.data)
    with av.open(str(mp4)) as container:
        video = container.streams.video[0]
        assert video.codec_context.name == "h264"
        assert video.codec_context.pix_fmt == "yuv420p"
        assert [a.codec_context.name for a in container.streams.audio] == ["aac"]
        assert 0.8 <= float(container.duration or 0) / av.time_base <= 1.3
        assert sum(1 for _ in container.decode(video=0)) >= 20
    poster = download(requestor, key, "thumbnail")
    with Image.open(io.BytesIO(poster.data)) as image:
        assert image.format == "WEBP"


def test_a_silent_video_gets_no_audio_track(
    download: Callable[..., Any],
    send_upload: Callable[..., Any],
    await_status: Callable[..., dict[str, Any]],
    requestor: TestUser,
    make_video: Callable[..., bytes],
    tmp_path: Path,
) -> None:
    key = send_upload(requestor, "screen.mkv", make_video(0.5, audio=False)).get_json()["file_key"]
    assert await_status(requestor, key, "ready", "failed")["status"] == "ready"
    response = download(requestor, key, "mp4")
    mp4 = tmp_path / "out.mp4"
    mp4.write_bytes(response.data)
    with av.open(str(mp4)) as container:
        assert [s.type for s in container.streams] == ["video"]


def test_eicar_is_quarantined_and_never_served(
    download: Callable[..., Any],
    send_upload: Callable[..., Any],
    await_status: Callable[..., dict[str, Any]],
    requestor: TestUser,
    admin: TestUser,
    storage_dir: Path,
) -> None:
    key = send_upload(requestor, "invoice.txt", EICAR).get_json()["file_key"]

    details = await_status(requestor, key, "infected", "ready", "failed")

    assert details["status"] == "infected"
    assert details["scan_result"].startswith("Eicar-Test-Signature")
    assert details["scan_engine"].startswith("ClamAV")
    assert details["variants"] == {}
    for user in (requestor, admin):
        response = download(user, key)
        assert response.status_code == 410
        assert response.content_type == "application/problem+json"
        assert EICAR not in response.data
    served_tree = [p for p in (storage_dir / "objects").rglob("*") if key in p.parts]
    assert served_tree == []
    assert (storage_dir / "quarantine" / key[:2] / key).read_bytes() == EICAR


def test_eicar_inside_a_bigger_file_is_found_too(
    send_upload: Callable[..., Any],
    await_status: Callable[..., dict[str, Any]],
    requestor: TestUser,
) -> None:
    data = b"log line\n" * 20_000 + EICAR + b"\nmore log\n" * 1000
    key = send_upload(requestor, "server.log", data).get_json()["file_key"]
    assert await_status(requestor, key, "infected", "ready", "failed")["status"] == "infected"


def test_a_document_is_scanned_and_served_as_it_is(
    download: Callable[..., Any],
    send_upload: Callable[..., Any],
    await_status: Callable[..., dict[str, Any]],
    requestor: TestUser,
) -> None:
    data = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    key = send_upload(requestor, "policy.pdf", data).get_json()["file_key"]
    details = await_status(requestor, key, "ready", "failed")
    assert (details["status"], details["variants"]) == ("ready", {})
    response = download(requestor, key)
    assert response.data == data
    assert response.content_type == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment;")


def test_an_image_wider_than_webp_allows_gets_a_webp_scaled_to_fit(
    download: Callable[..., Any],
    send_upload: Callable[..., Any],
    await_status: Callable[..., dict[str, Any]],
    requestor: TestUser,
    make_png: Callable[..., bytes],
) -> None:
    data = make_png(size=(20_000, 10))
    key = send_upload(requestor, "timeline.png", data).get_json()["file_key"]

    details = await_status(requestor, key, "ready", "failed", "infected", timeout=30)

    assert details["status"] == "ready", details
    assert details["conversion_error"] is None
    assert set(details["variants"]) == {"webp", "thumbnail"}
    with Image.open(io.BytesIO(download(requestor, key, "webp").data)) as image:
        # WebP's largest side is 16,383 pixels: scaled down, the aspect kept.
        assert (image.format, image.size) == ("WEBP", (16_383, 8))
    with Image.open(io.BytesIO(download(requestor, key, "thumbnail").data)) as image:
        assert image.size[0] == 320
    assert download(requestor, key).data == data


def _jpeg_with_a_malformed_exif() -> bytes:
    """A JPEG whose EXIF gives SampleFormat (a number) a text value: Pillow reads it, then
    fails with struct.error while applying the orientation."""
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation, so that the EXIF is rewritten when applied
    exif[0x010F] = "Cam"  # make (ASCII), renamed below to SampleFormat (0x0153)
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (10, 200, 10)).save(buffer, "JPEG", exif=exif.tobytes())
    data = buffer.getvalue()
    make_entry = b"\x01\x0f\x00\x02"
    assert data.count(make_entry) == 1
    return data.replace(make_entry, b"\x01\x53\x00\x02")


def test_a_file_the_converter_fails_on_is_ready_with_its_original_and_the_reason(
    download: Callable[..., Any],
    send_upload: Callable[..., Any],
    await_status: Callable[..., dict[str, Any]],
    requestor: TestUser,
    storage_dir: Path,
) -> None:
    data = _jpeg_with_a_malformed_exif()
    uploaded = send_upload(requestor, "photo.jpg", data)
    assert uploaded.status_code == 201, uploaded.get_json()
    key = uploaded.get_json()["file_key"]

    details = await_status(requestor, key, "ready", "failed", "infected", timeout=30)

    # Scanned clean: the original stays useful; only the previews could not be made.
    assert details["status"] == "ready", details
    assert details["failure_reason"] is None
    assert details["variants"] == {}
    assert details["conversion_error"].startswith("No preview could be made")
    original = download(requestor, key)
    assert (original.status_code, original.data) == (200, data)
    assert download(requestor, key, "webp").status_code == 404
    stored = [
        p.name for p in (storage_dir / "objects").rglob("*") if p.is_file() and key in p.parts
    ]
    assert stored == ["original"]
