"""How Indonesian documents write dates, times and civil-servant numbers, whoever downloads them."""
from rakor.core.formatting import format_date_long, format_time, local_date, zone_abbreviation

LOCALE = "id"  # documents are Indonesian, whoever downloads them


def format_nip(nip):
    """'196805121993031007' -> '19680512 199303 1 007' (birth date, appointment, sex, number)."""
    if not nip or len(nip) != 18:
        return nip or ""
    return f"{nip[:8]} {nip[8:14]} {nip[14]} {nip[15:]}"


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
