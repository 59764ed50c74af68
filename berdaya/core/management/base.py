"""The base of Berdaya's commands: `--user NAME`, and the exit codes of DESIGN.md."""

from __future__ import annotations

import sys
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.http import Http404

EXIT_REFUSED = 1  # the data was refused: the message says which rows and why
EXIT_USAGE = 2


class BerdayaCommand(BaseCommand):
    """A command that works as a user: within that user's region, named in the audit trail.

    Django's system checks do not run before these data commands: they import every view and
    URL of the site (a second or more of each run) to check the configuration, which `berdaya
    migrate` and `berdaya check --deploy` check before the site runs at all.
    """

    requires_system_checks: list[str] = []

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any):
        parser = super().create_parser("berdaya", subcommand, **kwargs)
        parser.add_argument(
            "--user",
            dest="actor_username",
            default=None,
            help="work as this user (their region and rights); default: the system account",
        )
        return parser

    def execute(self, *args: Any, **options: Any):
        import os

        from django.conf import settings
        from django.utils import translation

        from berdaya.accounts.services import resolve_actor

        # Messages in the office's language (Indonesian) unless BERDAYA_LANG says otherwise.
        translation.activate(os.environ.get("BERDAYA_LANG") or settings.LANGUAGE_CODE)

        try:
            self.actor = resolve_actor(options.get("actor_username"))
        except ValidationError as exc:
            self.stderr.write(" ".join(exc.messages))
            sys.exit(EXIT_USAGE)
        try:
            return super().execute(*args, **options)
        except ValidationError as exc:
            self.stderr.write(" ".join(exc.messages))
            sys.exit(EXIT_REFUSED)
        except (PermissionDenied, Http404):
            self.stderr.write(f"User {self.actor.username} may not do this (role or region).")
            sys.exit(EXIT_REFUSED)
        except CommandError:
            raise

    def program_year(self, code: str, year: int):
        """The programme year named on the command line; created from defaults, with a notice."""
        from berdaya.programs.services import program_year_for

        try:
            program_year, notice = program_year_for(actor=self.actor, program=code, year=year)
        except ValidationError as exc:
            self.stderr.write(" ".join(exc.messages))
            sys.exit(EXIT_USAGE)
        if notice:
            self.stderr.write(notice)
        return program_year
