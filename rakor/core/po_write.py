"""Add translations to a feature's catalog: `python -m rakor.core.po_write CATALOG TRANSLATIONS.py`.

TRANSLATIONS.py defines `T = {msgid: msgstr, (singular, plural): (msgstr,)}`; entries already
in the catalog are replaced. Keeps catalogs sorted so that merges stay small.
"""
import runpy
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po


def merge(catalog_path: Path, translations: dict):
    if catalog_path.exists():
        with open(catalog_path, "rb") as f:
            catalog = read_po(f, locale="id")
    else:
        catalog_path.parent.mkdir(parents=True, exist_ok=True)
        catalog = Catalog(locale="id", project="Rakor", charset="utf-8", fuzzy=False,
                          copyright_holder="Rakor", msgid_bugs_address="")
    catalog.fuzzy = False
    for msgid, msgstr in translations.items():
        if msgid in catalog:
            del catalog[msgid]
        catalog.add(msgid, msgstr)
    with open(catalog_path, "wb") as f:
        write_po(f, catalog, sort_output=True, width=100, omit_header=False)


if __name__ == "__main__":
    merge(Path(sys.argv[1]), runpy.run_path(sys.argv[2])["T"])
