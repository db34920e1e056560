"""Uploads: streamed, hashed, typed from their bytes, and who can see them afterwards."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from hdms_common.testing.plugin import TestUser

TICKET = "3f1c1e5e-8a7b-4f0e-9a62-1d2b3c4d5e6f"


def test_upload_stores_the_file_pending_with_its_hash_and_sniffed_type(
    send_upload: Callable[..., Any],
    requestor: TestUser,
    files_on_disk: Callable[[], list[Path]],
    make_png: Callable[..., bytes],
) -> None:
    data = make_png()
    response = send_upload(requestor, "screen shot.png", data, content_type="image/png")

    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["status"] == "pending"
    assert body["original_name"] == "screen shot.png"
    assert body["size"] == len(data)
    assert body["sha256"] == hashlib.sha256(data).hexdigest()
    assert body["content_type"] == "image/png"
    assert body["declared_content_type"] == "image/png"
    assert body["purpose"] == "ticket"
    assert body["ticket_id"] is None
    assert body["uploader_id"] == str(requestor.id)
    assert body["variants"] == {}
    assert len(body["file_key"]) >= 32
    stored = [p for p in files_on_disk() if body["file_key"] in p.parts]
    assert [p.name for p in stored] == ["original"]
    assert stored[0].read_bytes() == data


def test_file_keys_are_random_and_not_derived_from_the_content(
    send_upload: Callable[..., Any], requestor: TestUser, make_png: Callable[..., bytes]
) -> None:
    data = make_png()
    first = send_upload(requestor, "a.png", data).get_json()["file_key"]
    second = send_upload(requestor, "a.png", data).get_json()["file_key"]
    assert first != second
    assert hashlib.sha256(data).hexdigest()[:8] not in first + second


def test_an_upload_naming_a_ticket_while_ticket_service_is_down_is_a_503_keeping_nothing(
    send_upload: Callable[..., Any],
    requestor: TestUser,
    count_attachments: Callable[[], int],
    files_on_disk: Callable[[], list[Path]],
) -> None:
    # Whether the uploader may name the ticket is asked of ticket-service (here unreachable);
    # an upload naming a ticket they can see is in tests/test_attachment_linking.py.
    response = send_upload(
        requestor,
        "notes.txt",
        b"printer on floor 3 jams\n",
        fields={"purpose": "chat", "ticket_id": TICKET},
    )
    assert response.status_code == 503, response.get_json()
    assert count_attachments() == 0
    assert files_on_disk() == []


def test_details_and_status_are_visible_to_the_uploader_and_admins_only(
    client: Any,
    send_upload: Callable[..., Any],
    requestor: TestUser,
    stranger: TestUser,
    admin: TestUser,
    make_png: Callable[..., bytes],
) -> None:
    key = send_upload(requestor, "a.png", make_png()).get_json()["file_key"]

    for user in (requestor, admin):
        details = client.get(f"/api/files/{key}/", headers=user.headers)
        assert details.status_code == 200
        assert details.get_json()["file_key"] == key
        status = client.get(f"/api/files/{key}/status/", headers=user.headers)
        assert status.get_json() == {"file_key": key, "status": "pending", "failure_reason": None}

    for path in (f"/api/files/{key}/", f"/api/files/{key}/status/", f"/api/files/{key}/download/"):
        response = client.get(path, headers=stranger.headers)
        assert response.status_code == 404
        assert response.content_type == "application/problem+json"


def test_a_strangers_answer_for_an_existing_file_equals_the_answer_for_an_unknown_one(
    client: Any,
    send_upload: Callable[..., Any],
    requestor: TestUser,
    stranger: TestUser,
    make_png: Callable[..., bytes],
) -> None:
    key = send_upload(requestor, "a.png", make_png()).get_json()["file_key"]
    existing = client.get(f"/api/files/{key}/", headers=stranger.headers)
    unknown = client.get(f"/api/files/{'x' * len(key)}/", headers=stranger.headers)
    malformed = client.get("/api/files/..%2F..%2Fetc/", headers=stranger.headers)
    assert existing.status_code == unknown.status_code == malformed.status_code == 404
    assert existing.get_json()["detail"] == unknown.get_json()["detail"]


def test_a_file_on_a_ticket_is_not_shown_to_a_stranger_when_ticket_service_is_down(
    app: Any,
    client: Any,
    send_upload: Callable[..., Any],
    requestor: TestUser,
    stranger: TestUser,
    make_png: Callable[..., bytes],
) -> None:
    from file_service.ticket_events import handle_ticket_event
    from hdms_common.events import Event

    key = send_upload(requestor, "a.png", make_png()).get_json()["file_key"]
    # Attached to a ticket (what ticket-service announces), while ticket-service is down.
    handle_ticket_event(
        app,
        Event(
            type="ticket.attachment_added",
            payload={"ticket_id": TICKET, "file_key": key, "status": "new"},
        ),
    )
    response = client.get(f"/api/files/{key}/", headers=stranger.headers)
    # ticket-service unreachable: the answer is "try again later", never the file.
    assert response.status_code == 503
    assert "file_key" not in response.get_json()
    assert client.get(f"/api/files/{key}/", headers=requestor.headers).status_code == 200


def test_every_endpoint_needs_a_token(
    client: Any,
    send_upload: Callable[..., Any],
    requestor: TestUser,
    count_attachments: Callable[[], int],
    make_png: Callable[..., bytes],
) -> None:
    key = send_upload(requestor, "a.png", make_png()).get_json()["file_key"]
    assert client.post("/api/files/upload/", data={}).status_code == 401
    for path in (f"/api/files/{key}/", f"/api/files/{key}/status/", f"/api/files/{key}/download/"):
        response = client.get(path)
        assert response.status_code == 401
        assert response.content_type == "application/problem+json"
    assert count_attachments() == 1


def test_a_repeated_idempotency_key_replays_the_first_upload(
    send_upload: Callable[..., Any],
    requestor: TestUser,
    files_on_disk: Callable[[], list[Path]],
    count_attachments: Callable[[], int],
    make_png: Callable[..., bytes],
) -> None:
    headers = {"Idempotency-Key": "upload-1"}
    first = send_upload(requestor, "a.png", make_png(), headers=headers)
    files_after_first = files_on_disk()
    again = send_upload(requestor, "a.png", make_png(), headers=headers)

    assert first.status_code == again.status_code == 201
    assert again.get_json()["file_key"] == first.get_json()["file_key"]
    assert again.headers["Idempotent-Replayed"] == "true"
    assert count_attachments() == 1
    assert files_on_disk() == files_after_first

    other = send_upload(requestor, "b.png", make_png(color=(1, 2, 3)), headers=headers)
    assert other.status_code == 422
    assert "headers.Idempotency-Key" in other.get_json()["errors"]
    assert count_attachments() == 1
    assert files_on_disk() == files_after_first


def test_the_openapi_document_describes_the_upload(client: Any) -> None:
    spec = client.get("/api/files/openapi.json").get_json()
    operation = spec["paths"]["/api/files/upload/"]["post"]
    schema = operation["requestBody"]["content"]["multipart/form-data"]["schema"]
    assert schema["properties"]["file"] == {"type": "string", "format": "binary"}
    assert "/api/files/{file_key}/download/" in spec["paths"]
