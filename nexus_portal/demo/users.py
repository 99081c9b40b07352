"""Demo logins, one per role. They share one documented password, so the demo refuses to load on a
production-like server (DEBUG=False) unless forced."""

from dataclasses import dataclass

from django.contrib.auth.hashers import make_password

from actors.choices import MembershipRole
from actors.models import Membership, User
from nexus_portal.demo.context import DemoContext

DEMO_PASSWORD = "nexus-demo-2026"
MARKER_USERNAME = "demo.admin"  # its presence means the demo data is loaded
EMAIL_DOMAIN = "demo.nexus.invalid"


@dataclass(frozen=True)
class UserSpec:
    key: str
    username: str
    first_name: str
    last_name: str
    role: str  # what the person does, for demo_logins
    memberships: tuple[tuple[str, str], ...] = ()  # (actor key, membership role)
    reviewer: bool = False
    superuser: bool = False


USERS = [
    UserSpec("admin", MARKER_USERNAME, "Demo", "Administrator", "Administrator (superuser)", superuser=True),
    UserSpec(
        "embassy_editor",
        "embassy.editor",
        "Ingrid",
        "Solberg",
        "Embassy editor: logs and updates programmes in South Sudan",
        (("emb_juba", MembershipRole.EDITOR),),
    ),
    UserSpec(
        "ngo_manager",
        "ngo.manager",
        "Lars",
        "Haugen",
        "NGO manager: manages the organisation and its members",
        (("nrc", MembershipRole.MANAGER),),
    ),
    UserSpec(
        "ngo_editor",
        "ngo.editor",
        "Mariam",
        "Traoré",
        "NGO editor: registers programmes, joins shared goals, shares analyses",
        (("nca", MembershipRole.EDITOR),),
    ),
    UserSpec(
        "local_viewer",
        "local.viewer",
        "Achol",
        "Deng",
        "Local NGO viewer: reads what partners share",
        (("acdi", MembershipRole.VIEWER),),
    ),
    UserSpec(
        "norad_reviewer",
        "norad.reviewer",
        "Kari",
        "Nordmann",
        "Norad reviewer: reads everything at partner level, triages flags",
        (("norad", MembershipRole.EDITOR),),
        reviewer=True,
    ),
    UserSpec(
        "mfa_editor",
        "mfa.editor",
        "Erik",
        "Berg",
        "MFA desk officer: decides funding requests to the ministry",
        (("mfa", MembershipRole.EDITOR),),
    ),
]


def build_users(ctx: DemoContext) -> None:
    """Users and memberships; the password is hashed once (hashing is deliberately slow)."""
    password = make_password(DEMO_PASSWORD)
    for spec in USERS:
        user = User(
            username=spec.username,
            first_name=spec.first_name,
            last_name=spec.last_name,
            email=f"{spec.username}@{EMAIL_DOMAIN}",
            password=password,
            is_reviewer=spec.reviewer,
            is_superuser=spec.superuser,
            is_staff=spec.superuser,
        )
        user.full_clean()
        user.save()
        ctx.users[spec.key] = user
        for actor_key, role in spec.memberships:
            membership = Membership(user=user, actor=ctx.actor(actor_key), role=role)
            membership.full_clean()
            membership.save()


def demo_users_present() -> bool:
    return User.objects.filter(username=MARKER_USERNAME).exists()
