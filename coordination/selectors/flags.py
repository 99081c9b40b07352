"""Reads for flag triage: the inbox, one flag with its history, the flags about a record, and links.

Everything starts from `Flag.objects.restrict(user)`: reviewers see every flag, others the flags their
actors are responsible for. A link to a record appears only when the user may open it.
"""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Case, Prefetch, QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from actors.access import actor_ids, is_reviewer
from actors.models import Actor
from coordination.choices import FlagStatus, Severity
from coordination.models import Flag, FlagEvent, severity_rank_expression
from nexus_portal.pagination import capped_count
from nexus_portal.querysets import CHANGE

OPEN_STATES = (FlagStatus.OPEN.value, FlagStatus.ACKNOWLEDGED.value)
SEVERITY_ORDER = (Severity.HIGH, Severity.MEDIUM, Severity.LOW, Severity.INFO)

# What each rule finds, in the catalogue's words (domain.md, "Rule catalogue").
RULE_LABELS = {
    "cross-pillar-silo": _("Humanitarian and development work side by side with no plan"),
    "internal-silo": _("Silo inside one organisation"),
    "overlap": _("Possible duplication"),
    "humanitarian-run-over": _("Humanitarian entry over long-standing development work"),
    "stale-analysis": _("Analysis not kept up to date"),
    "country-level-analysis-only": _("Only country-level analysis"),
    "uncovered-programme": _("Work without a current conflict or context analysis"),
    "unlinked-programme": _("Programme outside every shared goal"),
    "weak-shared-goal": _("Shared goal that is not yet a collective outcome"),
    "localisation-shortfall": _("Grand Bargain 25 % target not met"),
    "funding-imbalance": _("Long crisis without long-term money"),
    "no-exit-strategy": _("Humanitarian programme with no exit strategy"),
    "inflexible-funding-in-crisis": _("Rigid development funding in a crisis area"),
    "between-two-chairs": _("Funding request nobody owns"),
    "principles-conflict": _("Funding terms humanitarian actors cannot accept"),
    "stale-goal-progress": _("Shared goal with no recent progress report"),
    "stale-record": _("Programme record not updated in 6 months"),
}


def rule_label(code: str) -> str:
    return RULE_LABELS.get(code, code)


def label_rules(flags):
    """Give each flag its rule's title (`flag.rule_title`) for templates; returns the flags."""
    for flag in flags:
        flag.rule_title = rule_label(flag.rule)
    return flags


def rule_choices() -> list[tuple[str, str]]:
    from coordination.engine.registry import all_rules

    return sorted(((code, f"{rule_label(code)} ({code})") for code in all_rules()), key=lambda item: item[0])


def severity_rank() -> Case:
    """High 4 … info 1, for sorting by severity in SQL (the expression the inbox's index is built on)."""
    return severity_rank_expression()


def with_listing_relations(flags: QuerySet) -> QuerySet:
    """What a list of flags shows, fetched in two queries whatever the page size."""
    return (
        flags.select_related("country", "area", "assigned_to")
        .prefetch_related(Prefetch("responsible_actors", queryset=Actor.objects.order_by("name")))
        .annotate(severity_rank=severity_rank())
    )


def flag_inbox(*, user) -> QuerySet:
    return with_listing_relations(Flag.objects.restrict(user))


def can_triage(*, user, flag: Flag) -> bool:
    return Flag.objects.restrict(user, CHANGE).filter(pk=flag.pk).exists()


def flag_history(*, flag: Flag) -> QuerySet:
    return FlagEvent.objects.filter(flag=flag).select_related("user").order_by("created_at", "pk")


def flags_for_object(*, user, obj, open_only: bool = False) -> QuerySet:
    """The flags about `obj` (their subject) that `user` may see, most severe first.

    For other pages: `{% include "coordination/flags/_flags_for_object.html" with flags=... %}`.
    """
    content_type = ContentType.objects.get_for_model(obj)
    flags = Flag.objects.restrict(user).filter(subject_type=content_type, subject_id=obj.pk)
    if open_only:
        flags = flags.filter(status__in=OPEN_STATES)
    return with_listing_relations(flags).order_by("-severity_rank", "-last_seen", "pk")


def flags_on_your_records(*, user, limit: int = 10) -> dict:
    """For the home page: how many open flags the user can see, how many of them their own organisations
    are responsible for, and the `limit` most severe (then most recent) of those. At most three queries,
    each bounded whatever the number of flags: the counts stop at 1,000 (None: "more than 1,000"), and the
    list is read off the inbox's index (flag_inbox_order_idx)."""
    visible_open = Flag.objects.restrict(user).filter(status__in=OPEN_STATES)
    open_count = capped_count(visible_open)
    if is_reviewer(user):  # sees every flag; their own organisations' are a part of them
        responsible = Flag.responsible_actors.through.objects.filter(actor_id__in=actor_ids(user)).values("flag_id")
        mine = visible_open.filter(pk__in=responsible)
    else:  # sees exactly the flags their organisations are responsible for
        mine = visible_open
    rows = list(mine.annotate(severity_rank=severity_rank()).order_by("-severity_rank", "-last_seen", "pk")[:limit])
    record_count = open_count if mine is visible_open else capped_count(mine)
    return {"open_flag_count": open_count, "record_flag_count": record_count, "record_flags": label_rules(rows)}


def object_url(model_label: str, pk: int) -> str | None:
    """The detail page of a record by "app_label.model", where the portal has one."""
    names = {
        "programmes.programme": "programmes:detail",
        "analyses.analysis": "analyses:detail",
        "coordination.sharedgoal": "coordination:goal_detail",
        "funding.fundingagreement": "funding:agreement_detail",
        "funding.fundingrequest": "funding:request_detail",
    }
    if model_label not in names:
        return None
    try:
        return reverse(names[model_label], args=[pk])
    except NoReverseMatch:  # that page is not built yet
        return None
