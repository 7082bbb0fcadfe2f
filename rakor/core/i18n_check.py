"""Which msgids of the code and templates (and of WTForms) lack an Indonesian translation.

`python -m rakor.core.i18n_check` prints the missing ones as .po entries to paste into a
feature's catalog; the test suite fails while any is missing.
"""
from pathlib import Path

import wtforms
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
CATALOG_GLOB = "rakor/translations/*/id/LC_MESSAGES/messages.po"
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "_l": None,
            "_n": (1, 2), "lazy_ngettext": (1, 2)}
METHOD_MAP = [("rakor/**.py", "python"), ("templates/**.html", "jinja2")]


def wanted_msgids():
    """msgid -> first place it is used. Plural messages are keyed by their singular."""
    wanted = {}
    for filename, lineno, message, _comments, _ctx in extract_from_dir(
        str(ROOT), METHOD_MAP, keywords=KEYWORDS,
        options_map={"templates/**.html": {"extensions": "jinja2.ext.do"}},
    ):
        if "/.venv/" in filename or filename.startswith(".venv"):
            continue
        key = message if isinstance(message, str) else tuple(message)
        wanted.setdefault(key, f"{filename}:{lineno}")
    with open(Path(wtforms.__file__).parent / "locale" / "wtforms.pot", "rb") as f:
        for message in read_po(f):
            if message.id:
                wanted.setdefault(message.id if isinstance(message.id, str) else tuple(message.id), "wtforms")
    return wanted


def translated_msgids():
    done = set()
    for path in sorted(ROOT.glob(CATALOG_GLOB)):
        with open(path, "rb") as f:
            for message in read_po(f, locale="id"):
                if not message.id:
                    continue
                strings = message.string if isinstance(message.string, tuple) else (message.string,)
                if all(strings) and not message.fuzzy:
                    done.add(message.id if isinstance(message.id, str) else tuple(message.id))
    return done


def missing_translations():
    done = translated_msgids()
    return {k: where for k, where in wanted_msgids().items() if k not in done}


def _po_quote(text):
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


if __name__ == "__main__":
    for msgid, where in sorted(missing_translations().items(), key=lambda kv: kv[1]):
        print(f"#: {where}")
        if isinstance(msgid, tuple):
            print(f"msgid {_po_quote(msgid[0])}\nmsgid_plural {_po_quote(msgid[1])}\nmsgstr[0] \"\"\n")
        else:
            print(f"msgid {_po_quote(msgid)}\nmsgstr \"\"\n")
