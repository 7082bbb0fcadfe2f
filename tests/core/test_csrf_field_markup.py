"""Two forms on one page must not repeat id="csrf_token" (issue 19 item 2, vnu: duplicate ID):
the token's hidden input carries no id at all."""
import re

from rakor.core.forms import BaseForm


def test_the_csrf_token_input_has_no_id(app, monkeypatch):
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    with app.test_request_context("/"):
        html = str(BaseForm().csrf_token) + str(BaseForm().csrf_token)
    assert html.count('name="csrf_token"') == 2
    assert 'id="csrf_token"' not in html and not re.search(r"\bid=", html)


def test_no_template_puts_autocomplete_on_a_radio_or_checkbox():
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "templates"
    offenders = [f"{path.relative_to(root)}: {tag[:80]}" for path in root.rglob("*.html")
                 for tag in re.findall(r"<input\b[^>]*>", path.read_text(encoding="utf-8"))
                 if re.search(r'type="(radio|checkbox)"', tag) and "autocomplete=" in tag]
    assert not offenders, offenders
