"""manage.py generate_synthetic --programmes N [--countries K] [--seed S] [--as-of DATE] [--no-recheck]

Realistic data at scale for benchmarks, on top of the loaded reference data. Meant for an empty
benchmark database: every generated programme and actor has an IATI identifier starting with
"SYN-", and the command refuses to run twice on one database (drop it and start again instead of
deleting 100,000 programmes row by row). Bad arguments exit with code 2.

Without --countries, 12 countries up to 100,000 programmes and one more per 8,500 programmes above
that: a real portal with a million programmes covers most of the world, not twelve countries ten
times as crowded (programme pairs in a district grow with the square of its crowding).
"""

from datetime import date

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from coordination.synthetic import AlreadyGenerated, MissingReferenceData, TooManyCountries, generate

MAX_PROGRAMMES = 5_000_000
MAX_COUNTRIES = 250
DEFAULT_COUNTRIES = 12
PROGRAMMES_PER_COUNTRY = 8_500  # above 100,000 programmes, without --countries


def default_countries(programmes: int, available: int) -> int:
    """12, or one country per 8,500 programmes when that is more, at most the countries there are."""
    return max(DEFAULT_COUNTRIES, min(available, -(-programmes // PROGRAMMES_PER_COUNTRY)))


def bad(message: str) -> CommandError:
    return CommandError(message, returncode=2)


def whole_number(name: str, value: str, minimum: int, maximum: int) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise bad(f"{name} must be a whole number, not {value!r}.") from None
    if not minimum <= number <= maximum:
        raise bad(f"{name} must be between {minimum:,} and {maximum:,}, not {number:,}.")
    return number


def as_of_date(value: str | None) -> date:
    today = timezone.localdate()
    if value is None:
        return today
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise bad(f"--as-of must be a date like 2026-03-31, not {value!r}.") from None
    if day > today:
        raise bad(f"--as-of {day} is in the future; analyses cannot be conducted in the future.")
    return day


class Command(BaseCommand):
    help = (
        "Generate realistic synthetic programmes, actors, goals, analyses and funding at scale (for benchmarks). "
        "Needs the reference data (manage.py load_reference) and an otherwise empty database."
    )

    def add_arguments(self, parser):
        # Plain strings, checked in handle(): a bad value is a CommandError with exit code 2 whether the
        # command runs from the shell or through call_command (argparse's own errors give 1 there).
        parser.add_argument("--programmes", metavar="N", help="How many programmes (required).")
        parser.add_argument(
            "--countries",
            metavar="K",
            help="How many countries (default 12; above 100,000 programmes one per 8,500 programmes).",
        )
        parser.add_argument("--seed", metavar="S", default="1", help="Same seed, same data (default 1).")
        parser.add_argument("--as-of", metavar="YYYY-MM-DD", help="Date the data is built around (default today).")
        parser.add_argument(
            "--no-recheck",
            action="store_true",
            help="Only mark the countries for a flag re-check; leave the re-check to the next run.",
        )

    def handle(self, *args, **options):
        if options["programmes"] is None:
            raise bad("Give the number of programmes: --programmes N.")
        programmes = whole_number("--programmes", options["programmes"], 1, MAX_PROGRAMMES)
        if options["countries"] is None:
            from coordination.synthetic.places import available_countries

            countries = default_countries(programmes, len(available_countries()))
        else:
            countries = whole_number("--countries", options["countries"], 1, MAX_COUNTRIES)
        seed = whole_number("--seed", options["seed"], -(2**63), 2**63 - 1)
        as_of = as_of_date(options["as_of"])
        self.stdout.write(
            f"Generating {programmes:,} programmes in {countries} countries (seed {seed}, as of {as_of})."
        )
        try:
            synth = generate(
                programmes=programmes, countries=countries, seed=seed, as_of=as_of, write=self.stdout.write,
                recheck=not options["no_recheck"],
            )  # fmt: skip
        except MissingReferenceData:
            raise CommandError("The reference data is not loaded: run manage.py load_reference first.") from None
        except TooManyCountries as error:
            raise bad(f"--countries: {error}.") from None
        except AlreadyGenerated:
            raise CommandError(
                "This database already holds synthetic data (IATI identifiers starting with SYN-). "
                "Generate into a fresh database (createdb, migrate, load_reference)."
            ) from None
        generated, total = synth.generated_seconds, synth.progress.elapsed
        if options["no_recheck"]:
            after = "the changed countries are marked for the next flag run."
        elif settings.CELERY_TASK_ALWAYS_EAGER:  # no broker: the re-check ran in this process after the commit
            after = f"the flags of the marked countries were then re-checked in-process ({total - generated:.1f} s)."
        else:
            after = "a flag re-check of the marked countries was enqueued."
        self.stdout.write(self.style.SUCCESS(f"Generated in {generated:.1f} s; {after}"))
