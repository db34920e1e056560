"""Redis restarted during a live chat and while tickets change.

Redis carries the chat's real-time fan-out (pub/sub, at most once) and the ticket event stream;
PostgreSQL is the system of record. So while Redis is away: every acknowledged message is stored
once, sockets fill what they missed from the database (no gap, no duplicate, also for a client
that resumes with ?after=), and ticket events wait in the outbox and are delivered once Redis is
back.
"""

from __future__ import annotations

import threading
import time
from collections import Counter

import requests
from chaos_helpers import (
    UNAVAILABLE,
    ChaosStack,
    ChatPoster,
    ChatReader,
    chat_report,
    token_of,
    unexpected_answers,
    wait_for,
    write_report,
)

OUTAGE = 2.5
TICKETS_DURING_OUTAGE = 3
DELIVERY_LIMIT = 15.0


def test_redis_restarted_during_chat_loses_no_message_and_no_event(stack: ChaosStack) -> None:
    stack.wait_healthy()
    users = stack.users()
    ticket = stack.open_chat_ticket(users)
    ticket_id = ticket["id"]
    # Readers stop only once they have everything; posters first.
    stop = threading.Event()
    posting = threading.Event()

    def reader(role: str, stop_event: threading.Event, after: int = 0) -> ChatReader:
        return ChatReader(
            stack.ws_url, token_of(users[role]), ticket_id, stop_event, after=after
        ).start()

    readers = [reader(role, stop) for role in ("requestor", "assignee", "moderator", "assignee")]
    first_half_stop = threading.Event()
    first_half = reader("moderator", first_half_stop)
    for each in [*readers, first_half]:
        assert each.ready.wait(20), "a chat socket never became ready"
    posters = [
        ChatPoster(stop=posting, url=stack.url, headers=users[role], ticket_id=ticket_id).start()
        for role in ("requestor", "assignee")
    ]
    time.sleep(1.0)

    redis = stack.server("RedisServer")
    redis.stop()
    # Ticket changes while Redis is away: their events wait in the outbox.
    it = stack.department(users["requestor"], "IT")
    created = []
    for number in range(TICKETS_DURING_OUTAGE):
        response = requests.post(
            f"{stack.url}/api/tickets/",
            headers=users["requestor"],
            json={"title": f"During the outage {number}", "description": "x", "department_id": it},
            timeout=10,
        )
        assert response.status_code == 201, response.text
        created.append(response.json()["id"])
    # A client leaves during the outage and comes back afterwards with ?after=.
    first_half_stop.set()
    first_half.join(10)
    time.sleep(OUTAGE)
    redis.start()
    back_at = time.monotonic()
    second_half = reader("moderator", stop, after=first_half.last_seq)
    time.sleep(3.0)
    posting.set()
    for poster in posters:
        poster.join(60)
    # Let every socket drain what was posted last before it is closed.
    stored = stack.stored_messages(ticket_id)
    last = stored[-1][0]
    for each in [*readers, second_half]:
        wait_for(lambda each=each: each.last_seq >= last, 10, 0.1, f"message {last} to arrive")
    stop.set()
    for each in [*readers, second_half]:
        each.join(10)
    report = write_report(posters, Counter(client for _, _, client in stored), back_at)
    print(f"redis restart, chat: {report.line()}; {chat_report(readers, stored)}")

    assert [e for p in posters for e in p.errors] == []
    assert report.acknowledged >= 10, report.line()
    assert report.lost == [] and report.duplicated == {} and report.abandoned == [], report.line()
    assert unexpected_answers(report, {UNAVAILABLE}) == [], report.line()
    expected = [seq for seq, _, _ in stored]
    assert expected == list(range(1, len(expected) + 1))
    for each in readers:
        assert each.seqs() == expected
    assert first_half.seqs() + second_half.seqs() == expected
    assert len(first_half.messages) > 0 and len(second_half.messages) > 0

    # The events of the tickets opened during the outage reach communication-service: each
    # IT moderator hears of each new ticket once.
    moderator_id = stack.me(users["moderator"])["id"]

    def notified() -> dict[str, int]:
        rows = stack.sql(
            "SELECT ticket_id::text, count(*) FROM notifications WHERE user_id = %s "
            "AND type = 'ticket_created' AND ticket_id::text = ANY(%s) GROUP BY ticket_id",
            (moderator_id, created),
        )
        return {ticket: int(n) for ticket, n in rows}

    started = time.monotonic()
    wait_for(lambda: len(notified()) == len(created), DELIVERY_LIMIT, 0.2, "the outage's events")
    print(
        f"redis restart, events: {len(created)} tickets opened during the outage, "
        f"notified after {time.monotonic() - started:.2f} s: {notified()}"
    )
    assert notified() == dict.fromkeys(created, 1)
    listed = requests.get(
        f"{stack.url}/api/notifications/?limit=100", headers=users["moderator"], timeout=10
    ).json()["items"]
    assert set(created) <= {n["ticket_id"] for n in listed if n["type"] == "ticket_created"}
