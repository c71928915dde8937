"""The first-run set-up wizard (``SetupWizard``) and the account forms it shares with user management."""
