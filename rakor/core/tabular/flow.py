"""The import pages, once for every feature: upload → preview → (confirm, check again) → import.

A feature describes its import in a subclass of `ImportFlow` (how to read and check a file, how
to write a valid report, its forms, templates and messages) and registers it on its blueprint
behind its own access rule. The flow owns what every import does the same way: the upload form's
errors, the preview that writes nothing (its transaction is rolled back here, never in a view),
the staged file between the steps (`staging.py`: the forms carry a random token, never the file),
the second check at the confirmation (the data may have changed since the preview; what cannot
have changed, the pure checks of a row's cells, is taken from the preview: `importing.recall`), the write of
every row in one transaction or none (`domain_action`), the messages of a lost upload and of a
row refused at write time.

An upload that needs no option and lands on its own list is a few lines, e.g. the indicator
baselines of the admin pages (sketch):

    class BaselineImport(ImportFlow):
        kind, spec = "baselines", baselines.SPEC
        file_label = _l("Baselines (CSV or XLSX)")
        templates = ("admin/baseline_upload.html", "admin/baseline_preview.html")

        def read(self, scope, content, filename, max_rows):
            return baselines.preview(content, filename, max_rows)

        def write(self, scope, report, user):
            return baselines.commit(report, user)

        def done(self, scope, outcome):
            return _("%(n)d baselines imported.", n=len(outcome)), url_for("admin.indicators")

    BaselineImport().register(bp, "/admin/indicators/import", roles(ADMIN))

Its templates build on the macros of templates/imports/_macros.html (the upload form, the
preview's counts, file errors, refusal, ignored columns and a row's messages).

Endpoints (on the feature's blueprint): `import_upload` (GET and POST on the rule),
`import_confirm` (POST rule/confirm) and, with `recheck_route`, `import_preview` (POST
rule/preview: check the staged file again, e.g. with an option ticked). A meeting's import puts
`with_meeting(...)` among its access decorators: the views then get the meeting as their scope,
else the scope is None.

Big imports (`queued.py`): with a queue (REDIS_URL), confirming a file of IMPORT_QUEUE_THRESHOLD
rows or more puts the import on the document worker's queue and answers with a progress page
(`import_progress`, GET rule/progress/<job>, and its JSON `import_status`, GET
rule/progress/<job>.json, under the same access decorators); the job calls the flow's own
`read`, `write` and `done`, all or nothing. A flow needs nothing more for it.

Options are the form fields a feature reads into keyword arguments of `read` and `write`
(`options(form)`), e.g. commitments' `confirm_option` ("confirm_direction"): ticked, rows that
only a confirmation holds back (`confirmable(report)`) become importable. The preview's staged
form is made with the options as its data, so a template keeps them with the token.
"""
from flask import abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.file import FileField, FileRequired
from redis.exceptions import RedisError
from wtforms import BooleanField, HiddenField
from wtforms.validators import DataRequired

from rakor.core import files
from rakor.core.errors import DomainError
from rakor.core.forms import BaseForm
from rakor.core.tabular import importing, queued
from rakor.core.tabular.report import ImportCommitError
from rakor.core.tabular.staging import discard_upload, load_upload, staged_checks, staged_rows, store_upload
from rakor.core.web import domain_action
from rakor.extensions import db


def upload_form(label, **fields):
    """A form class with a required file field named `label`, and the option `fields`."""
    return type("UploadForm", (BaseForm,),
                {"file": FileField(label, validators=[FileRequired(_l("Choose a file."))]), **fields})


def staged_form(**fields):
    """A form class for the steps after the upload: the staged file's token and the `fields`."""
    return type("StagedForm", (BaseForm,), {"token": HiddenField(validators=[DataRequired()]), **fields})


class ImportFlow:
    kind = None  # the staging kind: one import's token cannot confirm another import
    spec = None  # the ColumnSpec (the upload page lists its columns)
    templates = (None, None)  # the upload page's, the preview's
    # The forms, when the feature needs more than a file and one option: without them they are
    # made from `file_label` and `confirm_option` (name, label), a check box whose value
    # `options` hands to `read` and `write` under its name.
    upload_form = None
    staged_form = None
    file_label = None
    confirm_option = None
    # A file that cannot be read is shown on the upload form (400) rather than as a preview.
    file_errors_on_upload = True
    # The button that imports, when the confirmation form is also the one that checks again
    # (without it in the request the file is only checked again); None: every post imports.
    import_button = None
    # Flashed when the staged file is no longer importable at the confirmation (see `refused`).
    conflict_message = _l("Nothing was imported: the data changed since the preview. Correct the rows "
                          "below and upload the file again.")
    gone_message = _l("The uploaded file is no longer available. Upload it again.")
    progress_template = "imports/progress.html"

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        option = {}
        if cls.confirm_option is not None:
            name, label = cls.confirm_option
            option = {name: BooleanField(label)}
        if cls.upload_form is None and cls.file_label is not None:
            cls.upload_form = upload_form(cls.file_label, **option)
        if cls.staged_form is None:
            cls.staged_form = staged_form(**option)

    # -- what a feature supplies --------------------------------------------------------------

    def read(self, scope, content, filename, max_rows, **options):
        """The report of the file (reads only; the flow rolls the session back)."""
        raise NotImplementedError

    def write(self, scope, report, user, **options):
        """Write every row of a valid report through the services, returning an outcome for
        `done`; raises ImportCommitError on a row refused now."""
        raise NotImplementedError

    def done(self, scope, outcome):
        """(the success message, where to go) after an import."""
        raise NotImplementedError

    def options(self, form):
        """Keyword arguments of `read` and `write` taken from `form` (upload or staged)."""
        if self.confirm_option is None:
            return {}
        name = self.confirm_option[0]
        return {name: form[name].data}

    def confirmable(self, report):
        """Whether the only errors are ones the user may confirm (an option lets them through)."""
        return False

    def always_shown(self, row):
        """Whether a preview's table shows `row` however long the file (refused rows always are;
        see `ImportReport.preview_rows`)."""
        return False

    def upload_context(self, scope):
        return {}

    def preview_context(self, scope, report, options):
        return {}

    def refused(self, scope, report, form, options):
        """The answer when a staged file is no longer importable at the confirmation."""
        flash(str(self.conflict_message), "danger")
        return self.preview_page(scope, report, None, options, 409)

    # -- the steps ------------------------------------------------------------------------------

    def register(self, bp, rule, *access, recheck_route=False):
        """Add the flow's views to `bp` under `rule`, each wrapped in the `access` decorators
        (outermost first, as they would be written above a view)."""
        def guarded(view, name):
            view.__name__ = view.__qualname__ = name
            view.__doc__ = getattr(self, f"_{name}").__doc__
            for decorator in reversed(access):
                view = decorator(view)
            return view

        self.blueprint = bp.name
        queued.register_flow(self)
        bp.add_url_rule(rule, "import_upload", guarded(lambda scope=None: self._import_upload(scope),
                                                       "import_upload"), methods=["GET", "POST"])
        if recheck_route:
            bp.add_url_rule(f"{rule}/preview", "import_preview",
                            guarded(lambda scope=None: self._import_preview(scope), "import_preview"),
                            methods=["POST"])
        bp.add_url_rule(f"{rule}/confirm", "import_confirm",
                        guarded(lambda scope=None: self._import_confirm(scope), "import_confirm"),
                        methods=["POST"])
        bp.add_url_rule(f"{rule}/progress/<job_id>", "import_progress",
                        guarded(lambda scope=None, job_id=None: self._import_progress(scope, job_id),
                                "import_progress"))
        bp.add_url_rule(f"{rule}/progress/<job_id>.json", "import_status",
                        guarded(lambda scope=None, job_id=None: self._import_status(scope, job_id),
                                "import_status"))
        return self

    # The steps that read a whole file: the collector's passes skip the app's own objects meanwhile.
    @importing.own_collections()
    def _import_upload(self, scope):
        """Upload a file; the answer is its preview (nothing is written yet)."""
        form = self.upload_form()
        if not form.validate_on_submit():
            return self.upload_page(scope, form, 400 if form.is_submitted() else 200)
        upload = form.file.data
        content, filename = upload.read(), (upload.filename or "")[:200] or None
        options = self.options(form)
        with importing.remembering() as checked:
            report = self._check(scope, content, filename, options)
        if self.file_errors_on_upload and report.file_errors and not report.rows:
            form.file.errors = [*form.file.errors, *report.file_errors]
            return self.upload_page(scope, form, 400)
        token = None
        if self._useful(report):
            token = store_upload(files.store(), content, meeting_id=_scope_id(scope),
                                 user_id=current_user.id, filename=filename, kind=self.kind,
                                 rows=len(report.rows), checked=checked)
        return self.preview_page(scope, report, token, options)

    @importing.own_collections()
    def _import_preview(self, scope):
        """Check the staged file again, e.g. with the option ticked that the preview offered."""
        form = self.staged_form()
        staged = self._staged(scope, form)
        if staged is None:
            return self._gone(scope)
        return self._recheck(scope, form, *staged)

    @importing.own_collections()
    def _import_confirm(self, scope):
        """Import every row of the staged file in one transaction, or none."""
        form = self.staged_form()
        staged = self._staged(scope, form)
        if staged is None:
            return self._gone(scope)
        if self.import_button is not None and self.import_button not in request.form:
            return self._recheck(scope, form, *staged)
        options = self.options(form)
        queued_job = self._enqueue(scope, form.token.data, options)
        if queued_job is not None:
            return redirect(self.url("progress", scope, job_id=queued_job))
        with importing.remembering(staged_checks(files.store(), form.token.data)):
            report = self.read(scope, *staged, self.max_rows(), **options)
        if not report.ok:
            db.session.rollback()
            return self.refused(scope, report, form, options)
        with domain_action() as done:
            outcome = self._write(scope, report, options)
        if not done.ok:
            return self.preview_page(scope, report, None, options, 409)
        discard_upload(files.store(), form.token.data)
        message, url = self.done(scope, outcome)
        flash(message, "success")
        return redirect(url)

    def _enqueue(self, scope, token, options):
        """The id of the worker's job for a big staged file (see queued.py), or None: import here."""
        rows = staged_rows(files.store(), token)
        if not queued.wanted(rows):
            return None
        try:
            return queued.enqueue(self, scope, current_user, token, options, rows)
        except RedisError:
            current_app.logger.warning("Redis does not answer: importing %s rows in the request", rows,
                                       exc_info=True)
            return None

    def _import_progress(self, scope, job_id):
        """The progress of an import the worker runs; when it has ended, its outcome."""
        job = queued.fetch(job_id, self, scope, current_user) if queued.enabled() else None
        if job is None:
            abort(404)
        state = queued.status(job)
        if state["finished"]:
            result = queued.outcome(job)
            if state["state"] == queued.DONE:
                flash(result["message"], "success")
                return redirect(result["url"])
        else:
            result = {}
        response = current_app.make_response((render_template(
            self.progress_template, meeting=scope, status=state, result=result,
            status_url=self.url("status", scope, job_id=job_id), upload_url=self.url("upload", scope)),
            200 if not state["finished"] else 409))
        response.headers["Cache-Control"] = "no-store"
        return response

    def _import_status(self, scope, job_id):
        """JSON for the progress bar: state, rows checked, total, finished."""
        job = queued.fetch(job_id, self, scope, current_user) if queued.enabled() else None
        if job is None:
            abort(404)
        response = jsonify(queued.status(job))
        response.headers["Cache-Control"] = "no-store"
        return response

    def commit_error_message(self, report, error):
        """The message of a row refused at write time (ImportCommitError)."""
        return _l("Nothing was imported. Line %(line)d, %(column)s: %(message)s", line=error.line,
                  column=report.label(error.field), message=error.message)

    # -- shared pieces --------------------------------------------------------------------------

    def max_rows(self):
        return current_app.config["MAX_IMPORT_ROWS"]

    def url(self, step, scope, **values):
        return url_for(f"{self.blueprint}.import_{step}", **({"meeting_id": scope.id} if scope is not None else {}),
                       **values)

    def upload_page(self, scope, form, status=200):
        return render_template(self.templates[0], meeting=scope, form=form, columns=self.spec.columns,
                               max_rows=self.max_rows(), max_mb=current_app.config["MAX_UPLOAD_MB"],
                               **self.upload_context(scope)), status

    def preview_page(self, scope, report, token_or_form, options, status=200):
        """The report; with a token (or the posted staged form), the forms of the next step."""
        form = token_or_form
        if isinstance(token_or_form, str):
            form = self.staged_form(token=token_or_form, **options)
        return render_template(self.templates[1], meeting=scope, report=report, form=form, options=options,
                               shown=report.preview_rows(always=self.always_shown),
                               needs_confirmation=self.confirmable(report),
                               **self.preview_context(scope, report, options)), status

    def _check(self, scope, content, filename, options):
        report = self.read(scope, content, filename, self.max_rows(), **options)
        db.session.rollback()  # the preview only reads
        return report

    def _useful(self, report):
        """Whether the file is worth keeping: importable now, or once the user confirms."""
        return report.ok or self.confirmable(report)

    def _recheck(self, scope, form, content, filename):
        options = self.options(form)
        report = self._check(scope, content, filename, options)
        return self.preview_page(scope, report, form.token.data if self._useful(report) else None, options)

    def _staged(self, scope, form):
        """(content, filename) of the form's staged file, or None."""
        if not form.validate_on_submit():
            return None
        return load_upload(files.store(), form.token.data, meeting_id=_scope_id(scope),
                           user_id=current_user.id, kind=self.kind)

    def _gone(self, scope):
        flash(str(self.gone_message), "warning")
        return redirect(self.url("upload", scope))

    def _write(self, scope, report, options):
        """The feature's write; a row refused now becomes the DomainError `domain_action` reports."""
        try:
            return self.write(scope, report, current_user, **options)
        except ImportCommitError as e:
            raise DomainError(self.commit_error_message(report, e)) from e


def _scope_id(scope):
    return scope.id if scope is not None else None
