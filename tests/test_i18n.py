"""The Norwegian Bokmål catalogue is complete, compiled, used, and covers every template string.

A fresh clone may lack GNU gettext, so the compiled .mo is kept in the repository; these tests
make sure it never drifts from the .po. After changing strings:
    manage.py makemessages -l nb --ignore=.venv && (translate) && manage.py compilemessages -l nb --ignore=.venv
"""

import ast
import gettext
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings
from django.utils.translation.template import templatize

LOCALE_DIR = Path(settings.BASE_DIR) / "locale" / "nb" / "LC_MESSAGES"
PO_FILE = LOCALE_DIR / "django.po"
MO_FILE = LOCALE_DIR / "django.mo"
TEMPLATES_DIR = Path(settings.BASE_DIR) / "templates"


@dataclass
class PoEntry:
    msgid: str = ""
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)  # index 0 for a singular entry
    flags: set[str] = field(default_factory=set)
    obsolete: bool = False

    @property
    def key(self) -> str:
        """The key gettext uses: context and message joined by EOT."""
        return f"{self.msgctxt}\x04{self.msgid}" if self.msgctxt is not None else self.msgid


_KEYWORD = re.compile(r"^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(\".*\")$")


def parse_po(text: str) -> list[PoEntry]:
    """A small parser for the subset of PO that makemessages writes (no dependency needed)."""
    entries, entry, target = [], PoEntry(), None

    def finish():
        nonlocal entry, target
        if target is not None:
            entries.append(entry)
        entry, target = PoEntry(), None

    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            finish()
            continue
        if line.startswith("#~"):
            entry.obsolete = True
            line = line[2:].strip()
            if not line or line.startswith("#"):
                continue
        elif line.startswith("#,"):
            entry.flags.update(flag.strip() for flag in line[2:].split(","))
            continue
        elif line.startswith("#"):
            continue
        match = _KEYWORD.match(line)
        if match:
            keyword, index, literal = match.groups()
            if keyword == "msgid" and target is not None and target[0] != "msgctxt":
                finish()  # entries not separated by a blank line
            value = ast.literal_eval(literal)
            if keyword.startswith("msgstr"):
                if target is None:
                    raise ValueError(f"msgstr without msgid in {PO_FILE.name}: {raw!r}")
                target = ("msgstr", int(index or 0))
                entry.msgstr[target[1]] = value
            else:
                target = (keyword, None)
                setattr(entry, keyword, value)
        elif line.startswith('"') and target is not None:
            value = ast.literal_eval(line)
            if target[0] == "msgstr":
                entry.msgstr[target[1]] += value
            else:
                setattr(entry, target[0], getattr(entry, target[0]) + value)
        else:
            raise ValueError(f"unexpected line in {PO_FILE.name}: {raw!r}")
    finish()
    return entries


def live_entries() -> list[PoEntry]:
    return [entry for entry in parse_po(PO_FILE.read_text(encoding="utf-8")) if not entry.obsolete]


# --- template strings, read through Django's own templatize (what makemessages feeds xgettext) ---

_STRING = r"""u?(?:'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")"""
_CALL = re.compile(rf"\b(npgettext|pgettext|ngettext|gettext)\(\s*({_STRING}(?:\s*,\s*{_STRING})*)")


def template_messages(source: str) -> set[str]:
    """Catalogue keys (context\\x04msgid) of every translate/blocktranslate in a template."""
    keys = set()
    for function, arguments in _CALL.findall(templatize(source)):
        strings = [ast.literal_eval(literal) for literal in re.findall(_STRING, arguments)]
        context = strings.pop(0) if function.startswith(("pgettext", "npgettext")) else None
        keys.add(f"{context}\x04{strings[0]}" if context is not None else strings[0])
    return keys


def all_template_messages() -> dict[str, set[str]]:
    return {
        str(path.relative_to(TEMPLATES_DIR)): template_messages(path.read_text(encoding="utf-8"))
        for path in sorted(TEMPLATES_DIR.rglob("*.html")) + sorted(TEMPLATES_DIR.rglob("*.txt"))
    }


# --- tests ---


def test_the_parser_reads_contexts_plurals_and_continued_lines():
    sample = (
        'msgid ""\nmsgstr ""\n"Language: nb\\n"\n\n'
        '#, fuzzy, python-format\nmsgctxt "menu"\nmsgid "Open"\nmsgstr "Åpne"\n\n'
        'msgid "one %(n)s"\nmsgid_plural "many %(n)s"\nmsgstr[0] "én"\nmsgstr[1] "mange "\n"%(n)s"\n\n'
        '#~ msgid "gone"\n#~ msgstr "borte"\n'
    )
    header, menu, plural, gone = parse_po(sample)
    assert header.msgstr == {0: "Language: nb\n"}
    assert (menu.key, menu.flags) == ("menu\x04Open", {"fuzzy", "python-format"})
    assert plural.msgstr == {0: "én", 1: "mange %(n)s"}
    assert gone.obsolete


def test_the_parser_refuses_a_translation_without_a_message():
    with pytest.raises(ValueError, match="msgstr without msgid"):
        parse_po('msgid "Sign in"\n\nmsgstr "Logg inn"\n')


def test_the_template_scanner_finds_every_kind_of_translation_tag():
    source = (
        '{% load i18n %}{% translate "Sign in" %}{% translate "Open" context "menu" %}'
        "{% blocktranslate trimmed with name=user %}\n  Hello, {{ name }}\n{% endblocktranslate %}"
        "{% blocktranslate count n=3 %}{{ n }} item{% plural %}{{ n }} items{% endblocktranslate %}"
    )
    assert template_messages(source) == {"Sign in", "menu\x04Open", "Hello, %(name)s", "%(n)s item"}


def test_the_catalogue_has_no_untranslated_or_fuzzy_entries():
    entries = live_entries()
    assert entries[0].msgid == "" and "fuzzy" not in entries[0].flags, "the header must not be fuzzy"
    untranslated = [entry.msgid for entry in entries[1:] if not all(entry.msgstr.values()) or not entry.msgstr]
    fuzzy = [entry.msgid for entry in entries if "fuzzy" in entry.flags]
    assert untranslated == [], f"{len(untranslated)} untranslated: {untranslated[:20]}"
    assert fuzzy == [], f"{len(fuzzy)} fuzzy: {fuzzy[:20]}"


def test_plural_entries_translate_both_forms():
    plurals = [entry for entry in live_entries() if entry.msgid_plural is not None]
    assert plurals, "home.html has at least one plural"
    for entry in plurals:
        assert sorted(entry.msgstr) == [0, 1], entry.msgid


def test_the_compiled_catalogue_matches_the_po_file():
    with MO_FILE.open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)._catalog  # the parsed .mo: key -> translation
    expected = {}
    for entry in live_entries():
        if entry.msgid_plural is not None:
            for index, text in entry.msgstr.items():
                expected[(entry.key, index)] = text
        else:
            expected[entry.key] = entry.msgstr[0]
    # Recent msgfmt drops the POT-Creation-Date header line for reproducible builds.
    expected[""] = re.sub(r"^POT-Creation-Date: .*\n", "", expected[""], flags=re.M)
    compiled[""] = re.sub(r"^POT-Creation-Date: .*\n", "", compiled[""], flags=re.M)
    assert compiled == expected, "django.mo is stale: run manage.py compilemessages -l nb --ignore=.venv"


def test_every_template_string_is_in_the_catalogue():
    catalogued = {entry.key for entry in live_entries()}
    missing = {
        template: sorted(keys - catalogued) for template, keys in all_template_messages().items() if keys - catalogued
    }
    assert missing == {}, "run manage.py makemessages -l nb --ignore=.venv and translate the new strings"


def test_templates_have_no_untranslated_visible_text():
    """Crude guard: text between tags must come from a tag or a variable, not be typed in English."""
    offenders = {}
    for path in TEMPLATES_DIR.rglob("*.html"):
        source = path.read_text(encoding="utf-8")
        source = re.sub(r"{%\s*comment\s*%}.*?{%\s*endcomment\s*%}", "", source, flags=re.S)
        source = re.sub(r"{%\s*blocktranslate\b.*?{%\s*endblocktranslate\s*%}", "", source, flags=re.S)
        source = re.sub(r"{%.*?%}|{{.*?}}|{#.*?#}", "", source, flags=re.S)
        source = re.sub(r"<(script|style)\b.*?</\1>", "", source, flags=re.S)
        text = re.sub(r"<[^>]+>", " ", source)
        words = [word for word in re.findall(r"[A-Za-zÆØÅæøå]{2,}", text) if word not in {"DOCTYPE", "html"}]
        if words:
            offenders[str(path.relative_to(TEMPLATES_DIR))] = words[:10]
    assert offenders == {}


@pytest.mark.django_db
@pytest.mark.parametrize(
    "headers",
    [
        pytest.param({"HTTP_ACCEPT_LANGUAGE": "nb"}, id="accept-language"),
        pytest.param({"HTTP_ACCEPT_LANGUAGE": "nb-NO,nb;q=0.9,en;q=0.5"}, id="accept-language-region"),
    ],
)
def test_the_login_page_speaks_norwegian_when_the_browser_asks_for_it(client, headers):
    response = client.get("/accounts/login/", **headers)
    content = response.content.decode()
    assert '<html lang="nb">' in content
    assert '<h1 id="login-heading">Logg inn</h1>' in content
    assert "Brukernavn" in content  # Django's own catalogue translates the form labels
    assert "Sign in" not in content


@pytest.mark.django_db
def test_the_language_cookie_wins_over_the_browser(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "nb"
    content = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<html lang="nb">' in content and "Logg inn" in content


@pytest.mark.django_db
def test_the_language_switcher_sets_the_language(client):
    response = client.post("/i18n/setlang/", {"language": "nb", "next": "/accounts/login/"})
    assert response.status_code == 302 and response["Location"] == "/accounts/login/"
    assert "Logg inn" in client.get("/accounts/login/").content.decode()


@pytest.mark.django_db
def test_english_stays_the_default(client):
    content = client.get("/accounts/login/").content.decode()
    assert '<html lang="en">' in content and "Sign in" in content


TRANSLATING_CALLS = {"_", "gettext", "gettext_lazy", "pgettext", "pgettext_lazy", "ngettext", "ngettext_lazy"}
PYTHON_SOURCES = ("nexus_portal", "reference", "actors", "programmes", "coordination", "analyses", "funding")


def python_messages(source: str) -> set[str]:
    """String literals passed to gettext and friends (the first argument; the context for pgettext)."""
    messages = set()
    for node in ast.walk(ast.parse(source)):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in TRANSLATING_CALLS):
            continue
        index = 1 if node.func.id.startswith("pgettext") else 0
        if len(node.args) > index and isinstance(node.args[index], ast.Constant):
            messages.add(node.args[index].value)
    return messages


def test_the_python_scanner_finds_translated_literals():
    found = python_messages('x = _("Hello")\ny = gettext_lazy("World")\nz = f(_("%(n)s left") % {"n": 1})\n')
    assert found == {"Hello", "World", "%(n)s left"}


def test_every_python_string_marked_for_translation_is_in_the_catalogue():
    known = {entry.msgid for entry in live_entries()}
    missing = {}
    for package in PYTHON_SOURCES:
        for path in (Path(settings.BASE_DIR) / package).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            absent = python_messages(path.read_text()) - known
            if absent:
                missing[str(path.relative_to(settings.BASE_DIR))] = sorted(absent)
    assert not missing, "run makemessages -l nb, translate, compilemessages: " + repr(missing)
