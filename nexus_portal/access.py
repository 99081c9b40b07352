"""Fetch one object the user may act on, or answer 404 as if it did not exist.

Zulip's rule: the error for an object you can't see is the same as for one that doesn't exist,
so a 404 never tells a user that a hidden programme, analysis or request is there.
"""

from django.db import models
from django.http import Http404

from nexus_portal.querysets import VIEW, RestrictedQuerySet


def get_restricted_or_404(queryset_or_model, user, action: str = VIEW, **lookup):
    """The object matching `lookup` among those `restrict(user, action)` allows, else Http404."""
    queryset = _as_queryset(queryset_or_model)
    try:
        return queryset.restrict(user, action).get(**lookup)
    except queryset.model.DoesNotExist:
        # Same text as django.shortcuts.get_object_or_404 for a missing row.
        raise Http404(f"No {queryset.model._meta.object_name} matches the given query.") from None


def _as_queryset(queryset_or_model) -> RestrictedQuerySet:
    if isinstance(queryset_or_model, type) and issubclass(queryset_or_model, models.Model):
        queryset = queryset_or_model._default_manager.all()
    elif isinstance(queryset_or_model, models.Manager):
        queryset = queryset_or_model.all()
    else:
        queryset = queryset_or_model
    if not isinstance(queryset, RestrictedQuerySet):
        # Fail loudly: an unrestricted queryset here would silently skip object-level access.
        raise TypeError(f"{queryset!r} has no restrict(); its model needs a RestrictedQuerySet manager")
    return queryset
