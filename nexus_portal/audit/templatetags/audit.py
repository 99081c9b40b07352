from django import template
from django.urls import reverse

register = template.Library()


@register.simple_tag
def history_url(obj) -> str:
    """The address of a record's history page: <a href="{% history_url programme %}">."""
    return reverse("audit:history", args=[obj._meta.app_label, obj._meta.model_name, obj.pk])
