"""Form widgets that stay cheap with thousands of choices.

Django renders every <option> of a <select> through its own small template: about 0.1 ms each, so the
2,000 organisations of a filter form cost 200 ms of a page (and the flag inbox has two such lists).
`FastSelect` writes exactly the same HTML from Python in a few milliseconds, and
`ValuesModelChoiceFilter` reads the choices with values_list instead of building 2,000 model instances.
"""

import html

import django_filters
from django import forms
from django.utils.safestring import mark_safe


def _escape(text) -> str:
    """django.utils.html.conditional_escape without the SafeString wrapper (this runs per option)."""
    return text.__html__() if hasattr(text, "__html__") else html.escape(str(text))


def _attrs(attrs: dict) -> str:
    """As django/forms/widgets/attrs.html: False leaves the attribute out, True writes it bare."""
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        parts.append(f" {name}" if value is True else f' {name}="{_escape(value)}"')
    return "".join(parts)


class FastSelect(forms.Select):
    """A <select> with the HTML of Django's templates (select.html, select_option.html), built in Python.

    The selection follows ChoiceWidget.optgroups: the first option whose value matches is selected.
    """

    def render(self, name, value, attrs=None, renderer=None):
        context = forms.Widget.get_context(self, name, value, attrs)["widget"]
        if self.allow_multiple_selected:
            context["attrs"]["multiple"] = True
        chosen = set(context["value"])
        html = ['<select name="', _escape(name), '"', _attrs(context["attrs"]), ">"]
        has_selected = False

        def option(option_value, label):
            nonlocal has_selected
            if option_value is None:
                option_value = ""
            is_number = isinstance(option_value, int)  # ids: nothing to escape
            option_value = str(option_value)
            selected = (not has_selected or self.allow_multiple_selected) and option_value in chosen
            has_selected |= selected
            html.extend(
                (
                    '\n  <option value="',
                    option_value if is_number else _escape(option_value),
                    '" selected>' if selected else '">',
                    _escape(label),
                    "</option>\n",  # the newline the included option template ends with
                )
            )

        for option_value, label in self.choices:
            if isinstance(label, list | tuple):
                html.extend(('\n  <optgroup label="', _escape(option_value), '">'))
                for sub_value, sub_label in label:
                    option(sub_value, sub_label)
                html.append("\n  </optgroup>")
            else:
                option(option_value, label)
        html.append("\n</select>")
        return mark_safe("".join(html))


# -- choices without model instances ----------------------------------------------------------------------


class ValuesModelChoiceIterator(django_filters.fields.ModelChoiceIterator):
    """The choices of a model choice field read with values_list: no model instance per choice."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        if self.field.null_label is not None:
            yield (self.field.null_value, self.field.null_label)
        key = self.field.to_field_name or "pk"
        for value, *label_values in self.queryset.values_list(key, *self.field.label_fields):
            yield (value, self.field.label_from_values(*label_values))


class ValuesModelChoiceField(django_filters.fields.ModelChoiceField):
    iterator = ValuesModelChoiceIterator

    def __init__(self, *args, label_fields: tuple[str, ...], label_from_values, **kwargs):
        self.label_fields, self.label_from_values = label_fields, label_from_values
        super().__init__(*args, **kwargs)


class ValuesModelChoiceFilter(django_filters.ModelChoiceFilter):
    """A ModelChoiceFilter for long lists (2,000 organisations): choices from `label_fields` through
    `label_from_values` (which must give the model's str()), rendered with FastSelect."""

    field_class = ValuesModelChoiceField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", FastSelect)
        super().__init__(*args, **kwargs)


def actor_label(name: str, acronym: str) -> str:
    """str(Actor) from its columns (actors/models.py: "Name (ACR)", or the name alone)."""
    return f"{name} ({acronym})" if acronym else name


ACTOR_CHOICE = {"label_fields": ("name", "acronym"), "label_from_values": actor_label}


def area_label(name: str, pcode: str) -> str:
    """str(Area) from its columns (reference/models.py: "Name (PCODE)")."""
    return f"{name} ({pcode})"


AREA_CHOICE = {"label_fields": ("name", "pcode"), "label_from_values": area_label}
