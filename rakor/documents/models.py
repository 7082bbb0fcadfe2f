"""What every stored final document records beside its bytes (no table of its own: the minutes'
`MinutesPdf` and the commitments' `AgreementRecord` carry these columns), for the verification
page: its page count and, when it was signed electronically, by whom, by which CA, and when."""
from datetime import datetime

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from rakor.core.types import UTCDateTime


class SignedFileColumns:
    page_count: Mapped[int | None] = mapped_column(Integer)
    # The signing certificate's common name and its issuer's; None: stored unsigned.
    signer: Mapped[str | None] = mapped_column(String(200))
    signer_issuer: Mapped[str | None] = mapped_column(String(200))
    signed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def record_final(self, final):
        """Copy a `signing.FinalPdf`'s facts (not its bytes)."""
        self.page_count = final.page_count
        self.signer, self.signer_issuer, self.signed_at = final.signer, final.issuer, final.signed_at
