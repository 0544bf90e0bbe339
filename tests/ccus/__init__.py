"""Tests of ccus."""
