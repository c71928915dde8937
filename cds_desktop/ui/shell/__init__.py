"""The application shell: QApplication set-up, background work, restart, Qt translations."""
