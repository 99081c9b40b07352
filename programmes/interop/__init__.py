"""IATI and HXL import and export."""
