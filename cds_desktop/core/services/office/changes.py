"""What an office action changed, so that the office's views refresh from one app-wide signal.

Office services that change data return, or their callers publish, an ``OfficeChanges``; the desktop's
``OfficeWorkspace.changed`` carries it to every page, and each page reloads only when what it shows changed.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class OfficeChanges:
    submissions: bool = False  # bundles imported: submissions, completeness, the import log
    decisions: bool = False  # reports accepted or returned (receipts issued)
    communes: bool = False  # the list of communes, their enrolled keys
    keys: bool = False  # the office's own keys
    settings: bool = False
    plans: bool = False  # a plan published, corrected, marked replaced; a built-in plan accepted or refused

    @property
    def empty(self) -> bool:
        return not (self.submissions or self.decisions or self.communes or self.keys or self.settings or self.plans)
