"""The body rows of the progress matrix (templates/progress/dashboard.html), written in Python
rather than in the template's nested loop.

Why: with the demo's thirteen regencies and cities by five topics, the template's cell loop
(a band looked up, a percent formatted, a plural translated and half a dozen values escaped per
cell, each through Jinja's context) was about half of the dashboard's render. Here a cell is
one f-string; the plural text of a count is translated once per count and the locale named once
per page. The HTML is the template's (`band-<key>` classes, `cell-count`, `data-region`).
"""
from flask_babel import gettext as _
from flask_babel import ngettext
from markupsafe import Markup

from rakor.core.formatting import format_number, format_percent
from rakor.core.html_escape import text as escape
from rakor.progress.achievement import band


class MatrixRows:
    """`rows(matrix, scope) -> Markup`: the province's own row (when `scope` is a province)
    above one row per region of `matrix` (stats.Matrix); `region_url(id)` links a region."""

    def __init__(self, *, region_url, locale):
        self.region_url = region_url
        self.locale = locale
        self._counts = {}

    def __call__(self, matrix, scope=None):
        topics = [tid for tid, _name in matrix.topics]
        rows = []
        if scope is not None and scope.kind == "provinsi":
            # The province as a whole, above its regencies and cities.
            cells = "".join([self.cell(matrix.by_topic.get(tid), " fw-semibold") for tid in topics])
            rows.append(f'<tr class="table-group-divider" id="matrix-province" data-region="{escape(scope.kemendagri_code)}">'
                        f'<th scope="row">{escape(scope.name)} <span class="small text-muted fw-normal">'
                        f'({_("whole province")})</span></th>{cells}{self.total(matrix.total)}</tr>\n')
        for rid, code, name in matrix.regions:
            cells = "".join([self.cell(matrix.cells.get((rid, tid)), "") for tid in topics])
            rows.append(f'<tr data-region="{escape(code)}"><th scope="row"><a href="{self.region_url(rid)}">'
                        f'{escape(name)}</a></th>{cells}{self.total(matrix.by_region[rid])}</tr>\n')
        return Markup("".join(rows))

    def _percent(self, cell):
        average = cell.average
        return "–" if average is None else escape(format_percent(average, 1, self.locale))

    @staticmethod
    def _band(average):
        b = band(average)
        return b.key if b else "none"

    def cell(self, cell, extra):
        if not cell:
            return f'<td class="band-none{extra}"><span class="text-muted">·</span></td>'
        count = self._counts.get(cell.count)
        if count is None:
            count = self._counts[cell.count] = escape(
                ngettext("%(num)d commitment", "%(num)d commitments", cell.count))
        return (f'<td class="band-{self._band(cell.average)}{extra}">{self._percent(cell)}'
                f'<span class="cell-count">{count}</span></td>')

    def total(self, cell):
        return (f'<td class="band-{self._band(cell.average)} fw-semibold">{self._percent(cell)}'
                f'<span class="cell-count">{escape(format_number(cell.count, locale=self.locale))}</span></td>')
