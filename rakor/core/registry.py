"""The one shape of Rakor's extension registries (meeting sections, follow-up blocks, meeting
tabs, dashboard panels): entries keyed by name, ordered, with a template and a loader where they
apply. Registering a key again replaces its entry, so building a second app (as tests do)
changes nothing. A registry holds no app: features fill it from their `init_app(app)`."""
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Entry:
    key: str
    order: int = 100
    loader: Callable | None = None
    template: str | None = None
    # Registry-specific attributes (a tab's label, endpoint and action).
    extra: dict = field(default_factory=dict, compare=False)

    def __getattr__(self, name):
        try:
            return self.__dict__["extra"][name]
        except KeyError:
            raise AttributeError(name) from None


class Registry:
    """Entries by key, iterated in (order, key) order."""

    def __init__(self, name):
        self.name = name
        self._entries: dict[str, Entry] = {}
        self._ordered: tuple[Entry, ...] | None = None  # sorted once, not on every page

    def register(self, key, *, template=None, loader=None, order=100, **extra):
        self._entries[key] = Entry(key, order, loader, template, extra)
        self._ordered = None
        return loader

    def unregister(self, key):
        self._entries.pop(key, None)
        self._ordered = None

    def get(self, key):
        return self._entries.get(key)

    def __contains__(self, key):
        return key in self._entries

    def __iter__(self):
        if self._ordered is None:
            self._ordered = tuple(sorted(self._entries.values(), key=lambda e: (e.order, e.key)))
        return iter(self._ordered)

    def __len__(self):
        return len(self._entries)

    def __repr__(self):
        return f"<Registry {self.name}: {', '.join(e.key for e in self)}>"

    def contexts(self, *args):
        """[(template, context), ...] in order, for entries whose `loader(*args)` has something
        to show (a context that is not None)."""
        out = []
        for entry in self:
            context = entry.loader(*args)
            if context is not None:
                out.append((entry.template, context))
        return out
