"""CDS Desktop."""
