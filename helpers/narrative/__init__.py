"""Narrative layer: every chart title and findings sentence, computed from the data, in one place."""
