"""`make evaluate`: data with planted customer groups and an answer key; segments scored on it."""
