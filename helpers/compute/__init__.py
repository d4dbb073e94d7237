"""Computation layer: the rules (deal counted once, same records) and everything computed from data."""
