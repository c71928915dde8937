"""One module per screen of the commune desktop."""
