"""Reading one <iati-activity> into plain data: languages, dates, numbers, defaults (no database)."""

from datetime import date
from decimal import Decimal
from xml.etree.ElementTree import fromstring

import pytest

from programmes.interop.iati_parse import InvalidActivity, parse_activity
from programmes.interop.safe_xml import count_activities
from tests.programmes.interop.iati_files import activities_file, activity_xml


def parse(xml: str):
    return parse_activity(fromstring(xml))


def test_it_prefers_english_then_the_activity_language_then_the_first_narrative():
    english_second = activity_xml("X-1").replace(
        "<title><narrative>Activity X-1</narrative></title>",
        '<title><narrative xml:lang="fr">Eau</narrative><narrative xml:lang="EN">Water</narrative></title>',
    )
    default_language = english_second.replace('xml:lang="en" default', 'xml:lang="nb" default').replace(
        '<narrative xml:lang="EN">Water</narrative>', "<narrative>Vann</narrative>"
    )
    first_only = default_language.replace("<narrative>Vann</narrative>", '<narrative xml:lang="es">Agua</narrative>')

    assert parse(english_second).title == "Water"
    assert parse(default_language).title == "Vann"  # no xml:lang: the activity's own language (nb)
    assert parse(first_only).title == "Eau"


def test_dates_with_a_time_zone_are_read_and_the_first_date_of_a_type_counts():
    activity = parse(
        activity_xml(
            "X-2",
            body='<activity-date iso-date="2026-12-31Z" type="3"/><activity-date iso-date="2027-01-01+02:00" type="3"/>'
            '<activity-date iso-date="2025-03-01" type="9"/>',
        )
    )
    assert (activity.planned_start, activity.planned_end) == (date(2025, 1, 1), date(2026, 12, 31))


@pytest.mark.parametrize("value", ["2025-13-01", "01/02/2025", "2025-02-30T10:00:00", "soon"])
def test_a_date_that_is_not_a_date_invalidates_the_activity_and_names_it(value):
    with pytest.raises(InvalidActivity) as refused:
        parse(activity_xml("X-3", body=f'<activity-date iso-date="{value}" type="2"/>'))
    assert refused.value.identifier == "X-3"
    assert f"activity-date type 2 has the date “{value}”" in refused.value.message


@pytest.mark.parametrize(
    ("flag", "expected"), [("1", True), ("true", True), ("0", False), ("false", False), ("", False)]
)
def test_the_humanitarian_flag_accepts_1_and_true(flag, expected):
    assert parse(activity_xml("X-4", humanitarian=flag)).humanitarian is expected


def test_a_sector_without_vocabulary_is_dac_5_digit_and_percentages_are_exact_decimals():
    activity = parse(activity_xml("X-5", sector='<sector code="14030" percentage="33.33"/>'))
    sector = activity.sectors[0]
    assert (sector.vocabulary, sector.code, sector.percentage) == ("1", "14030", Decimal("33.33"))


def test_transactions_take_their_own_currency_else_the_default_and_the_value_date_when_there_is_no_date():
    activity = parse(
        activity_xml(
            "X-6",
            body='<transaction><transaction-type code="2"/><value currency="usd" value-date="2025-05-05">10.5</value>'
            '<receiver-org ref="R-1" receiver-activity-id="R-1-A"><narrative>R</narrative></receiver-org></transaction>'
            '<transaction><transaction-type code="3"/><transaction-date iso-date="2025-06-01"/>'
            '<value value-date="2025-05-05">2</value></transaction>',
        )
    )
    first, second = activity.transactions
    assert (first.type, first.value, first.currency, first.date) == ("2", Decimal("10.5"), "USD", date(2025, 5, 5))
    assert (first.receiver.ref, first.receiver.activity_id, first.provider.is_blank) == ("R-1", "R-1-A", True)
    assert (second.currency, second.date) == ("NOK", date(2025, 6, 1))


@pytest.mark.parametrize("version", ["2.01", "2.02", "2.03"])
def test_files_of_every_supported_version_are_read(tmp_path, version):
    path = tmp_path / "file.xml"
    path.write_text(activities_file(activity_xml("X-7"), activity_xml("X-8"), version=version))
    assert count_activities(path) == 2
