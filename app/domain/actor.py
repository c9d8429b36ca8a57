"""Who is acting. Every action and query takes one; none takes a request."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Actor:
    kind: str  # "school" | "student" | "reviewer" | "system"
    account_id: int | None = None
    login_id: str = ""
    name: str = ""
    school_id: int | None = None
    school_name: str = ""
    is_main: bool = False
    student_id: int | None = None

    @property
    def is_school(self) -> bool:
        return self.kind == "school"

    @property
    def is_main_account(self) -> bool:
        return self.kind == "school" and self.is_main

    @property
    def label(self) -> str:
        return f"{self.login_id} {self.name}".strip()


SYSTEM = Actor(kind="system", login_id="system", name="system")
