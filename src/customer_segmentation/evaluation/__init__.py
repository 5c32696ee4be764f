"""`make evaluate`: data with planted customer groups and an answer key, and segments scored on it."""
