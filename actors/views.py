"""Organisation pages: possible duplicates, the merge confirmation, "not a duplicate", and the merge history.

Who sees what (actors.merge): reviewers and administrators see every candidate pair, managers the pairs of
the actors they manage; everyone signed in reads the merge history. A pair the user has nothing to do with
answers 404 on the confirmation page. Merging itself needs actors.merge.merge_refusal() to say yes; the page
shows the reason when it does not.
"""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View
from django.views.generic import ListView

from actors.dedup import CandidateList, candidate_rows
from actors.merge import (
    actor_merge,
    duplicate_scope,
    mark_not_duplicate,
    may_mark_not_duplicate,
    may_see_duplicates,
    may_view_pair,
    merge_plan,
    merge_refusal,
    relation_text,
)
from actors.models import Actor, ActorMerge
from nexus_portal.querysets import VIEW


def index(request):
    if request.user.is_authenticated and may_see_duplicates(request.user):
        return redirect("actors:duplicates")
    return redirect("actors:merges")


class DuplicateListView(LoginRequiredMixin, ListView):
    """Candidate pairs, best first; the actors are loaded for the page shown only (constant queries)."""

    template_name = "actors/duplicate_list.html"
    context_object_name = "pairs"
    paginate_by = 25

    def get_queryset(self):
        user = self.request.user
        if not may_see_duplicates(user):
            raise PermissionDenied(_("Only reviewers and managers of an organisation see possible duplicates."))
        return CandidateList(candidate_rows(actor_ids=duplicate_scope(user)))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        for pair in context["pairs"]:
            pair.keep, pair.other = suggested_keep(pair.a, pair.b)
            pair.may_mark = may_mark_not_duplicate(self.request.user, pair.a, pair.b)
        context["whole_directory"] = duplicate_scope(self.request.user) is None
        return context


def suggested_keep(first: Actor, second: Actor) -> tuple[Actor, Actor]:
    """The actor to keep by default: the one with an IATI identifier, else the older record."""
    if bool(second.iati_identifier) > bool(first.iati_identifier):
        return second, first
    if bool(second.iati_identifier) == bool(first.iati_identifier) and second.pk < first.pk:
        return second, first
    return first, second


class MergeView(LoginRequiredMixin, View):
    """GET: both actors side by side with the dry-run counts. POST (CSRF): merge."""

    template_name = "actors/merge_confirm.html"

    def actors(self, request, keep_pk: int, duplicate_pk: int) -> tuple[Actor, Actor]:
        keep = get_object_or_404(Actor.objects.restrict(request.user, VIEW).prefetch_related("countries"), pk=keep_pk)
        duplicate = get_object_or_404(
            Actor.objects.restrict(request.user, VIEW).prefetch_related("countries"), pk=duplicate_pk
        )
        if not may_view_pair(request.user, keep, duplicate):
            raise Http404("No Actor matches the given query.")
        return keep, duplicate

    def get(self, request, keep, duplicate):
        keep, duplicate = self.actors(request, keep, duplicate)
        return self.page(request, keep, duplicate)

    def post(self, request, keep, duplicate):
        keep, duplicate = self.actors(request, keep, duplicate)
        try:
            record = actor_merge(user=request.user, keep=keep, duplicate=duplicate)
        except PermissionDenied as denied:
            return self.page(request, keep, duplicate, error=str(denied), status=403)
        except ValidationError as refused:
            return self.page(request, keep, duplicate, error=" ".join(refused.messages), status=400)
        moved = sum(record.moved.values())
        messages.success(
            request,
            ngettext(
                "“%(duplicate)s” was merged into “%(keep)s”: %(count)d reference moved.",
                "“%(duplicate)s” was merged into “%(keep)s”: %(count)d references moved.",
                moved,
            )
            % {"duplicate": record.merged_name, "keep": record.kept, "count": moved},
        )
        return HttpResponseRedirect(f"{reverse('actors:merges')}#merge-{record.pk}")

    def page(self, request, keep, duplicate, *, error: str = "", status: int = 200):
        plan = merge_plan(keep=keep, duplicate=duplicate)
        context = {
            "keep": keep,
            "duplicate": duplicate,
            "plan": plan,
            "refusal": merge_refusal(request.user, keep, duplicate),
            "error": error,
            "rows": comparison_rows(keep, duplicate),
            "may_mark": may_mark_not_duplicate(request.user, keep, duplicate),
        }
        return render(request, self.template_name, context, status=status)


def comparison_rows(keep: Actor, duplicate: Actor) -> list[tuple[str, str, str]]:
    def countries(actor):
        return ", ".join(area.name for area in actor.countries.all()) or "–"

    def yes_no(value):
        return _("yes") if value else _("no")

    rows = []
    for name in ("name", "acronym", "iati_identifier", "iati_org_type", "kind", "localness", "parent"):
        field = Actor._meta.get_field(name)
        values = []
        for actor in (keep, duplicate):
            display = getattr(actor, f"get_{name}_display", None)
            value = display() if display else getattr(actor, name)
            values.append(str(value) if value else "–")
        rows.append((str(field.verbose_name), *values))
    for name in (
        "mandate_humanitarian",
        "mandate_development",
        "mandate_peace",
        "adheres_to_humanitarian_principles",
    ):
        label = str(Actor._meta.get_field(name).verbose_name)
        rows.append((label, yes_no(getattr(keep, name)), yes_no(getattr(duplicate, name))))
    rows.append((str(Actor._meta.get_field("countries").verbose_name), countries(keep), countries(duplicate)))
    return rows


class NotDuplicateView(LoginRequiredMixin, View):
    """POST (CSRF): record that two actors are different organisations."""

    def post(self, request, first, second):
        first_actor = get_object_or_404(Actor.objects.restrict(request.user, VIEW), pk=first)
        second_actor = get_object_or_404(Actor.objects.restrict(request.user, VIEW), pk=second)
        if not may_view_pair(request.user, first_actor, second_actor):
            raise Http404("No Actor matches the given query.")
        try:
            mark_not_duplicate(user=request.user, first=first_actor, second=second_actor)
        except ValidationError as refused:
            messages.error(request, " ".join(refused.messages))
            return redirect("actors:duplicates")
        messages.success(
            request,
            _("“%(first)s” and “%(second)s” are marked as different organisations; they will not be offered again.")
            % {"first": first_actor, "second": second_actor},
        )
        return redirect("actors:duplicates")


class MergeHistoryView(LoginRequiredMixin, ListView):
    template_name = "actors/merge_history.html"
    context_object_name = "merges"
    paginate_by = 25

    def get_queryset(self):
        return (
            ActorMerge.objects.restrict(self.request.user, VIEW)
            .select_related("kept", "merged_by")
            .prefetch_related("kept__aliases")
            .order_by("-created_at", "-pk")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        for merge in context["merges"]:
            merge.moved_rows = [(relation_text(label), count) for label, count in sorted(merge.moved.items())]
        context["may_see_duplicates"] = may_see_duplicates(self.request.user)
        return context
