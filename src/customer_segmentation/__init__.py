"""Python side of the customer-segmentation warehouse: what dbt cannot do in SQL."""

__version__ = "0.1.0"
