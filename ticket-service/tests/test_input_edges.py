"""Input at the edges of what a field can hold: huge version numbers, dates at the end of the
calendar, invisible and direction-changing characters. Each is a 4xx (or is cleaned), never a
500 (docs/api.md, "Errors" and "Text fields")."""

from __future__ import annotations

from typing import Any

import pytest

Api = Any  # the conftest's verbs over the test client

EDGE_DATES = ["9999-12-31T23:59:59-12:00", "0001-01-01T00:00:00+14:00", "9500-01-01T00:00:00Z"]
HUGE = "1" + "0" * 1000
HUGER = "1" + "0" * 5000


def _problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    assert response.mimetype == "application/problem+json"
    body: dict[str, Any] = response.get_json()
    return body


@pytest.mark.parametrize("when", EDGE_DATES)
def test_sla_due_at_at_the_edge_of_the_calendar_is_a_422(api: Api, when: str) -> None:
    ticket = api.create()
    response = api.client.patch(
        f"/api/tickets/{ticket['id']}/sla",
        json={"due_at": when, "reason": "Customer asked"},
        headers=api.cast.moderator.headers,
    )
    assert "due_at" in _problem(response, 422)["errors"]
    assert api.get(ticket)["resolution_due_at"] == ticket["resolution_due_at"]


@pytest.mark.parametrize("when", EDGE_DATES)
def test_postpone_resume_at_at_the_edge_of_the_calendar_is_a_422(api: Api, when: str) -> None:
    ticket = api.create()
    response = api.client.post(
        f"/api/tickets/{ticket['id']}/postpone",
        json={"reason": "Parts", "resume_at": when, "version": ticket["version"]},
        headers=api.cast.moderator.headers,
    )
    assert "resume_at" in _problem(response, 422)["errors"]
    response = api.act(ticket, "postpone", api.cast.moderator, reason="Parts", resume_at=when)
    assert "resume_at" in _problem(response, 422)["errors"]
    assert api.get(ticket)["status"] == "new"


@pytest.mark.parametrize("when", EDGE_DATES[:2])
def test_created_range_filter_at_the_edge_of_the_calendar_is_a_422(api: Api, when: str) -> None:
    response = api.client.get(
        "/api/tickets/",
        query_string={"created_after": when},
        headers=api.cast.moderator.headers,
    )
    assert "query.created_after" in _problem(response, 422)["errors"]


@pytest.mark.parametrize("digits", [HUGE, HUGER])
def test_a_version_of_thousands_of_digits_in_the_body_is_refused(api: Api, digits: str) -> None:
    ticket = api.create()
    response = api.client.post(
        f"/api/tickets/{ticket['id']}/acknowledge",
        data=f'{{"version": {digits}}}',
        headers={**api.cast.moderator.headers, "Content-Type": "application/json"},
    )
    if digits is HUGER:  # past Python's integer parsing limit: not JSON we can read
        _problem(response, 400)
    else:
        assert "version" in _problem(response, 422)["errors"]
    assert api.get(ticket)["version"] == ticket["version"]


@pytest.mark.parametrize("header", [HUGE, HUGER, f'"{HUGER}"', "W/" + HUGE, "\u00b2"])
def test_an_if_match_that_is_no_version_is_a_422(api: Api, header: str) -> None:
    ticket = api.create()
    response = api.client.patch(
        f"/api/tickets/{ticket['id']}",
        json={"title": "New title"},
        headers={**api.cast.requestor.headers, "If-Match": header},
    )
    assert "headers.If-Match" in _problem(response, 422)["errors"]
    assert api.get(ticket)["title"] == ticket["title"]


def test_bidi_controls_are_taken_out_of_titles(api: Api) -> None:
    controls = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
    ticket = api.create(title=f"Invoice{controls} gpj.exe", description="Keep \u202e here")
    assert ticket["title"] == "Invoice gpj.exe"
    assert ticket["description"] == "Keep \u202e here"
    response = api.client.patch(
        f"/api/tickets/{ticket['id']}",
        json={"title": "\u202eReversed", "version": ticket["version"]},
        headers=api.cast.requestor.headers,
    )
    assert response.status_code == 200, response.get_json()
    assert api.get(ticket)["title"] == "Reversed"


@pytest.mark.parametrize("title", ["\u200b\u200c\u200d", "\u2060 \ufeff", "\u202e\u2066"])
def test_a_title_of_invisible_characters_is_blank(api: Api, title: str) -> None:
    response = api.client.post(
        "/api/tickets/",
        json={
            "title": title,
            "description": "Something",
            "department_id": str(api.cast.department),
        },
        headers=api.cast.requestor.headers,
    )
    assert "title" in _problem(response, 422)["errors"]
