"""Bulk-loading tickets into ticket-service's table, shared by the benches that need a large
table (tickets_bench.py, stack_bench.py): one INSERT ... SELECT generate_series per step, far
faster than the API and identical in every bench, so figures at "1M tickets" mean the same
table everywhere.

Ticket n belongs to `department` when n % 10 == 0 (a moderator of it sees a tenth), else to one
of nine `departments`; to `requestor` when n % 1000 == 0 (a requestor sees a thousandth); a
third are under review, the rest new.
"""

from __future__ import annotations

from typing import Any

BULK_INSERT = """
INSERT INTO tickets (
    id, number, title, description, department_id, requestor_id, assignee_id, priority, category,
    status, version, progress, first_response_due_at, resolution_due_at, sla_status, attachments,
    created_at, updated_at, acknowledged_at, resolved_at, closed_at
)
SELECT
    gen_random_uuid(),
    'HD-' || CASE WHEN n < 1000000 THEN lpad(n::text, 6, '0') ELSE n::text END,
    (ARRAY['Laptop', 'Printer', 'VPN', 'Badge', 'Chair', 'Monitor', 'Phone', 'Desk'])[1 + n %% 8]
        || ' issue number ' || n,
    'Something about '
        || (ARRAY['power', 'network', 'screen', 'keyboard', 'access', 'noise'])[1 + n %% 6]
        || ' reported by user ' || (n %% 1000),
    CASE WHEN n %% 10 = 0 THEN %(department)s::uuid ELSE (%(departments)s::uuid[])[1 + n %% 9] END,
    CASE WHEN n %% 1000 = 0 THEN %(requestor)s::uuid ELSE md5((n %% 997)::text)::uuid END,
    NULL,
    (ARRAY['low', 'medium', 'high', 'critical'])[1 + n %% 4],
    'bulk',
    CASE WHEN n %% 3 = 0 THEN 'under_review' ELSE 'new' END,
    1, 0,
    now() + interval '1 day', now() + interval '5 days', 'on_track', '[]'::jsonb,
    now() - (n %% 525600) * interval '1 minute', now(), NULL, NULL, NULL
FROM generate_series(%(first)s, %(last)s) AS n
"""

#: Rows per INSERT: large enough to be fast, small enough to keep each transaction modest.
STEP = 250_000


def load_tickets(
    cursor: Any,
    *,
    first: int,
    last: int,
    department: str,
    departments: list[str],
    requestor: str,
) -> None:
    """Insert tickets numbered first..last (inclusive) with a psycopg2 cursor, then set the
    number sequence past them and refresh the planner's statistics.

    `departments` are the nine others (fewer are repeated to nine).
    """
    others = [departments[i % len(departments)] for i in range(9)]
    for start in range(first, last + 1, STEP):
        cursor.execute(
            BULK_INSERT,
            {
                "department": department,
                "departments": "{" + ",".join(others) + "}",
                "requestor": requestor,
                "first": start,
                "last": min(last, start + STEP - 1),
            },
        )
    cursor.execute("SELECT setval('ticket_number_seq', %s)", (10**8 + last,))
    cursor.execute("ANALYZE tickets")
