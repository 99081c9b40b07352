"""manage.py demo_logins: who to sign in as when trying the demo."""

from django.core.management.base import BaseCommand

from actors.models import User
from nexus_portal.demo.users import DEMO_PASSWORD, USERS, demo_users_present


class Command(BaseCommand):
    help = "Print the demo users, their roles and organisations, and the shared demo password."

    def handle(self, *args, **options):
        if not demo_users_present():
            self.stdout.write("No demo users yet: run manage.py load_demo first.")
            return
        users = User.objects.filter(username__in=[spec.username for spec in USERS]).prefetch_related(
            "memberships__actor"
        )
        by_username = {user.username: user for user in users}
        self.stdout.write(f"Demo logins (password for every user: {DEMO_PASSWORD})")
        for spec in USERS:
            user = by_username.get(spec.username)
            if user is None:
                continue
            memberships = "; ".join(
                f"{membership.get_role_display().lower()} at {membership.actor.name}"
                for membership in user.memberships.all()
            )
            flags = [label for on, label in ((user.is_superuser, "superuser"), (user.is_reviewer, "reviewer")) if on]
            details = ", ".join(part for part in (memberships, *flags) if part)
            self.stdout.write(f"  {spec.username:<16} {spec.role}" + (f" [{details}]" if details else ""))
