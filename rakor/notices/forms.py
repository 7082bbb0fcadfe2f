from rakor.core.forms import BaseForm


class CsrfForm(BaseForm):
    """The buttons of the notices pages carry only the CSRF token."""
