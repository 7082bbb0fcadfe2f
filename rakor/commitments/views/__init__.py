"""The commitment pages, one module per concern; importing this package registers every route
on the `commitments` blueprint.

- pages: the meeting's list, the form, a commitment with its history and decisions, a region's
  commitments, the agreement's signatories
- imports: bulk import (the shared flow of `rakor.core.tabular.flow`) and export
- bulk: the committee agrees or returns many submitted commitments at once
"""
from rakor.commitments.views import bulk, imports, pages

__all__ = ["bulk", "imports", "pages"]
