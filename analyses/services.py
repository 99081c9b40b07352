"""Writes to analyses: validated, atomic, keyword-only (HackSoft styleguide).

Files arrive as `CheckedUpload` (analyses/uploads.py): the type makes sure nothing stores a file
whose content was not checked. A file is written under a generated name only after the row
validates, and removed again if the row cannot be saved.
"""

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from actors.access import actor_ids
from actors.choices import MembershipRole
from actors.models import Actor, User
from analyses.models import Analysis
from analyses.uploads import CheckedUpload
from nexus_portal.querysets import CHANGE
from reference.models import Area

CONTENT_FIELDS = (
    "title", "kind", "pillar_h", "pillar_d", "pillar_p", "conducted_on", "review_due", "method", "summary",
    "key_drivers", "recommendations", "status", "sensitivity",
)  # fmt: skip


@transaction.atomic
def analysis_create(
    *,
    user: User,
    author_actors: Iterable[Actor],
    scope_areas: Iterable[Area],
    shared_with_actors: Iterable[Actor] = (),
    shared_with_users: Iterable[User] = (),
    upload: CheckedUpload | None = None,
    supersedes: Analysis | None = None,
    **fields,
) -> Analysis:
    """A new analysis by at least one actor the user edits for (co-authors may be any actors).

    With `supersedes`, it is the new version of an analysis the user may change; the old one stays,
    shown as superseded. Without a new file a new version keeps the previous version's file.
    """
    author_actors = list(author_actors)
    _require_own_author(user, author_actors)
    unknown = set(fields) - set(CONTENT_FIELDS)
    if unknown:
        raise TypeError(f"unexpected fields: {sorted(unknown)}")
    analysis = Analysis(created_by=user, **fields)
    if supersedes is not None:
        if not Analysis.objects.restrict(user, CHANGE).filter(pk=supersedes.pk).exists():
            raise PermissionDenied
        analysis.supersedes = supersedes
        if upload is None:
            analysis.attached_file.name = supersedes.attached_file.name
            analysis.attached_file_name = supersedes.attached_file_name
    analysis.full_clean()
    _save_with_file(analysis, upload)
    analysis.author_actors.set(author_actors)
    analysis.scope_areas.set(scope_areas)
    analysis.shared_with_actors.set(shared_with_actors)
    analysis.shared_with_users.set(shared_with_users)
    return analysis


@transaction.atomic
def analysis_update(
    *,
    analysis: Analysis,
    user: User,
    author_actors: Iterable[Actor],
    scope_areas: Iterable[Area],
    shared_with_actors: Iterable[Actor] = (),
    shared_with_users: Iterable[User] = (),
    upload: CheckedUpload | None = None,
    **fields,
) -> Analysis:
    """Change an analysis the user may change; a new file replaces the old one (which stays on disk
    for the older versions that may share it)."""
    if not Analysis.objects.restrict(user, CHANGE).filter(pk=analysis.pk).exists():
        raise PermissionDenied
    author_actors = list(author_actors)
    _require_own_author(user, author_actors)
    for name, value in fields.items():
        if name not in CONTENT_FIELDS:
            raise TypeError(f"unexpected field: {name}")
        setattr(analysis, name, value)
    analysis.full_clean()
    _save_with_file(analysis, upload)
    analysis.author_actors.set(author_actors)
    analysis.scope_areas.set(scope_areas)
    analysis.shared_with_actors.set(shared_with_actors)
    analysis.shared_with_users.set(shared_with_users)
    return analysis


def _require_own_author(user: User, author_actors: list[Actor]) -> None:
    """At least one author must be an actor the user edits for, or they could not maintain it."""
    if not {actor.pk for actor in author_actors} & actor_ids(user, MembershipRole.EDITOR):
        raise ValidationError(
            {"author_actors": _("Choose at least one of your own organisations as an author.")}, code="own_author"
        )


def _save_with_file(analysis: Analysis, upload: CheckedUpload | None) -> None:
    if upload is None:
        analysis.save()
        return
    # The name only carries the detected extension: analysis_upload_path generates the stored name.
    analysis.attached_file.save(f"upload{upload.file_type.extension}", upload.file, save=False)
    analysis.attached_file_name = upload.original_name
    try:
        analysis.save()
    except Exception:
        analysis.attached_file.delete(save=False)
        raise
