"""Downloads: only clean files, Range, ETag, safe names, nosniff, nginx hand-off."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any
from urllib.parse import quote

import pytest

from hdms_common.testing.downloads import (
    CONTENT_SECURITY_POLICY,
    assert_download_contract,
    from_werkzeug,
)
from hdms_common.testing.plugin import TestUser

TEXT = b"0123456789abcdefghijklmnopqrstuvwxyz\n" * 100


def test_a_file_still_pending_is_not_served(
    send_upload: Callable[..., Any], download: Callable[..., Any], requestor: TestUser
) -> None:
    key = send_upload(requestor, "a.txt", TEXT).get_json()["file_key"]
    response = download(requestor, key)
    assert response.status_code == 409
    assert response.content_type == "application/problem+json"
    assert response.get_json()["file_status"] == "pending"
    assert response.headers["Retry-After"] == "5"


def test_a_ready_file_is_served_with_etag_nosniff_and_an_attachment_disposition(
    ready_file: Callable[..., str], download: Callable[..., Any], requestor: TestUser
) -> None:
    key = ready_file(requestor, "report.txt", TEXT)
    response = download(requestor, key)
    assert response.status_code == 200
    assert response.data == TEXT
    assert response.headers["ETag"] == f'"{hashlib.sha256(TEXT).hexdigest()}"'
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Accept-Ranges"] == "bytes"
    assert response.headers["Content-Disposition"] == (
        "attachment; filename=\"report.txt\"; filename*=UTF-8''report.txt"
    )


def test_a_download_sent_by_file_service_keeps_the_download_contract(
    client: Any, ready_file: Callable[..., str], requestor: TestUser
) -> None:
    # The same check runs through nginx in tests/test_file_downloads_through_nginx.py.
    key = ready_file(requestor, "report.txt", TEXT)
    assert_download_contract(
        lambda headers: from_werkzeug(
            client.get(f"/api/files/{key}/download/", headers={**requestor.headers, **headers})
        ),
        data=TEXT,
        etag=hashlib.sha256(TEXT).hexdigest(),
        content_type="text/plain",
        disposition="attachment; filename=\"report.txt\"; filename*=UTF-8''report.txt",
    )


def test_the_same_etag_answers_304_without_a_body(
    ready_file: Callable[..., str], download: Callable[..., Any], requestor: TestUser
) -> None:
    key = ready_file(requestor, "report.txt", TEXT)
    etag = download(requestor, key).headers["ETag"]
    response = download(requestor, key, headers={"If-None-Match": etag})
    assert response.status_code == 304
    assert response.data == b""


def test_range_requests_get_206_and_unsatisfiable_ones_416(
    ready_file: Callable[..., str], download: Callable[..., Any], requestor: TestUser
) -> None:
    key = ready_file(requestor, "report.txt", TEXT)
    part = download(requestor, key, headers={"Range": "bytes=10-19"})
    assert part.status_code == 206
    assert part.data == TEXT[10:20]
    assert part.headers["Content-Range"] == f"bytes 10-19/{len(TEXT)}"
    tail = download(requestor, key, headers={"Range": "bytes=-5"})
    assert (tail.status_code, tail.data) == (206, TEXT[-5:])
    beyond = download(requestor, key, headers={"Range": f"bytes={len(TEXT) + 10}-"})
    assert beyond.status_code == 416
    assert beyond.content_type == "application/problem+json"
    assert beyond.headers["Content-Range"] == f"bytes */{len(TEXT)}"


@pytest.mark.parametrize("header", ["bytes=abc", "bytes=50-10", "bytes=-0"])
def test_a_malformed_byte_range_is_416_with_the_length(
    ready_file: Callable[..., str], download: Callable[..., Any], requestor: TestUser, header: str
) -> None:
    key = ready_file(requestor, "report.txt", TEXT)
    response = download(requestor, key, headers={"Range": header})
    assert response.status_code == 416
    assert response.content_type == "application/problem+json"
    assert response.headers["Content-Range"] == f"bytes */{len(TEXT)}"


@pytest.mark.parametrize("header", ["items=0-5", "bytes=0-0,5-6"])
def test_another_unit_or_several_ranges_get_the_whole_file(
    ready_file: Callable[..., str], download: Callable[..., Any], requestor: TestUser, header: str
) -> None:
    key = ready_file(requestor, "report.txt", TEXT)
    response = download(requestor, key, headers={"Range": header})
    assert (response.status_code, response.data) == (200, TEXT)


def test_a_non_ascii_name_gets_an_ascii_fallback_and_an_exact_filename_star(
    ready_file: Callable[..., str],
    download: Callable[..., Any],
    client: Any,
    requestor: TestUser,
) -> None:
    name = "Rapport <été>|naïve résumé.txt"
    key = ready_file(requestor, name, TEXT)
    stored = client.get(f"/api/files/{key}/", headers=requestor.headers).get_json()
    assert stored["original_name"] == "Rapport _été__naïve résumé.txt"
    disposition = download(requestor, key).headers["Content-Disposition"]
    assert disposition == (
        'attachment; filename="Rapport _ete__naive resume.txt"; '
        f"filename*=UTF-8''{quote(stored['original_name'], safe='')}"
    )
    assert "\r" not in disposition and "\n" not in disposition


def test_an_unknown_variant_is_a_422_and_a_missing_one_a_404(
    ready_file: Callable[..., str], download: Callable[..., Any], requestor: TestUser
) -> None:
    key = ready_file(requestor, "report.txt", TEXT)
    unknown = download(requestor, key, "../../etc/passwd")
    assert unknown.status_code == 422
    assert "query.variant" in unknown.get_json()["errors"]
    assert download(requestor, key, "webp").status_code == 404


def test_with_an_accel_redirect_prefix_nginx_is_told_where_the_bytes_are(
    file_environ: dict[str, str],
    ready_file: Callable[..., str],
    requestor: TestUser,
) -> None:
    from file_service import create_app

    key = ready_file(requestor, "report.txt", TEXT)
    behind_nginx = create_app(
        environ={**file_environ, "FILE_ACCEL_REDIRECT_PREFIX": "/_protected_files/"}
    )
    response = behind_nginx.test_client().get(
        f"/api/files/{key}/download/", headers=requestor.headers
    )
    assert response.status_code == 200
    assert response.data == b""
    assert response.headers["X-Accel-Redirect"] == (
        f"/_protected_files/objects/{key[:2]}/{key[2:4]}/{key}/original"
    )
    assert response.headers["Content-Type"].startswith("text/plain")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    etag = f'"{hashlib.sha256(TEXT).hexdigest()}"'
    assert response.headers["ETag"] == etag
    assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    # nginx knows only its own ETag: a matching If-None-Match is answered here, no redirect.
    unchanged = behind_nginx.test_client().get(
        f"/api/files/{key}/download/", headers={**requestor.headers, "If-None-Match": etag}
    )
    assert (unchanged.status_code, unchanged.data) == (304, b"")
    assert "X-Accel-Redirect" not in unchanged.headers
    assert unchanged.headers["ETag"] == etag
