"""Operator commands: run from a checkout against the devstack or a deployed stack."""
