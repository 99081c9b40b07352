"""Shared page machinery: restricted, filtered, paginated lists; details that 404 on hidden rows;
edit forms that refuse lost updates; create forms that survive a double submit.

Every portal page builds on these, so access, filtering and error behaviour are the same everywhere.
"""

import uuid

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.cache import cache
from django.http import HttpResponseRedirect
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import CreateView, DetailView, ListView, UpdateView

from nexus_portal.access import get_restricted_or_404
from nexus_portal.querysets import CHANGE, VIEW

SUBMISSION_TTL_SECONDS = 60 * 60


class RestrictedListView(LoginRequiredMixin, ListView):
    """A list of what the user may see, narrowed by the app's FilterSet (shared with the API)."""

    filterset_class = None
    paginate_by = 25
    orderings: dict[str, str] = {}  # ?sort=<key> → field; "-<key>" descends
    default_ordering = "pk"

    def base_queryset(self):
        return self.model.objects.restrict(self.request.user, VIEW)

    def get_queryset(self):
        queryset = self.base_queryset()
        if self.filterset_class is not None:
            self.filterset = self.filterset_class(self.request.GET or None, queryset=queryset, request=self.request)
            queryset = self.filterset.qs if self.filterset.is_bound else queryset
        else:
            self.filterset = None
        return queryset.order_by(*self.ordering_fields())

    def ordering_fields(self) -> list[str]:
        requested = self.request.GET.get("sort", "")
        key = requested.removeprefix("-")
        if key in self.orderings:
            field = self.orderings[key]
            return [f"-{field}" if requested.startswith("-") else field, "pk"]
        return [self.default_ordering, "pk"]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(filterset=self.filterset, sort=self.request.GET.get("sort", ""), querystring=query.urlencode())
        return context


class RestrictedDetailView(LoginRequiredMixin, DetailView):
    """A record the user may not see answers 404, exactly like one that does not exist."""

    action = VIEW

    def get_object(self, queryset=None):
        return get_restricted_or_404(self.get_queryset(), self.request.user, self.action, pk=self.kwargs["pk"])

    def get_queryset(self):
        return self.model.objects.all()


class VersionedForm(forms.ModelForm):
    """Refuses to save over a change someone else made after this form was opened (no lost update)."""

    version = forms.CharField(widget=forms.HiddenInput, required=False)
    stale_message = gettext_lazy(
        "Someone else changed this record after you opened it. Your changes were not saved: "
        "open the record again to see the current version, then make your changes there."
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and not self.is_bound:
            self.initial["version"] = self.instance.updated_at.isoformat()

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk:
            current = type(self.instance).objects.filter(pk=self.instance.pk).values_list("updated_at", flat=True)
            if not current or cleaned.get("version") != current[0].isoformat():
                raise forms.ValidationError(self.stale_message, code="stale")
        return cleaned


class RestrictedUpdateView(LoginRequiredMixin, UpdateView):
    """Edit a record the user may change; others answer 404."""

    def get_object(self, queryset=None):
        return get_restricted_or_404(self.model.objects.all(), self.request.user, CHANGE, pk=self.kwargs["pk"])

    def form_valid(self, form):
        response = super().form_valid(form)
        messages.success(self.request, _("Saved."))
        return response


class OnceOnlyCreateView(LoginRequiredMixin, CreateView):
    """A create form that a double click or a resubmitted page cannot turn into two records.

    The form carries a one-time submission id; the first valid POST claims it atomically in the cache
    (Redis in production), and a repeat goes to the record the first one created.
    """

    def get_initial(self):
        return {**super().get_initial(), "submission_id": uuid.uuid4().hex}

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        form.fields["submission_id"] = forms.CharField(widget=forms.HiddenInput, required=False)
        return form

    def form_valid(self, form):
        submission = form.cleaned_data.get("submission_id") or ""
        key = f"submission:{self.request.user.pk}:{submission}"
        if submission and not cache.add(key, "", SUBMISSION_TTL_SECONDS):
            created_pk = cache.get(key)
            messages.info(self.request, _("This form was already sent; nothing was created twice."))
            if created_pk:
                return HttpResponseRedirect(self.model(pk=created_pk).get_absolute_url())
            return HttpResponseRedirect(self.request.path)
        response = super().form_valid(form)
        if submission:
            cache.set(key, self.object.pk, SUBMISSION_TTL_SECONDS)
        messages.success(self.request, _("Created."))
        return response
