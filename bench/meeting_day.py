"""A meeting day under load (issue 20, target 2):

    python bench/meeting_day.py [--duration 300] [--connections 50] [--bare-duration 30]
                                [--gunicorn "-w 2 -c deploy/gunicorn.conf.py"] [--write-interval 1.0]
                                [--database NAME] [--redis-url URL] [--port N]

Sets up its own PostgreSQL database (--database, dropped and re-created), migrates it and loads
the demo, then adds, through the app's services (the `--setup` child below):
- a meeting of today ("Rakor hari ini"), scheduled, with the seed meeting's agenda, its 52 seed
  delegates (nobody checked in yet), 65 commitments of the 13 agencies (as the demo's), and 40
  seats per agency so that delegates can still register people;
- 60 accounts: 52 delegates (4 for each of the 13 regency/city planning agencies), 4 committee
  desks and 4 leadership (password: the demo's).

It serves the production app (`bench.bench_wsgi:app`, RAKOR_ENV=production, PostgreSQL, Redis
for rate limits and the page cache: PAGE_CACHE=redis as in production) under gunicorn, and signs
in every one of the 60 users through the real sign-in form (each has its own session cookie and
CSRF token). Then --connections requests are kept in flight for --duration seconds by an asyncio
client (aiohttp, in the lock already): each request picks one of the 60 users at random and a
page by that user's role (weights in PAGES): the meeting page, its commitments and participants,
home, and for committee and leadership (delegates may not see them) the progress dashboard and
a regency's progress page. About every --write-interval
seconds, one of the connections makes a write instead, through the real forms with their CSRF
tokens, as a browser would (GET the form, POST it, follow the redirect): a check-in at the desk
(or its undo, when already present), a registration by a delegate, a commitment saved and
submitted by a delegate, a submitted commitment agreed by the committee, a progress update of
one of the agency's agreed commitments of the seed meeting. Check-ins, registrations and
commitments clear today's meeting's kept pages (rakor/core/page_cache.py) for everyone; a
progress update those of the seed meeting.

Why aiohttp and not wrk: 60 sessions, CSRF tokens read from forms, forms filled and redirects
followed is a browser's work; wrk's Lua has no HTML parsing and one request shape per thread.
The Python client costs CPU on this 2-core machine, shared with gunicorn, so the bare route is
measured with wrk (a client that is not the bottleneck), before and after the workload (paired),
and the share is against their mean; the bare route through this same Python client is
reported too (its share is higher: that client is slower than wrk). The client's pace also
costs the workers time: gunicorn's sync worker ends each answer with a lingering close (RFC 9112
9.6: it waits for the reader's own close, up to 2 s), measured at 0.55 ms an answer under this
client against 0.15 ms under wrk (a timed `close_graceful`, stop 34); behind nginx (production)
it is nginx's close. Read pages are searched as bytes, not decoded, to keep the client quick.

Kept-copy hits: the app runs with PAGE_CACHE_HEADER=1, so every meeting-page response says
what the page cache found (`X-Page-Cache`: "kept:hit" = the reader's whole page kept,
"kept:miss,miss,hit,..." = rendered around the kept shared body, "kept:miss,miss,miss,..." = the
body rendered; then the sections kept apart, "participants:hit" and so on; without "kept:": a
flashed message was waiting, the page was rendered around the body looked up; "kept:miss,together:hit"
= put together from the reader's kept shell and the kept body and sections, nothing rendered).
Reported: whole pages kept, pages put together, bodies kept, and per section kept apart its hits;
the commitments and participants pages, the progress dashboard and a region's page are kept whole
per reader as the meeting page is ("kept:hit", "kept:miss,together:hit") around their content
kept per viewer class (and query) ("commitments:hit", "progress:hit", "progress-region:hit"), home
per reader ("home:hit").

The workers' time per endpoint is summed from the app's access log (duration_ms) over the measured
window: where the workers' time went, which a throughput figure on a shared machine hides.

Errors are: a status other than 200 (and 302 for a write), a read page that is not the page
asked for (the sign-in page), a write that was not accepted (its form came back), and socket
errors/timeouts (--timeout). Prints a table and one JSON line; exit status 1 when a target is
missed (share >= 10 %, p99 <= 250 ms, 0 errors).
"""
import argparse
import asyncio
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import time
from collections import Counter, defaultdict
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))
from server import BIN, PRODUCTION_GUNICORN, ROOT, Client, Deployment, Gunicorn, log  # noqa: E402

BENCH_DOMAIN = "bench.rakor.id"
TODAY_TITLE = "Rakor hari ini: Koordinasi Perencanaan Bidang PPM se-Kalimantan Selatan"
# Per role: (page, weight). Meeting, commitments and participants are those of today's meeting.
PAGES = {
    # The progress dashboard and a region's progress page are for committee and leadership.
    "delegate": [("meeting", 40), ("commitments", 25), ("participants", 15), ("home", 20)],
    "committee": [("meeting", 25), ("commitments", 20), ("participants", 20), ("home", 10),
                  ("progress", 15), ("region", 10)],
    "leadership": [("meeting", 20), ("commitments", 15), ("participants", 5), ("home", 20),
                   ("progress", 25), ("region", 15)],
}
# The pages whose content is kept apart, and the name their lookup has in X-Page-Cache.
CONTENT_KEPT = {"commitments": "commitments", "participants": "participants", "home": "home",
                "progress": "progress", "region": "progress-region"}
# Home is kept whole per reader under its own name ("home:hit"), the other pages as "kept:hit"
# (the meeting page's way) around their content kept per viewer class.
WHOLE_UNDER_NAME = {"home"}
WRITES = [("check-in", 40), ("registration", 15), ("commitment submitted", 15),
          ("commitment agreed", 15), ("progress update", 15)]


# --- the setup child: runs in the deployment's environment, with the app ------------------------

def setup():
    """Adds today's meeting and the 60 accounts (see the module's docstring); prints JSON."""
    from datetime import timedelta

    from sqlalchemy import select, update

    from rakor.auth.models import User
    from rakor.auth.services import create_user, find_user_by_email
    from rakor.commitments.demo import load_seed_commitments
    from rakor.commitments.models import Commitment
    from rakor.core.types import utcnow
    from rakor.demo import DEMO_PASSWORD
    from rakor.extensions import db
    from rakor.meetings.demo import find_seed_meeting
    from rakor.meetings.models import AgendaItem, Meeting
    from rakor.meetings.services import (
        AgendaItemData,
        MeetingData,
        add_agenda_item,
        change_status,
        create_meeting,
    )
    from rakor.notices import services as notices
    from rakor.participants.demo import load_seed_delegates
    from rakor.participants.models import Participant
    from rakor.participants.quotas import set_seats_for_province
    from rakor.progress.services import measurable
    from rakor.regions.models import Region
    from rakor.regions.services import planning_agencies_of_province
    from wsgi import app

    with app.app_context(), app.test_request_context(), notices.muted():
        seed = find_seed_meeting()
        committee = db.session.scalar(select(User).where(User.email == "panitia@demo.rakor.id"))
        agencies = planning_agencies_of_province("63")
        users = []
        for agency in agencies:
            code = agency.region.kemendagri_code.replace(".", "")
            for n in range(1, 5):
                users.append((f"delegasi{n}.{code}@{BENCH_DOMAIN}", f"Delegasi {n} {agency.region.name}",
                              "delegate", agency.id))
        for n in range(1, 5):
            users.append((f"meja{n}@{BENCH_DOMAIN}", f"Meja Registrasi {n}", "committee", committee.agency_id))
            users.append((f"pimpinan{n}@{BENCH_DOMAIN}", f"Pimpinan {n}", "leadership", committee.agency_id))
        for email, name, role, agency_id in users:
            if find_user_by_email(email) is None:
                create_user(email=email, name=name, role=role, password=DEMO_PASSWORD, agency_id=agency_id)
        now = utcnow().replace(second=0, microsecond=0)
        meeting = db.session.scalar(select(Meeting).where(Meeting.title == TODAY_TITLE))
        if meeting is None:
            meeting = create_meeting(MeetingData(
                title=TODAY_TITLE, starts_at=now - timedelta(hours=1), ends_at=now + timedelta(hours=7),
                venue="Aula Bappeda", city="Banjarbaru", organizer_agency_id=seed.organizer_agency_id,
                field="Pemerintahan dan Pembangunan Manusia (PPM)", chair_name=seed.chair_name,
                registration_opens_at=now - timedelta(days=14), registration_closes_at=now + timedelta(hours=6),
                chair_position=seed.chair_position, description=seed.description), user=committee)
            for item in db.session.scalars(select(AgendaItem).where(AgendaItem.meeting_id == seed.id)
                                           .order_by(AgendaItem.position)):
                add_agenda_item(meeting, AgendaItemData(title=item.title, topic_id=item.topic_id,
                                                        free_topic=item.free_topic, presenter=item.presenter,
                                                        description=item.description))
            change_status(meeting, "scheduled", committee)
            load_seed_delegates(meeting)
            db.session.execute(update(Participant).where(Participant.meeting_id == meeting.id)
                               .values(checked_in_at=None, checked_in_by_id=None))
            set_seats_for_province(meeting, 40)
            # The demo's plan targets 31 December 2024, before today's meeting: its rows are
            # validated against the seed meeting's dates, then the meeting is today again.
            starts, ends = meeting.starts_at, meeting.ends_at
            meeting.starts_at, meeting.ends_at = seed.starts_at, seed.ends_at
            load_seed_commitments(meeting)
            meeting.starts_at, meeting.ends_at = starts, ends
        else:  # a re-used database (--reuse-database): today again
            meeting.starts_at, meeting.ends_at = now - timedelta(hours=1), now + timedelta(hours=7)
            meeting.registration_opens_at = now - timedelta(days=14)
            meeting.registration_closes_at = now + timedelta(hours=6)
        db.session.commit()
        region = db.session.scalar(select(Region).where(Region.kemendagri_code == "63.02"))
        participants = db.session.scalars(select(Participant.id).where(Participant.meeting_id == meeting.id)).all()
        # Per agency, its agreed commitments of the seed meeting: (id, the realised value halfway
        # between baseline and target, or None where the form asks for a percent).
        agreed = defaultdict(list)
        for c in db.session.scalars(select(Commitment).where(Commitment.meeting_id == seed.id,
                                                             Commitment.status == "agreed")):
            halfway = None
            if measurable(c):
                halfway = float((c.baseline_value + c.target_value) / 2)
            agreed[c.agency_id].append([c.id, halfway])
        print("SETUP " + json.dumps({
            "meeting_id": meeting.id, "seed_id": seed.id, "region_id": region.id, "participants": participants,
            "users": [{"email": e, "role": r, "agency_id": a} for e, _n, r, a in users],
            "progress": {str(k): v for k, v in agreed.items()}}))


# --- forms as a browser reads them ----------------------------------------------------------------

class Forms(HTMLParser):
    """Every <form> of a page: its action and the fields a browser would send (hidden and text
    inputs, checked boxes, the selected option or the first, textareas)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms, self._form, self._select, self._textarea = [], None, None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self._form = {"action": a.get("action") or "", "fields": {}, "buttons": []}
            self.forms.append(self._form)
        elif tag == "option" and self._select and self._form is not None:
            value = a.get("value", "")
            if self._form["fields"].get(self._select) is None or "selected" in a:
                self._form["fields"][self._select] = value
        elif self._form is None or not a.get("name"):
            return
        elif tag == "input":
            kind = (a.get("type") or "text").lower()
            if kind in ("submit", "button", "image"):
                self._form["buttons"].append(a["name"])
            elif kind in ("checkbox", "radio"):
                if "checked" in a:
                    self._form["fields"][a["name"]] = a.get("value", "y")
            elif kind != "file":
                self._form["fields"][a["name"]] = a.get("value", "")
        elif tag == "button":
            self._form["buttons"].append(a["name"])
        elif tag == "select":
            self._select = a["name"]
            self._form["fields"].setdefault(a["name"], None)
        elif tag == "textarea":
            self._textarea = a["name"]
            self._form["fields"][a["name"]] = ""

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea and self._form:
            self._form["fields"][self._textarea] += data


def find_form(html, action_pattern, field=None):
    """The first form whose action matches `action_pattern` (an empty action: the page's own
    address) and, if given, that has `field`."""
    parser = Forms()
    parser.feed(html)
    for form in parser.forms:
        if re.search(action_pattern, form["action"]) and (field is None or field in form["fields"]):
            return form
    return None


# --- the async client -------------------------------------------------------------------------------

class Stats:
    def __init__(self):
        self.latencies = []          # every request, seconds
        self.by_page = defaultdict(list)
        self.errors = Counter()
        self.cache = Counter()
        self.other_cache = defaultdict(Counter)
        self.writes = Counter()
        self.requests = 0


class User:
    def __init__(self, email, role, agency_id, cookies):
        self.email, self.role, self.agency_id, self.cookies = email, role, agency_id, dict(cookies)
        self.csrf = None
        self.lock = asyncio.Lock()  # one write at a time per user (its session cookie changes)

    def cookie_header(self):
        return "; ".join(f"{k}={v}" for k, v in self.cookies.items())

    def take_cookies(self, response):
        from http.cookies import SimpleCookie

        for value in response.headers.getall("Set-Cookie", []):
            cookie = SimpleCookie()
            cookie.load(value)
            for key, morsel in cookie.items():
                if morsel.value == "" or (morsel["expires"] and "1970" in morsel["expires"]):
                    self.cookies.pop(key, None)
                else:
                    self.cookies[key] = morsel.value


class Workload:
    def __init__(self, session, base, setup_data, users, stats, timeout):
        self.session, self.base, self.stats, self.timeout = session, base, stats, timeout
        self.meeting_id = setup_data["meeting_id"]
        self.seed_id = setup_data["seed_id"]
        self.region_id = setup_data["region_id"]
        self.participants = list(setup_data["participants"])
        self.present = set()
        self.progress = {int(k): v for k, v in setup_data["progress"].items()}
        self.users = users
        self.delegates = [u for u in users if u.role == "delegate"]
        self.committee = [u for u in users if u.role == "committee"]
        self.to_agree = []
        self.rnd = random.Random(20)
        self.registered = 0
        self.run = int(time.time()) % 100000
        m = self.meeting_id
        self.paths = {"meeting": f"/meetings/{m}", "commitments": f"/meetings/{m}/commitments",
                      "participants": f"/meetings/{m}/participants", "home": "/", "progress": "/progress",
                      "region": f"/progress/regions/{self.region_id}"}
        self.marks = {"meeting": b'id="agenda"', "commitments": b"/commitments/", "participants": b"participant",
                      "home": b"<nav", "progress": b"<nav", "region": b"<nav"}

    async def request(self, user, method, path, data=None, page=None, headers=None, text=True):
        """(status, headers, text) of one request, timed; errors counted by the caller. With
        text=False the body stays bytes (a read page is only searched for its marks: decoding
        80-100 KB on the client's one core slowed its reading of the answers)."""
        headers = {"Cookie": user.cookie_header(), **(headers or {})}
        body = None
        if data is not None:
            body = urlencode(data)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        started = time.perf_counter()
        try:
            async with self.session.request(method, self.base + path, data=body, headers=headers,
                                            allow_redirects=False, timeout=self.timeout) as response:
                body = await response.text(errors="replace") if text else await response.read()
                took = time.perf_counter() - started
                user.take_cookies(response)
                status, resp_headers = response.status, response.headers
        except Exception as error:  # noqa: BLE001 - counted, reported
            self.stats.errors[f"{type(error).__name__} on {page or method}"] += 1
            self.stats.requests += 1
            self.stats.latencies.append(time.perf_counter() - started)
            return None, {}, "" if text else b""
        self.stats.requests += 1
        self.stats.latencies.append(took)
        self.stats.by_page[page or f"{method} (write)"].append(took)
        if page == "meeting":
            self.stats.cache[resp_headers.get("X-Page-Cache", "none")] += 1
        elif page in CONTENT_KEPT:  # their content kept apart
            self.stats.other_cache[page][resp_headers.get("X-Page-Cache", "none")] += 1
        return status, resp_headers, body

    async def read(self, user, page):
        status, _h, body = await self.request(user, "GET", self.paths[page], page=page, text=False)
        if status is None:
            return
        if status != 200:
            self.stats.errors[f"HTTP {status} on {page}"] += 1
        elif self.marks[page] not in body or b'action="/login"' in body and b"/logout" not in body:
            self.stats.errors[f"wrong page for {page}"] += 1

    async def submit(self, user, form_path, action_pattern, fill, kind, press=None, accept=(302,), field=None):
        """GET the form, fill it, POST it, follow the redirect (the flash is shown and gone)."""
        status, _h, text = await self.request(user, "GET", form_path, page=f"{kind} form")
        if status != 200:
            self.stats.errors[f"HTTP {status} on the {kind} form"] += 1
            return None
        form = find_form(text, action_pattern, field)
        if form is None:
            self.stats.errors[f"no {kind} form"] += 1
            return None
        fields = {k: v for k, v in form["fields"].items() if v is not None}
        fill(fields)
        if press:
            fields[press] = ""
        action = form["action"] or form_path
        status, headers, text = await self.request(user, "POST", action, data=fields, page=f"{kind} POST")
        if status not in accept:
            found = re.findall(r'class="[^"]*(?:invalid-feedback|alert-danger|alert-warning)[^"]*"[^>]*>(.*?)</div>',
                               text, re.S)
            why = "; ".join(" ".join(re.sub(r"<[^>]+>", " ", f).split())[:120] for f in found)
            self.stats.errors[f"{kind} not accepted (HTTP {status}): {why[:240]}"] += 1
            return None
        self.stats.writes[kind] += 1
        location = headers.get("Location", "")
        if location:
            path = "/" + location.split("://", 1)[-1].split("/", 1)[1] if "://" in location else location
            await self.request(user, "GET", path, page=f"after {kind}")
        return location

    async def write(self):
        kind = self.rnd.choices([k for k, _w in WRITES], [w for _k, w in WRITES])[0]
        if kind == "commitment agreed" and not self.to_agree:
            kind = "commitment submitted"
        if kind == "check-in":
            await self.check_in()
        elif kind == "registration":
            await self.register()
        elif kind == "commitment submitted":
            await self.submit_commitment()
        elif kind == "commitment agreed":
            await self.agree()
        else:
            await self.progress_update()

    async def check_in(self):
        user = self.rnd.choice(self.committee)
        pid = self.rnd.choice(self.participants)
        undo = pid in self.present
        path = f"/meetings/{self.meeting_id}/checkin/{pid}" + ("/undo" if undo else "")
        async with user.lock:
            status, _h, _t = await self.request(user, "POST", path, data={"csrf_token": user.csrf},
                                                page="check-in POST", headers={"Accept": "application/json"})
        if status is None:
            return
        if status != 200:
            self.stats.errors[f"check-in not accepted (HTTP {status})"] += 1
            return
        self.stats.writes["check-in (undo)" if undo else "check-in"] += 1
        (self.present.discard if undo else self.present.add)(pid)

    async def register(self):
        user = self.rnd.choice(self.delegates)
        self.registered += 1
        n = self.registered

        def fill(fields):
            # Unique per run too: a re-used database (--reuse-database) keeps earlier runs' people.
            fields.update(name=f"Peserta Tambahan {self.run}-{n}, S.T.", position="Perencana Ahli Pertama",
                          phone=f"0812{(self.run * 1000 + n) % 10**8:08d}",
                          email=f"tambahan{self.run}-{n}@{BENCH_DOMAIN}", gender="L")

        async with user.lock:
            await self.submit(user, f"/meetings/{self.meeting_id}/participants/new", r"^$|/participants/new$",
                              fill, "registration", field="nip")

    async def submit_commitment(self):
        user = self.rnd.choice(self.delegates)
        n = sum(self.stats.writes.values())

        def fill(fields):
            fields.update(title=f"Program tambahan {n}: pendampingan desa lokus", target_date="31-12-2027",
                          responsible_office="Dinas terkait", budget="150000000", budget_year="2027",
                          programme_code="", target_value="", indicator_id="", baseline_value="")

        async with user.lock:
            location = await self.submit(user, f"/meetings/{self.meeting_id}/commitments/new",
                                         r"^$|/commitments/new$", fill, "commitment submitted", press="submit_now",
                                         field="title")
        match = re.search(r"/commitments/(\d+)", location or "")
        if match:
            self.to_agree.append(int(match.group(1)))

    async def agree(self):
        user = self.rnd.choice(self.committee)
        cid = self.to_agree.pop(0)
        async with user.lock:
            await self.submit(user, f"/meetings/{self.meeting_id}/commitments/{cid}",
                              rf"/commitments/{cid}/agree$", lambda fields: None, "commitment agreed")

    async def progress_update(self):
        user = self.rnd.choice(self.delegates)
        cid, halfway = self.rnd.choice(self.progress[user.agency_id])
        percent = self.rnd.randint(10, 60)

        def fill(fields):
            if halfway is None or "u-percent" in fields:
                fields["u-percent"] = str(percent)
            else:
                value = halfway * (1 + self.rnd.uniform(-0.01, 0.01))
                fields["u-realised_value"] = f"{value:.2f}".replace(".", ",")
            fields["u-status"] = "on_track"
            fields["u-narrative"] = f"Pelaksanaan berjalan, capaian sekitar {percent} persen."
            fields["u-confirm_percent"] = "y"

        async with user.lock:
            await self.submit(user, f"/meetings/{self.seed_id}/commitments/{cid}/progress/new",
                              r"^$|/progress/new", fill, "progress update", field="p-period")

    async def connection(self, stop_at, write_clock):
        while time.monotonic() < stop_at:
            if time.monotonic() >= write_clock[0]:
                write_clock[0] += write_clock[1]
                await self.write()
                continue
            user = self.rnd.choice(self.users)
            pages = PAGES[user.role]
            page = self.rnd.choices([p for p, _w in pages], [w for _p, w in pages])[0]
            await self.read(user, page)


async def run_workload(base, setup_data, users, seconds, connections, write_interval, timeout, warmup):
    import aiohttp

    connector = aiohttp.TCPConnector(limit=connections, force_close=True)
    async with aiohttp.ClientSession(connector=connector, cookie_jar=aiohttp.DummyCookieJar()) as session:
        async_users = [User(u["email"], u["role"], u["agency_id"], u["cookies"]) for u in users]
        for user, u in zip(async_users, users, strict=True):
            user.csrf = u["csrf"]
        results = {}
        for _phase, length in (("warm-up", warmup), ("measured", seconds)):
            if not length:
                continue
            stats = Stats()
            work = Workload(session, base, setup_data, async_users, stats, aiohttp.ClientTimeout(total=timeout))
            if results:  # keep the state of the warm-up (who is present, what waits to be agreed)
                prev = results["work"]
                work.present, work.to_agree, work.registered = prev.present, prev.to_agree, prev.registered
            started = time.monotonic()
            clock = [started + write_interval, write_interval]
            await asyncio.gather(*(work.connection(started + length, clock) for _ in range(connections)))
            elapsed = time.monotonic() - started
            results = {"work": work, "stats": stats, "seconds": elapsed}
        return results


async def bare_python(url, seconds, connections, timeout):
    """The bare route through this same Python client (for comparison with wrk's figure)."""
    import aiohttp

    count, latencies, errors = 0, [], 0
    connector = aiohttp.TCPConnector(limit=connections, force_close=True)
    async with aiohttp.ClientSession(connector=connector) as session:
        stop_at = time.monotonic() + seconds

        async def loop():
            nonlocal count, errors
            while time.monotonic() < stop_at:
                started = time.perf_counter()
                try:
                    async with session.get(url, timeout=aiohttp.ClientTimeout(total=timeout)) as r:
                        await r.read()
                        errors += r.status != 200
                except Exception:  # noqa: BLE001 - counted
                    errors += 1
                latencies.append(time.perf_counter() - started)
                count += 1

        started = time.monotonic()
        await asyncio.gather(*(loop() for _ in range(connections)))
        return {"requests": count, "rps": count / (time.monotonic() - started), "errors": errors,
                "p50_ms": 1000 * statistics.median(latencies)}


def wrk_bare(deployment, gunicorn_args, seconds, connections, label, port=None):
    from load import wrk

    server = Gunicorn(deployment, "bench.bare_flask:app", gunicorn_args, port=port, ready_path="/bench/bare")
    server.start()
    try:
        url = server.base + "/bench/bare"
        wrk(url, 3, connections, 2)
        load = os.getloadavg()
        log(f"bare Flask app ({label}): {seconds} s under wrk at {connections} connections")
        result = wrk(url, seconds, connections, 2)
        result["load_before"] = load
        result["load_after"] = os.getloadavg()
        python = asyncio.run(bare_python(url, min(seconds, 15), connections, 10))
        result["python_client"] = python
        return result
    finally:
        server.stop()


def sign_in_everyone(base, users, meeting_id):
    """Each user through the real sign-in form; the first page after it shows (and drops) the
    welcome message; the CSRF token of the session, for the desk's check-in calls."""
    from server import DEMO_PASSWORD

    signed = []
    for u in users:
        client = Client(base).login(email=u["email"], password=DEMO_PASSWORD)
        status, _h, _c = client.get("/")
        if status != 200:
            raise RuntimeError(f"home as {u['email']}: HTTP {status}")
        csrf = client.csrf(f"/meetings/{meeting_id}/checkin") if u["role"] == "committee" else None
        signed.append({**u, "cookies": dict(client.cookies), "csrf": csrf})
    return signed


def pct(values, q):
    ordered = sorted(values)
    return 1000 * ordered[min(len(ordered) - 1, int(len(ordered) * q))] if ordered else 0.0


def worker_time(log_path, since):
    """{(method, endpoint): (requests, mean ms, % of the summed time)} from the app's access log
    lines (JSON, rakor.access) stamped at or after `since` (epoch seconds), largest share first."""
    from datetime import datetime

    total, count = Counter(), Counter()
    with open(log_path, encoding="utf-8", errors="replace") as lines:
        for line in lines:
            if not line.startswith("{"):
                continue
            try:
                entry = json.loads(line)
            except ValueError:
                continue
            if entry.get("logger") != "rakor.access" or datetime.fromisoformat(entry["ts"]).timestamp() < since:
                continue
            key = (entry.get("method"), entry.get("endpoint"))
            total[key] += entry.get("duration_ms", 0)
            count[key] += 1
    summed = sum(total.values()) or 1
    return {key: (count[key], ms / count[key], 100 * ms / summed) for key, ms in total.most_common()}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=int, default=300, help="seconds of the measured workload (default 300)")
    parser.add_argument("--warmup", type=int, default=10, help="seconds of unmeasured workload first")
    parser.add_argument("--bare-duration", type=int, default=30, help="seconds of the bare route, before and after")
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--write-interval", type=float, default=1.0, help="seconds between writes (default 1)")
    parser.add_argument("--timeout", type=float, default=10.0, help="client timeout per request, seconds")
    parser.add_argument("--gunicorn", default=PRODUCTION_GUNICORN,
                        help=f'gunicorn options (default "{PRODUCTION_GUNICORN}")')
    parser.add_argument("--database", default="rakor_bench_day")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/9")
    parser.add_argument("--port", type=int, default=None,
                        help="the app's port (the bare app: the next one); default: any free port")
    parser.add_argument("--keep-database", action="store_true")
    parser.add_argument("--reuse-database", action="store_true", help="keep an existing database (setup again)")
    parser.add_argument("--setup", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.setup:
        setup()
        return 0
    if not shutil.which("wrk"):
        sys.exit("wrk is needed for the bare route: apt-get install wrk")

    deployment = Deployment(args.database, redis_url=args.redis_url, env={
        "BASE_URL": os.environ.get("BASE_URL", "http://127.0.0.1"), "PAGE_CACHE": "redis",
        "PAGE_CACHE_HEADER": "1"})
    try:
        log(f"database {args.database}: create, migrate, load the demo")
        deployment.create(reuse=args.reuse_database)
        out = subprocess.run([str(BIN / "python"), __file__, "--setup"], cwd=ROOT, env=deployment.env,
                             capture_output=True, text=True)
        match = re.search(r"^SETUP (\{.*\})$", out.stdout, re.M)
        if out.returncode or not match:
            raise RuntimeError("setup failed:\n" + out.stdout[-3000:] + out.stderr[-3000:])
        data = json.loads(match.group(1))
        log(f"today's meeting {data['meeting_id']}: {len(data['participants'])} participants; "
            f"{len(data['users'])} users")

        bare_port = args.port + 1 if args.port else None
        before = wrk_bare(deployment, args.gunicorn, args.bare_duration, args.connections, "before", bare_port)
        server = Gunicorn(deployment, "bench.bench_wsgi:app", args.gunicorn, port=args.port)
        server.start()
        try:
            log(f"gunicorn {args.gunicorn!r} on {server.base} (log {server.log_path}); signing in 60 users")
            users = sign_in_everyone(server.base, data["users"], data["meeting_id"])
            load_before = os.getloadavg()
            log(f"meeting day: {args.warmup} s warm-up, then {args.duration} s at {args.connections} connections")
            measured_from = time.time() + args.warmup
            result = asyncio.run(run_workload(server.base, data, users, args.duration, args.connections,
                                              args.write_interval, args.timeout, args.warmup))
            load_after = os.getloadavg()
        finally:
            server.stop()
        by_endpoint = worker_time(server.log_path, measured_from)
        after = wrk_bare(deployment, args.gunicorn, args.bare_duration, args.connections, "after", bare_port)
    finally:
        if not args.keep_database:
            deployment.drop()
        shutil.rmtree(deployment.upload_dir, ignore_errors=True)

    stats, seconds = result["stats"], result["seconds"]
    rps = stats.requests / seconds
    bare = (before["rps"] + after["rps"]) / 2
    bare_py = (before["python_client"]["rps"] + after["python_client"]["rps"]) / 2
    errors = sum(stats.errors.values())
    p50, p90, p99 = (pct(stats.latencies, q) for q in (0.5, 0.9, 0.99))
    meeting_pages = sum(stats.cache.values())
    hits, together, body_hits, sections = 0, 0, 0, defaultdict(Counter)
    for header, n in stats.cache.items():
        outcomes = header.split(",")
        if outcomes[0] == "kept:hit":
            hits += n
            continue
        if "together:hit" in outcomes:
            together += n
            continue
        unnamed = [o for o in outcomes if ":" not in o]
        body_hits += n if unnamed and unnamed[-1] == "hit" else 0  # the last unnamed lookup: the body
        for named in outcomes:
            name, _sep, outcome = named.partition(":")
            if name not in ("kept", "together") and outcome:
                sections[name][outcome] += n
    print(f"\nRakor meeting day, {time.strftime('%Y-%m-%d %H:%M')}: gunicorn {args.gunicorn!r}, PostgreSQL, "
          f"Redis page cache on, {args.connections} connections (aiohttp), 60 signed-in users, a write every "
          f"{args.write_interval:g} s; client on this machine")
    print(f"load average (1/5/15 min): before the workload {load_before[0]:.1f}/{load_before[1]:.1f}/"
          f"{load_before[2]:.1f}, after {load_after[0]:.1f}/{load_after[1]:.1f}/{load_after[2]:.1f}")
    print(f"workload: {seconds:.0f} s, {stats.requests} requests, {rps:.1f} req/s, p50 {p50:.0f} ms, "
          f"p90 {p90:.0f} ms, p99 {p99:.0f} ms, errors {errors}")
    print(f"{'page':<30}{'requests':>9}{'p50 ms':>8}{'p99 ms':>8}")
    for page, values in sorted(stats.by_page.items()):
        print(f"{page:<30}{len(values):>9}{pct(values, 0.5):>8.0f}{pct(values, 0.99):>8.0f}")
    print(f"writes done: {dict(stats.writes)}")
    if stats.errors:
        print(f"errors: {dict(stats.errors)}")
    print(f"meeting page and the page cache: {meeting_pages} meeting pages, whole page kept (hit) {hits} "
          f"({100 * hits / max(meeting_pages, 1):.1f} %), put together from the reader's shell and kept pieces "
          f"{together} ({100 * together / max(meeting_pages, 1):.1f} %), rendered around the kept body {body_hits} "
          f"({100 * body_hits / max(meeting_pages, 1):.1f} %), rendered fresh "
          f"{meeting_pages - hits - together - body_hits}; {dict(stats.cache)}")
    whole_pages = hits + sum(found.get("home:hit" if page in WHOLE_UNDER_NAME else "kept:hit", 0)
                             for page, found in stats.other_cache.items())
    put_together = together + sum(found.get("kept:miss,together:hit", 0) for found in stats.other_cache.values())
    print(f"of all requests, {100 * whole_pages / max(stats.requests, 1):.1f} % were a reader's whole page kept "
          f"(every page but the writes), {100 * put_together / max(stats.requests, 1):.1f} % a page "
          f"put together from the reader's kept shell and kept content (all but home)")
    for page, found in sorted(stats.other_cache.items()):
        # "kept:hit": the reader's whole page kept (all but home); else the content's
        # own lookup ("commitments:hit") says whether the page was rendered around kept content.
        if page in WHOLE_UNDER_NAME:
            whole, joined, content = found.get(f"{CONTENT_KEPT[page]}:hit", 0), 0, 0
        else:
            whole, joined = found.get("kept:hit", 0), found.get("kept:miss,together:hit", 0)
            content = sum(n for header, n in found.items() if f"{CONTENT_KEPT[page]}:hit" in header.split(","))
        print(f"{page} page: {sum(found.values())} requests, whole page kept (hit) {whole}, put together from "
              f"kept pieces {joined}, rendered around kept content {content}")
    if sections:
        print("sections kept apart (of the pages rendered): " + "; ".join(
            f"{name} {c['hit']} hits / {c['hit'] + c['miss']}" for name, c in sorted(sections.items())))
    print("the workers' time per endpoint (the access log's duration_ms in the measured window: the app's part of a "
          "request, without gunicorn's own or the session cookie's):")
    for (method, endpoint), (n, mean, share) in list(by_endpoint.items())[:8]:
        print(f"  {method} {endpoint:<28}{n:>8} requests  mean {mean:6.2f} ms  {share:5.1f} % of the time")
    print(f"bare Flask (bench/bare_flask.py, same gunicorn options) under wrk: before {before['rps']:.0f} req/s "
          f"(load {before['load_before'][0]:.1f}), after {after['rps']:.0f} req/s (load {after['load_before'][0]:.1f}); "
          f"through this Python client: {before['python_client']['rps']:.0f} / {after['python_client']['rps']:.0f} req/s")
    share, share_py = 100 * rps / bare, 100 * rps / bare_py
    print(f"SHARE of the bare route (wrk, mean of before/after): {share:.1f} %; "
          f"of the bare route through the same Python client: {share_py:.1f} %")
    missed = [name for name, bad in (("share >= 10 %", share < 10), ("p99 <= 250 ms", p99 > 250),
                                     ("0 errors", errors > 0)) if bad]
    summary = {"seconds": round(seconds, 1), "requests": stats.requests, "rps": round(rps, 1),
               "p50_ms": round(p50, 1), "p90_ms": round(p90, 1), "p99_ms": round(p99, 1), "errors": errors,
               "error_kinds": dict(stats.errors), "writes": dict(stats.writes), "cache": dict(stats.cache),
               "kept_pages": hits, "put_together_pages": together, "kept_bodies": body_hits,
               "section_hits": {k: dict(v) for k, v in sections.items()},
               "page_hits": {k: dict(v) for k, v in stats.other_cache.items()},
               "bare_wrk_rps": [round(before["rps"]), round(after["rps"])],
               "bare_python_rps": [round(before["python_client"]["rps"]), round(after["python_client"]["rps"])],
               "share_pct": round(share, 2), "share_python_client_pct": round(share_py, 2),
               "load_before": load_before, "load_after": load_after, "gunicorn": args.gunicorn,
               "worker_ms_by_endpoint": {f"{m} {e}": [n, round(mean, 2), round(share, 1)]
                                         for (m, e), (n, mean, share) in by_endpoint.items()}}
    print("JSON " + json.dumps(summary))
    print("VERDICT: " + ("PASS" if not missed else "FAIL (missed: " + ", ".join(missed) + ")"))
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
