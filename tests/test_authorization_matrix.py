# ruff: noqa: E501 - the matrix is a table, one operation a line
"""Who may do what: every operation of every OpenAPI document, for each role, on an object of
the caller's own department, of another department, and on an id that does not exist; and every
kind of bad token on every operation and both WebSockets.

The expected statuses are written down here from the contract (docs/api.md,
docs/ticket-life-cycle.md), not derived from the code:

- 404 when the caller may not see the object (whether it exists or not: existence never leaks);
- 403 when the caller may see it but their role does not allow the action, and for an endpoint
  whose role the caller lacks altogether (admin-only, moderator-or-admin), whatever the object:
  that answer is the same for every id, so it reveals nothing. Routes of one ticket are the
  exception: there the 404 comes first, even on the admin-only DELETE and the
  moderator-or-admin PATCH .../sla (docs/ticket-life-cycle.md, "Conflicts");
- 401 for a missing, forged, expired, wrongly typed or malformed token, or one whose employee
  was deactivated; close code 4401 on the WebSockets.

The services run for real (tests/contract_stack.py) and every answer is also checked against
the operation's documented responses. A failure lists each cell as
``METHOD path [column] role: got X, expected Y``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt as pyjwt
import pytest
import websocket
from contract_stack import (
    Caller,
    Services,
    World,
    multipart,
    png_bytes,
    services_fixture,  # noqa: F401
)

from hdms_common.auth import build_claims, encode_token
from hdms_common.testing.plugin import TestUser

ROLES = ("requestor", "moderator", "assignee", "admin")
COLUMNS = ("own", "other", "missing")

# Expected status per operation: for each column, the statuses of requestor, moderator,
# assignee, admin in that order, columns separated by "|"; "-" where the column or the cell
# does not apply (no object in the path; login, refresh and logout take no access token, so
# one role is enough for them).
# own: an object of the caller's department that the role is involved in (the ticket the
# requestor opened, that the assignee works, in the department the moderator moderates);
# other: the same in another department; missing: a well-formed id that matches nothing.
MATRIX: dict[str, str] = {
    # auth-service
    "POST /api/auth/login-hdms": "200 - - - | - | -",
    "POST /api/auth/refresh": "200 - - - | - | -",
    "POST /api/auth/logout": "204 - - - | - | -",
    "GET /api/auth/me": "200 200 200 200 | - | -",
    "GET /api/departments/": "200 200 200 200 | - | -",
    "POST /api/departments/": "403 403 403 201 | - | -",
    "GET /api/departments/{department_id}": "200 200 200 200 | 200 200 200 200 | 404 404 404 404",
    "PATCH /api/departments/{department_id}": "403 403 403 200 | 403 403 403 200 | 403 403 403 404",
    "DELETE /api/departments/{department_id}": "403 403 403 204 | 403 403 403 204 | 403 403 403 404",
    "GET /api/employees/": "200 200 200 200 | - | -",
    "POST /api/employees/": "403 403 403 201 | - | -",
    "GET /api/employees/{employee_id}": "200 200 200 200 | 200 200 200 200 | 404 404 404 404",
    "PATCH /api/employees/{employee_id}": "403 403 403 200 | 403 403 403 200 | 403 403 403 404",
    "DELETE /api/employees/{employee_id}": "403 403 403 204 | 403 403 403 204 | 403 403 403 404",
    "POST /api/hdms/grant-access": "403 403 403 200 | 403 403 403 200 | 403 403 403 404",
    "DELETE /api/hdms/grant-access": "403 403 403 200 | 403 403 403 200 | 403 403 403 404",
    # ticket-service
    "GET /api/tickets/": "200 200 200 200 | - | -",
    "POST /api/tickets/": "201 201 201 201 | - | -",
    "GET /api/tickets/fsm": "200 200 200 200 | - | -",
    "GET /api/tickets/{ticket_id}": "200 200 200 200 | 404 404 404 200 | 404 404 404 404",
    "PATCH /api/tickets/{ticket_id}": "403 200 403 200 | 404 404 404 200 | 404 404 404 404",
    "DELETE /api/tickets/{ticket_id}": "403 403 403 204 | 404 404 404 204 | 404 404 404 404",
    "POST /api/tickets/{ticket_id}/status": "403 200 403 200 | 404 404 404 200 | 404 404 404 404",
    "POST /api/tickets/{ticket_id}/assign": "403 200 403 200 | 404 404 404 200 | 404 404 404 404",
    "POST /api/tickets/{ticket_id}/reject": "403 200 404 200 | 404 404 404 200 | 404 404 404 404",
    "POST /api/tickets/{ticket_id}/postpone": "403 200 403 200 | 404 404 404 200 | 404 404 404 404",
    "POST /api/tickets/{ticket_id}/acknowledge": "403 403 200 403 | 404 404 404 403 | 404 404 404 404",
    "POST /api/tickets/{ticket_id}/progress": "403 403 200 403 | 404 404 404 403 | 404 404 404 404",
    "PATCH /api/tickets/{ticket_id}/sla": "403 200 403 200 | 404 404 404 200 | 404 404 404 404",
    "GET /api/tickets/{ticket_id}/history": "200 200 200 200 | 404 404 404 200 | 404 404 404 404",
    "GET /api/tickets/{ticket_id}/sub-tickets/": "200 200 200 200 | 404 404 404 200 | 404 404 404 404",
    "POST /api/tickets/{ticket_id}/sub-tickets/": "403 201 201 201 | 404 404 404 201 | 404 404 404 404",
    "GET /api/sub-tickets/{sub_ticket_id}": "200 200 200 200 | 404 404 404 200 | 404 404 404 404",
    "PATCH /api/sub-tickets/{sub_ticket_id}": "403 200 200 200 | 404 404 404 200 | 404 404 404 404",
    "POST /api/sub-tickets/{sub_ticket_id}/status": "403 200 200 200 | 404 404 404 200 | 404 404 404 404",
    "GET /api/tickets/{ticket_id}/approvals/": "200 200 200 200 | 404 404 404 200 | 404 404 404 404",
    "POST /api/tickets/{ticket_id}/approvals/": "403 201 201 201 | 404 404 404 201 | 404 404 404 404",
    "GET /api/approvals/": "200 200 200 200 | - | -",
    "POST /api/approvals/{approval_id}/decision": "403 403 403 403 | 404 404 404 403 | 404 404 404 404",
    "GET /api/tickets/{ticket_id}/attachments/": "200 200 200 200 | 404 404 404 200 | 404 404 404 404",
    "POST /api/tickets/{ticket_id}/attachments/": "201 201 201 201 | 404 404 404 201 | 404 404 404 404",
    # communication-service
    "GET /api/chat/{ticket_id}/messages/": "200 200 200 200 | 404 404 404 200 | 404 404 404 404",
    "POST /api/chat/{ticket_id}/messages/": "201 201 201 201 | 404 404 404 201 | 404 404 404 404",
    "GET /api/chat/{ticket_id}/participants/": "200 200 200 200 | 404 404 404 200 | 404 404 404 404",
    "GET /api/notifications/": "200 200 200 200 | - | -",
    "POST /api/notifications/{notification_id}/read": "200 200 200 200 | 404 404 404 404 | 404 404 404 404",
    "POST /api/notifications/read-all": "200 200 200 200 | - | -",
    "GET /api/notifications/unread-count": "200 200 200 200 | - | -",
    # file-service (own/other/missing for an upload: the ticket_id it names)
    "POST /api/files/upload/": "201 201 201 201 | 404 404 404 201 | 404 404 404 404",
    "GET /api/files/{file_key}/": "200 200 200 200 | 404 404 404 200 | 404 404 404 404",
    "GET /api/files/{file_key}/status/": "200 200 200 200 | 404 404 404 200 | 404 404 404 404",
    "GET /api/files/{file_key}/download/": "200 200 200 200 | 404 404 404 200 | 404 404 404 404",
}


def expected(key: str, column: str) -> dict[str, int]:
    """role -> expected status of the cell (roles whose cell is "-" left out)."""
    row = MATRIX[key].split("|")[COLUMNS.index(column)].strip()
    if row == "-":
        return {}
    cells = dict(zip(ROLES, row.split(), strict=True))
    return {role: int(status) for role, status in cells.items() if status != "-"}


@dataclass
class Cells:
    """The objects the matrix acts on: shared ones made once, fresh ones for each success that
    changes its object (so every cell starts from the same state)."""

    world: World
    shared: dict[tuple[str, bool], Any] = field(default_factory=dict)
    logins: dict[str, dict[str, Any]] = field(default_factory=dict)

    def once(self, name: str, other: bool, make: Callable[[], Any], fresh: bool = False) -> Any:
        """The shared object ``name``; with ``fresh``, one no later cell will see (the shared
        one if there is one, taken out of sharing, else a new one)."""
        if fresh:
            taken = self.shared.pop((name, other), None)
            return taken if taken is not None else make()
        if (name, other) not in self.shared:
            self.shared[(name, other)] = make()
        return self.shared[(name, other)]

    def ticket(self, state: str, other: bool, fresh: bool) -> dict[str, Any]:
        ticket = self.once(state, other, lambda: self.world.ticket(state, other=other), fresh)
        # The current version: cells before may have edited it (PATCH takes no version).
        current = self.world.services.client("ticket").get(
            f"/api/tickets/{ticket['id']}", headers=self.world["admin"].headers
        )
        return current.get_json()  # type: ignore[no-any-return]

    def department(self, other: bool) -> uuid.UUID:
        return self.world.other_department if other else self.world.own_department


CHANGES_STATE = {
    "DELETE /api/departments/{department_id}",
    "DELETE /api/employees/{employee_id}",
    "DELETE /api/tickets/{ticket_id}",
    "POST /api/tickets/{ticket_id}/status",
    "POST /api/tickets/{ticket_id}/assign",
    "POST /api/tickets/{ticket_id}/reject",
    "POST /api/tickets/{ticket_id}/postpone",
    "POST /api/tickets/{ticket_id}/acknowledge",
    "POST /api/tickets/{ticket_id}/progress",
    "POST /api/sub-tickets/{sub_ticket_id}/status",
    "POST /api/tickets/{ticket_id}/approvals/",
}
MISSING = "00000000-0000-4000-8000-000000000000"
MISSING_FILE_KEY = "NoSuchFileKeyAtAll_0000000000000"


def request_for(key: str, cells: Cells, role: str, column: str, status: int) -> dict[str, Any]:
    """The request of one cell: a valid one, so that only who asks decides the answer."""
    world = cells.world
    other = column == "other"
    missing = column == "missing"
    # A success that moves its object on (a transition, a deletion) gets an object of its own,
    # so that every cell starts from the same state; reads and edits share one.
    fresh = 200 <= status < 300 and key in CHANGES_STATE
    later = (datetime.now(UTC) + timedelta(days=2)).isoformat()

    def ticket_params(state: str = "assigned") -> tuple[dict[str, Any], dict[str, Any]]:
        if missing:
            return {"ticket_id": MISSING}, {"version": 1}
        ticket = cells.ticket(state, other, fresh)
        return {"ticket_id": ticket["id"]}, {"version": ticket["version"]}

    department = str(cells.department(other))
    if key == "POST /api/auth/login-hdms":
        user = world[role]
        return {"json_body": {"employee_code": user.employee_code, "password": user.password}}
    if key == "POST /api/auth/refresh":
        return {"json_body": {"refresh": cells.logins[role]["refresh"]}}
    if key == "POST /api/auth/logout":
        return {"json_body": {"refresh": cells.logins[role]["refresh"]}}
    if key == "POST /api/departments/":
        return {
            "json_body": {
                "name": f"Dept {uuid.uuid4().hex[:8]}",
                "code": uuid.uuid4().hex[:6].upper(),
            }
        }
    if key.endswith("{department_id}"):
        if missing:
            target = MISSING
        elif key.startswith("DELETE") and fresh:
            target = str(world.create_department())
        else:
            target = department
        body = {"description": "Changed"} if key.startswith("PATCH") else None
        return {"params": {"department_id": target}, "json_body": body}
    if key == "POST /api/employees/":
        return {
            "json_body": {
                "employee_code": f"N{uuid.uuid4().hex[:6].upper()}",
                "name": "New Hire",
                "password": "long-enough-password",
            }
        }
    if key.endswith("{employee_id}"):
        if missing:
            target = MISSING
        elif key.startswith("DELETE") and fresh:
            target = str(
                world._user(cells.department(other), requestor=[cells.department(other)]).id
            )
        else:
            target = str(world["other_assignee" if other else "second_assignee"].id)
        body = {"name": "Renamed"} if key.startswith("PATCH") else None
        return {"params": {"employee_id": target}, "json_body": body}
    if key.endswith("/api/hdms/grant-access"):
        # A grant taken away revokes the employee's tokens at once: the target is someone the
        # other rows do not act as.
        target = (
            MISSING
            if missing
            else str(world._user(cells.department(other), requestor=[cells.department(other)]).id)
        )
        return {
            "json_body": {
                "employee_id": target,
                "roles": ["requestor"],
                "department_ids": [department],
            }
        }
    if key == "POST /api/tickets/":
        return {
            "json_body": {
                "title": "Monitor flickers",
                "description": "Since Monday.",
                "department_id": str(world.own_department),
            }
        }
    if key in ("GET /api/tickets/", "GET /api/tickets/fsm", "GET /api/approvals/"):
        return {}
    if key == "PATCH /api/tickets/{ticket_id}":
        params, _ = ticket_params()
        return {"params": params, "json_body": {"title": "Edited title"}}
    if key == "DELETE /api/tickets/{ticket_id}":
        params, _ = ticket_params()
        return {"params": params}
    if key in ("POST /api/tickets/{ticket_id}/status", "POST /api/tickets/{ticket_id}/postpone"):
        params, body = ticket_params("assigned")
        body.update(reason="Parts on order", resume_at=later)
        if key.endswith("/status"):
            body["action"] = "postpone"
        return {"params": params, "json_body": body}
    if key == "POST /api/tickets/{ticket_id}/assign":
        params, body = ticket_params("postponed")
        body["assignee_id"] = str(world["other_assignee" if other else "second_assignee"].id)
        return {"params": params, "json_body": body}
    if key == "POST /api/tickets/{ticket_id}/reject":
        params, body = ticket_params("new")
        body["reason"] = "Not for us"
        return {"params": params, "json_body": body}
    if key == "POST /api/tickets/{ticket_id}/acknowledge":
        params, body = ticket_params("assigned")
        return {"params": params, "json_body": body}
    if key == "POST /api/tickets/{ticket_id}/progress":
        params, body = ticket_params("in_progress")
        body["percent"] = 50
        return {"params": params, "json_body": body}
    if key == "PATCH /api/tickets/{ticket_id}/sla":
        params, _ = ticket_params("assigned")
        due = (datetime.now(UTC) + timedelta(days=4)).isoformat()
        return {"params": params, "json_body": {"due_at": due, "reason": "Agreed"}}
    if key in (
        "GET /api/tickets/{ticket_id}",
        "GET /api/tickets/{ticket_id}/history",
        "GET /api/tickets/{ticket_id}/sub-tickets/",
        "GET /api/tickets/{ticket_id}/approvals/",
        "GET /api/tickets/{ticket_id}/attachments/",
        "GET /api/chat/{ticket_id}/messages/",
        "GET /api/chat/{ticket_id}/participants/",
    ):
        params, _ = ticket_params("assigned")
        return {"params": params}
    if key == "POST /api/tickets/{ticket_id}/sub-tickets/":
        params, _ = ticket_params("in_progress")
        return {"params": params, "json_body": {"title": "Part", "department_id": department}}
    if key.startswith(
        ("GET /api/sub-tickets/", "PATCH /api/sub-tickets/", "POST /api/sub-tickets/")
    ):
        if missing:
            sub_id = MISSING
        else:
            make = lambda: world.sub_ticket(world.ticket("in_progress", other=other), other=other)  # noqa: E731
            sub = cells.once("sub", other, make, fresh and key.endswith("/status"))
            sub_id = sub["id"]
        body: Any = None
        if key.startswith("PATCH"):
            body = {"description": "More detail"}
        elif key.endswith("/status"):
            body = {"action": "cancel", "reason": "Not needed"}
        return {"params": {"sub_ticket_id": sub_id}, "json_body": body}
    if key == "POST /api/tickets/{ticket_id}/approvals/":
        params, body = ticket_params("in_progress")
        body["approver_ids"] = [str(world["approver"].id)]
        return {"params": params, "json_body": body}
    if key == "POST /api/approvals/{approval_id}/decision":
        if missing:
            approval_id = MISSING
        else:
            waiting = cells.once(
                "waiting", other, lambda: world.ticket("waiting_approval", other=other)
            )
            approval_id = world.approval(waiting)["id"]
        return {"params": {"approval_id": approval_id}, "json_body": {"decision": "approve"}}
    if key == "POST /api/tickets/{ticket_id}/attachments/":
        params, _ = ticket_params("assigned")
        return {"params": params, "json_body": {"file_key": world.upload(world[role])}}
    if key == "POST /api/chat/{ticket_id}/messages/":
        params, _ = ticket_params("assigned")
        return {"params": params, "json_body": {"body": f"Hello from the {role}"}}
    if key == "POST /api/notifications/{notification_id}/read":
        if missing:
            target = MISSING
        else:
            target = world.notification(world["other_requestor" if other else role])
        return {"params": {"notification_id": target}}
    if key in (
        "GET /api/notifications/",
        "POST /api/notifications/read-all",
        "GET /api/notifications/unread-count",
        "GET /api/auth/me",
        "GET /api/departments/",
        "GET /api/employees/",
    ):
        return {}
    if key == "POST /api/files/upload/":
        params, _ = ticket_params("assigned") if column != "own" else ({}, {})
        fields = {"purpose": "ticket", **({"ticket_id": params["ticket_id"]} if params else {})}
        body, content_type = multipart(fields, "photo.png", png_bytes())
        return {"data": body, "content_type": content_type}
    if key.startswith("GET /api/files/{file_key}"):
        if missing:
            file_key = MISSING_FILE_KEY
        else:

            def make() -> str:
                owner = world["other_requestor" if other else "requestor"]
                ticket = cells.ticket("assigned", other, fresh=False)
                return world.upload(owner, ticket_id=ticket["id"], ready=True)

            file_key = cells.once("file", other, make)
        return {"params": {"file_key": file_key}}
    raise AssertionError(f"no request written for {key}")


@pytest.fixture
def world(services, create_user, create_department):
    return World(services, Caller(services), create_user, create_department)


def test_every_operation_answers_each_role_as_the_contract_says(world):
    documented = set(world.services.documents.operations)
    assert documented == set(MATRIX), (
        "operations without a row in MATRIX, or rows for operations that are gone: "
        f"{sorted(documented ^ set(MATRIX))}"
    )
    cells = Cells(world)
    call = world.call
    wrong: list[str] = []

    def check(key: str, column: str, role: str, want: int, request: dict[str, Any]) -> None:
        response = call(key, world[role], **request)
        if key in ("POST /api/auth/login-hdms", "POST /api/auth/refresh"):
            cells.logins[role] = response.get_json()
        if response.status_code != want:
            detail = ""
            if response.mimetype.endswith("json"):
                detail = str((response.get_json() or {}).get("detail", ""))[:80]
            wrong.append(
                f"{key} [{column}] {role}: got {response.status_code}, expected {want} {detail}"
            )

    started = time.monotonic()
    for key in MATRIX:
        for column in COLUMNS:
            statuses = expected(key, column)
            # Refusals first: they change nothing, so the successes after them may take the
            # shared objects for themselves.
            for role in sorted(statuses, key=lambda r: 200 <= statuses[r] < 300):
                want = statuses[role]
                request = request_for(key, cells, role, column, want)
                if want == 404 and role != "admin" and isinstance(request.get("json_body"), dict):
                    # Whoever may not see the object gets its 404 before the body is read: an
                    # invalid body must not tell them that it exists (an admin sees them all).
                    invalid = {**request, "json_body": {"no_such_field": 1}}
                    check(key, f"{column}, invalid body", role, 404, invalid)
                check(key, column, role, want, request)
    elapsed = time.monotonic() - started
    # An employee without any HDMS grant cannot log in (the same 401 as a wrong password).
    no_grant = world.create_user(roles={}, department_id=world.own_department)
    login = call(
        "POST /api/auth/login-hdms",
        json_body={"employee_code": no_grant.employee_code, "password": no_grant.password},
    )
    if login.status_code != 401:
        wrong.append(
            f"POST /api/auth/login-hdms [own] no grant: got {login.status_code}, expected 401"
        )
    problems = call.problems()
    assert wrong == [] and problems == [], (
        f"{len(wrong)} cells differ from the contract ({elapsed:.1f}s):\n"
        + "\n".join(wrong + problems)
    )


# --- bad tokens --------------------------------------------------------------------------------


def _b64(data: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()


def _hmac_signed(header: dict[str, Any], payload: dict[str, Any], secret: str) -> str:
    """A token whose header names another algorithm than the HMAC that really signed it."""
    signing_input = f"{_b64(header)}.{_b64(payload)}"
    digest = hmac.new(secret.encode(), signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{base64.urlsafe_b64encode(digest).rstrip(b'=').decode()}"


def _claims(user_id: uuid.UUID, department: uuid.UUID) -> dict[str, Any]:
    return build_claims(
        user_id=user_id,
        employee_code="E00001",
        name="Mallory",
        department_id=department,
        grants=[("admin", department), ("requestor", department)],
    )


def bad_tokens(secret: str) -> dict[str, str]:
    """Every kind of token that must be refused, each for an admin (the widest grants)."""
    user, department = uuid.uuid4(), uuid.uuid4()
    claims = _claims(user, department)
    now = datetime.now(UTC)
    good = encode_token(subject=user, claims=claims, secret=secret)
    payload = pyjwt.decode(good, secret, algorithms=["HS256"])
    header, body, signature = good.split(".")
    return {
        "wrong signature": encode_token(subject=user, claims=claims, secret=secret + "x"),
        "tampered claims": f"{header}.{_b64({**payload, 'sub': str(uuid.uuid4())})}.{signature}",
        "alg none": f"{_b64({'alg': 'none', 'typ': 'JWT'})}.{body}.",
        "alg HS512 with the real secret": pyjwt.encode(payload, secret, algorithm="HS512"),
        "alg RS256 signed with the secret as an HMAC key": _hmac_signed(
            {"alg": "RS256", "typ": "JWT"}, payload, secret
        ),
        "expired": encode_token(
            subject=user, claims=claims, secret=secret, now=now - timedelta(hours=2)
        ),
        "refresh token as access": encode_token(
            subject=user,
            claims=claims,
            secret=secret,
            token_type="refresh",  # noqa: S106
        ),
        "no type claim": pyjwt.encode(
            {k: v for k, v in payload.items() if k != "type"}, secret, algorithm="HS256"
        ),
        "no jti claim": pyjwt.encode(
            {k: v for k, v in payload.items() if k != "jti"}, secret, algorithm="HS256"
        ),
        "malformed": "not-a-jwt",
        "malformed segments": "a.b.c",
    }


def _any_request(key: str) -> dict[str, Any]:
    """A request with every path parameter filled: a bad token must be refused before the
    object or the body is looked at."""
    params = {
        "ticket_id": MISSING,
        "sub_ticket_id": MISSING,
        "approval_id": MISSING,
        "notification_id": MISSING,
        "department_id": MISSING,
        "employee_id": MISSING,
        "file_key": MISSING_FILE_KEY,
    }
    return {"params": params, "json_body": {}}


def _ws_close_code(services: Services, path: str, token: str) -> int | None:
    """The close code the server sends after a handshake with ``token`` (None: left open)."""
    server = services.urls["communication"].replace("http://", "ws://")
    ws = websocket.create_connection(f"{server}{path}?token={token}", timeout=5)
    try:
        while True:
            try:
                opcode, frame = ws.recv_data_frame()
            except websocket.WebSocketTimeoutException:
                return None
            except websocket.WebSocketConnectionClosedException:
                return 1006
            if opcode == websocket.ABNF.OPCODE_CLOSE:
                data = frame.data or b""
                return int.from_bytes(data[:2], "big") if len(data) >= 2 else 1005
            if opcode == websocket.ABNF.OPCODE_TEXT:
                # A frame means the socket was accepted (ready, unread_count).
                return None
    finally:
        ws.close(timeout=1)
        ws.shutdown()


WEBSOCKETS = ("/ws/chat/{ticket}/", "/ws/notifications/")


def test_bad_tokens_are_a_401_on_every_operation_and_4401_on_both_websockets(
    services,
    jwt_secret,
):
    caller = Caller(services)
    secured = [op for op in services.documents.operations.values() if op.secured]
    # login, refresh and logout take no access token (they are how one gets one).
    assert {op.key for op in services.documents.operations.values() if not op.secured} == {
        "POST /api/auth/login-hdms",
        "POST /api/auth/refresh",
        "POST /api/auth/logout",
    }
    wrong: list[str] = []
    # The same sockets stay open for a good token: a close code here comes from the token.
    good = encode_token(
        subject=uuid.uuid4(), claims=_claims(uuid.uuid4(), uuid.uuid4()), secret=jwt_secret
    )
    assert _ws_close_code(services, "/ws/notifications/", good) is None
    for kind, token in {**bad_tokens(jwt_secret), "no token": ""}.items():
        for operation in secured:
            response = caller(operation.key, token=token or None, **_any_request(operation.key))
            if response.status_code != 401:
                wrong.append(f"{operation.key} [{kind}]: got {response.status_code}, expected 401")
            elif response.headers.get("WWW-Authenticate") != "Bearer":
                wrong.append(f"{operation.key} [{kind}]: 401 without WWW-Authenticate: Bearer")
        for path in WEBSOCKETS:
            code = _ws_close_code(services, path.format(ticket=uuid.uuid4()), token)
            if code != 4401:
                wrong.append(f"WS {path} [{kind}]: close {code}, expected 4401")
    assert wrong == [] and caller.problems() == [], "\n".join(wrong + caller.problems())


def test_a_token_without_any_hdms_role_is_a_403_and_closes_the_websockets(
    services,
    jwt_secret,
):
    user, department = uuid.uuid4(), uuid.uuid4()
    claims = build_claims(
        user_id=user, employee_code="E00002", name="Nobody", department_id=department, grants=[]
    )
    token = encode_token(subject=user, claims=claims, secret=jwt_secret)
    caller = Caller(services)
    wrong = []
    for operation in services.documents.operations.values():
        if not operation.secured:
            continue
        response = caller(operation.key, token=token, **_any_request(operation.key))
        if response.status_code != 403:
            wrong.append(f"{operation.key}: got {response.status_code}, expected 403")
    for path in WEBSOCKETS:
        code = _ws_close_code(services, path.format(ticket=uuid.uuid4()), token)
        if code != 4401:
            wrong.append(f"WS {path}: close {code}, expected 4401")
    assert wrong == [] and caller.problems() == [], "\n".join(wrong + caller.problems())


def test_a_deactivated_employees_token_is_a_401_everywhere_at_once(
    services,
    create_user,
    create_department,
):
    """The access token of an employee deactivated after it was issued stops working at once
    (docs/api.md: "An access token stops working at once (401) when its employee is
    deactivated")."""
    world = World(services, Caller(services), create_user, create_department)
    ticket = world.ticket("assigned")
    victim: TestUser = world["assignee"]
    deactivated = world.call(
        "DELETE /api/employees/{employee_id}", world["admin"], params={"employee_id": victim.id}
    )
    assert deactivated.status_code == 204
    wrong = []
    for operation in services.documents.operations.values():
        if not operation.secured:
            continue
        request = _any_request(operation.key)
        request["params"]["ticket_id"] = ticket["id"]
        response = world.call(operation.key, victim, **request)
        if response.status_code != 401:
            wrong.append(f"{operation.key}: got {response.status_code}, expected 401")
    for path in WEBSOCKETS:
        code = _ws_close_code(services, path.format(ticket=ticket["id"]), victim.token)
        if code != 4401:
            wrong.append(f"WS {path}: close {code}, expected 4401")
    assert wrong == [] and world.call.problems() == [], "\n".join(wrong + world.call.problems())
