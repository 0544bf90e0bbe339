"""Energy-efficiency methodologies: IPMVP Option C (whole facility) with CalTRACK baselines."""
