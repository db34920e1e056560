"""The ticket list's sort orders: each pages by keyset, stable under inserts between pages, on
PostgreSQL and on the embedded SQLite; a cursor only continues the sort it was made with."""

from __future__ import annotations

import itertools
from datetime import datetime

import pytest

PRIORITY_RANK = {"low": 0, "medium": 1, "high": 2, "critical": 3}
SORTS = ["-created_at", "created_at", "due_at", "-priority"]
PRIORITIES = itertools.cycle(["medium", "critical", "low", "high", "critical", "low"])


def _time(value):
    return datetime.fromisoformat(value)


def sort_key(sort, ticket):
    """The key the list is ordered by, as a tuple that grows along the list."""
    created = _time(ticket["created_at"])
    if sort == "-created_at":
        return (-created.timestamp(), _negate(ticket["id"]))
    if sort == "created_at":
        return (created.timestamp(), ticket["id"])
    if sort == "due_at":
        return (_time(ticket["resolution_due_at"]).timestamp(), ticket["id"])
    return (-PRIORITY_RANK[ticket["priority"]], -created.timestamp(), _negate(ticket["id"]))


def _negate(text):
    return tuple(-ord(ch) for ch in text)


def page_through(api, user, sort, *, insert_between=0):
    """Every page of ``sort`` with limit 2; ``insert_between`` new tickets after each page."""
    client = api.client
    served, inserted = [], []
    url = f"/api/tickets/?limit=2&sort={sort}"
    while url:
        response = client.get(url, headers=user.headers)
        assert response.status_code == 200, response.get_json()
        page = response.get_json()
        assert len(page["items"]) <= 2
        served.extend(page["items"])
        for _ in range(insert_between if page["next_cursor"] else 0):
            inserted.append(api.create(title="Arrived meanwhile", priority=next(PRIORITIES)))
        cursor = page["next_cursor"]
        url = f"/api/tickets/?limit=2&sort={sort}&cursor={cursor}" if cursor else None
    return served, inserted


def check_paging(api, user, sort):
    existing = [api.create(title=f"Ticket {i}", priority=next(PRIORITIES)) for i in range(7)]
    served, inserted = page_through(api, user, sort, insert_between=1)
    ids = [t["id"] for t in served]
    assert len(ids) == len(set(ids)), "a ticket was served twice"
    assert {t["id"] for t in existing} <= set(ids), "a ticket that was there was skipped"
    assert set(ids) <= {t["id"] for t in existing + inserted}
    keys = [sort_key(sort, t) for t in served]
    assert keys == sorted(keys)
    # Without inserts the order is exactly that of all tickets sorted by the key.
    everything, _ = page_through(api, user, sort)
    assert [t["id"] for t in everything] == [
        t["id"] for t in sorted(existing + inserted, key=lambda t: sort_key(sort, t))
    ]


@pytest.mark.parametrize("sort", SORTS)
def test_each_sort_pages_without_duplicates_or_gaps_under_inserts(api, cast, sort):
    check_paging(api, cast.admin, sort)


@pytest.mark.parametrize("sort", SORTS)
def test_each_sort_pages_the_same_way_on_sqlite(sqlite_app, api_on, cast, sort):
    check_paging(api_on(sqlite_app.test_client()), cast.admin, sort)


def test_the_default_sort_is_newest_first(api, cast, client):
    created = [api.create(title=f"Ticket {i}") for i in range(3)]
    listed = client.get("/api/tickets/", headers=cast.requestor.headers).get_json()["items"]
    assert [t["id"] for t in listed] == [t["id"] for t in reversed(created)]
    explicit = client.get("/api/tickets/?sort=-created_at", headers=cast.requestor.headers)
    assert explicit.get_json()["items"] == listed


def test_priority_sort_puts_critical_first_then_newest(api, cast, client):
    low = api.create(priority="low")
    old_critical = api.create(priority="critical")
    high = api.create(priority="high")
    new_critical = api.create(priority="critical")
    listed = client.get("/api/tickets/?sort=-priority", headers=cast.admin.headers).get_json()
    assert [t["id"] for t in listed["items"]] == [
        new_critical["id"],
        old_critical["id"],
        high["id"],
        low["id"],
    ]


def test_sort_combines_with_filters(api, cast, client):
    api.create(priority="low")
    first = api.create(priority="high")
    second = api.create(priority="critical")
    response = client.get(
        "/api/tickets/?sort=due_at&priority=high,critical", headers=cast.admin.headers
    )
    assert [t["id"] for t in response.get_json()["items"]] == [second["id"], first["id"]]


@pytest.mark.parametrize(("made_with", "used_with"), list(itertools.permutations(SORTS, 2)))
def test_a_cursor_of_another_sort_is_a_400_problem(api, cast, client, made_with, used_with):
    for _ in range(3):
        api.create()
    page = client.get(f"/api/tickets/?limit=1&sort={made_with}", headers=cast.admin.headers)
    cursor = page.get_json()["next_cursor"]
    assert cursor
    response = client.get(
        f"/api/tickets/?limit=1&sort={used_with}&cursor={cursor}", headers=cast.admin.headers
    )
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"
    assert "query.cursor" in response.get_json()["errors"]


@pytest.mark.parametrize("sort", ["priority", "-due_at", "title", "", "created_at,due_at"])
def test_an_unknown_sort_is_a_422_problem(client, cast, sort):
    response = client.get(f"/api/tickets/?sort={sort}", headers=cast.requestor.headers)
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert "query.sort" in response.get_json()["errors"]


def check_own_paging(api, cast, sort):
    """Someone who sees only their own tickets pages them in each sort exactly as all of
    them sorted: tickets they requested, tickets assigned to them, and both at once (the page
    is cut from the first tickets of each way a ticket is theirs)."""
    user = cast.assignee
    requested = [api.create(user=user, priority=next(PRIORITIES)) for _ in range(3)]
    assigned = [api.in_state("assigned", priority=next(PRIORITIES)) for _ in range(3)]
    both = [api.in_state("assigned", user=user, priority=next(PRIORITIES)) for _ in range(2)]
    api.create(user=cast.other_requestor)  # not theirs
    mine = [api.get(t, user) for t in requested + assigned + both]
    served, _ = page_through(api, user, sort)
    assert [t["id"] for t in served] == [
        t["id"] for t in sorted(mine, key=lambda t: sort_key(sort, t))
    ]


@pytest.mark.parametrize("sort", SORTS)
def test_own_tickets_page_in_each_sort(api, cast, sort):
    check_own_paging(api, cast, sort)


@pytest.mark.parametrize("sort", SORTS)
def test_own_tickets_page_in_each_sort_on_sqlite(sqlite_app, api_on, cast, sort):
    check_own_paging(api_on(sqlite_app.test_client()), cast, sort)


def check_moderator_paging(api, cast, token_user, sort):
    """A moderator pages, in each sort, exactly the tickets of the departments they moderate
    and those they requested elsewhere, as all of them sorted (the page is cut from the first
    tickets of each department and each way a ticket is their own)."""
    moderator = token_user(
        roles={"moderator": [cast.other_department], "requestor": [cast.department]},
        department_id=cast.other_department,
    )
    moderated = [
        api.create(department_id=str(cast.other_department), priority=next(PRIORITIES))
        for _ in range(4)
    ]
    requested = [api.create(user=moderator, priority=next(PRIORITIES)) for _ in range(2)]
    api.create(priority=next(PRIORITIES))  # another's ticket in a department they do not moderate
    visible = [api.get(t, cast.admin) for t in moderated + requested]
    served, _ = page_through(api, moderator, sort)
    assert [t["id"] for t in served] == [
        t["id"] for t in sorted(visible, key=lambda t: sort_key(sort, t))
    ]


@pytest.mark.parametrize("sort", SORTS)
def test_moderator_pages_departments_and_own_tickets_in_each_sort(api, cast, token_user, sort):
    check_moderator_paging(api, cast, token_user, sort)


@pytest.mark.parametrize("sort", SORTS)
def test_moderator_pages_the_same_way_on_sqlite(sqlite_app, api_on, cast, token_user, sort):
    check_moderator_paging(api_on(sqlite_app.test_client()), cast, token_user, sort)


def test_first_pages_of_viewers_of_one_shape_show_each_their_own(api, cast, token_user, client):
    """The first unfiltered page is one statement for every viewer of the same shape, their
    ids bound at each request: two requestors, then two moderators of different departments,
    each see exactly their own tickets, whoever asked first."""
    first, second = cast.requestor, cast.other_requestor
    mine = {api.create(user=first)["id"] for _ in range(2)}
    theirs = {api.create(user=second)["id"] for _ in range(3)}
    for user, expected in [(first, mine), (second, theirs), (first, mine)]:
        page = client.get("/api/tickets/", headers=user.headers).get_json()
        assert {t["id"] for t in page["items"]} == expected

    other = api.create(department_id=str(cast.other_department))["id"]
    here = token_user(roles={"moderator": [cast.department]}, department_id=cast.department)
    there = token_user(
        roles={"moderator": [cast.other_department]}, department_id=cast.other_department
    )
    for user, expected in [(here, mine | theirs), (there, {other}), (here, mine | theirs)]:
        page = client.get("/api/tickets/", headers=user.headers).get_json()
        assert {t["id"] for t in page["items"]} == expected
