"""Every write: one function per user or reviewer action, one transaction each, taking an actor."""
