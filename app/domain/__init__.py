"""Pure rules: no web, no database."""
