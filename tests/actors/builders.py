"""Test data for de-duplication and merge tests: one reference of every kind to an actor."""

from datetime import date

from django.contrib.contenttypes.models import ContentType

from actors.matching import normalise_name
from actors.models import Actor, ActorAlias, ActorMerge, NotDuplicate
from coordination.models import Flag
from funding.choices import RequestStatus
from funding.models import FundingRequestEvent
from tests import factories


def alias(actor: Actor, name: str, source: str = "manual") -> ActorAlias:
    return ActorAlias.objects.create(actor=actor, name=name, normalised=normalise_name(name), source=source)


def not_duplicate(first: Actor, second: Actor) -> NotDuplicate:
    low, high = NotDuplicate.ordered(first.pk, second.pk)
    return NotDuplicate.objects.create(actor_low_id=low, actor_high_id=high)


def flag(*, subject: Actor | None = None, assigned_to: Actor | None = None, responsible=(), country=None) -> Flag:
    obj = Flag.objects.create(
        rule="internal-silo",
        subject_key=factories.unique("actor"),
        partition=country.pcode if country else "",
        severity="medium",
        message="Silo",
        subject_type=ContentType.objects.get_for_model(Actor) if subject else None,
        subject_id=subject.pk if subject else None,
        country=country,
        assigned_to=assigned_to,
    )
    obj.responsible_actors.set(responsible)
    return obj


def every_reference_to(actor: Actor) -> dict:
    """One row of every kind that points at `actor`; returns them by relation label."""
    areas = factories.area_tree()
    other = factories.actor("Someone Else")
    child = factories.actor("Country Office", parent=actor)
    user = factories.user()
    membership = factories.member(user, actor, "viewer")
    own_alias = alias(actor, "Old Name")
    history = ActorMerge.objects.create(kept=actor, merged_pk=999, merged_name="Earlier Copy")
    decision = not_duplicate(actor, other)
    reported = factories.programme(reporting_actor=actor, implementers=[other], locations=[areas["SS0101"]])
    handed_over = factories.programme(reporting_actor=other, handover_actor=actor)
    joined = factories.programme(reporting_actor=other, implementers=[actor])
    convened = factories.goal(convening_actor=actor, areas=[areas["SS01"]])
    commitment = factories.commitment(factories.goal(), actor)
    the_flag = flag(subject=actor, assigned_to=actor, responsible=[actor], country=areas["SS"])
    authored = factories.analysis(authors=[actor], shared_with_actors=[actor])
    event = factories.event(areas["SS0101"], recorded_by=actor)
    given = factories.agreement(donor=actor, recipient=other)
    received = factories.agreement(donor=other, recipient=actor)
    request = factories.funding_request(
        applicant=actor,
        submitted_to=actor,
        status=RequestStatus.REDIRECTED,
        redirected_to=actor,
        decision_date=date.today(),
    )
    request_event = FundingRequestEvent.objects.create(
        request=request, status="redirected", unit=actor, redirected_to=actor
    )
    actor.countries.add(areas["SS"])
    return {
        "other": other,
        "actors.Actor.parent": child,
        "actors.Membership.actor": membership,
        "actors.ActorAlias.actor": own_alias,
        "actors.ActorMerge.kept": history,
        "actors.NotDuplicate.actor_low": decision,
        "programmes.Programme.reporting_actor": reported,
        "programmes.Programme.handover_actor": handed_over,
        "programmes.ProgrammeParticipant.actor": joined.participations.get(actor=actor),
        "coordination.SharedGoal.convening_actor": convened,
        "coordination.GoalCommitment.actor": commitment,
        "coordination.Flag.assigned_to": the_flag,
        "coordination.Flag.responsible_actors": the_flag,
        "coordination.Flag.subject": the_flag,
        "analyses.Analysis.author_actors": authored,
        "analyses.Analysis.shared_with_actors": authored,
        "analyses.ContextEvent.recorded_by": event,
        "funding.FundingAgreement.donor": given,
        "funding.FundingAgreement.recipient": received,
        "funding.FundingRequest.applicant": request,
        "funding.FundingRequest.submitted_to": request,
        "funding.FundingRequest.redirected_to": request,
        "funding.FundingRequestEvent.unit": request_event,
        "funding.FundingRequestEvent.redirected_to": request_event,
        "actors.Actor.countries": areas["SS"],
    }
