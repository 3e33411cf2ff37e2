"""Per-store erasers of the purge plan (datastore/lifecycle/plan.py) and their leftover counts."""
