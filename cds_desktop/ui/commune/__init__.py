"""The commune's desktop: the main window, its workspace, pages, dialogs, models and widgets."""
