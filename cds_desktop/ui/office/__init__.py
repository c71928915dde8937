"""The receiving office's desktop: its window, its workspace (the one door to the office service) and its pages."""
