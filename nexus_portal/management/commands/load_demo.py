"""manage.py load_demo [--as-of DATE] [--force]: the demo data set, relative to a date."""

import time
from datetime import date

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from nexus_portal.demo.context import MissingReferenceData
from nexus_portal.demo.loader import load_demo
from nexus_portal.demo.users import DEMO_PASSWORD, demo_users_present


def iso_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--as-of must be a date like 2026-03-31, not {value!r}") from None


class Command(BaseCommand):
    help = (
        "Load the demo data set: three crisis countries, actors, programmes, goals, analyses and funding, with "
        "a case of every rule. Needs the reference data (manage.py load_reference). Does nothing if loaded."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--as-of",
            type=iso_date,
            default=None,
            help="Date the demo is built around (YYYY-MM-DD, not in the future; default today).",
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="Load even when DEBUG is False (the demo users share a published password).",
        )

    def handle(self, *args, as_of: date | None, force: bool, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "load_demo refuses to run with DEBUG=False: it creates users with the published password "
                f"{DEMO_PASSWORD!r}. Use --force if this really is a demo server."
            )
        if demo_users_present():
            self.stdout.write("demo data already loaded; nothing changed.")
            return
        today = timezone.localdate()
        as_of = as_of or today
        if as_of > today:
            raise CommandError(f"--as-of {as_of} is in the future; analyses cannot be conducted in the future.")
        started = time.monotonic()
        try:
            counts = load_demo(as_of)
        except MissingReferenceData as error:
            raise CommandError(
                f"The reference data is not loaded (missing {error}): run manage.py load_reference first."
            ) from error
        summary = ", ".join(f"{count} {name}" for name, count in counts.items())
        self.stdout.write(f"Demo data loaded as of {as_of} in {time.monotonic() - started:.1f} s: {summary}.")
        self.stdout.write("Run manage.py demo_logins to see the demo users and their password.")
