"""Calculation tools shared by methodologies (CDM tools and their equivalents)."""
