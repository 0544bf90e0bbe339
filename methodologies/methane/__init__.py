"""Methane recovery and use methodologies (CDM AMS-III.D...)."""
