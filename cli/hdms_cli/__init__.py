"""`hdms`: the management commands of every service behind one entry point.

Each command belongs to one service and runs inside that service's app (its settings come from
the environment, as for the service itself): `hdms seed-demo` is auth-service's `seed-demo`,
`hdms sla-sweep` ticket-service's, and so on. Services that are not installed are left out.
"""

from __future__ import annotations

import importlib
import importlib.util
from dataclasses import dataclass
from typing import Any

import click
from flask import Flask
from flask.cli import ScriptInfo

from hdms_run import services as registry


@dataclass(frozen=True)
class ServiceCommand:
    package: str
    command: str
    help: str


#: hdms command -> the service command it runs (from the registry, hdms_run.services).
COMMANDS = {
    name: ServiceCommand(service.package, command.flask_command, command.help)
    for name, (service, command) in registry.commands().items()
}
SERVICE_PACKAGES = tuple(service.package for service in registry.SERVICES)


def installed(package: str) -> bool:
    return importlib.util.find_spec(package) is not None


def service_app(package: str) -> Flask:
    app: Flask = importlib.import_module(package).create_app()
    return app


class HdmsCommands(click.Group):
    """Commands resolved lazily: a service's app is built only for its own commands."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        own = super().list_commands(ctx)
        return own + sorted(name for name, c in COMMANDS.items() if installed(c.package))

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        own = super().get_command(ctx, name)
        if own is not None or name not in COMMANDS or not installed(COMMANDS[name].package):
            return own
        target = COMMANDS[name]
        app = service_app(target.package)
        ctx.obj = ScriptInfo(create_app=lambda: app)
        command = app.cli.get_command(ctx, target.command)
        if command is None:
            raise click.ClickException(f"{target.package} has no command {target.command}")
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """List the commands from the table: showing help must not build every app."""
        own = [click.Group.get_command(self, ctx, n) for n in click.Group.list_commands(self, ctx)]
        rows = [(c.name or "", c.get_short_help_str()) for c in own if c is not None]
        rows += [(name, c.help) for name, c in sorted(COMMANDS.items()) if installed(c.package)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(cls=HdmsCommands, context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """Manage HDMS: the commands of every installed service (settings from the environment)."""


@main.command()
def migrate() -> None:
    """Apply every installed service's database migrations."""
    from flask_migrate import upgrade

    for package in SERVICE_PACKAGES:
        if installed(package):
            app = service_app(package)
            with app.app_context():
                upgrade()
            click.echo(f"{package}: migrated")


def run(args: list[str]) -> Any:
    """Run `hdms` in-process (tests)."""
    return main.main(args, standalone_mode=False)
