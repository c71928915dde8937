"""Read models: one function per question a screen asks, each one SQL query (SQLAlchemy Core ``select``) returning
plain frozen rows (NamedTuples). No ORM objects leave them, no Python loops over rows build them, and nothing in
them is SQLite-only, so they run unchanged on PostgreSQL. Services call them; the UI never does."""
