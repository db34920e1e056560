"""Prepare the peer's database for the bench: run with the peer's virtualenv, after migrate.

    PEER_... settings in the environment; python peer_setup.py TICKETS

Creates (once) a queue and a staff user with an API token (django-helpdesk's TicketViewSet
admits staff only), bulk-loads tickets up to TICKETS with one INSERT ... SELECT
generate_series (a third resolved, the rest open, as HDMS's bulk load has a third under
review), and prints {"token", "queue", "tickets"} as JSON on the last line.
"""

import json
import os
import sys

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "peer_site.settings")
django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from helpdesk.models import Queue, Ticket  # noqa: E402
from rest_framework.authtoken.models import Token  # noqa: E402

BULK_INSERT = """
INSERT INTO helpdesk_ticket (
    title, created, modified, submitter_email, status, on_hold, description, resolution,
    priority, due_date, queue_id, secret_key
)
SELECT
    (ARRAY['Laptop', 'Printer', 'VPN', 'Badge', 'Chair', 'Monitor', 'Phone', 'Desk'])[1 + n %% 8]
        || ' issue number ' || n,
    now() - (n %% 525600) * interval '1 minute', now(), 'user' || (n %% 1000) || '@peer.invalid',
    CASE WHEN n %% 3 = 0 THEN 3 ELSE 1 END, false,
    'Something about '
        || (ARRAY['power', 'network', 'screen', 'keyboard', 'access', 'noise'])[1 + n %% 6]
        || ' reported by user ' || (n %% 1000),
    '', 1 + n %% 5, NULL, %(queue)s, md5(n::text)::uuid::text
FROM generate_series(%(first)s, %(last)s) AS n
"""


def main(tickets: int) -> dict[str, object]:
    with transaction.atomic():
        user, _ = get_user_model().objects.get_or_create(
            username="bench",
            defaults={"email": "bench@peer.invalid", "is_staff": True, "is_superuser": True},
        )
        token, _ = Token.objects.get_or_create(user=user)
        queue, _ = Queue.objects.get_or_create(
            slug="bench", defaults={"title": "Bench", "allow_public_submission": False}
        )
    present = Ticket.objects.count()
    step = 250_000
    with connection.cursor() as cursor:
        for first in range(present + 1, tickets + 1, step):
            cursor.execute(
                BULK_INSERT,
                {"queue": queue.id, "first": first, "last": min(tickets, first + step - 1)},
            )
        cursor.execute("ANALYZE helpdesk_ticket")
    return {"token": token.key, "queue": queue.id, "tickets": Ticket.objects.count()}


if __name__ == "__main__":
    print(json.dumps(main(int(sys.argv[1]))))
