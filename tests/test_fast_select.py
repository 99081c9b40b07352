"""Long <select> lists (2,000 organisations in a filter) are written in Python with exactly Django's HTML,
their choices read without model instances."""

import pytest
from django import forms
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from actors.models import Actor
from nexus_portal.widgets import ACTOR_CHOICE, FastSelect, ValuesModelChoiceField
from tests import factories

CHOICES = [
    ("", gettext_lazy("Any <organisation>")),
    (1, "Save the Children & partners"),
    (2, 'The "quoted" one'),
    ("Group", [(3, "Inside a group"), (2, "Repeated value")]),
    (None, mark_safe("<b>already safe</b>")),
]


@pytest.mark.parametrize("value", [2, None, "", [2, 3], "3"])
def test_it_writes_the_same_html_as_djangos_select(value):
    attrs = {"class": 'wide "x"', "required": True, "disabled": False}

    ours = FastSelect(choices=CHOICES, attrs=attrs).render("actor", value, {"id": "id_actor"})
    djangos = forms.Select(choices=CHOICES, attrs=attrs).render("actor", value, {"id": "id_actor"})

    assert ours == djangos


@pytest.mark.django_db
def test_model_choices_carry_the_models_own_labels_and_follow_changes():
    plain, with_acronym = factories.actor("Plain Org"), factories.actor("Long Name", acronym="LN")
    field = ValuesModelChoiceField(queryset=Actor.objects.order_by("name"), **ACTOR_CHOICE)

    first = [label for _value, label in field.choices][1:]
    with_acronym.name = "Longer Name"
    with_acronym.save()
    added = factories.actor("Added Later")
    second = dict(list(field.choices)[1:])

    assert first == ["Long Name (LN)", str(plain)]  # what str(actor) gives
    assert second[with_acronym.pk] == str(with_acronym) == "Longer Name (LN)"
    assert second[added.pk] == str(added)


@pytest.mark.django_db
def test_the_flag_inbox_offers_every_organisation_and_keeps_the_choice(client, reviewer):
    actors = [factories.actor(f"Org {number:02d}") for number in range(12)]
    client.force_login(reviewer)

    content = client.get(reverse("coordination:flag_list"), {"responsible_actor": actors[5].pk}).content.decode()

    assert all(f'<option value="{actor.pk}"' in content for actor in actors)
    assert f'<option value="{actors[5].pk}" selected>Org 05</option>' in content
