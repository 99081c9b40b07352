import uuid

from django.core.exceptions import PermissionDenied, ValidationError

from nexus_portal.views_base import OnceOnlyCreateView, RestrictedUpdateView
from programmes.forms import ProgrammeForm, currency_codes
from programmes.models import Programme
from programmes.selectors import editable_actors


class ProgrammeFormMixin:
    model = Programme
    form_class = ProgrammeForm
    template_name = "programmes/programme_form.html"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "currency_codes": currency_codes()}

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except ValidationError as error:
            # The service re-checks inside its transaction (a concurrent edit, a taken IATI id):
            # nothing was saved, so show why next to what the user typed.
            fields = set(getattr(error, "error_dict", {}))
            form.add_error(None, error if fields <= set(form.fields) else error.messages)
            return self.service_refused(form)

    def service_refused(self, form):
        return self.form_invalid(form)


class ProgrammeCreateView(ProgrammeFormMixin, OnceOnlyCreateView):
    def dispatch(self, request, *args, **kwargs):
        user = request.user
        if user.is_authenticated and not (user.is_superuser or editable_actors(user).exists()):
            raise PermissionDenied("Only editors of an organisation can log programmes.")
        return super().dispatch(request, *args, **kwargs)

    def service_refused(self, form):
        # The submission id was claimed before the refusal; a fresh one lets the user send again.
        form.data = form.data.copy()
        form.data["submission_id"] = uuid.uuid4().hex
        return super().service_refused(form)


class ProgrammeUpdateView(ProgrammeFormMixin, RestrictedUpdateView):
    context_object_name = "programme"
