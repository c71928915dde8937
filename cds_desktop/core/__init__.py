"""The Qt-free core of CDS Desktop: domain, plans, validation, storage, bundle, reports and services.

Nothing under this package may import PySide6, ``cds_desktop.ui`` or ``cds_desktop.app``
(checked by ``tests/core/test_architecture.py``).
"""
