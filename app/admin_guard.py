"""The back office's guard (issue 15, item 8): an ASGI layer around piccolo-admin that

- writes the audit log: every sign-in (success and failure), sign-out, row created, changed or deleted and
  form submitted, after piccolo-admin has answered (`app.actions.admin_audit`);
- keeps the national ID and birthday of schools' contacts from reviewers who are not supervisors (answers,
  filters and sorting);
- shows times in Taipei time (+08:00) instead of UTC;
- gives the schema's columns and coded values, the menu groups, the sidebar links and the site's name in the
  reader's language (`app.domain.admin_labels`; the site's `lang` cookie), and offers piccolo-admin's own
  translations in that language only, so its screens follow the same switch;
- gives piccolo-admin's page the reader's language (`<html lang>`, title) and our contrast fixes
  (`static/css/admin.css`);
- adds a column to a case's rows with its page on the review desk (piccolo-admin's rows cannot carry links);
- turns the database's raw error text (unique, foreign key, check) into a message a person can act on.

piccolo-admin's own screens are a compiled single-page app; this layer only touches the JSON it is given.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from typing import Any
from urllib.parse import parse_qsl, urlencode

from starlette.requests import Request

from app.actions import admin_audit
from app.domain import admin_labels, passwords
from app.domain.calendar import TAIPEI
from app.i18n import get_locale
from app.queries import admin as admin_queries
from app.queries import stations as station_queries

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
LOGIN_PATH = "/public/login/"
LOGOUT_PATH = "/public/logout/"
CHANGE_PASSWORD_PATH = "/api/change-password/"  # noqa: S105 - a path, not a password
HIDDEN_FROM_REVIEWERS = {"account": ("national_id", "birthday")}
_TABLE = re.compile(r"^/api/tables/([a-z_]+)/(?:(\d+)/)?$")
_SCHEMA = re.compile(r"^/api/tables/([a-z_]+)/schema/$")
_FORM = re.compile(r"^/api/forms/([^/]+)/$")
TRANSLATIONS_PATH = "/public/translations/"
META_PATH = "/public/meta/"
GROUPED_PATH = "/api/tables/grouped/"
LINKS_PATH = "/api/links/"
PICCOLO_LANGUAGE = {"zh_Hant_TW": "zh-TW", "en": "en"}  # our locale -> piccolo-admin's language code
INDEX_PATHS = frozenset({"", "/", "/index.html"})
ADMIN_CSS = "/static/css/admin.css"
DESK_TABLES = {"case": "/review/case/{id}"}  # rows that get a column with their page on the desk
_FORM_SCHEMA = re.compile(r"^/api/forms/([^/]+)/schema/$")
FORMS_PATH = "/api/forms/"
FORMS_GROUPED_PATH = "/api/forms/grouped/"
_UTC_TIME = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|\+00:00)$")


def _path(scope: Any) -> str:
    path = scope.get("path", "")
    return path[len("/admin") :] if path.startswith("/admin/") else path


def _client_ip(scope: Any) -> str:
    client = scope.get("client")
    return client[0] if client else ""


def to_taipei(data: Any) -> Any:
    """Every UTC timestamp string in an answer, as the same instant in Taipei time."""
    if isinstance(data, dict):
        return {k: to_taipei(v) for k, v in data.items()}
    if isinstance(data, list):
        return [to_taipei(v) for v in data]
    if isinstance(data, str) and _UTC_TIME.match(data):
        return datetime.fromisoformat(data.replace("Z", "+00:00")).astimezone(TAIPEI).isoformat()
    return data


def password_refusal(body: bytes, username: str) -> str:
    """A back-office password change under the schools' rules (12+ characters, the word list)."""
    try:
        data = json.loads(body) if body else {}
    except ValueError:
        data = dict(parse_qsl(body.decode("utf-8", "replace")))
    new = str((data or {}).get("new_password") or "") if isinstance(data, dict) else ""
    problems = passwords.password_problems(new, login_id=username)
    return " ".join(admin_labels.both(p) for p in problems)


def label_schema(table: str, schema: dict[str, Any]) -> dict[str, Any]:
    """Bilingual column titles and coded values (choices) in a table's JSON schema."""
    title = admin_labels.table_title(table)
    if title:
        extra = schema.setdefault("extra", {})
        extra["help_text"] = title + (f" — {extra['help_text']}" if extra.get("help_text") else "")
    choices = admin_labels.choices_for(table, admin_queries.station_names())
    for name, prop in (schema.get("properties") or {}).items():
        column_title = admin_labels.column_title(table, name)
        if column_title:
            prop["title"] = column_title
        if name in choices:
            extra = prop.setdefault("extra", {})
            extra["choices"] = choices[name]
    if table in DESK_TABLES and isinstance(schema.get("properties"), dict):
        column = admin_labels.DESK_COLUMN
        schema["properties"][column] = {
            "anyOf": [{"type": "string"}, {"type": "null"}],
            "default": None,
            "extra": {"choices": None, "help_text": None, "nullable": True, "secret": False, "unique": False},
            "title": str(admin_labels.DESK_COLUMN_TITLE),
        }
        extra = schema.setdefault("extra", {})
        visible = list(extra.get("visible_column_names") or [])
        if column not in visible:  # beside the id, where it is seen without scrolling the wide table
            extra["visible_column_names"] = [*visible[:1], column, *visible[1:]]
    return schema


def with_desk_pages(table: str, data: Any) -> Any:
    """A table's rows (a listing or one row) with the desk page of each (`DESK_TABLES`)."""
    pattern = DESK_TABLES.get(table)
    if pattern is None:
        return data

    def add(row: Any) -> Any:
        if isinstance(row, dict) and row.get("id") is not None:
            return {**row, admin_labels.DESK_COLUMN: pattern.format(id=row["id"])}
        return row

    if isinstance(data, dict) and isinstance(data.get("rows"), list):
        return {**data, "rows": [add(r) for r in data["rows"]]}
    return add(data)


def without_desk_column(query_string: bytes) -> bytes:
    """The query without the added column (piccolo-admin would refuse to sort, filter or pick by it)."""
    column = admin_labels.DESK_COLUMN
    pairs = []
    for key, value in parse_qsl(query_string.decode(), keep_blank_values=True):
        if key.lstrip("_") == column:
            continue
        if key in ("__order", "__visible_fields"):
            value = ",".join(v for v in value.split(",") if v.lstrip("-") != column)
            if not value:
                continue
        pairs.append((key, value))
    return urlencode(pairs).encode()


def localise_page(html: bytes) -> bytes:
    """piccolo-admin's index.html with the reader's language and our stylesheet (contrast fixes)."""
    from app.i18n import HTML_LANG

    text = html.decode("utf-8", "replace")
    text = text.replace('<html lang="en">', f'<html lang="{HTML_LANG.get(get_locale(), "zh-Hant-TW")}">', 1)
    text = text.replace("<title>Piccolo Admin</title>", f"<title>{admin_labels.SITE_NAME}</title>", 1)
    text = text.replace("</head>", f'  <link rel="stylesheet" href="{ADMIN_CSS}">\n</head>', 1)
    return text.encode()


def in_language(path: str, data: Any) -> Any:
    """piccolo-admin's menu groups, sidebar links, site name and language list in the reader's language."""
    locale = get_locale()
    if path == TRANSLATIONS_PATH and isinstance(data, dict):
        code = PICCOLO_LANGUAGE.get(locale, "zh-TW")
        offered = [t for t in data.get("translations") or [] if str(t.get("language_code")) == code]
        return {**data, "translations": offered, "default_language_code": code}
    if path == GROUPED_PATH and isinstance(data, dict) and isinstance(data.get("grouped"), dict):
        names = admin_labels.menu_group_names()
        grouped = {names.get(k, k): v for k, v in data["grouped"].items()}
        return {**data, "grouped": grouped}
    if path == LINKS_PATH and isinstance(data, dict):
        return admin_labels.sidebar_links(locale)
    if path == META_PATH and isinstance(data, dict) and "site_name" in data:
        return {**data, "site_name": str(admin_labels.SITE_NAME)}
    if path == FORMS_PATH and isinstance(data, list):
        return [_form_in(f, locale) for f in data]
    if path == FORMS_GROUPED_PATH and isinstance(data, dict):
        one = admin_labels.one_language
        grouped = data.get("grouped") or {}
        return {
            **data,
            "grouped": {one(k, locale): [_form_in(f, locale) for f in v] for k, v in grouped.items()},
            "ungrouped": [_form_in(f, locale) for f in data.get("ungrouped") or []],
        }
    if _FORM_SCHEMA.match(path) and isinstance(data, dict):
        return _form_schema_in(data, locale)
    if _FORM.match(path) and isinstance(data, dict):
        return _form_in(data, locale)
    return data


def _form_in(form: Any, locale: str) -> Any:
    """A form's name and description (registered in both languages) in the reader's language."""
    if not isinstance(form, dict):
        return form
    one = admin_labels.one_language
    return {**form, **{k: one(str(form[k]), locale) for k in ("name", "description") if form.get(k)}}


def _form_schema_in(schema: dict[str, Any], locale: str) -> dict[str, Any]:
    """A form's fields: the label (pydantic's title, else the bilingual description) in the reader's language."""
    one = admin_labels.one_language
    properties = {}
    for name, prop in (schema.get("properties") or {}).items():
        prop = dict(prop)
        title, description = str(prop.get("title") or ""), str(prop.get("description") or "")
        if one(title, locale) != title:
            prop["title"] = one(title, locale)
            if description:
                prop["description"] = one(description, locale)
        elif description and one(description, locale) != description:
            prop["title"] = one(description, locale)
            prop.pop("description", None)
        properties[name] = prop
    return {**schema, "properties": properties}


def friendly_db_error(raw: str) -> str:
    """The database's refusal in words (both languages); never its raw text."""
    text = raw.lower()
    if "unique" in text or "duplicate" in text:
        column = ""
        m = re.search(r"unique constraint failed: ([a-z_]+)\.([a-z_]+)", text) or re.search(
            r'"([a-z_]+?)_([a-z_]+)_key"', text
        )
        if m:
            column = admin_labels.column_title(m.group(1), m.group(2)) or m.group(2)
        what = f"「{column}」" if column else ""
        return (
            f"{what}已有相同的資料，不能重複。 {column or 'This value'} is already in use; it must be unique."
        )
    if "foreign key" in text:
        return (
            "此筆資料仍被其他資料使用，無法刪除或指向不存在的資料。 "
            "This row is still used by other records (or points to one that does not exist)."
        )
    if "not null" in text or "check" in text:
        return "必填欄位未填或值不符規定。 A required field is empty or a value is not allowed."
    return "資料無法儲存，請檢查輸入。 The data could not be saved; please check what was entered."


class AdminGuard:
    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = _path(scope)
        method = scope.get("method", "GET").upper()
        await station_queries.refresh()
        token = Request(scope).cookies.get("id")
        user = await admin_queries.user_of_session(token) if path != LOGIN_PATH else None

        table_match = _TABLE.match(path)
        schema_match = _SCHEMA.match(path)
        table = (table_match or schema_match).group(1) if (table_match or schema_match) else ""
        hidden = HIDDEN_FROM_REVIEWERS.get(table, ()) if (user is not None and not user.supervisor) else ()
        if hidden and method == "GET" and table_match:
            asked = {k.lstrip("_") for k, _v in parse_qsl(scope.get("query_string", b"").decode())}
            asked |= {v for k, v in parse_qsl(scope.get("query_string", b"").decode()) if k == "__order"}
            if any(h in asked or f"-{h}" in asked for h in hidden):
                await send_json(
                    send, 403, {"detail": "僅限主管查詢此欄位。 Only supervisors may search these columns."}
                )
                return

        # The request body, kept for the audit log (the admin's bodies are small: BodyLimit caps them).
        body = b""
        if method in WRITE_METHODS:
            chunks = []
            more = True
            while more:
                message = await receive()
                if message["type"] != "http.request":
                    break
                chunks.append(message.get("body", b""))
                more = message.get("more_body", False)
            body = b"".join(chunks)
            sent = False

            async def replay() -> Any:
                nonlocal sent
                if sent:
                    return {"type": "http.disconnect"}
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}

            app_receive = replay
        else:
            app_receive = receive

        if path == CHANGE_PASSWORD_PATH and method == "POST":
            refused = password_refusal(body, user.username if user else "")
            if refused:
                await send_json(send, 400, {"detail": refused})
                await self._audit(scope, path, method, body, user, {"status": 400, "cookie": False}, None)
                return

        if method == "GET" and table_match and table in DESK_TABLES:
            scope = {**scope, "query_string": without_desk_column(scope.get("query_string", b""))}
        localised = method == "GET" and (
            path in (TRANSLATIONS_PATH, GROUPED_PATH, LINKS_PATH, META_PATH, FORMS_PATH)
            or bool(_FORM.match(path) or _FORM_SCHEMA.match(path))
        )
        transform = method == "GET" and bool(table_match or schema_match or localised)
        state: dict[str, Any] = {"status": 0, "headers": [], "cookie": False}
        held: list[Any] = []

        async def guarded_send(message: Any) -> None:
            if message["type"] == "http.response.start":
                state["status"] = message["status"]
                state["headers"] = list(message.get("headers", []))
                state["cookie"] = any(
                    k.lower() == b"set-cookie" and v.startswith(b"id=") for k, v in message.get("headers", [])
                )
                content_type = dict((k.lower(), v) for k, v in state["headers"]).get(b"content-type", b"")
                state["json"] = content_type.startswith(b"application/json")
                if method == "GET" and path in INDEX_PATHS and content_type.startswith(b"text/html"):
                    state["page"] = True
                    held.append(message)
                    return
                # Held (and rewritten) whole: a table's rows or schema, a database error, a created row's id.
                created = method == "POST" and table_match is not None
                state["hold"] = state["json"] and (transform or message["status"] == 422 or created)
                if state["hold"]:
                    held.append(message)
                    return
                await send(message)
                return
            if state.get("page"):
                held.append(message)
                if not message.get("more_body", False):
                    await _send_whole(
                        send, held[0], localise_page(b"".join(m.get("body", b"") for m in held[1:]))
                    )
                return
            if state.get("hold"):
                held.append(message)
                if not message.get("more_body", False):
                    state["data"] = await self._rewrite(
                        send, held, table, hidden, bool(schema_match), path if localised else ""
                    )
                return
            await send(message)

        await self.app(scope, app_receive, guarded_send)
        if table == "service_station" and method in WRITE_METHODS:
            station_queries.invalidate()  # the pages of this process see the change at once
        await self._audit(scope, path, method, body, user, state, table_match)

    async def _rewrite(
        self,
        send: Any,
        held: list[Any],
        table: str,
        hidden: tuple[str, ...],
        schema: bool,
        localised: str = "",
    ) -> Any:
        start = held[0]
        raw = b"".join(m.get("body", b"") for m in held[1:])
        try:
            data = json.loads(raw or b"null")
        except ValueError:
            data = None
        if data is not None:
            if start["status"] == 422 and isinstance(data, dict) and "db_error" in data:
                data = {"db_error": friendly_db_error(str(data["db_error"]))}
            elif localised:
                data = in_language(localised, data)
            elif schema and isinstance(data, dict):
                data = label_schema(table, data)
            else:
                if hidden:
                    data = _drop(data, hidden)
                data = with_desk_pages(table, to_taipei(data))
            raw = json.dumps(data, ensure_ascii=False).encode()
        headers = [(k, v) for k, v in start.get("headers", []) if k.lower() != b"content-length"]
        headers.append((b"content-length", str(len(raw)).encode()))
        await send({**start, "headers": headers})
        await send({"type": "http.response.body", "body": raw, "more_body": False})
        return data

    async def _audit(
        self,
        scope: Any,
        path: str,
        method: str,
        body: bytes,
        user: Any,
        state: dict[str, Any],
        table_match: Any,
    ) -> None:
        status = state["status"]
        ip = _client_ip(scope)
        try:
            data = json.loads(body) if body else None
        except ValueError:
            data = dict(parse_qsl(body.decode("utf-8", "replace")))
        if path == LOGIN_PATH and method == "POST":
            username = str((data or {}).get("username", "")) if isinstance(data, dict) else ""
            ok = status < 400 and state["cookie"]
            known = await admin_queries.user_by_name(username) if username else None
            await admin_audit.record(
                "login_ok" if ok else "login_failed",
                username=username,
                user_id=known.id if known else None,
                target="back office",
                status=status,
                ip=ip,
            )
            return
        if path == CHANGE_PASSWORD_PATH and method == "POST":
            who_name = user.username if user else ""
            event = "update" if status < 400 else "refused"
            await admin_audit.record(
                event,
                username=who_name,
                user_id=user.id if user else None,
                target="password",
                status=status,
                ip=ip,
            )
            return
        if method not in WRITE_METHODS or status >= 400 or status == 0:
            return
        who = {"username": user.username if user else "", "user_id": user.id if user else None, "ip": ip}
        if path == LOGOUT_PATH:
            await admin_audit.record("logout", target="back office", status=status, **who)
            return
        if table_match:
            event = {"POST": "create", "DELETE": "delete"}.get(method, "update")
            row_id = table_match.group(2) or ""
            if event == "create" and not row_id:
                row_id = _created_id(state)
            await admin_audit.record(
                event, target=table_match.group(1), row_id=row_id, detail=data, status=status, **who
            )
            return
        form = _FORM.match(path)
        if form:
            await admin_audit.record("form", target=form.group(1), detail=data, status=status, **who)
            return
        if path.startswith("/api/"):
            await admin_audit.record("update", target=path, detail=data, status=status, **who)


def _created_id(state: dict[str, Any]) -> str:
    """The id piccolo-admin answered a created row with ([{"id": 7}] or {"id": 7})."""
    data = state.get("data")
    if isinstance(data, list) and data and isinstance(data[0], dict):
        data = data[0]
    return str(data.get("id", "")) if isinstance(data, dict) else ""


def _drop(data: Any, hidden: tuple[str, ...]) -> Any:
    if isinstance(data, dict):
        return {k: (None if k in hidden else _drop(v, hidden)) for k, v in data.items()}
    if isinstance(data, list):
        return [_drop(v, hidden) for v in data]
    return data


async def _send_whole(send: Any, start: Any, body: bytes) -> None:
    headers = [(k, v) for k, v in start.get("headers", []) if k.lower() != b"content-length"]
    headers.append((b"content-length", str(len(body)).encode()))
    await send({**start, "headers": headers})
    await send({"type": "http.response.body", "body": body, "more_body": False})


async def send_json(send: Any, status: int, payload: dict[str, Any]) -> None:
    """A JSON answer straight to the ASGI `send` (the back office's gates refusing an API call)."""
    body = json.dumps(payload, ensure_ascii=False).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})
