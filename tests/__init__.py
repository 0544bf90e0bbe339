"""Tests of reductions, ccus and methodologies (a package, so helpers import by name)."""
