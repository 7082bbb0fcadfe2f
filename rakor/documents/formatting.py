"""How Indonesian documents write dates, times and civil-servant numbers, whoever downloads them."""
from rakor.core.formatting import format_date_long, format_nip, format_time, local_date, zone_abbreviation

LOCALE = "id"  # documents are Indonesian, whoever downloads them
__all__ = ["LOCALE", "format_nip", "meeting_when"]


def meeting_when(meeting, locale=LOCALE):
    """('Kamis, 1 Februari 2024', '08.30 – 16.00 WITA') in the meeting's zone."""
    tz = meeting.timezone
    start_day, end_day = local_date(meeting.starts_at, tz), local_date(meeting.ends_at, tz)
    day = format_date_long(start_day, locale)
    if end_day != start_day:
        day = f"{day} s.d. {format_date_long(end_day, locale)}"
    start = format_time(meeting.starts_at, tz, locale, with_zone=False)
    end = format_time(meeting.ends_at, tz, locale, with_zone=False)
    return day, f"{start} – {end} {zone_abbreviation(tz, meeting.starts_at)}"
