"""Name resolution: ids, names and aliases, case and spacing insensitive, with did-you-mean."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable

_SEP = re.compile(r"[\s_\-/.]+")


def normalize(name: str) -> str:
    """Return the lookup key of a name: lower case, separators folded to one space."""
    return _SEP.sub(" ", name.strip().lower()).strip()


def provider_matches(given: str, provider: str) -> bool:
    """Return whether a provider name given matches a resource's provider.

    Any case and spacing; a name also matches the providers it begins as a word, so
    'Coursera' matches 'Coursera (Duke University)' and 'Google' 'Google Cloud'.
    """
    g, p = normalize(given), normalize(provider)
    return bool(g) and (p == g or p.startswith(g + " ") or p.startswith(g + "("))


class NameIndex:
    """Map every spelling of an entry (id, name, aliases) to its id."""

    def __init__(self) -> None:
        self._keys: dict[str, str] = {}
        self._ids: list[str] = []

    def add(self, entry_id: str, names: Iterable[str]) -> None:
        """Register an id under its own spelling and the given names; first come, first kept."""
        self._ids.append(entry_id)
        self._keys[normalize(entry_id)] = entry_id
        for name in names:
            self._keys.setdefault(normalize(name), entry_id)

    def get(self, name: str) -> str | None:
        """Return the id a name stands for, or None."""
        return self._keys.get(normalize(name))

    def suggest(self, name: str, n: int = 2) -> list[str]:
        """Return up to n ids whose spellings are nearest to name."""
        key = normalize(name)
        close = difflib.get_close_matches(key, sorted(self._keys), n=n * 3, cutoff=0.6)
        out: list[str] = []
        best = difflib.SequenceMatcher(None, key, close[0]).ratio() if close else 0.0
        for match in close:
            entry = self._keys[match]
            # a second suggestion only when it is nearly as close as the first
            if difflib.SequenceMatcher(None, key, match).ratio() < best - 0.1:
                break
            if entry not in out:
                out.append(entry)
        if not out:
            out = [i for i in sorted(self._ids) if key and key.replace(" ", "-") in i][:n]
        return out[:n]


def nearest(name: str, candidates: Iterable[str], n: int = 1) -> list[str]:
    """Return the candidates nearest to name, best first."""
    return difflib.get_close_matches(name, sorted(set(candidates)), n=n, cutoff=0.6)
