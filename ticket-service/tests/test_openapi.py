"""The service documents itself: OpenAPI 3 with every documented path."""

from __future__ import annotations


def test_openapi_lists_every_ticket_service_path(client):
    response = client.get("/api/tickets/openapi.json")
    assert response.status_code == 200
    spec = response.get_json()
    assert spec["openapi"].startswith("3.")
    paths = set(spec["paths"])
    expected = {
        "/api/tickets/",
        "/api/tickets/{ticket_id}",
        "/api/tickets/fsm",
        "/api/tickets/{ticket_id}/status",
        "/api/tickets/{ticket_id}/assign",
        "/api/tickets/{ticket_id}/reject",
        "/api/tickets/{ticket_id}/postpone",
        "/api/tickets/{ticket_id}/acknowledge",
        "/api/tickets/{ticket_id}/progress",
        "/api/tickets/{ticket_id}/sla",
        "/api/tickets/{ticket_id}/history",
        "/api/tickets/{ticket_id}/sub-tickets/",
        "/api/sub-tickets/{sub_ticket_id}",
        "/api/sub-tickets/{sub_ticket_id}/status",
        "/api/tickets/{ticket_id}/approvals/",
        "/api/approvals/{approval_id}/decision",
        "/api/tickets/{ticket_id}/attachments/",
    }
    assert expected <= paths
    assert spec["paths"]["/api/tickets/"]["post"]["summary"].startswith("Open a ticket")


def test_unknown_paths_and_methods_are_problems(client, cast):
    response = client.get("/api/tickets/nothing/here", headers=cast.requestor.headers)
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"
    response = client.put("/api/tickets/", headers=cast.requestor.headers)
    assert response.status_code == 405
    assert response.mimetype == "application/problem+json"
