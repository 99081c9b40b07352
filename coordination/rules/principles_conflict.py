"""principles-conflict: funding terms humanitarian actors can't accept (gap d).

An agreement that requires government approval, to a recipient that adheres to the humanitarian
principles (independence rules out asking a party to the conflict for permission).

Interpretations:
- Only agreements not yet ended on the as-of date (future ones included): the terms of an ended
  agreement bind nobody any more and the flag resolves itself.
- Responsible: the donor (which wrote the clause) and the recipient (which must not accept it).
- The flag's country is the agreement's country when it has exactly one (its own countries, else its
  funded programmes' countries).
"""

from coordination.choices import Severity
from coordination.engine.candidate import Candidate, SubjectRef
from coordination.engine.registry import GLOBAL, rule
from coordination.rules._common import AGREEMENT
from funding.amounts import actor_label, agreement_countries, countries_of_agreements
from funding.models import FundingAgreement

CODE = "principles-conflict"
COLUMNS = (
    "pk", "reference", "donor_id", "donor__name", "donor__acronym", "recipient_id", "recipient__name",
    "recipient__acronym", "stream", "start_date", "end_date",
)  # fmt: skip


@rule(CODE, partition=GLOBAL)
def evaluate(facts, params):
    agreements = FundingAgreement.objects.filter(
        requires_government_approval=True,
        recipient__adheres_to_humanitarian_principles=True,
        end_date__gte=facts.as_of,
    )
    rows = list(agreements.order_by("pk").values_list(*COLUMNS))
    if not rows:
        return
    countries = countries_of_agreements(agreements.values("pk"))
    for pk, reference, donor, donor_name, donor_acronym, recipient, name, acronym, stream, start, end in rows:
        where = agreement_countries(*countries.get(pk, ((), ())))
        donor_label, recipient_label = actor_label(donor_name, donor_acronym), actor_label(name, acronym)
        yield Candidate(
            rule=CODE,
            subject_key=f"agreement:{pk}",
            severity=Severity.INFO,
            subject=SubjectRef(AGREEMENT, pk),
            country_code=next(iter(where)) if len(where) == 1 else None,
            responsible_actor_ids=frozenset({donor, recipient}),
            message=(
                f"{reference}: the agreement from {donor_label} requires government approval, but "
                f"{recipient_label} adheres to the humanitarian principles (independence)."
            ),
            message_nb=(
                f"{reference}: avtalen fra {donor_label} krever godkjenning fra myndighetene, men "
                f"{recipient_label} følger de humanitære prinsippene (uavhengighet)."
            ),
            evidence={
                "agreement": pk,
                "reference": reference,
                "donor": donor,
                "recipient": recipient,
                "stream": stream,
                "start": start,
                "end": end,
                "countries": sorted(where),
            },
        )
