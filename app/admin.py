"""piccolo-admin for reviewers and supervisors, mounted at /admin.

- Every domain table is browsable (filters on school, status, dates, 團號, 收件號, names, passport no.;
  piccolo-admin exports the filtered rows as CSV). Sessions, captchas and password history are not shown.
- The workflow and money tables are read-only: every write through the admin's API is refused
  (statuses and numbers move only through the review actions). Tables added later by other features
  are read-only too unless listed below.
- Supervisors maintain reviewer accounts (piccolo users, which piccolo-admin lets superusers edit),
  reviewer roles, schools and their accounts, and the holiday calendar.
- The decisions are also forms; they call the same actions as the review desk.
- The mount gets its own request-body limit (Litestar's does not reach it): `BodyLimit`.
- A second factor (TOTP, piccolo_api's authenticator provider, app/services/mfa.py): the login asks an
  enrolled user for the code; `MfaGate` keeps a user whom a supervisor requires to enrol
  (`ReviewerProfile.mfa_required`) out of everything but the enrolment page (/review/mfa), which also
  replaces piccolo's own /api/mfa-setup/ page.

Built once per process (`admin_app()`), because building it registers routes and reads assets.
"""

from __future__ import annotations

import functools
import logging
from datetime import date, timedelta
from typing import Any, Literal

from piccolo.apps.user.tables import BaseUser
from piccolo_admin.endpoints import FormConfig, TableConfig, create_admin
from piccolo_admin.translations.data import ENGLISH, TRADITIONAL_CHINESE
from piccolo_api.crud.endpoints import OrderBy, PiccoloCRUD
from piccolo_api.crud.hooks import Hook, HookType
from piccolo_api.crud.validators import Validators
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException
from starlette.requests import Request

from app.actions import admin_accounts, review
from app.actions import fees as fee_actions
from app.actions import mfa as mfa_actions
from app.admin_guard import AdminGuard, send_json
from app.admin_limits import AdminLoginLimit, NoLocalLimit
from app.domain import admin_labels, lines, master_data, workflow
from app.domain.workflow import IllegalTransition
from app.queries import stations as station_queries
from app.services import mfa
from app.settings import settings
from tables.piccolo_app import APP_CONFIG
from tables.tables import (
    Account,
    AdminAudit,
    Application,
    CannedReason,
    Case,
    FeeRate,
    Holiday,
    ReviewerProfile,
    ReviewerStation,
    ReviewEvent,
    School,
    ServiceStation,
)

log = logging.getLogger("arc.admin")

ADMIN_BODY_LIMIT = 2 * 1024 * 1024  # the admin has no uploads of its own; forms and JSON are small
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# Sign-in attempts (password and MFA code) per client address are limited in the database, shared by every
# app server (app/admin_limits.py); piccolo-admin's own in-memory provider is replaced by one that never blocks.
LOGIN_LIMITER = NoLocalLimit()
# Tables that hold secrets or their hashes are never listed (issue 12): session tokens, captcha answers,
# students' e-mail codes, certificate-login challenges, password history. A hash of a short code is
# reversed offline in no time, so not even a hash may be readable. (Reviewers' MFA secrets and the
# admin's own sessions are piccolo_api tables the admin never lists; payment notifications are not
# stored raw.) `table_configs()` also refuses any table with a column named like a secret.
HIDDEN_TABLES = frozenset(
    {"user_session", "captcha_challenge", "password_history", "email_code", "login_challenge"}
)
SECRET_COLUMN_HINTS = ("token", "hash", "secret", "answer", "raw_body", "recovery")
REVIEW_DESK_URL = "/review/"
MFA_URL = "/review/mfa"


# --- validators ------------------------------------------------------------------------------------------


def refuse_writes(piccolo_crud: PiccoloCRUD, request: Request) -> None:
    """Workflow tables: statuses and numbers change only through the review actions."""
    if request.method.upper() in WRITE_METHODS:
        raise HTTPException(
            status_code=405,
            detail="Read-only here: statuses and numbers change only through the review desk "
            "(唯讀：狀態與編號只能經由審核作業變更).",
        )


async def _role_of(user: BaseUser) -> str | None:
    rows = await ReviewerProfile.select(ReviewerProfile.role).where(ReviewerProfile.user == user.id)
    return rows[0]["role"] if rows else None


async def supervisors_write(piccolo_crud: PiccoloCRUD, request: Request) -> None:
    """Master data: everyone in the back office reads, supervisors (or superusers) write."""
    if request.method.upper() not in WRITE_METHODS:
        return
    user: BaseUser = request.user.user
    if user.superuser or await _role_of(user) == workflow.Role.SUPERVISOR:
        return
    raise HTTPException(status_code=403, detail="Only supervisors may change this (僅限主管修改).")


READ_ONLY = Validators(every=[refuse_writes])


async def supervisors_only(piccolo_crud: PiccoloCRUD, request: Request) -> None:
    """The audit log: supervisors (or superusers) read it; nobody writes it here."""
    user: BaseUser = request.user.user
    if user.superuser or await _role_of(user) == workflow.Role.SUPERVISOR:
        return
    raise HTTPException(status_code=403, detail="Only supervisors may read this (僅限主管查閱).")


def _refuse(errors: dict[str, str]) -> None:
    if errors:
        detail = " ".join(f"{field}: {message}" for field, message in errors.items())
        raise HTTPException(status_code=400, detail=detail)


async def _unique_problems(table: type, values: dict[str, Any], row_id: Any = None) -> dict[str, str]:
    out: dict[str, str] = {}
    for name in master_data.UNIQUE.get(table._meta.tablename, ()):
        if name not in values or values[name] in (None, ""):
            continue
        column = getattr(table, name)
        query = table.exists().where(column == values[name])
        if row_id is not None:
            query = query.where(table._meta.primary_key != row_id)
        if await query:
            out[name] = "已有相同的資料，不能重複。 This value is already in use; it must be unique."
    return out


def _validation_hooks(table: type) -> list[Hook]:
    """pre-save / pre-patch checks of a master-data table, with a message per field (never a raw DB error)."""
    name = table._meta.tablename

    async def on_save(row: Any) -> Any:
        values = {c._meta.name: getattr(row, c._meta.name) for c in table._meta.columns}
        _refuse({**master_data.problems(name, values), **await _unique_problems(table, values)})
        return row

    async def on_patch(row_id: Any, values: dict[Any, Any]) -> dict[Any, Any]:
        plain = {(k._meta.name if hasattr(k, "_meta") else str(k)): v for k, v in values.items()}
        _refuse({**master_data.problems(name, plain), **await _unique_problems(table, plain, row_id)})
        return values

    return [
        Hook(hook_type=HookType.pre_save, callable=on_save),
        Hook(hook_type=HookType.pre_patch, callable=on_patch),
    ]


def _station_hooks() -> list[Hook]:
    """A service station's checks, and a used one's code kept: groups and reviewers name it (switch it off
    instead). The snapshot the pages read is refreshed by the guard after the write."""

    async def on_patch(row_id: Any, values: dict[Any, Any]) -> dict[Any, Any]:
        plain = {(k._meta.name if hasattr(k, "_meta") else str(k)): v for k, v in values.items()}
        code = await station_queries.code_of(row_id)
        if code and "code" in plain and plain["code"] != code and await station_queries.in_use(code):
            _refuse({"code": STATION_IN_USE})
        return values

    async def on_delete(row_id: Any) -> None:
        code = await station_queries.code_of(row_id)
        if code and await station_queries.in_use(code):
            _refuse({"code": STATION_IN_USE})

    return [
        *_validation_hooks(ServiceStation),
        Hook(hook_type=HookType.pre_patch, callable=on_patch),
        Hook(hook_type=HookType.pre_delete, callable=on_delete),
    ]


STATION_IN_USE = (
    "此服務站已有申請案或審核人員使用，代碼不能變更或刪除；不再使用時請取消「使用中」。 "
    "Groups or reviewers use this station: its code cannot change and it cannot be deleted; "
    "untick In use instead."
)


def _supervised() -> Validators:
    return Validators(every=[supervisors_write])


# --- tables ----------------------------------------------------------------------------------------------


def table_configs() -> list[TableConfig]:
    # Registered in both languages; the guard names them in the reader's language.
    g_cases, g_master, g_money, g_log = (
        admin_labels.menu_group(k) for k in ("cases", "master", "money", "logs")
    )
    configs: dict[type, TableConfig] = {
        Application: TableConfig(
            Application,
            visible_columns=[
                Application.id,
                Application.group_no,
                Application.name,
                Application.school,
                Application.business_line,
                Application.kind,
                Application.member_count,
                Application.status,
                Application.submitted_at,
            ],
            visible_filters=[
                Application.group_no,
                Application.name,
                Application.school,
                Application.status,
                Application.business_line,
                Application.kind,
                Application.submitted_at,
                Application.submitter_name,
            ],
            validators=READ_ONLY,
            menu_group=g_cases,
            order_by=[OrderBy(Application.submitted_at, ascending=False)],
        ),
        Case: TableConfig(
            Case,
            visible_columns=[
                Case.id,
                Case.receipt_no,
                Case.application,
                Case.name_zh,
                Case.name_en,
                Case.passport_no,
                Case.identity,
                Case.status,
                Case.submitted_at,
            ],
            visible_filters=[
                Case.receipt_no,
                Case.application,
                Case.name_zh,
                Case.name_en,
                Case.passport_no,
                Case.identity,
                Case.status,
                Case.nationality,
                Case.submitted_at,
                Case.ui_no,
            ],
            validators=READ_ONLY,
            menu_group=g_cases,
            order_by=[OrderBy(Case.submitted_at, ascending=False)],
        ),
        ReviewEvent: TableConfig(
            ReviewEvent,
            visible_columns=[
                ReviewEvent.id,
                ReviewEvent.created_at,
                ReviewEvent.application,
                ReviewEvent.case,
                ReviewEvent.action,
                ReviewEvent.from_status,
                ReviewEvent.to_status,
                ReviewEvent.actor_label,
                ReviewEvent.comment,
            ],
            visible_filters=[
                ReviewEvent.application,
                ReviewEvent.case,
                ReviewEvent.action,
                ReviewEvent.to_status,
                ReviewEvent.actor_label,
                ReviewEvent.created_at,
            ],
            validators=READ_ONLY,
            menu_group=g_cases,
            order_by=[OrderBy(ReviewEvent.created_at, ascending=False)],
        ),
        School: TableConfig(
            School,
            hooks=_validation_hooks(School),
            visible_columns=[
                School.id,
                School.name,
                School.business_no,
                School.unit,
                School.phone,
                School.email,
            ],
            visible_filters=[School.name, School.business_no, School.addr_county],
            validators=_supervised(),
            menu_group=g_master,
        ),
        Account: TableConfig(
            Account,
            hooks=_validation_hooks(Account),
            visible_columns=[
                Account.id,
                Account.login_id,
                Account.school,
                Account.is_main,
                Account.name,
                Account.email,
                Account.enabled,
                Account.last_login_at,
            ],
            visible_filters=[
                Account.login_id,
                Account.school,
                Account.is_main,
                Account.name,
                Account.enabled,
                Account.deleted,
            ],
            validators=_supervised(),
            menu_group=g_master,
        ),
        ReviewerProfile: TableConfig(
            ReviewerProfile,
            hooks=_validation_hooks(ReviewerProfile),
            visible_columns=[
                ReviewerProfile.id,
                ReviewerProfile.user,
                ReviewerProfile.display_name,
                ReviewerProfile.role,
                ReviewerProfile.mfa_required,
            ],
            visible_filters=[ReviewerProfile.role, ReviewerProfile.display_name],
            validators=_supervised(),
            menu_group=g_master,
        ),
        ReviewerStation: TableConfig(
            ReviewerStation,
            hooks=_validation_hooks(ReviewerStation),
            visible_filters=[ReviewerStation.reviewer, ReviewerStation.station_code],
            validators=_supervised(),
            menu_group=g_master,
        ),
        CannedReason: TableConfig(
            CannedReason,
            hooks=_validation_hooks(CannedReason),
            visible_columns=[
                CannedReason.id,
                CannedReason.kind,
                CannedReason.text_zh,
                CannedReason.text_en,
                CannedReason.active,
                CannedReason.sort,
            ],
            visible_filters=[CannedReason.kind, CannedReason.active],
            validators=_supervised(),
            menu_group=g_master,
            order_by=[OrderBy(CannedReason.kind), OrderBy(CannedReason.sort)],
        ),
        AdminAudit: TableConfig(
            AdminAudit,
            visible_columns=[
                AdminAudit.created_at,
                AdminAudit.event,
                AdminAudit.username,
                AdminAudit.target,
                AdminAudit.row_id,
                AdminAudit.status,
                AdminAudit.ip,
                AdminAudit.detail,
            ],
            visible_filters=[AdminAudit.event, AdminAudit.username, AdminAudit.target, AdminAudit.created_at],
            validators=Validators(every=[supervisors_only, refuse_writes]),
            menu_group=g_log,
            order_by=[OrderBy(AdminAudit.created_at, ascending=False)],
        ),
        Holiday: TableConfig(
            Holiday,
            hooks=_validation_hooks(Holiday),
            visible_filters=[Holiday.day, Holiday.kind],
            validators=_supervised(),
            menu_group=g_master,
            order_by=[OrderBy(Holiday.day, ascending=False)],
        ),
        ServiceStation: TableConfig(
            ServiceStation,
            hooks=_station_hooks(),
            visible_columns=[
                ServiceStation.id,
                ServiceStation.code,
                ServiceStation.name_zh,
                ServiceStation.name_en,
                ServiceStation.active,
                ServiceStation.sort,
            ],
            visible_filters=[ServiceStation.code, ServiceStation.name_zh, ServiceStation.active],
            validators=_supervised(),
            menu_group=g_master,
            order_by=[OrderBy(ServiceStation.sort), OrderBy(ServiceStation.code)],
        ),
        # 規費: every change is a row written by the form "變更規費" (app/actions/fees.py), never edited.
        FeeRate: TableConfig(
            FeeRate,
            visible_filters=[FeeRate.line, FeeRate.kind],
            validators=READ_ONLY,
            menu_group=g_master,
            order_by=[OrderBy(FeeRate.created_at, ascending=False)],
        ),
    }
    out = list(configs.values())
    for table in APP_CONFIG.table_classes:
        name = table._meta.tablename
        if table in configs or name in HIDDEN_TABLES:
            continue
        if any(hint in c._meta.name for c in table._meta.columns for hint in SECRET_COLUMN_HINTS):
            log.warning("admin: table %s has a secret-like column and is not listed", name)
            continue
        if name.startswith(("payment", "receipt", "permit", "document_counter")):
            group = g_money
        elif name.endswith("event"):
            group = g_log
        elif name.startswith("roster"):
            group = g_master
        else:
            group = g_cases
        # Anything not listed (payments, receipts, attachments, ...) is read-only here.
        out.append(TableConfig(table, validators=READ_ONLY, menu_group=group))
    return out


# --- decision forms --------------------------------------------------------------------------------------


class CaseDecision(BaseModel):
    receipt_no: str = Field(description="收件號 Receipt no. of the case", min_length=1, max_length=12)
    comment: str = Field(default="", description="審核意見 Comment (the school reads it)", max_length=2000)


class ReasonedDecision(BaseModel):
    receipt_no: str = Field(description="收件號 Receipt no. of the case", min_length=1, max_length=12)
    comment: str = Field(
        description="理由 Reason (required; the school reads it)", min_length=1, max_length=2000
    )


class CollectDecision(BaseModel):
    receipt_no: str = Field(description="收件號 Receipt no. of the case", min_length=1, max_length=12)
    payment_receipt_no: str = Field(
        description="收據號碼 Number on the payment receipt", min_length=1, max_length=30
    )
    passport_no: str = Field(
        description="領證人護照號碼 Passport no. of the person collecting", min_length=1, max_length=20
    )
    comment: str = Field(default="", max_length=2000)


class GroupReturn(BaseModel):
    group_no: str = Field(description="團號 Group no.", min_length=1, max_length=9)
    comment: str = Field(description="審核意見 What the school must correct", min_length=1, max_length=2000)


async def _actor(request: Request):
    actor = await review.reviewer_actor(request.user.user.id)
    if actor is None:
        raise ValueError("Only reviewers decide cases (僅審核人員可作審核決定).")
    return actor


def _message(outcome: review.Outcome) -> str:
    return (
        f"{workflow.action_label(outcome.action)}: {workflow.label(outcome.from_status)} → "
        f"{workflow.label(outcome.to_status)} ({len(outcome.case_ids)})"
    )


def _decision_endpoint(action: str):
    async def endpoint(request: Request, data: Any) -> str:
        actor = await _actor(request)
        rows = await Case.select(Case.id, Case.version).where(Case.receipt_no == data.receipt_no.strip())
        if not rows:
            raise ValueError("No case with this receipt no. (查無此收件號).")
        try:
            outcome = await review.decide(
                actor,
                rows[0]["id"],
                rows[0]["version"],
                action,
                data.comment,
                receipt_no=getattr(data, "payment_receipt_no", ""),
                passport_no=getattr(data, "passport_no", ""),
            )
        except review.ReviewError as exc:
            raise ValueError(exc.message) from exc
        except IllegalTransition as exc:
            raise ValueError(exc.reason) from exc
        return _message(outcome)

    endpoint.__name__ = f"form_{action}"
    return endpoint


async def _group_return(request: Request, data: GroupReturn) -> str:
    actor = await _actor(request)
    rows = await Application.select(Application.id, Application.version).where(
        Application.group_no == data.group_no.strip()
    )
    if not rows:
        raise ValueError("No group with this group no. (查無此團號).")
    try:
        outcome = await review.return_group_for_supplement(
            actor, rows[0]["id"], rows[0]["version"], data.comment
        )
    except review.ReviewError as exc:
        raise ValueError(exc.message) from exc
    except IllegalTransition as exc:
        raise ValueError(exc.reason) from exc
    return _message(outcome)


FORMS = (
    ("pass_first_review", "初審通過 Pass first review", CaseDecision),
    ("return_for_supplement", "退回補正 Return for supplement", ReasonedDecision),
    ("not_accept", "不受理 Not accept", ReasonedDecision),
    ("approve", "複審核准 Approve", CaseDecision),
    ("reject", "不核准 Reject", ReasonedDecision),
    ("card_made", "製證完成 Card made", CaseDecision),
    ("card_collected", "已領證 Card collected", CollectDecision),
)


def forms() -> list[FormConfig]:
    out = [
        FormConfig(
            name=name,
            pydantic_model=model,
            endpoint=_decision_endpoint(action),
            description="與審核作業台相同的審核決定。 The same decision as on the review desk.",
            form_group="審核決定 Decisions",
        )
        for action, name, model in FORMS
    ]
    out.append(
        FormConfig(
            name="整團退回補正 Return whole group",
            pydantic_model=GroupReturn,
            endpoint=_group_return,
            description="團資料或附件需補正。 The group's own data or attachments need correcting.",
            form_group="審核決定 Decisions",
        )
    )
    return out


# --- supervisors' account forms (writes in app/actions/admin_accounts.py and app/actions/mfa.py) -----------


class NewSchoolForm(BaseModel):
    name: str = Field(
        title="學校名稱 School name", description="學校名稱 School name", min_length=1, max_length=200
    )
    business_no: str = Field(
        title="統一編號 Unified business no.",
        description="統一編號 Unified business no. (8 digits, checked)",
        min_length=8,
        max_length=8,
    )
    login_id: str = Field(
        title="主帳號 Main account id",
        description="主帳號 Main account id (usually the 統一編號; letters and digits)",
        min_length=4,
        max_length=17,
    )
    contact_name: str = Field(
        title="承辦人 Contact person", description="承辦人 Contact person", min_length=1, max_length=100
    )
    email: str = Field(title="電子郵件 Email", description="電子郵件 Email", min_length=3, max_length=254)
    password: str = Field(
        title="初始密碼 Initial password",
        description="初始密碼 Initial password (12+ characters, not a common one; give it to "
        "the school separately)",
        min_length=1,
        max_length=128,
    )


class ResetPasswordForm(BaseModel):
    login_id: str = Field(
        title="主帳號 Main account id", description="主帳號 Main account id", min_length=1, max_length=20
    )
    new_password: str = Field(
        title="新密碼 New password",
        description="新密碼 New password (12+ characters, not one of the last three); "
        "the account's sessions end",
        min_length=1,
        max_length=128,
    )


class NewReviewerForm(BaseModel):
    username: str = Field(
        title="帳號 Username",
        description="帳號 Username (letters, digits, . _ -)",
        min_length=1,
        max_length=40,
    )
    display_name: str = Field(
        title="顯示名稱 Display name",
        description="顯示名稱 Name shown in the review history, e.g. 初審 王小明",
        min_length=1,
        max_length=100,
    )
    email: str = Field(title="電子郵件 Email", description="電子郵件 Email", min_length=3, max_length=254)
    role: Literal["first_reviewer", "second_reviewer", "supervisor"] = Field(
        title="角色 Role",
        description="first_reviewer 初審 / second_reviewer 複審 / supervisor 主管",
    )
    stations: str = Field(
        default="",
        title="服務站 Service stations",
        description="服務站代碼，以逗號分隔（空白：全部）Station codes separated by commas (empty: all), e.g. S01,S02",
        max_length=200,
    )
    password: str = Field(
        title="初始密碼 Initial password",
        description="初始密碼 Initial password (12+ characters, not a common one, not containing the username)",
        min_length=1,
        max_length=128,
    )


class ResetMfaForm(BaseModel):
    username: str = Field(
        title="審核人員帳號 Reviewer username",
        description="審核人員帳號 Reviewer's username (a lost phone: they enrol again)",
        min_length=1,
        max_length=100,
    )


async def _form_actor(request: Request):
    actor = await review.reviewer_actor(request.user.user.id)
    if actor is None:
        raise ValueError("Only supervisors may do this (僅限主管).")
    return actor


async def _new_school(request: Request, data: NewSchoolForm) -> str:
    actor = await _form_actor(request)
    try:
        await admin_accounts.create_school(actor, admin_accounts.NewSchool(**data.model_dump()))
    except admin_accounts.AdminAccountError as exc:
        raise ValueError(exc.message) from exc
    return f"{data.name.strip()} ({data.business_no.strip()}): main account {data.login_id.strip()} created."


async def _reset_password(request: Request, data: ResetPasswordForm) -> str:
    actor = await _form_actor(request)
    try:
        await admin_accounts.reset_main_password(actor, data.login_id, data.new_password)
    except admin_accounts.AdminAccountError as exc:
        raise ValueError(exc.message) from exc
    return f"{data.login_id.strip()}: password reset; its sessions ended."


async def _new_reviewer(request: Request, data: NewReviewerForm) -> str:
    actor = await _form_actor(request)
    try:
        await admin_accounts.create_reviewer(actor, admin_accounts.NewReviewer(**data.model_dump()))
    except admin_accounts.AdminAccountError as exc:
        raise ValueError(f"{exc.field}: {exc.message}" if exc.field else exc.message) from exc
    return f"{data.username.strip()} ({data.role}): reviewer account created (審核人員帳號已建立)."


async def _reset_mfa(request: Request, data: ResetMfaForm) -> str:
    actor = await _form_actor(request)
    try:
        await mfa_actions.reset_for_reviewer(actor, data.username)
    except mfa_actions.MfaError as exc:
        raise ValueError(exc.message) from exc
    return (
        f"{data.username.strip()}: two-step verification removed; they set it up again at the next sign-in."
    )


FEE_OFFERINGS = tuple(f"{o.line}/{o.kind}" for o in lines.OFFERINGS)


class FeeChangeForm(BaseModel):
    offering: Literal[FEE_OFFERINGS] = Field(  # type: ignore[valid-type]
        title="申辦項目 Offering", description="申辦項目 Offering (line/kind)"
    )
    per_person: int = Field(title="每人規費 Fee per person (NT$)", ge=0, le=lines.MAX_FEE)
    effective_from: date = Field(
        title="生效日 In force from", description="生效日 In force from (today or later)"
    )
    reason: str = Field(title="變更原因 Reason", min_length=1, max_length=500)


async def _change_fee(request: Request, data: FeeChangeForm) -> str:
    actor = await _form_actor(request)
    line, kind = str(data.offering).split("/", 1)
    try:
        await fee_actions.change_fee(actor, line, kind, data.per_person, data.effective_from, data.reason)
    except fee_actions.FeeChangeRefused as exc:
        raise ValueError(str(exc)) from exc
    return f"{data.offering}: NT${data.per_person} per person from {data.effective_from:%Y/%m/%d}."


def account_forms() -> list[FormConfig]:
    group = "帳號管理 Accounts (supervisors)"
    return [
        FormConfig(
            name="新增學校及主帳號 New school and main account",
            pydantic_model=NewSchoolForm,
            endpoint=_new_school,
            form_group=group,
            description="同時建立學校與主帳號。 Creates the school and its main account together.",
        ),
        FormConfig(
            name="重設主帳號密碼 Reset main account password",
            pydantic_model=ResetPasswordForm,
            endpoint=_reset_password,
            form_group=group,
            description="重設學校主帳號的密碼並結束其登入。 Sets a school main account's password and ends its sessions.",
        ),
        FormConfig(
            name="新增審核人員 New reviewer account",
            pydantic_model=NewReviewerForm,
            endpoint=_new_reviewer,
            form_group=group,
            description="同時建立後台帳號、審核角色與服務站。 "
            "Creates the back-office user and its reviewer profile and stations together.",
        ),
        FormConfig(
            name="重設兩步驟驗證 Reset reviewer two-step verification",
            pydantic_model=ResetMfaForm,
            endpoint=_reset_mfa,
            form_group=group,
            description="遺失手機時移除驗證器。 For a lost phone: removes the authenticator.",
        ),
        FormConfig(
            name="變更規費 Change a fee",
            pydantic_model=FeeChangeForm,
            endpoint=_change_fee,
            form_group="基本資料 Master data (supervisors)",
            description="自指定日起的每人規費；每次變更皆留存紀錄。 A new fee per person from a day on; every change is kept.",
        ),
    ]


# --- the app ---------------------------------------------------------------------------------------------


class BodyLimit:
    """413 for a request body over `limit` bytes: by Content-Length, or counted while it streams."""

    def __init__(self, app: Any, limit: int) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for key, value in scope.get("headers", []):
            if key.lower() == b"content-length":
                try:
                    too_big = int(value) > self.limit
                except ValueError:
                    too_big = True
                if too_big:
                    await _too_large(send)
                    return
        seen = 0
        started = False
        refused = False

        async def limited_receive():
            nonlocal seen, started, refused
            if refused:
                return {"type": "http.disconnect"}
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    refused = True
                    if not started:
                        started = True
                        await _too_large(send)
                    return {"type": "http.disconnect"}
            return message

        async def tracking_send(message):
            nonlocal started
            if refused:
                return  # already answered 413
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except Exception:
            if not refused:
                raise
            # The app gave up on the cut-off body; the client already has its 413.


class MfaGate:
    """Enforces `ReviewerProfile.mfa_required`: until the user has enrolled, the admin's pages and API
    answer with the way to /review/mfa (the SPA's root redirects there, API calls get 403). Enrolling
    ends the user's sessions, so every later session was opened with the code. piccolo's own
    /api/mfa-setup/ (English only, enrols without checking a code) is sent to /review/mfa too."""

    OPEN = frozenset({"/api/user/", "/api/links/"})  # the SPA's shell: who is signed in, the sidebar

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        if path.startswith("/admin/"):
            path = path[len("/admin") :]
        if path.startswith("/api/mfa-setup"):
            await _redirect(send, MFA_URL)
            return
        if (path == "/" or path.startswith("/api/")) and path not in self.OPEN:
            user_id = await _session_user(scope)
            if user_id and await mfa.must_enrol(user_id):
                if path == "/":
                    await _redirect(send, MFA_URL)
                else:
                    await send_json(
                        send,
                        403,
                        {
                            "detail": "Two-step verification must be set up first at "
                            f"{MFA_URL} (請先至 {MFA_URL} 設定兩步驟驗證)."
                        },
                    )
                return
        await self.app(scope, receive, send)


async def _session_user(scope: Any) -> int | None:
    from piccolo_api.session_auth.tables import SessionsBase

    token = Request(scope).cookies.get("id")
    return await SessionsBase.get_user_id(token) if token else None


async def _redirect(send: Any, location: str) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": 303,
            "headers": [(b"location", location.encode()), (b"content-length", b"0")],
        }
    )
    await send({"type": "http.response.body", "body": b""})


# The admin's own strings for the code field and the menu entry (piccolo-admin leaves them in English).
ZH_TW = TRADITIONAL_CHINESE.model_copy(
    update={
        "translations": {
            **TRADITIONAL_CHINESE.translations,
            "MFA Code": "驗證碼（驗證器 App 顯示的 6 位數字）",
            "MFA Setup": "兩步驟驗證設定",
        }
    }
)


async def _too_large(send: Any) -> None:
    body = b"Request body too large"
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


@functools.cache
def admin_app() -> Any:
    """The piccolo-admin ASGI app, wrapped in the body limit. Built once."""
    app = create_admin(
        tables=table_configs(),
        forms=forms() + account_forms(),
        auth_table=BaseUser,
        session_expiry=timedelta(minutes=30),
        increase_expiry=timedelta(minutes=10),
        max_session_expiry=timedelta(hours=12),
        production=settings.cookie_secure,
        site_name=admin_labels.both(admin_labels.SITE_NAME),
        default_language_code="zh-TW",
        translations=[ZH_TW, ENGLISH],
        sidebar_links=admin_labels.registered_links(),
        page_size=30,
        allowed_hosts=[h for h in [_host(settings.public_base_url)] if h],
        mfa_providers=[mfa.provider()],
        rate_limit_provider=LOGIN_LIMITER,
    )
    return BodyLimit(AdminLoginLimit(AdminGuard(MfaGate(app))), ADMIN_BODY_LIMIT)


def _host(url: str) -> str:
    from urllib.parse import urlsplit

    return urlsplit(url).hostname or ""


def admin_mount() -> Any:
    """The route handler for app/main.py: piccolo-admin at /admin (its own CSRF, sessions and limits)."""
    from litestar import asgi

    app = admin_app()

    @asgi("/admin", is_mount=True, copy_scope=True, name="admin")
    async def admin(scope: Any, receive: Any, send: Any) -> None:
        await app(scope, receive, send)

    return admin
