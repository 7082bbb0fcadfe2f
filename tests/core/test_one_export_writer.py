"""Every CSV and XLSX file Rakor writes goes through core/tabular/writing.py, whose cells are
neutralised against formula injection (issue 8, defect 4): no other module may build a writer."""
import re
from pathlib import Path

import rakor

WRITERS = re.compile(r"csv\.writer\(|csv\.DictWriter|DictWriter\(|\bWorkbook\(|import openpyxl|from openpyxl")
ALLOWED = Path(rakor.__file__).parent / "core" / "tabular"


def test_only_the_tabular_package_writes_csv_or_xlsx():
    offenders = []
    for path in Path(rakor.__file__).parent.rglob("*.py"):
        if ALLOWED in path.parents:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if WRITERS.search(line):
                offenders.append(f"{path.relative_to(ALLOWED.parents[1])}:{number}: {line.strip()}")
    assert offenders == [], "write CSV/XLSX through rakor.core.tabular.writing:\n" + "\n".join(offenders)
