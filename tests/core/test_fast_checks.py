"""The quick paths of the e-mail and phone checks (core/emails.py, core/phones.py) accept and
refuse exactly what the libraries do, with the same stored spelling: both ways on a corpus of
tricky values and on generated ones."""
import random

import phonenumbers
import pytest
from email_validator import EmailNotValidError, validate_email

from rakor.core.emails import normalized_email
from rakor.core.errors import DomainError
from rakor.core.phones import _SEPARATORS, normalize_phone


def library_email(address):
    try:
        return validate_email(address, check_deliverability=False).normalized
    except EmailNotValidError:
        return "refused"


def quick_email(address):
    try:
        return normalized_email(address)
    except EmailNotValidError:
        return "refused"


def library_phone(raw):
    """core/phones.normalize_phone as it was: phonenumbers for every value."""
    candidate = _SEPARATORS.sub("", raw.strip())
    if not candidate:
        return None
    if candidate.startswith("62") and not candidate.startswith("+"):
        candidate = "+" + candidate
    try:
        number = phonenumbers.parse(candidate, "ID")
    except phonenumbers.NumberParseException:
        return "refused"
    if not phonenumbers.is_valid_number(number):
        return "refused"
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def quick_phone(raw):
    try:
        return normalize_phone(raw)
    except DomainError:
        return "refused"


DOMAINS = [
    "example.go.id", "kalselprov.go.id", "GMAIL.COM", "Yahoo.Co.Id", "gmail.com.", ".gmail.com",
    "gmail..com", "gmail", "localhost", "test", "example.test", "mail.local", "x.invalid",
    "-bad.com", "bad-.com", "ab--cd.com", "xn--bcher-kva.example", "xn--bcher-kva.com",
    "xn--zz.com", "bücher.de", "BÜCHER.de", "例え.テスト", "a_b.com", "a b.com", "[127.0.0.1]",
    "[IPv6:::1]", "123.456", "1.2.3.4", "com", "a.b", "a.c0m", "a.123", "co.id", "a" * 63 + ".com",
    "a" * 64 + ".com", ".".join(["a" * 60] * 4) + ".id", ".".join(["a" * 62] * 4), "ｇｍａｉｌ．ｃｏｍ",
    "gmail。com", "arpa", "in-addr.arpa", "x.onion", "example.com", "example", "gmail.com@",
    "gmail.com>", "gmail,com", "gmail;com", "ⅷ.com", "ß.de", "a\u200d.com", "",
]
LOCALS = [
    "peserta1", "Budi.Santoso", "budi..santoso", ".budi", "budi.", "budi+rakor", "a!#$%&'*+/=?^_`{|}~-z",
    "POSTMASTER", "Abuse", "a" * 64, "a" * 65, "a" * 200, "", "budi santoso", '"budi"', '"budi santoso"',
    '"bu\\"di"', "budi@rumah", "büdi", "ｂｕｄｉ", "bu\u0308di", "budi\u00a0", "<budi", "budi>", "(budi)",
    "bu,di", "bu;di", "bu:di", "bu[di]", "bu\\di", "\u202ebudi", "bu\tdi", "bu\x00di",
]
EXTRA_EMAILS = [
    "Budi <budi@example.go.id>", "<budi@example.go.id>", "budi@example.go.id ", "budi", "@example.go.id",
    "budi@", "budi@@example.go.id", "budi＠example.go.id", "budi﹫example.go.id", "a@b@c.com",
    "budi@example.go.id\n", "a" * 240 + "@example.go.id", "a" * 235 + "@example.go.id",
    "a" * 241 + "@xn--bcher-kva.com", "a" * 238 + "@bücher.de", "a" * 236 + "@bücher.de",
]


def test_email_corpus_same_as_the_library():
    cases = [local + "@" + domain for local in LOCALS for domain in DOMAINS] + EXTRA_EMAILS
    # Lengths around the 254-byte limit, with ASCII and IDNA domains.
    for domain in ("example.go.id", "xn--bcher-kva.com", "bücher.de", "ß.de"):
        for n in range(225, 256):
            cases.append("x" * (n - len(domain) - 1) + "@" + domain)
    rnd = random.Random(20)
    alphabet = "abcXYZ09.+-_@\"<> ü'"
    cases += ["".join(rnd.choice(alphabet) for _ in range(rnd.randint(1, 14))) + rnd.choice(["@gmail.com", ""])
              for _ in range(3000)]
    answers = [(c, library_email(c), quick_email(c)) for c in cases]
    assert [a for a in answers if a[1] != a[2]] == []
    assert sum(a[1] != "refused" for a in answers) > 200  # both kinds are in the corpus


PHONES = [
    "0812-3456-7890", "+62 812 3456 7890", "62812 3456 7890", "6281234567890", "+6281234567890",
    "081234567890", "0812345678", "08123456", "0812345", "0812345678901234", "08123456789012",
    "(0511) 3301234", "0511-3301234", "021 5551234", "+62 21 5551234", "+62 (0)812 3456 7890",
    "+620812345678", "620812345678", "0062812345678", "008812345678", "0081234567890", "00962812",
    "+1 650 253 0000", "+44 20 7946 0958", "+6", "+", "62", "0", "00", "08", "8123456789",
    "812-3456-7890", "+62812", "0800 1234 567", "0809 1234567", "0804 1234567", "1500123", "08071234567",
    "177 12345", "112", "0812.3456.7890", "0812 3456 7890 ext 12", "0812 3456 7890 x12",
    "0812/3456/7890", "０８１２３４５６７８９０", "٠٨١٢٣٤٥٦٧٨٩٠", "0812３456789", "O812345678",
    "081234567a", "tel:+6281234567890", "+62-812-3456-7890", "+62\u00a0812 3456 7890", "08 12",
    "6 2812345678", "+ 62 812 345 678", "0 812 345 678", "--0812345678", "0812345678--", "(0812)",
    "+62 0 812 345 678", "+62 21 1234 5678 9", "+0812345678", "0812 3456 7890 1234 5678",
]


def test_phone_corpus_same_as_the_library():
    cases = list(PHONES)
    rnd = random.Random(20)
    # National numbers of every length and first digits behind each way of writing the prefix.
    for prefix in ("0", "+62", "62", "+620", "620", "00", "0062", "+", ""):
        for first in ("1", "2", "21", "22", "3", "4", "5", "6", "61", "619", "7", "8", "80", "804", "809",
                      "8071", "81", "82", "83", "84", "85", "86", "87", "88", "89", "9", "177", "1500"):
            for length in range(1, 19):
                for _ in range(4):
                    rest = "".join(rnd.choice("0123456789") for _ in range(max(0, length - len(first))))
                    cases.append(prefix + (first + rest)[:length])
    answers = [(c, library_phone(c), quick_phone(c)) for c in cases]
    assert [a for a in answers if a[1] != a[2]] == []
    assert sum(a[1] not in ("refused", None) for a in answers) > 500


@pytest.mark.parametrize("raw", ["0812-3456-7890", "+62 812 3456 7890", "62812 3456 7890"])
def test_phone_spellings_give_one_number(raw):
    assert normalize_phone(raw) == "+6281234567890"
