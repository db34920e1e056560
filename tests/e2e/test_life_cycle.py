"""A ticket's whole life through nginx and PgBouncer, the way the frontend drives it."""

from __future__ import annotations

from scenarios import assignment_notifies_the_assignee, full_life_cycle


def test_full_ticket_life_cycle_across_roles(stack):
    full_life_cycle(stack)


def test_the_assignee_is_notified_of_an_assignment(stack):
    assignment_notifies_the_assignee(stack)
