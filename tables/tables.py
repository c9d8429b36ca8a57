"""Table classes. Singular names; every foreign key says what happens on delete.

Composite unique constraints are created by raw `CREATE UNIQUE INDEX` migrations, not
`Unique(...)` attributes, because those fail on SQLite.
"""

from __future__ import annotations

from piccolo.apps.user.tables import BaseUser
from piccolo.columns import (
    JSON,
    Boolean,
    Bytea,
    Date,
    ForeignKey,
    Integer,
    OnDelete,
    Text,
    Timestamptz,
    Varchar,
)
from piccolo.columns.reference import LazyTableReference
from piccolo.table import Table

RESTRICT = OnDelete.restrict
CASCADE = OnDelete.cascade
SET_NULL = OnDelete.set_null


class School(Table):
    """學校: the school and its profile (機關組織)."""

    name = Varchar(length=200)
    name_en = Varchar(length=200, default="")
    business_no = Varchar(length=8, unique=True)  # 統一編號
    head = Varchar(length=100, default="")  # 負責人
    unit = Varchar(length=100, default="")  # 承辦單位
    phone = Varchar(length=30, default="")
    fax = Varchar(length=30, default="")
    addr_county = Varchar(length=10, default="")
    addr_district = Varchar(length=10, default="")
    addr_village = Varchar(length=20, default="")
    addr_neighborhood = Varchar(length=10, default="")
    addr_street = Varchar(length=50, default="")
    addr_lane = Varchar(length=10, default="")
    addr_alley = Varchar(length=10, default="")
    addr_number = Varchar(length=50, default="")
    email = Varchar(length=254, default="")
    created_at = Timestamptz()

    @classmethod
    def get_readable(cls):
        from piccolo.columns.readable import Readable

        return Readable(template="%s", columns=[cls.name])


class Account(Table):
    """帳號 / 子帳號: a school's main account or one of its sub-accounts."""

    login_id = Varchar(length=20, unique=True)  # 03734301 or 03734301-NN
    school = ForeignKey(references=School, on_delete=RESTRICT, index=True)
    is_main = Boolean(default=False)
    name = Varchar(length=100, default="")  # 中文姓名 / 承辦人
    national_id = Varchar(length=10, default="")
    birthday = Date(null=True, default=None)
    unit = Varchar(length=100, default="")  # 單位名稱
    phone = Varchar(length=30, default="")
    phone_ext = Varchar(length=10, default="")
    mobile = Varchar(length=20, default="")
    addr_county = Varchar(length=10, default="")
    addr_district = Varchar(length=10, default="")
    addr_village = Varchar(length=20, default="")
    addr_neighborhood = Varchar(length=10, default="")
    addr_street = Varchar(length=50, default="")
    addr_lane = Varchar(length=10, default="")
    addr_alley = Varchar(length=10, default="")
    addr_number = Varchar(length=50, default="")
    email = Varchar(length=254, default="")
    enabled = Boolean(default=True)
    deleted = Boolean(default=False)
    last_login_at = Timestamptz(null=True, default=None)
    password_hash = Varchar(length=255, secret=True)  # never shown by the back office
    password_changed_at = Timestamptz(null=True, default=None)
    failed_logins = Integer(default=0)
    first_failed_at = Timestamptz(null=True, default=None)
    locked_until = Timestamptz(null=True, default=None)
    language = Varchar(length=10, default="zh_Hant_TW")
    version = Integer(default=1)
    created_at = Timestamptz()

    @classmethod
    def get_readable(cls):
        from piccolo.columns.readable import Readable

        return Readable(template="%s %s", columns=[cls.login_id, cls.name])


class PasswordHistory(Table):
    """The last password hashes of an account, so a new password is not one of the last three."""

    account = ForeignKey(references=Account, on_delete=CASCADE, index=True)
    password_hash = Varchar(length=255)
    created_at = Timestamptz()


class Student(Table):
    """學生自行申請: a student signed in by a roster match and a verified email address."""

    school = ForeignKey(references=School, on_delete=RESTRICT, index=True)
    roster_entry = ForeignKey(
        references=LazyTableReference(table_class_name="RosterEntry", module_path="tables.tables"),
        on_delete=SET_NULL,
        null=True,
    )
    year = Integer()  # 學年度 of the roster row matched
    passport_no = Varchar(length=20, index=True)
    name_en = Varchar(length=100)
    birth_date = Date()
    email = Varchar(length=254, default="")
    email_verified_at = Timestamptz(null=True, default=None)
    language = Varchar(length=10, default="zh_Hant_TW")
    failed_codes = Integer(default=0)
    locked_until = Timestamptz(null=True, default=None)
    last_login_at = Timestamptz(null=True, default=None)
    created_at = Timestamptz()


class EmailCode(Table):
    """A one-time code sent to a student's email: single use, 10 minutes, limited tries."""

    token = Varchar(length=64, unique=True)  # the pending sign-in this code belongs to
    student = ForeignKey(references=Student, on_delete=CASCADE, index=True)
    email = Varchar(length=254)
    code_hash = Varchar(length=64)
    created_at = Timestamptz()
    expires_at = Timestamptz(index=True)
    attempts = Integer(default=0)
    used = Boolean(default=False)
    ip = Varchar(length=64, default="")


class UserSession(Table):
    """Server-side sessions. The cookie holds a random token; only its SHA-256 is stored."""

    token_hash = Varchar(length=64, unique=True)
    kind = Varchar(length=20, default="school")  # school | student
    account = ForeignKey(references=Account, on_delete=CASCADE, null=True, index=True)
    student = ForeignKey(references=Student, on_delete=CASCADE, null=True, index=True)
    created_at = Timestamptz()
    last_seen_at = Timestamptz()
    absolute_expires_at = Timestamptz()
    ip = Varchar(length=64, default="")
    data = JSON(default="{}")


class CaptchaChallenge(Table):
    """An image captcha: single use, five minutes."""

    token = Varchar(length=64, unique=True)
    answer = Varchar(length=10)
    rendered = Boolean(default=False)  # the image is served once
    created_at = Timestamptz()
    expires_at = Timestamptz(index=True)
    used = Boolean(default=False)


class AuthEvent(Table):
    """Audit log of every sign-in attempt and account event (who, from where, result, when)."""

    created_at = Timestamptz(index=True)
    event = Varchar(length=30)  # login, logout, password_change, account_disabled, ...
    login_id = Varchar(length=40, default="")
    account = ForeignKey(references=Account, on_delete=SET_NULL, null=True, index=True)
    actor_login_id = Varchar(length=40, default="")
    ip = Varchar(length=64, default="", index=True)
    result = Varchar(length=30, default="ok")
    detail = Text(default="")


class Application(Table):
    """申請案 / 團: a group of up to 30 applicants filed by a school (or a student for themself)."""

    group_no = Varchar(length=9, null=True, default=None, unique=True)  # 團號, given at submit
    business_line = Varchar(length=20, default="foreign")
    kind = Varchar(length=20, default="first")  # first | renewal | extension | data_change
    name = Varchar(length=100, default="")  # 申請名稱
    member_count = Integer(default=1)  # 團員人數
    pickup_method = Varchar(length=20, default="self")  # 自取
    station_code = Varchar(length=10, default="")  # 領證地點
    school = ForeignKey(references=School, on_delete=RESTRICT, index=True)
    created_by = ForeignKey(references=Account, on_delete=RESTRICT, null=True, index=True)
    student = ForeignKey(references=Student, on_delete=RESTRICT, null=True, index=True)  # a student's own
    submitter_name = Varchar(length=100, default="")
    submitter_national_id = Varchar(length=10, default="")
    submitter_phone = Varchar(length=30, default="")
    submitter_email = Varchar(length=254, default="")
    submitter_addr = JSON(default="{}")
    status = Varchar(length=30, default="draft", index=True)  # the group's own status (group-level returns)
    terms_accepted_at = Timestamptz(null=True, default=None)
    submitted_at = Timestamptz(null=True, default=None)
    # Which of 優先處理事項's five lists the group is in (workflow.dashboard_list; None: none), kept by every
    # transition (app/actions/cases.py), so the dashboard reads only the groups in its lists (issue 16).
    dashboard_list = Varchar(length=20, null=True, default=None)
    created_at = Timestamptz()
    updated_at = Timestamptz()
    version = Integer(default=1)


class Case(Table):
    """申請人 / 案件: one applicant of a group."""

    application = ForeignKey(references=Application, on_delete=CASCADE, index=True)
    receipt_no = Varchar(length=12, null=True, default=None, unique=True)  # 收件號
    identity = Varchar(length=10, default="foreign")  # overseas 僑生 | foreign 外生
    status = Varchar(length=30, default="draft", index=True)
    enrollment_status = Varchar(length=1, default="")  # A 已錄取未註冊 | R 已註冊
    scholarship = Boolean(default=False)
    name_zh = Varchar(length=100, default="")
    no_chinese_name = Boolean(default=False)
    name_en = Varchar(length=100, default="")
    birth_date = Date(null=True, default=None)
    passport_no = Varchar(length=20, default="", index=True)
    passport_expiry = Date(null=True, default=None)
    ui_no = Varchar(length=10, default="")  # 居留證號(統一證號)
    visa_issue_date = Date(null=True, default=None)
    gender = Varchar(length=1, default="")
    marital_status = Varchar(length=10, default="")
    education = Varchar(length=20, default="")
    education_school = Varchar(length=100, default="")
    department = Varchar(length=100, default="")
    program = Varchar(length=40, default="")
    grade = Varchar(length=10, default="")
    birthplace = Varchar(length=10, default="")
    nationality = Varchar(length=10, default="")
    address = JSON(default="{}")
    phone = Varchar(length=30, default="")
    email = Varchar(length=254, default="")
    complete = Boolean(default=False)
    data = JSON(default="{}")  # fields of further kinds (renewal, extension, data change)
    submitted_at = Timestamptz(null=True, default=None)
    # When the case reached its status (its latest ReviewEvent, else its submission) and that event's action:
    # kept by every transition (app/actions/cases.py), so the review desk sorts and counts its queues by index.
    status_at = Timestamptz(null=True, default=None)
    last_action = Varchar(length=40, default="")
    created_at = Timestamptz()
    updated_at = Timestamptz()
    version = Integer(default=1)


class ReviewEvent(Table):
    """審核紀錄: every status change of a case or a group, with who, comment and reply."""

    application = ForeignKey(references=Application, on_delete=CASCADE, index=True)
    case = ForeignKey(references=Case, on_delete=CASCADE, null=True, index=True)
    from_status = Varchar(length=30, default="")
    action = Varchar(length=30)
    to_status = Varchar(length=30)
    actor_kind = Varchar(length=20, default="")  # school | student | reviewer | system
    actor_label = Varchar(length=100, default="")
    actor_id = Integer(null=True, default=None)  # the reviewer's back-office user id (four eyes), else null
    comment = Text(default="")
    reply = Text(default="")
    created_at = Timestamptz(index=True)


class ReviewerProfile(Table):
    """審核人員: the agency's role of a back-office user (piccolo `BaseUser`, admin=True)."""

    user = ForeignKey(references=BaseUser, on_delete=CASCADE, unique=True)
    role = Varchar(
        length=20, default="first_reviewer", index=True
    )  # first_reviewer | second_reviewer | supervisor
    display_name = Varchar(length=100, default="")  # shown in the review history, e.g. 審核員 王小明
    language = Varchar(length=10, default="zh_Hant_TW")
    mfa_required = Boolean(default=False)  # the supervisor requires a second factor (TOTP) for this reviewer
    created_at = Timestamptz()

    @classmethod
    def get_readable(cls):
        from piccolo.columns.readable import Readable

        return Readable(template="%s (%s)", columns=[cls.display_name, cls.role])


class Holiday(Table):
    """A day laid over the shipped holiday calendar: an extra day off (typhoon) or a make-up workday."""

    day = Date(unique=True)
    kind = Varchar(length=10, default="holiday")  # holiday | workday
    name = Varchar(length=100, default="")
    created_at = Timestamptz()


# --- Online payment, receipts, six-month e-certificates (issue 7) ---------------------------------


class Payment(Table):
    """繳費: one order sent to the payment gateway for the groups ticked together."""

    order_no = Varchar(length=32, unique=True)  # our merchant order number, sent to the gateway
    school = ForeignKey(references=School, on_delete=RESTRICT, index=True)
    created_by = ForeignKey(references=Account, on_delete=RESTRICT, null=True, index=True)
    student = ForeignKey(references=Student, on_delete=RESTRICT, null=True, index=True)  # a student paying
    provider = Varchar(length=20, default="sandbox")
    method = Varchar(length=10, default="card")  # card | egov
    amount = Integer()  # NT$, the fee only
    currency = Varchar(length=3, default="TWD")
    status = Varchar(length=20, default="pending", index=True)  # pending | paid | failed | expired
    gateway_txn_id = Varchar(length=64, null=True, default=None, unique=True)
    failure = Varchar(length=200, default="")
    created_at = Timestamptz()
    expires_at = Timestamptz()
    paid_at = Timestamptz(null=True, default=None)
    settled_at = Timestamptz(null=True, default=None)
    version = Integer(default=1)


class PaymentGroup(Table):
    """The groups (and the persons of each) one payment pays for."""

    payment = ForeignKey(references=Payment, on_delete=CASCADE, index=True)
    application = ForeignKey(references=Application, on_delete=RESTRICT, index=True)
    persons = Integer()
    amount = Integer()
    case_ids = JSON(default="[]")  # the cases awaiting payment when the order was made


class Receipt(Table):
    """收據: 自行收納款項電子收據, one per paid group. Its content is fixed once issued."""

    receipt_no = Varchar(length=12, unique=True)  # 外字第 …號
    payment = ForeignKey(references=Payment, on_delete=RESTRICT, index=True)
    application = ForeignKey(references=Application, on_delete=RESTRICT, index=True)
    group_no = Varchar(length=9, default="")
    payer = Varchar(length=40)  # 繳款人: the group's 收件號 range
    item_code = Varchar(length=20)
    item_name = Varchar(length=20)
    purpose = Varchar(length=20)
    amount = Integer()
    amount_words = Varchar(length=60)
    issued_on = Date()
    content = JSON(default="{}")  # every printed field, as issued
    collected = JSON(default="{}")  # 收件號 -> time the IC card was collected with this receipt
    created_at = Timestamptz()


class Permit(Table):
    """電子居留證: the six-month electronic resident certificate of an admitted, not registered student."""

    permit_no = Varchar(length=16, unique=True)
    case = ForeignKey(references=Case, on_delete=RESTRICT, unique=True)
    application = ForeignKey(references=Application, on_delete=RESTRICT, index=True)
    payment = ForeignKey(references=Payment, on_delete=RESTRICT, null=True, index=True)
    issued_on = Date()
    expires_on = Date()
    content = JSON(default="{}")  # every printed field and the photo, as issued
    created_at = Timestamptz()


class PaymentEvent(Table):
    """Every step of a payment: order made, redirected, notified, refused, queried, settled."""

    payment = ForeignKey(references=Payment, on_delete=SET_NULL, null=True, index=True)
    order_no = Varchar(length=64, default="", index=True)
    step = Varchar(length=30)
    result = Varchar(length=30, default="ok")
    detail = Text(default="")
    ip = Varchar(length=64, default="")
    created_at = Timestamptz(index=True)


class DocumentCounter(Table):
    """Sequences for document numbers (外字第…號), advanced atomically under the row lock."""

    key = Varchar(length=30, unique=True)
    value = Integer(default=0)


# --- Group application: attachments (issue 4) ----------------------------------------------------


class Attachment(Table):
    """附件: one uploaded image of a group (case null) or of one applicant, checked and re-encoded by
    `app.services.uploads`. The file lives under settings.uploads_dir by its server-chosen name."""

    application = ForeignKey(references=Application, on_delete=CASCADE, index=True)
    case = ForeignKey(references=Case, on_delete=CASCADE, null=True, index=True)
    kind = Varchar(length=30)  # app.domain.documents: power_of_attorney, photo, passport, visa, ...
    original_name = Varchar(length=200, default="")
    stored_name = Varchar(length=80, unique=True)
    content_type = Varchar(length=30)
    size = Integer(default=0)
    uploaded_by = Varchar(length=100, default="")  # the actor's label (login id and name)
    uploaded_at = Timestamptz()


class RosterEntry(Table):
    """名冊: a student the school admitted or registered, imported from its list (匯入錄取/註冊資料).

    One row per (school, year, semester, passport_no): a unique index made by a raw-SQL migration.
    Students signing in are matched on (year, passport_no, name_en_norm, birth_date), all plain
    indexed columns. Codes as in `app.domain.roster` (category FG, nationality ISO alpha-2, ...).
    """

    school = ForeignKey(references=School, on_delete=RESTRICT, index=True)
    year = Integer()  # 學年度 (ROC academic year, 115)
    semester = Integer()  # 學期: 1 | 2
    name_zh = Varchar(length=50, default="")  # 學生中文姓名
    name_en = Varchar(length=100)  # 英文姓名, upper case
    name_en_norm = Varchar(length=100, index=True)  # for matching: no accents or punctuation
    birth_date = Date()  # 生日
    category = Varchar(length=2)  # 來臺就學學生類別: CN HK MO FG FO
    nationality = Varchar(length=2)  # 國籍: ISO 3166 alpha-2
    gender = Varchar(length=1)  # 性別: M | F (template 0_男 / 1_女)
    national_id = Varchar(length=10, default="")  # 身分證號 or 統一證號
    passport_no = Varchar(length=20, index=True)  # 護照號碼, upper case
    qualification = Varchar(length=20)  # 申請資格
    program = Varchar(length=2)  # 學制
    grade = Varchar(length=2)  # 就讀年級
    status = Varchar(length=1)  # 狀態: A 已錄取未註冊 | R 已註冊
    resident_id = Varchar(length=20, default="")  # 大陸或港澳居民身分證號 (CN, HK, MO), compacted
    travel_permit_no = Varchar(length=20, default="")  # 往來台灣通行證號碼 (CN)
    created_by = ForeignKey(references=Account, on_delete=SET_NULL, null=True, index=True)
    updated_by = ForeignKey(references=Account, on_delete=SET_NULL, null=True)
    created_at = Timestamptz()
    updated_at = Timestamptz()
    version = Integer(default=1)


class CaseTally(Table):
    """How many submitted cases each service station has in each status, answered (the latest event a school's
    resubmission) or not: kept by every transition (app/actions/cases.py), so the review desk counts its queues
    without reading every case (issue 16). Unique (station_code, status, answered), by raw SQL."""

    station_code = Varchar(length=10, default="")
    status = Varchar(length=30, default="")
    answered = Boolean(default=False)
    cases = Integer(default=0)


class RosterTally(Table):
    """How many rows of a school's roster term have each category and status, kept by every roster write
    (import, edit, delete; app/actions/roster.py), so 名冊 counts its pages and lists its years without reading
    every row (issue 16). Unique (school, year, semester, category, status), by raw SQL."""

    school = ForeignKey(references=School, on_delete=CASCADE, index=True)
    year = Integer()
    semester = Integer()
    category = Varchar(length=2, default="")
    status = Varchar(length=1, default="")
    rows = Integer(default=0)


class RosterImport(Table):
    """One import of a roster file: who, when, what came of it, and the rejected rows for download."""

    school = ForeignKey(references=School, on_delete=RESTRICT, index=True)
    account = ForeignKey(references=Account, on_delete=SET_NULL, null=True)
    filename = Varchar(length=200)
    year = Integer()
    semester = Integer()
    created_count = Integer(default=0)
    updated_count = Integer(default=0)
    rejected_count = Integer(default=0)
    rejected = JSON(
        default="{}"
    )  # {"messages": [{locale: text}], "rows": [[row no., [12 values], [[column, message no.]]]]}
    created_at = Timestamptz(index=True)
    # An import parsed as a job (issue 16): queued → running → done | failed. The file waits in the storage
    # interface under `file_key` until the job has read it; rows_read counts the progress.
    status = Varchar(length=10, default="done")
    file_key = Varchar(length=200, default="")
    rows_read = Integer(default=0)
    problem = JSON(default="{}")  # a file that could not be read: {locale: message}
    finished_at = Timestamptz(null=True, default=None)


class LoginChallenge(Table):
    """A single-use random challenge (256 bits, 2 minutes) for the certificate login."""

    token = Varchar(length=64, unique=True)
    business_no = Varchar(length=8, default="")
    created_at = Timestamptz()
    expires_at = Timestamptz(index=True)
    used = Boolean(default=False)
    ip = Varchar(length=64, default="")


# --- After submission: supplements (issue 6) -----------------------------------------------------


class SupplementChange(Table):
    """One round of 補正 of a returned case (case set) or group (case null): what it looked like when the
    applicant began (`before`), and once sent back (變更資料) the reply and what changed (`changes`:
    fields before/after, files added and removed), linked to the `resubmit` ReviewEvent."""

    application = ForeignKey(references=Application, on_delete=CASCADE, index=True)
    case = ForeignKey(references=Case, on_delete=CASCADE, null=True, index=True)
    returned_event = ForeignKey(
        references=ReviewEvent, on_delete=SET_NULL, null=True
    )  # the return it answers
    event = ForeignKey(references=ReviewEvent, on_delete=SET_NULL, null=True, index=True)  # the resubmit
    before = JSON(default="{}")  # {"fields": {...}, "files": [{id, kind, name}]}
    files_added = JSON(default="[]")  # [{id, kind, name}] uploaded during this round
    files_removed = JSON(default="[]")  # [{kind, name}] removed during this round
    changes = JSON(default="{}")  # {"fields": [[key, before, after]], "added": [...], "removed": [...]}
    reply = Text(default="")
    actor_label = Varchar(length=100, default="")
    created_at = Timestamptz()
    sent_at = Timestamptz(null=True, default=None)


# --- Files in the database (issue 16): content-addressed, for STORAGE=database -------------------------


class StoredFile(Table):
    """A file kept by `app/services/storage.py`: its key (uploads/…, documents/…) and the SHA-256 of its
    bytes. Several keys with the same bytes share one content (FileChunk rows)."""

    key = Varchar(length=200, unique=True)
    sha256 = Varchar(length=64, index=True)
    size = Integer(default=0)
    created_at = Timestamptz()


class FileChunk(Table):
    """The bytes of one content, in chunks of at most 256 KB (streamed, never all in one row).
    Unique (sha256, seq) by raw SQL."""

    sha256 = Varchar(length=64)
    seq = Integer(default=0)
    data = Bytea()


# --- The reviewers' case management (issue 15) ---------------------------------------------------


class ReviewerStation(Table):
    """A service station (領證地點) a reviewer works for; their desk lists its cases by default.
    Unique (reviewer, station_code) by a raw index."""

    reviewer = ForeignKey(references=ReviewerProfile, on_delete=CASCADE, index=True)
    station_code = Varchar(length=10)


class CaseClaim(Table):
    """認領: who holds a case now (one row per held case; releasing deletes it). Kept off the case row so
    a claim never makes a reviewer's open decision form stale."""

    case = ForeignKey(references=Case, on_delete=CASCADE, unique=True)
    user = ForeignKey(references=BaseUser, on_delete=CASCADE, index=True)
    claimed_at = Timestamptz()
    assigned_by = Varchar(length=100, default="")  # the supervisor who reassigned it, else empty


class CannedReason(Table):
    """常用理由: a supervisor's list of reasons for returns and refusals, in both languages."""

    kind = Varchar(length=10, default="return", index=True)  # return | refuse
    text_zh = Text()
    text_en = Text(default="")
    active = Boolean(default=True)
    sort = Integer(default=0)
    created_at = Timestamptz()


class DeskSetting(Table):
    """A supervisor's setting of the review desk, by key (e.g. `lapse_grace_days`: working days after a
    supplement's deadline before the system closes it as 不受理; no row means automatic closure is off)."""

    key = Varchar(length=50, unique=True)
    value = Varchar(length=200, default="")
    updated_at = Timestamptz()
    updated_by = Varchar(length=100, default="")


class AdminAudit(Table):
    """稽核紀錄 of the back office: every sign-in (success and failure), account change, master-data change
    and form submitted at /admin, with who, from where and what (secrets masked). Written by
    `app.admin_guard`; supervisors read it."""

    created_at = Timestamptz(index=True)
    event = Varchar(
        length=20, index=True
    )  # login_ok | login_failed | logout | create | update | delete | form
    username = Varchar(length=100, default="", index=True)
    user_id = Integer(null=True, default=None)
    target = Varchar(length=100, default="")  # table or form
    row_id = Varchar(length=40, default="")
    detail = Text(default="")  # JSON of the fields sent (passwords masked)
    status = Integer(default=0)  # the HTTP answer
    ip = Varchar(length=64, default="")


# --- 陸生 and 港澳生 lines (issue 14) ------------------------------------------------------------------


class FeeRate(Table):
    """規費 master data: an offering's fee per person from a day on. A supervisor's change is a new row
    (never an update), so the rows are the record of every change: who, when, why, from when."""

    line = Varchar(length=30)  # business line: mainland_single, mainland_multiple, hkmo, foreign
    kind = Varchar(length=20)  # first, renewal, extension, data_change
    per_person = Integer()  # NT$
    effective_from = Date()
    reason = Text(default="")
    changed_by = ForeignKey(references=BaseUser, on_delete=RESTRICT, null=True)
    changed_by_label = Varchar(length=150, default="")
    created_at = Timestamptz()


# --- Service stations as master data (issue 15, item 8) ---------------------------------------------


class ServiceStation(Table):
    """服務站 (領證地點): where cards are collected and which office receives a group's cases. Loaded from the
    agency's list (`app/domain/data/nia-service-stations.json`) by a migration; supervisors keep it in the
    back office. A station no longer in use is switched off (`active`), never deleted once used: groups and
    reviewers keep its code."""

    code = Varchar(length=10, unique=True)  # S01 .. S99 (the receiving office's code follows it)
    name_zh = Varchar(length=100)
    name_en = Varchar(length=150, default="")
    active = Boolean(default=True)  # offered as 領證地點 for new applications
    sort = Integer(default=0)


class Reminder(Table):
    """A reminder sent to a school about one case (issue 16): a supplement's deadline near, an e-certificate
    about to expire. One row per (case, kind, threshold, due day), unique by a raw index, so a reminder goes
    once however often the job runs; a case returned again has a new deadline and is reminded again."""

    case = ForeignKey(references=Case, on_delete=CASCADE, index=True)
    school = ForeignKey(references=School, on_delete=RESTRICT, index=True)
    kind = Varchar(length=20)  # supplement_deadline | permit_expiry
    threshold = Varchar(length=20)  # supplement: day_before | due_today; permit: 30_days
    due_on = Date()  # the deadline or the expiry the reminder is about
    sent_to = Varchar(length=254, default="")
    created_at = Timestamptz()
