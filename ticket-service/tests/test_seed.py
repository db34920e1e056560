"""`flask seed-demo-tickets` opens demo tickets for the demo company, once."""

from __future__ import annotations


def test_seed_demo_tickets_uses_the_demo_company_from_auth_service(app, auth_app, fetch):
    from auth_service.cli import seed_demo_company

    with auth_app.app_context():
        seed_demo_company()
    runner = app.test_cli_runner()
    result = runner.invoke(args=["seed-demo-tickets", "--per-department", "2"])
    assert result.exit_code == 0, result.output
    assert "created 4 demo ticket(s)" in result.output
    statuses = sorted(row[0] for row in fetch("SELECT status FROM tickets"))
    assert statuses == sorted(["in_progress", "assigned", "new", "under_review"])
    assert runner.invoke(args=["verify-audit"]).exit_code == 0
    again = runner.invoke(args=["seed-demo-tickets"])
    assert "created 0 demo ticket(s)" in again.output
