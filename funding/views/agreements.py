"""Funding agreements: list, detail with the chain of money (parents above, sub-grants below), create and edit."""

import uuid
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from actors.access import actor_ids
from actors.choices import MembershipRole
from funding.amounts import agreement_countries, countries_of_agreements, localisation_tier
from funding.filtersets import AgreementFilterSet
from funding.forms import AgreementForm, TrancheFormSet, tranche_rows
from funding.models import FundingAgreement
from nexus_portal.querysets import CHANGE
from nexus_portal.views_base import (
    OnceOnlyCreateView,
    RestrictedDetailView,
    RestrictedListView,
    RestrictedUpdateView,
)
from reference.models import Area

MAX_CHAIN_DEPTH = 6  # deeper chains than donor → intermediary → partner → … are not expected


def tier_of(agreement: FundingAgreement, *, depth: int, parent: FundingAgreement | None) -> int | None:
    """Localisation tier badge (funding.amounts): 1 straight to a national/local actor, 2 through one intermediary."""
    return localisation_tier(
        depth=depth,
        recipient_local=agreement.recipient.is_national_or_local,
        first_recipient_local=bool(parent and parent.recipient.is_national_or_local),
    )


class AgreementListView(RestrictedListView):
    model = FundingAgreement
    filterset_class = AgreementFilterSet
    template_name = "funding/agreement_list.html"
    context_object_name = "agreements"
    orderings = {"reference": "reference", "start": "start_date", "amount": "amount"}
    default_ordering = "-start_date"

    def base_queryset(self):
        return super().base_queryset().select_related("donor", "recipient", "parent__recipient")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        for agreement in context["agreements"]:
            parent = agreement.parent
            depth = 0 if parent is None else 1 if parent.parent_id is None else 2
            agreement.tier = tier_of(agreement, depth=depth, parent=parent)
        query = self.request.GET.copy()
        for key in ("page", "sort"):
            query.pop(key, None)
        context.update(
            filter_query=query.urlencode(),
            filtered=any(value for key, value in self.request.GET.items() if key not in ("page", "sort")),
            may_create=bool(actor_ids(self.request.user, MembershipRole.EDITOR)),
        )
        return context


@dataclass
class ChainNode:
    agreement: FundingAgreement
    tier: int | None
    children: list["ChainNode"] = field(default_factory=list)


def ancestors(agreement: FundingAgreement, user) -> tuple[list[FundingAgreement | None], int]:
    """Parent agreements from the top down (None where the user may not see one), and this one's depth."""
    chain_ids, parent_id = [], agreement.parent_id
    while parent_id is not None and parent_id not in chain_ids and len(chain_ids) < MAX_CHAIN_DEPTH:
        chain_ids.append(parent_id)
        parent_id = FundingAgreement.objects.filter(pk=parent_id).values_list("parent_id", flat=True).first()
    visible = FundingAgreement.objects.restrict(user).select_related("donor", "recipient").in_bulk(chain_ids)
    return [visible.get(pk) for pk in reversed(chain_ids)], len(chain_ids)


def sub_grant_tree(agreement: FundingAgreement, user, *, depth: int) -> list[ChainNode]:
    """The sub-grants below an agreement that the user may see, level by level (one query per level)."""
    roots: list[ChainNode] = []
    level = {agreement.pk: (agreement, roots)}
    for offset in range(1, MAX_CHAIN_DEPTH + 1):
        if not level:
            break
        rows = (
            FundingAgreement.objects.restrict(user)
            .filter(parent_id__in=level)
            .select_related("donor", "recipient")
            .order_by("start_date", "reference")
        )
        next_level = {}
        for row in rows:
            parent, siblings = level[row.parent_id]
            node = ChainNode(row, tier_of(row, depth=depth + offset, parent=parent))
            siblings.append(node)
            next_level[row.pk] = (row, node.children)
        level = next_level
    return roots


class AgreementDetailView(RestrictedDetailView):
    model = FundingAgreement
    template_name = "funding/agreement_detail.html"
    context_object_name = "agreement"

    def get_queryset(self):
        return FundingAgreement.objects.select_related("donor", "recipient", "parent__recipient").prefetch_related(
            "tranches", "funded_programmes", "countries"
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        agreement, user = self.object, self.request.user
        chain, depth = ancestors(agreement, user)
        countries = countries_of_agreements([agreement.pk, *([agreement.parent_id] if agreement.parent_id else [])])
        own, from_programmes = countries.get(agreement.pk, (frozenset(), frozenset()))
        parent_countries = agreement_countries(*countries.get(agreement.parent_id, ((), ())))
        codes = agreement_countries(own, from_programmes, parent_countries)
        context.update(
            may_change=FundingAgreement.objects.restrict(user, CHANGE).filter(pk=agreement.pk).exists(),
            chain=chain,
            tier=tier_of(agreement, depth=depth, parent=agreement.parent),
            sub_grants=sub_grant_tree(agreement, user, depth=depth),
            country_areas=Area.objects.countries().filter(pcode__in=codes).order_by("name"),
            countries_source="own" if own else "programmes" if from_programmes else "parent" if codes else "",
        )
        return context


class AgreementFormMixin:
    model = FundingAgreement
    form_class = AgreementForm
    template_name = "funding/agreement_form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_formset(self):
        if not hasattr(self, "_formset"):
            data = self.request.POST if self.request.method == "POST" else None
            self._formset = TrancheFormSet(data, instance=self.object or FundingAgreement(), prefix="tranches")
        return self._formset

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "formset": self.get_formset()}

    def form_valid(self, form):
        formset = self.get_formset()
        if not formset.is_valid():
            return self.form_invalid(form)
        form.tranches = tranche_rows(formset)
        try:
            return super().form_valid(form)
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)

    def form_invalid(self, form):
        if "submission_id" in form.data:
            form.data = form.data.copy()
            form.data["submission_id"] = uuid.uuid4().hex  # the corrected form is not a repeat
        return super().form_invalid(form)


class AgreementCreateView(AgreementFormMixin, OnceOnlyCreateView):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not actor_ids(request.user, MembershipRole.EDITOR):
            raise PermissionDenied(_("Only editors of a donor organisation can record agreements."))
        return super().dispatch(request, *args, **kwargs)


class AgreementUpdateView(AgreementFormMixin, RestrictedUpdateView):
    pass
