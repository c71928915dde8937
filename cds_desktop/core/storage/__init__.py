"""The local store: SQLite (or PostgreSQL for a shared office database), its tables, migrations and files."""
