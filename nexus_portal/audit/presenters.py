"""Audit entries as a reader sees them: field labels, choice labels and dates in the reader's language,
and references to records the reader may not see replaced by a neutral text.

`visible_changes` is shared by the history page and the API, so both hide the same things.
"""

import json
from collections import defaultdict
from dataclasses import dataclass, field

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import formats
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from nexus_portal.querysets import VIEW

# Records not every signed-in partner may see: a reference to one is shown only to its readers.
PRIVATE_TARGETS = (
    "analyses.Analysis",
    "funding.FundingAgreement",
    "funding.FundingRequest",
    "coordination.Flag",
    "actors.Membership",
)
HIDDEN_REFERENCE = "—hidden—"  # the API's text for a reference the reader may not see


@dataclass
class Line:
    label: str
    old: str = ""
    new: str = ""
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    content_only: bool = False  # "changed" without the values (an analysis's content)


@dataclass
class Item:
    entry: object
    heading: str
    lines: list[Line]


@dataclass
class Group:
    """The entries one request, job or import wrote: one heading with who, when and how."""

    at: object
    who: str
    interface: str
    items: list[Item]


def model_of(entry) -> type[models.Model] | None:
    return ContentType.objects.get_for_id(entry.content_type_id).model_class()


def field_of(model, name: str):
    if model is None:
        return None
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def _is_reference(value) -> bool:
    return isinstance(value, dict) and "id" in value and "repr" in value


def hidden_references(entries, user) -> set[tuple[str, object]]:
    """(model label, id) of every referenced private record on these entries that `user` may not see.

    One query per kind of private record referenced, however many entries there are.
    """
    wanted: dict[str, set] = defaultdict(set)
    for entry in entries:
        model = model_of(entry)
        for name, change in entry.changes.items():
            model_field = field_of(model, name)
            if model_field is None or not model_field.is_relation or not isinstance(change, list):
                continue
            label = model_field.related_model._meta.label
            if label in PRIVATE_TARGETS:
                wanted[label].update(value["id"] for value in change if _is_reference(value))
    hidden = set()
    for label, ids in wanted.items():
        readable = apps.get_model(label).objects.restrict(user, VIEW).filter(pk__in=ids)
        visible = set(readable.values_list("pk", flat=True))
        hidden.update((label, pk) for pk in ids - visible)
    return hidden


def visible_changes(entry, hidden: set) -> dict:
    """The entry's changes with references to hidden records replaced (for the API)."""
    model = model_of(entry)
    result = {}
    for name, change in entry.changes.items():
        model_field = field_of(model, name)
        if model_field is not None and model_field.is_relation and isinstance(change, list):
            label = model_field.related_model._meta.label
            change = [
                {"id": None, "repr": HIDDEN_REFERENCE} if _is_reference(v) and (label, v["id"]) in hidden else v
                for v in change
            ]
        result[name] = change
    return result


def _label(model, name: str) -> str:
    model_field = field_of(model, name)
    if model_field is None:
        return name
    if isinstance(model_field, models.ForeignObjectRel):  # a set of child rows, e.g. "participations"
        return capfirst(model_field.related_model._meta.verbose_name_plural)
    return capfirst(model_field.verbose_name)


def _text(model_field, value, hidden: set) -> str:
    if value is None or value == "":
        return "—"
    if _is_reference(value):
        if model_field is not None and (model_field.related_model._meta.label, value["id"]) in hidden:
            return _("a record you cannot see")
        return value["repr"]
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if model_field is not None and model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(model_field, models.DateTimeField) and isinstance(value, str):
        moment = parse_datetime(value)
        return formats.localize(moment) if moment else value
    if isinstance(model_field, models.DateField) and isinstance(value, str):
        day = parse_date(value)
        return formats.localize(day) if day else value
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _items_text(values) -> list[str]:
    return [value["repr"] if isinstance(value, dict) else str(value) for value in values]


def lines_of(entry, hidden: set) -> list[Line]:
    model = model_of(entry)
    lines = []
    for name, change in entry.changes.items():
        model_field = field_of(model, name)
        label = _label(model, name)
        if isinstance(change, dict) and change.get("changed"):
            lines.append(Line(label=label, content_only=True))
        elif isinstance(change, dict):
            lines.append(
                Line(
                    label=label,
                    added=_items_text(change.get("added", [])),
                    removed=_items_text(change.get("removed", [])),
                )
            )
        elif isinstance(change, list) and len(change) == 2:
            lines.append(
                Line(label=label, old=_text(model_field, change[0], hidden), new=_text(model_field, change[1], hidden))
            )
    return lines


def heading_of(entry) -> str:
    model = model_of(entry)
    kind = capfirst(model._meta.verbose_name) if model is not None else _("Record")
    action = entry.get_action_display()
    if (entry.content_type_id, entry.object_id) == (entry.record_type_id, entry.record_id):
        return _("%(kind)s %(action)s") % {"kind": kind, "action": action}
    return _("%(kind)s “%(name)s” %(action)s") % {"kind": kind, "name": entry.object_repr, "action": action}


def who(entry) -> str:
    if entry.user is not None:
        return str(entry.user)
    return entry.user_repr or _("nobody (automatic)")


def history_groups(entries, user) -> list[Group]:
    """Entries (newest first) grouped by the request, job or import that wrote them."""
    entries = list(entries)
    hidden = hidden_references(entries, user)
    groups: list[Group] = []
    previous = None
    for entry in entries:
        item = Item(entry=entry, heading=heading_of(entry), lines=lines_of(entry, hidden))
        if previous is not None and entry.request_id and entry.request_id == previous.request_id:
            groups[-1].items.append(item)
        else:
            groups.append(Group(at=entry.at, who=who(entry), interface=entry.get_interface_display(), items=[item]))
        previous = entry
    for group in groups:
        group.items = _merged(reversed(group.items))  # within one request, in the order things happened
    return groups


def _merged(items) -> list[Item]:
    """One table per row and action: a service that saves a programme, then its participants, then its
    locations writes three entries; the reader sees one "Programme changed" with every line."""
    merged: list[Item] = []
    for item in items:
        last = merged[-1] if merged else None
        if last is not None and _same_row_and_action(last.entry, item.entry):
            last.lines = last.lines + item.lines
        else:
            merged.append(Item(entry=item.entry, heading=item.heading, lines=list(item.lines)))
    return merged


def _same_row_and_action(first, second) -> bool:
    return (first.content_type_id, first.object_id, first.action) == (
        second.content_type_id,
        second.object_id,
        second.action,
    ) and first.action == "update"
