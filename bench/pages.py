"""The main pages of issue 20's first target and the demo reader each is measured for; shared by
bench/fresh_pages.py (gunicorn + wrk) and bench/profile_pages.py (in process)."""
from dataclasses import dataclass

from server import COMMITTEE_EMAIL

DELEGATE_EMAIL = "delegasi.kotabaru@demo.rakor.id"
LEADERSHIP_EMAIL = "pimpinan@demo.rakor.id"


@dataclass(frozen=True)
class Page:
    name: str
    path: str
    email: str
    marker: str  # text the page must contain (a redirect or an error page has none)


def page_paths(deployment, meeting_id):
    """The pages on the demo data of `deployment` (seed meeting `meeting_id`). The region is the
    regency with the most commitments across meetings (ties: the lowest code)."""
    region_id = int(deployment.sql(
        "SELECT a.region_id FROM commitment c JOIN agency a ON a.id = c.agency_id "
        "JOIN region r ON r.id = a.region_id WHERE r.kind <> 'provinsi' "
        "GROUP BY a.region_id, r.kemendagri_code ORDER BY count(*) DESC, r.kemendagri_code LIMIT 1"))
    m = f"/meetings/{meeting_id}"
    return [
        Page("meeting (committee)", m, COMMITTEE_EMAIL, 'id="agenda"'),
        Page("meeting (delegate)", m, DELEGATE_EMAIL, 'id="agenda"'),
        Page("commitments", f"{m}/commitments", COMMITTEE_EMAIL, 'id="status-counts"'),
        Page("participants", f"{m}/participants", COMMITTEE_EMAIL, 'id="participants-table"'),
        Page("home", "/", COMMITTEE_EMAIL, "<main"),
        Page("progress dashboard", "/progress", LEADERSHIP_EMAIL, 'id="progress-matrix"'),
        Page("region progress", f"/progress/regions/{region_id}", LEADERSHIP_EMAIL, 'id="region-progress"'),
    ]


# Not a target of issue 20: the committee's notices page (the layout, the signed-in user and a
# short list: 3 queries), the share any page with content starts from (--reference).
REFERENCE = Page("reference: notices", "/notices", COMMITTEE_EMAIL, 'id="notices"')
