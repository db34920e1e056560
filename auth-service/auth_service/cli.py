"""flask commands of auth-service: create-admin, grant, seed-demo."""

from __future__ import annotations

import uuid

import click
import sqlalchemy as sa
from flask import Flask

from auth_service.api.commit import ACCESS_REDIS
from auth_service.extensions import db
from auth_service.models import Department, Employee
from auth_service.services import departments, employees
from auth_service.services.access import commit_and_announce
from hdms_common.auth import HDMS_ROLES

#: The demo company `make run` seeds: printed on every start so a newcomer can log in.
DEMO_DEPARTMENTS = [
    {"name": "IT Support", "code": "IT", "description": "Laptops, accounts, networks, software"},
    {"name": "Facilities", "code": "FAC", "description": "Buildings, desks, badges, repairs"},
]
DEMO_USERS = [
    # employee_code, name, password, department code, [(role, department code)]
    ("ADM001", "Ada Admin", "demo-admin-pass", "IT", [("admin", "IT"), ("admin", "FAC")]),
    (
        "MOD001",
        "Mona Moderator",
        "demo-moderator-pass",
        "IT",
        [("moderator", "IT"), ("requestor", "IT")],
    ),
    (
        "ASG001",
        "Sam Assignee",
        "demo-assignee-pass",
        "IT",
        [("assignee", "IT"), ("requestor", "IT")],
    ),
    ("REQ001", "Rita Requestor", "demo-requestor-pass", "FAC", [("requestor", "FAC")]),
    (
        "MOD002",
        "Farid Facilities",
        "demo-moderator2-pass",
        "FAC",
        [("moderator", "FAC"), ("assignee", "FAC")],
    ),
]


def _department_by_code(code: str) -> Department:
    department: Department | None = db.session.scalar(
        sa.select(Department).where(Department.code == code)
    )
    if department is None:
        raise click.ClickException(f"no department with code {code}")
    return department


def _employee_by_code(code: str) -> Employee:
    employee: Employee | None = db.session.scalar(
        sa.select(Employee).where(Employee.employee_code == code)
    )
    if employee is None:
        raise click.ClickException(f"no employee with code {code}")
    return employee


def seed_demo_company() -> list[tuple[str, str, str, str]]:
    """Create the demo departments and users when missing; returns (code, password, name, roles)."""
    by_code: dict[str, uuid.UUID] = {}
    for data in DEMO_DEPARTMENTS:
        existing = db.session.scalar(sa.select(Department).where(Department.code == data["code"]))
        department = existing or departments.create_department(session=db.session, data=dict(data))
        by_code[data["code"]] = department.id
    logins = []
    for code, name, password, home, grants in DEMO_USERS:
        employee = db.session.scalar(sa.select(Employee).where(Employee.employee_code == code))
        if employee is None:
            employee = employees.create_employee(
                session=db.session,
                data={
                    "employee_code": code,
                    "name": name,
                    "password": password,
                    "department_id": by_code[home],
                    "email": f"{code.lower()}@demo.hdms",
                },
            )
        for role, department_code in grants:
            employees.grant_access(
                session=db.session,
                employee_id=employee.id,
                roles=[role],
                department_ids=[by_code[department_code]],
                granted_by=None,
            )
        logins.append((code, password, name, ", ".join(f"{r}@{d}" for r, d in grants)))
    db.session.commit()
    return logins


def register_cli(app: Flask) -> None:
    @app.cli.command("create-admin")
    @click.option("--employee-code", required=True)
    @click.option("--name", required=True)
    @click.option("--department-code", required=True, help="Created when missing.")
    @click.password_option()
    def create_admin(employee_code: str, name: str, department_code: str, password: str) -> None:
        """Create an employee with the admin role in a department."""
        department = db.session.scalar(
            sa.select(Department).where(Department.code == department_code)
        )
        if department is None:
            department = departments.create_department(
                session=db.session, data={"name": department_code, "code": department_code}
            )
        employee = employees.create_employee(
            session=db.session,
            data={
                "employee_code": employee_code,
                "name": name,
                "password": password,
                "department_id": department.id,
            },
        )
        employees.grant_access(
            session=db.session,
            employee_id=employee.id,
            roles=["admin"],
            department_ids=[department.id],
            granted_by=None,
        )
        db.session.commit()
        click.echo(f"admin {employee_code} created")

    @app.cli.command("grant")
    @click.option("--employee-code", required=True)
    @click.option("--role", "roles", multiple=True, required=True, type=click.Choice(HDMS_ROLES))
    @click.option("--department-code", "department_codes", multiple=True, required=True)
    @click.option("--revoke", is_flag=True, help="Revoke instead of grant.")
    def grant(
        employee_code: str, roles: tuple[str, ...], department_codes: tuple[str, ...], revoke: bool
    ) -> None:
        """Grant (or revoke) HDMS roles of an employee in departments."""
        employee = _employee_by_code(employee_code)
        department_ids = [_department_by_code(c).id for c in department_codes]
        if revoke:
            employees.revoke_access(
                session=db.session,
                employee_id=employee.id,
                roles=roles,
                department_ids=department_ids,
            )
        else:
            employees.grant_access(
                session=db.session,
                employee_id=employee.id,
                roles=roles,
                department_ids=department_ids,
                granted_by=None,
            )
        roles_left = ", ".join(sorted({f"{r}" for r, _ in employee.grant_pairs}))
        commit_and_announce(session=db.session, redis_client=app.extensions.get(ACCESS_REDIS))
        click.echo(f"{employee_code}: " + roles_left)

    @app.cli.command("seed-demo")
    def seed_demo() -> None:
        """Seed the demo company (idempotent) and print its logins."""
        for code, password, name, roles in seed_demo_company():
            click.echo(f"{code:8} {password:22} {name:18} {roles}")
