"""The commitment pages, one module per concern; importing this package registers every route
on the `commitments` blueprint.

- pages: the meeting's list, the form, a commitment with its history and decisions, a region's
  commitments, the agreement's signatories
- imports: bulk import (the shared flow of `rakor.core.tabular.flow`) and export
"""
from rakor.commitments.views import imports, pages

__all__ = ["imports", "pages"]
