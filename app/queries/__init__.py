"""Every read, always scoped by the actor (school, sub-account, student, reviewer)."""
