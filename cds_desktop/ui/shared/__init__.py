"""What the commune and office desktops share: sign-in, users, settings, backup, report preview, labels, item roles."""
