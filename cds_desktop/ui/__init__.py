"""The Qt front-end: thin PySide6 widgets that call ``cds_desktop.core.services`` only."""
