"""Evaluation data with planted customer groups and a held-out answer key, to score segments."""
