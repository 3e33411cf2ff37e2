"""Accounts: sign-up, sign-in, devices, profile and presence."""
