"""Issue 20: a list's row links come from one url_for (rakor/core/urls.url_pattern), and are the
very links url_for makes for each row."""
import pytest
from flask import url_for

from rakor.core.urls import MAX_ID, url_pattern


def test_row_links_from_one_pattern_are_those_of_url_for(app):
    with app.test_request_context("/"):
        link = url_pattern("commitments.view", "commitment_id", meeting_id=7)
        for row_id in (1, 7, 42, 2147, MAX_ID):
            assert link(row_id) == url_for("commitments.view", meeting_id=7, commitment_id=row_id)


def test_a_pattern_whose_marker_is_ambiguous_is_refused(app):
    # The meeting id is the marker itself: the pattern could not tell where the row's id goes.
    with app.test_request_context("/"), pytest.raises(ValueError):
        url_pattern("commitments.view", "commitment_id", meeting_id=MAX_ID)
