"""Monev: cycles, visits, findings and follow-ups."""
