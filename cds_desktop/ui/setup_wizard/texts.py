"""Texts that follow the language: the wizard switches language live, so each page re-sets its texts.

``Texts.bind(setter, source)`` calls ``setter`` with the text now and again on every ``retranslate()``;
``source`` is a message id or a function returning the text (for texts with parameters that change);
``follow(refresh)`` calls ``refresh`` on every ``retranslate()`` (views that rebuild several texts at once).
"""

from __future__ import annotations

from typing import Callable

from PySide6.QtWidgets import QLabel, QWidget

from cds_desktop.core.i18n import translate

Source = str | Callable[[], str]


class Texts:
    def __init__(self) -> None:
        self._bindings: list[tuple[Callable[[str], object], Source]] = []

    def bind(self, setter: Callable[[str], object], source: Source) -> None:
        self._bindings.append((setter, source))
        setter(self._text(source))

    def follow(self, refresh: Callable[[], object]) -> None:
        self._bindings.append((lambda _text: refresh(), ""))

    def label(self, source: Source, buddy: QWidget | None = None, word_wrap: bool = False) -> QLabel:
        """A label bound to ``source``; with ``buddy``, its ``&`` mnemonic moves the focus there."""
        label = QLabel()
        label.setWordWrap(word_wrap)
        if buddy is not None:
            label.setBuddy(buddy)
        self.bind(label.setText, source)
        return label

    def retranslate(self) -> None:
        for setter, source in self._bindings:
            setter(self._text(source))

    @staticmethod
    def _text(source: Source) -> str:
        if callable(source):
            return source()
        return translate(source) if source else ""
