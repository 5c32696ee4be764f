"""Segments from the customer_features mart: prepare, choose k, fit, name, match, explain."""
