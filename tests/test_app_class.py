"""rakor.Rakor keeps Flask's `ensure_sync` answer per function: asked once per plain function,
each time for what Flask refuses (a coroutine function without Flask's async extra) or cannot
be kept (an unhashable callable)."""
import asyncio

import pytest

from rakor import Rakor


def test_ensure_sync_is_flasks_answer_kept_per_function(monkeypatch):
    app = Rakor(__name__)
    asked = []
    real = Rakor.__mro__[1].ensure_sync

    def counted(self, func):
        asked.append(func)
        return real(self, func)

    monkeypatch.setattr(Rakor.__mro__[1], "ensure_sync", counted)

    def plain():
        return "plain"

    async def coroutine():
        await asyncio.sleep(0)
        return "awaited"

    for _ in range(3):
        assert app.ensure_sync(plain) is plain
    assert asked == [plain]
    for _ in range(2):  # Flask refuses async views without its "async" extra; so do we, each time
        with pytest.raises(RuntimeError, match="async"):
            app.ensure_sync(coroutine)
    assert asked == [plain, coroutine, coroutine]

    class Unhashable:
        __hash__ = None

        def __call__(self):
            return "called"

    unhashable = Unhashable()
    assert app.ensure_sync(unhashable) is unhashable and app.ensure_sync(unhashable) is unhashable
    assert asked[3:] == [unhashable, unhashable]
