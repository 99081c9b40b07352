"""Funding pages: agreements with their chain of sub-grants (agreements), and requests with their decisions
and history (requests)."""

from funding.views.agreements import AgreementCreateView, AgreementDetailView, AgreementListView, AgreementUpdateView
from funding.views.requests import RequestCreateView, RequestDecideView, RequestDetailView, RequestListView

__all__ = [
    "AgreementCreateView",
    "AgreementDetailView",
    "AgreementListView",
    "AgreementUpdateView",
    "RequestCreateView",
    "RequestDecideView",
    "RequestDetailView",
    "RequestListView",
]
