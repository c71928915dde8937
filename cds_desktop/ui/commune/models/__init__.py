"""Qt item models over plain rows read from the commune service (one module per table)."""
