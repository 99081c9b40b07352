"""manage.py compute_flags: run the rule engine and print a summary per rule.

Without --full or --country it re-checks the countries marked dirty (an incremental run).
Bad input (unknown rule or country, a malformed date) exits with code 2.
"""

from datetime import date

from django.core.management.base import BaseCommand, CommandError

from coordination.engine import runner
from coordination.engine.registry import all_rules
from coordination.models import FlagRun
from reference.models import Area

COUNT_COLUMNS = ("created", "updated", "reopened", "resolved", "unchanged", "errors")


class Command(BaseCommand):
    help = "Compute coordination flags (all rules of the catalogue, or some)."

    def add_arguments(self, parser):
        parser.add_argument("--rule", action="append", default=[], metavar="CODE", help="Only this rule (repeatable).")
        parser.add_argument(
            "--country", action="append", default=[], metavar="ISO2", help="Only this country (repeatable)."
        )
        parser.add_argument("--as-of", metavar="YYYY-MM-DD", help="Evaluate as on this date (default: today).")
        parser.add_argument("--full", action="store_true", help="Re-check every country, not only changed ones.")

    def handle(self, *args, rule, country, as_of, full, **options):
        rules = self._rules(rule)
        countries = self._countries(country)
        if full and countries:
            raise CommandError("Give either --full or --country, not both.", returncode=2)
        if not full and not countries:
            countries = [code for code in runner.dirty_countries() if code]
            self.stdout.write(f"Re-checking countries marked as changed: {', '.join(countries) or 'none'}")
        try:
            run = runner.start_run(
                trigger=FlagRun.Trigger.COMMAND, full=full, countries=countries, rules=rules,
                as_of=self._date(as_of),
            )  # fmt: skip
        except runner.RunBusy as busy:
            raise CommandError(str(busy), returncode=3) from None
        run = runner.execute_run(run)
        self._summary(run)
        if run.status == FlagRun.Status.PARTIAL:
            self.stderr.write(self.style.WARNING(f"Some rules failed; see the log of run #{run.pk}:\n{run.log}"))

    def _rules(self, codes: list[str]) -> list[str]:
        known = all_rules()
        unknown = sorted(set(codes) - set(known))
        if unknown:
            raise CommandError(
                f"Unknown rule code(s): {', '.join(unknown)}. Known: {', '.join(sorted(known))}.", returncode=2
            )
        return codes

    def _countries(self, codes: list[str]) -> list[str]:
        codes = [code.upper() for code in codes]
        known = set(Area.objects.countries().filter(pcode__in=codes).values_list("pcode", flat=True))
        unknown = sorted(set(codes) - known)
        if unknown:
            raise CommandError(f"Unknown country code(s): {', '.join(unknown)} (use ISO-2, e.g. SS).", returncode=2)
        return codes

    def _date(self, value: str | None) -> date | None:
        if value is None:
            return None
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise CommandError(f"--as-of {value!r} is not a date; use YYYY-MM-DD.", returncode=2) from None

    def _summary(self, run: FlagRun) -> None:
        width = max([len(code) for code in run.counts] + [4])
        self.stdout.write(f"{'rule':<{width}}  " + "  ".join(f"{name:>9}" for name in COUNT_COLUMNS) + "    seconds")
        for code in sorted(run.counts):
            numbers = run.counts[code]
            cells = "  ".join(f"{numbers.get(name, 0):>9}" for name in COUNT_COLUMNS)
            self.stdout.write(f"{code:<{width}}  {cells}  {numbers.get('seconds', 0):>9.2f}")
        self.stdout.write(
            f"Run #{run.pk} {run.get_status_display().lower()} in {run.duration_ms / 1000:.1f} s "
            f"(as of {run.as_of:%Y-%m-%d})."
        )
