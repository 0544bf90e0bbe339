"""Grid-connected renewable electricity: CDM ACM0002, CCER-01-002-V01."""
