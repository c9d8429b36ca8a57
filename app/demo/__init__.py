"""Demo data for `make run` and the browser tests (never in production): `python -m app.cli demo`.

One package, one module per area, loaded in this order by `load_demo()` (idempotent: a second run
changes nothing):

- `review` (first): the supervisor and the reviewers;
- `schools`: the demo schools and accounts (made by the supervisor), and the dashboard's submitted groups;
- `roster`: the schools' rosters (匯入錄取/註冊資料);
- `review`: groups at every stage of the review desk;
- `payment`: groups awaiting payment, paid ones with receipts and e-certificates, a collected card;
- `apply`: drafts in the wizard at every step, and two submitted groups;
- `progress`: returned, withdrawn and issued cases for the progress, supplement and renewal pages;
- `lines`: groups of the 陸生 and 港澳生 lines in every state, at 國立成功大學 (demo).

Everything is made by the same actions as real data (`app.demo.flow`): accounts, rosters, filing, review,
supplements, withdrawals, payments, so the pages that show it cannot drift from it. Only `app.demo.backdate`
writes directly, and only to move timestamps into the past (tests/unit/test_demo_through_actions.py).
"""

from app.demo.schools import DEMO_PASSWORD, SCHOOLS, load_demo

__all__ = ["DEMO_PASSWORD", "SCHOOLS", "load_demo"]
