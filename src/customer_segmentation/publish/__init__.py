"""Write-audit-publish for the embedded warehouse: `python -m customer_segmentation.publish`."""
