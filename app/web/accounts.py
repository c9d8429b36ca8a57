"""帳號維護: 密碼修改, 基本資料維護, 子帳號維護."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.exceptions import NotFoundException

from app.actions import accounts as account_actions
from app.domain.addresses import ADDRESS_PARTS
from app.domain.profiles import next_sub_account_id
from app.i18n import format_date
from app.queries import accounts as account_queries
from app.web.common import actor_of, form_data, main_account_required, redirect, render, school_required
from app.web.middleware import client_ip


def _account_form(account: dict[str, Any]) -> dict[str, str]:
    form = {
        k: account.get(k) or ""
        for k in ("name", "national_id", "unit", "phone", "phone_ext", "mobile", "email")
    }
    form["birthday"] = format_date(account["birthday"], "yyyy/MM/dd") if account.get("birthday") else ""
    for p in ADDRESS_PARTS:
        form[f"addr_{p}"] = account.get(f"addr_{p}") or ""
    return form


def _school_form(school: dict[str, Any]) -> dict[str, str]:
    form = {f"school_{k}": school.get(k) or "" for k in ("head", "unit", "phone", "fax", "email")}
    for p in ADDRESS_PARTS:
        form[f"school_addr_{p}"] = school.get(f"addr_{p}") or ""
    return form


class AccountsController(Controller):
    path = "/account"
    guards = [school_required]

    @get("/password", name="accounts:password")
    async def password_page(self, request: Request) -> Response:
        return render(request, "accounts/password.html", {"form": {}})

    @post("/password", name="accounts:password-submit")
    async def password_submit(self, request: Request) -> Response:
        actor = actor_of(request)
        assert actor is not None
        form = await form_data(request)
        errors = await account_actions.change_own_password(
            actor,
            form.get("current_password", ""),
            form.get("new_password", ""),
            form.get("confirm_password", ""),
            client_ip(request.scope),
        )
        if errors:
            return render(request, "accounts/password.html", {"form": {}, "errors": errors}, status_code=400)
        response = redirect("/login?reason=password_changed")
        return response

    @get("/profile", name="accounts:profile")
    async def profile_page(self, request: Request) -> Response:
        actor = actor_of(request)
        assert actor is not None
        account = await account_queries.get_own_account(actor)
        school = await account_queries.get_school(actor)
        if account is None or school is None:
            raise NotFoundException()
        form = _account_form(account)
        if actor.is_main:
            form.update(_school_form(school))
        return render(request, "accounts/profile.html", {"form": form, "school": school, "account": account})

    @post("/profile", name="accounts:profile-submit")
    async def profile_submit(self, request: Request) -> Response:
        actor = actor_of(request)
        assert actor is not None
        form = await form_data(request)
        errors = await account_actions.update_profile(actor, form)
        if errors:
            account = await account_queries.get_own_account(actor)
            school = await account_queries.get_school(actor)
            return render(
                request,
                "accounts/profile.html",
                {"form": form, "errors": errors, "school": school, "account": account},
                status_code=400,
            )
        return redirect("/account/profile", flash="saved")

    @get("/sub-accounts", name="accounts:subaccounts", guards=[main_account_required])
    async def subaccounts(self, request: Request) -> Response:
        actor = actor_of(request)
        assert actor is not None
        rows = await account_queries.list_school_accounts(actor)
        return render(request, "accounts/subaccounts.html", {"accounts": rows})

    @get("/sub-accounts/new", name="accounts:subaccount-new", guards=[main_account_required])
    async def subaccount_new(self, request: Request) -> Response:
        actor = actor_of(request)
        assert actor is not None
        school = await account_queries.get_school(actor)
        next_id = next_sub_account_id(
            actor.login_id, await account_queries.all_login_ids_of_school(actor.school_id)
        )
        return render(
            request,
            "accounts/subaccount_new.html",
            {"form": {"unit": school["name"] if school else ""}, "next_id": next_id},
        )

    @post("/sub-accounts/new", name="accounts:subaccount-create", guards=[main_account_required])
    async def subaccount_create(self, request: Request) -> Response:
        actor = actor_of(request)
        assert actor is not None
        form = await form_data(request)
        errors, _login_id = await account_actions.create_sub_account(actor, form)
        if errors:
            next_id = next_sub_account_id(
                actor.login_id, await account_queries.all_login_ids_of_school(actor.school_id)
            )
            form.pop("password", None)
            form.pop("confirm_password", None)
            return render(
                request,
                "accounts/subaccount_new.html",
                {"form": form, "errors": errors, "next_id": next_id},
                status_code=400,
            )
        return redirect("/account/sub-accounts", flash="account_created")

    async def _sub(self, request: Request, account_id: int) -> dict[str, Any]:
        actor = actor_of(request)
        assert actor is not None
        account = await account_queries.get_sub_account(actor, account_id)
        if account is None:
            raise NotFoundException()
        return account

    @get(
        "/sub-accounts/{account_id:int}/password",
        name="accounts:subaccount-password",
        guards=[main_account_required],
    )
    async def subaccount_password(self, request: Request, account_id: int) -> Response:
        account = await self._sub(request, account_id)
        return render(request, "accounts/subaccount_password.html", {"sub": account, "form": {}})

    @post(
        "/sub-accounts/{account_id:int}/password",
        name="accounts:subaccount-password-submit",
        guards=[main_account_required],
    )
    async def subaccount_password_submit(self, request: Request, account_id: int) -> Response:
        account = await self._sub(request, account_id)
        actor = actor_of(request)
        assert actor is not None
        form = await form_data(request)
        errors = await account_actions.change_sub_account_password(
            actor, account_id, form.get("new_password", ""), form.get("confirm_password", "")
        )
        if errors:
            return render(
                request,
                "accounts/subaccount_password.html",
                {"sub": account, "form": {}, "errors": errors},
                status_code=400,
            )
        return redirect("/account/sub-accounts", flash="saved")

    @post(
        "/sub-accounts/{account_id:int}/enable",
        name="accounts:subaccount-enable",
        guards=[main_account_required],
    )
    async def subaccount_enable(self, request: Request, account_id: int) -> Response:
        actor = actor_of(request)
        assert actor is not None
        await account_actions.set_sub_account_enabled(actor, account_id, True)
        return redirect("/account/sub-accounts", flash="account_enabled")

    @post(
        "/sub-accounts/{account_id:int}/disable",
        name="accounts:subaccount-disable",
        guards=[main_account_required],
    )
    async def subaccount_disable(self, request: Request, account_id: int) -> Response:
        actor = actor_of(request)
        assert actor is not None
        await account_actions.set_sub_account_enabled(actor, account_id, False)
        return redirect("/account/sub-accounts", flash="account_disabled")

    @get(
        "/sub-accounts/{account_id:int}/delete",
        name="accounts:subaccount-delete-confirm",
        guards=[main_account_required],
    )
    async def subaccount_delete_confirm(self, request: Request, account_id: int) -> Response:
        account = await self._sub(request, account_id)
        return render(request, "accounts/subaccount_delete.html", {"sub": account})

    @post(
        "/sub-accounts/{account_id:int}/delete",
        name="accounts:subaccount-delete",
        guards=[main_account_required],
    )
    async def subaccount_delete(self, request: Request, account_id: int) -> Response:
        actor = actor_of(request)
        assert actor is not None
        await account_actions.delete_sub_account(actor, account_id)
        return redirect("/account/sub-accounts", flash="account_deleted")
