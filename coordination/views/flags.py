"""Flag triage: the inbox, one flag with its evidence and history, and the triage actions.

Actions are POST forms; each answers 404 for a flag the user may not change (reviewers change every
flag, editors of a responsible actor theirs), and goes back to the flag with a message. A form with
a missing reason is shown again on the flag's page, with the message next to the field.
"""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic.base import TemplateResponseMixin

from coordination import services_flags
from coordination.choices import FlagStatus
from coordination.filtersets_flags import FlagFilterSet
from coordination.forms_flags import FlagActionForm, FlagAssignForm, FlagDismissForm, FlagNoteForm, FlagReopenForm
from coordination.models import Flag
from coordination.selectors.flag_evidence import describe_subject, render_evidence
from coordination.selectors.flags import (
    OPEN_STATES,
    can_triage,
    flag_history,
    flag_inbox,
    label_rules,
    with_listing_relations,
)
from coordination.services_flags import REOPENABLE, TRIAGEABLE
from nexus_portal.access import get_restricted_or_404
from nexus_portal.pagination import CappedPaginator
from nexus_portal.querysets import CHANGE
from nexus_portal.views_base import RestrictedDetailView, RestrictedListView

# (sort key or None, column heading); the keys are the whitelist RestrictedListView accepts.
FLAG_COLUMNS = [
    ("severity", gettext_lazy("Severity")),
    ("rule", gettext_lazy("Rule")),
    (None, gettext_lazy("Finding")),
    (None, gettext_lazy("Where")),
    ("status", gettext_lazy("Status")),
    ("last_seen", gettext_lazy("Last seen")),
]


def sortable_columns(columns, current: str) -> list[dict]:
    """Each heading with the sort it links to (descending first for severity and dates) and its aria-sort."""
    result = []
    for key, label in columns:
        ascending, descending = key is not None and current == key, key is not None and current == f"-{key}"
        result.append(
            {
                "key": key,
                "label": label,
                "next": key if descending else f"-{key}",
                "aria_sort": "ascending" if ascending else "descending" if descending else "",
            }
        )
    return result


class FlagListView(RestrictedListView):
    model = Flag
    template_name = "coordination/flags/flag_list.html"
    context_object_name = "flags"
    filterset_class = FlagFilterSet
    orderings = {"severity": "severity_rank", "rule": "rule", "status": "status", "last_seen": "last_seen"}
    paginator_class = CappedPaginator  # no COUNT(*) over every open flag: "more than 1,000 flags"

    def base_queryset(self):
        return flag_inbox(user=self.request.user)

    def get_queryset(self):
        # Without a status filter the inbox shows what still needs work (open or acknowledged);
        # "filtered" marks a form sent with every status unticked, which means all of them.
        data = self.request.GET.copy()
        if "status" not in data and "filtered" not in data:
            data.setlist("status", list(OPEN_STATES))
        self.filterset = FlagFilterSet(data, queryset=self.base_queryset(), request=self.request)
        return self.filterset.qs.order_by(*self.ordering_fields())

    def ordering_fields(self) -> list[str]:
        if self.request.GET.get("sort", "").removeprefix("-") in self.orderings:
            return super().ordering_fields()
        return ["-severity_rank", "-last_seen", "pk"]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        for name in ("page", "sort"):
            query.pop(name, None)
        context.update(
            filterset=self.filterset,
            filter_querystring=query.urlencode(),
            columns=sortable_columns(FLAG_COLUMNS, context["sort"]),
        )
        label_rules(context["flags"])
        return context


class FlagDetailView(RestrictedDetailView):
    model = Flag
    template_name = "coordination/flags/flag_detail.html"
    context_object_name = "flag"

    def get_queryset(self):
        return with_listing_relations(Flag.objects.select_related("subject_type"))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        flag, user = self.object, self.request.user
        label_rules([flag])
        context.update(
            evidence=render_evidence(flag.evidence, user=user),
            subject=describe_subject(flag, user=user),
            events=flag_history(flag=flag),
            can_triage=can_triage(user=user, flag=flag),
            can_acknowledge=flag.status == FlagStatus.OPEN,
            can_assign=flag.status in TRIAGEABLE,
            can_dismiss=flag.status in TRIAGEABLE,
            can_reopen=flag.status in REOPENABLE,
        )
        for name, form_class in FORMS.items():
            context.setdefault(f"{name}_form", form_class(initial={"seen_status": flag.status}))
        return context


FORMS = {
    "acknowledge": FlagActionForm,
    "assign": FlagAssignForm,
    "dismiss": FlagDismissForm,
    "reopen": FlagReopenForm,
    "note": FlagNoteForm,
}


class FlagActionView(LoginRequiredMixin, TemplateResponseMixin, View):
    """POST one triage action; a bad form renders the flag's page again with the errors by the field."""

    http_method_names = ["post"]
    template_name = FlagDetailView.template_name
    action = ""  # acknowledge, assign, dismiss, reopen, note
    done_message = ""

    def post(self, request, pk):
        flag = get_restricted_or_404(Flag, request.user, CHANGE, pk=pk)
        form = FORMS[self.action](request.POST)
        if not form.is_valid():
            return self._render_with(flag, form)
        try:
            self.perform(flag, form.cleaned_data)
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, errors in error.message_dict.items():
                    for message in errors:
                        form.add_error(field if field in form.fields else None, message)
                return self._render_with(flag, form)
            for message in error.messages:
                messages.error(request, message)
            return redirect("coordination:flag_detail", pk=flag.pk)
        messages.success(request, self.done_message)
        return redirect("coordination:flag_detail", pk=flag.pk)

    def perform(self, flag, data):
        raise NotImplementedError

    def _render_with(self, flag, form):
        view = FlagDetailView(request=self.request, kwargs={"pk": flag.pk})
        view.object = view.get_object()
        context = view.get_context_data(**{f"{self.action}_form": form}, open_form=self.action)
        return self.render_to_response(context, status=400)


def _seen(data) -> str | None:
    return data.get("seen_status") or None


class FlagAcknowledgeView(FlagActionView):
    action = "acknowledge"
    done_message = gettext_lazy("Acknowledged: the flag stays in the inbox until it is resolved or dismissed.")

    def perform(self, flag, data):
        services_flags.flag_acknowledge(flag=flag, user=self.request.user, expected_status=_seen(data))


class FlagAssignView(FlagActionView):
    action = "assign"

    def perform(self, flag, data):
        services_flags.flag_assign(flag=flag, user=self.request.user, actor=data["actor"], expected_status=_seen(data))
        self.done_message = _("Assigned to %(actor)s.") % {"actor": data["actor"]}


class FlagDismissView(FlagActionView):
    action = "dismiss"
    done_message = gettext_lazy("Dismissed. It reopens by itself if the evidence behind it changes.")

    def perform(self, flag, data):
        services_flags.flag_dismiss(
            flag=flag, user=self.request.user, reason=data["reason"], expected_status=_seen(data)
        )


class FlagReopenView(FlagActionView):
    action = "reopen"
    done_message = gettext_lazy("Reopened.")

    def perform(self, flag, data):
        services_flags.flag_reopen(flag=flag, user=self.request.user, note=data["note"], expected_status=_seen(data))


class FlagNoteView(FlagActionView):
    action = "note"
    done_message = gettext_lazy("Note added to the history.")

    def perform(self, flag, data):
        services_flags.flag_add_note(flag=flag, user=self.request.user, note=data["note"])
