"""Makes the shared helper modules of this folder (``bundle_helpers``, ``bundle_golden``, ``independent``,
``external_vectors``) importable by its tests."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
