"""manage.py find_duplicate_actors: list actors that are likely the same organisation, or merge two.

Without options it prints every candidate pair with its reasons, best first, and exits 0.
`--merge KEEP_ID DUPLICATE_ID` merges the duplicate into the kept actor as the system (no user, so no
permission check; the history says "from the command line") and prints what moved. A refused merge
(unknown id, a conflict that needs a person) exits 1 with the reason and changes nothing.
"""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from actors.dedup import duplicate_candidates
from actors.merge import actor_merge, relation_text
from actors.models import Actor


class Command(BaseCommand):
    help = "List likely duplicate actors with the reasons, or merge one into another with --merge KEEP DUPLICATE."

    def add_arguments(self, parser):
        parser.add_argument(
            "--merge",
            nargs=2,
            type=int,
            metavar=("KEEP_ID", "DUPLICATE_ID"),
            help="Merge the actor DUPLICATE_ID into KEEP_ID (every reference moves, then DUPLICATE_ID is deleted).",
        )
        parser.add_argument("--limit", type=int, default=None, help="Print at most this many pairs.")

    def handle(self, *args, merge, limit, **options):
        if merge:
            self._merge(*merge)
            return
        pairs = duplicate_candidates(limit=limit)
        for pair in pairs:
            self.stdout.write(f"{pair.score:>3}  #{pair.a.pk} {pair.a}  ↔  #{pair.b.pk} {pair.b}")
            for reason in pair.reasons:
                self.stdout.write(f"       - {reason.text}")
        self.stdout.write(f"{len(pairs)} possible duplicate pair(s).")

    def _merge(self, keep_id: int, duplicate_id: int) -> None:
        found = Actor.objects.in_bulk([keep_id, duplicate_id])
        missing = [str(pk) for pk in (keep_id, duplicate_id) if pk not in found]
        if missing:
            raise CommandError(f"No actor with id {', '.join(missing)}.")
        try:
            record = actor_merge(user=None, keep=found[keep_id], duplicate=found[duplicate_id], system=True)
        except ValidationError as refused:
            raise CommandError(" ".join(refused.messages)) from None
        self.stdout.write(f"Merged #{record.merged_pk} {record.merged_name} into #{record.kept.pk} {record.kept}.")
        for label, count in sorted(record.moved.items()):
            self.stdout.write(f"  {count:>6}  {relation_text(label)}")
        for label, count in sorted(record.merged_snapshot.get("combined_counts", {}).items()):
            self.stdout.write(f"  {count:>6}  {relation_text(label)} (already on the kept actor; combined)")
        for alias in record.merged_snapshot.get("aliases_added", []):
            self.stdout.write(f"  alias added: {alias}")
        self.stdout.write(f"{sum(record.moved.values())} reference(s) moved.")
