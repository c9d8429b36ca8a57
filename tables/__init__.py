"""Piccolo app: the table classes and their migrations."""
