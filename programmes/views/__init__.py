"""Programme pages (journey 1: embassy and NGO staff log programmes)."""

from programmes.views.detail import ProgrammeDetailView
from programmes.views.edit import ProgrammeCreateView, ProgrammeUpdateView
from programmes.views.export import ProgrammeIatiExportView
from programmes.views.listing import ProgrammeListView
from programmes.views.pickers import actor_picker, pillar_suggestion_view

__all__ = [
    "ProgrammeCreateView",
    "ProgrammeDetailView",
    "ProgrammeIatiExportView",
    "ProgrammeListView",
    "ProgrammeUpdateView",
    "actor_picker",
    "pillar_suggestion_view",
]
