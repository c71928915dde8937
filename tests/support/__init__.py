"""Helpers shared by the test folders (``tests/conftest.py`` puts ``tests/`` on the path: ``from support.hostile import …``)."""
