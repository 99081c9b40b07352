from nexus_portal.views_base import RestrictedDetailView
from programmes.models import Programme
from programmes.selectors import programme_detail


class ProgrammeDetailView(RestrictedDetailView):
    model = Programme
    template_name = "programmes/programme_detail.html"
    context_object_name = "programme"

    def get_queryset(self):
        return Programme.objects.select_related("reporting_actor", "handover_actor")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(programme_detail(programme=self.object, user=self.request.user))
        return context
