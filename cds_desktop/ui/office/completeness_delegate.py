"""The colours of the report states and the delegate that draws each cell of the completeness matrix as a badge.

A state is never told by colour alone: the badge also carries its name and the revision ("Đúng hạn · lần 2"), and
the legend above the matrix names each colour. The colours pass WCAG AA contrast (text on its badge).
"""

from __future__ import annotations

from cds_desktop.core.services.office.dashboard import CellState
from cds_desktop.ui.shared.cells import BadgeDelegate

STATE_COLOURS = {  # state → (badge background, text)
    CellState.NOT_RECEIVED: ("#eef0f3", "#4b5563"),
    CellState.ON_TIME: ("#dcf2e3", "#17633a"),
    CellState.LATE: ("#fff1d6", "#7a4a00"),
    CellState.RETURNED: ("#fde2e1", "#a11d16"),
    CellState.ACCEPTED: ("#e0ecfb", "#1d4f91"),
}


class StateBadgeDelegate(BadgeDelegate):
    """Cells with a state (``Role.BADGE``) are drawn as a centred badge in the state's colours; others as usual."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent, STATE_COLOURS, centred=True)
