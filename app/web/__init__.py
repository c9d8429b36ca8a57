"""Litestar controllers, one module per feature; handlers stay thin."""
