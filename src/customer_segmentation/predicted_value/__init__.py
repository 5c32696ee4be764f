"""Predicted customer value: BG/NBD and Gamma-Gamma fits for int_clv_fit, and their check data."""
