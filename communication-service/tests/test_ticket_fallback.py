"""A ticket whose events have not arrived yet: ticket-service (live, its real app) is asked as the
caller, and the chat opens for the people it shows the ticket to."""

from __future__ import annotations

import uuid

import requests


def open_at_ticket_service(url: str, requestor, department) -> str:
    response = requests.post(
        f"{url}/api/tickets/",
        json={
            "title": "Printer jams",
            "description": "Every second page jams.",
            "department_id": str(department),
            "priority": "medium",
            "category": "hardware",
        },
        headers=requestor.headers,
        timeout=10,
    )
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


def test_the_requestor_can_chat_before_any_event_arrived(
    via_ticket_service, ticket_service_url, client, create_user, department, token_user
):
    requestor = create_user(roles={"requestor": [department]}, department_id=department)
    ticket = open_at_ticket_service(ticket_service_url, requestor, department)

    posted = client.post(
        f"/api/chat/{ticket}/messages/",
        json={"body": "Is it the toner?"},
        headers=requestor.headers,
    )
    assert posted.status_code == 201, posted.json
    people = client.get(f"/api/chat/{ticket}/participants/", headers=requestor.headers).json
    assert {(p["user_id"], p["role"]) for p in people["items"]} == {
        (str(requestor.id), "requestor")
    }
    moderator = token_user(roles={"moderator": [department]}, department_id=department)
    assert client.get(f"/api/chat/{ticket}/messages/", headers=moderator.headers).status_code == 200


def test_someone_ticket_service_hides_the_ticket_from_gets_404(
    via_ticket_service, ticket_service_url, client, create_user, department, create_department
):
    requestor = create_user(roles={"requestor": [department]}, department_id=department)
    elsewhere = create_department()
    stranger = create_user(roles={"requestor": [elsewhere]}, department_id=elsewhere)
    ticket = open_at_ticket_service(ticket_service_url, requestor, department)

    response = client.get(f"/api/chat/{ticket}/messages/", headers=stranger.headers)
    assert response.status_code == 404
    unknown = client.get(f"/api/chat/{uuid.uuid4()}/messages/", headers=requestor.headers)
    assert unknown.status_code == 404
