"""Analyses library pages: the list with coverage metadata for everyone signed in (library), and the
content pages that only readers reach: detail, file download, create, edit, new version (records)."""

from analyses.views.library import AnalysisLibraryView
from analyses.views.records import (
    AnalysisCreateView,
    AnalysisDetailView,
    AnalysisNewVersionView,
    AnalysisUpdateView,
    analysis_file,
)

__all__ = [
    "AnalysisCreateView",
    "AnalysisDetailView",
    "AnalysisLibraryView",
    "AnalysisNewVersionView",
    "AnalysisUpdateView",
    "analysis_file",
]
