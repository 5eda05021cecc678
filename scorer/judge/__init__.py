"""Judging: tokenising, matching items, substance, structure checks, the learned sentence model."""
