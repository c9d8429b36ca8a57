"""Demo data for `make run` and the browser tests (never in production): `python -m app.cli demo`.

One package, one module per area, loaded in this order by `load_demo()` (idempotent: a second run
changes nothing):

- `schools`: the demo schools and accounts, and the dashboard's submitted groups;
- `roster`: the schools' rosters (匯入錄取/註冊資料);
- `review`: the reviewers and cases at every stage of the review desk;
- `payment`: groups awaiting payment, paid ones with receipts and e-certificates, a collected card;
- `apply`: drafts in the wizard, and the files of the older groups;
- `progress`: returned, withdrawn and issued cases for the progress, supplement and renewal pages.

Every document (payment, receipt, e-certificate) and every review decision that leads to one is made by
the same actions as real data (`app.demo.flow`), so the pages that show them cannot drift from it.
"""

from app.demo.schools import DEMO_PASSWORD, SCHOOLS, load_demo

__all__ = ["DEMO_PASSWORD", "SCHOOLS", "load_demo"]
