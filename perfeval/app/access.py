"""The dashboard's side of perfeval.app.auth: who is signed in to this browser session, the sign-in
box in the sidebar, and the gate every page passes through (``ui.setup_page`` calls ``gate``).

* Local accounts: the sidebar form checks the password (``auth.authenticate``), starts a session
  and stores its random token in a ``SameSite=Strict`` cookie, so a reload or a link opened in
  the same browser stays signed in until the session expires or the user signs out.
* OpenID Connect: when ``.streamlit/secrets.toml`` has an ``[auth]`` section, a button starts
  ``st.login``; the identity Streamlit reports (``st.user``) is mapped to a role and scope by
  the mapping file (``auth.load_oidc_map``). An identity no rule admits stays a visitor.
* ``gate(require)``: stops the page with a Chinese message when the principal may not use it, and
  when the URL names an evaluation, region or unit outside the principal's scope.
"""
from __future__ import annotations

import streamlit as st

from perfeval.app import auth, dbread
from perfeval.store import roles
from perfeval.store.roles import ANONYMOUS, Principal

COOKIE = "perfeval_session"
_TOKEN = "perfeval_session"            # session_state: this browser session's token
_PRINCIPAL = "_perfeval_principal"     # session_state: the principal resolved for this run
EVAL_PARAMS = ("eval", "bl_eval", "burn_eval", "yoy")  # URL parameters that name an evaluation


def oidc_configured() -> bool:
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets.toml at all
        return False


def _oidc_principal() -> tuple[Principal | None, str | None]:
    """(principal, identity) of an OIDC sign-in; principal None when the mapping admits no one."""
    try:
        if not st.user.is_logged_in:
            return None, None
        claims = st.user.to_dict()
    except Exception:
        return None, None
    mapping = auth.load_oidc_map()
    ident = str(claims.get(mapping.claim) or claims.get("email") or "")
    return auth.principal_from_claims(claims, mapping), ident


def resolve() -> Principal:
    """The principal of this browser session (anonymous when nobody is signed in)."""
    ss = st.session_state
    if oidc_configured():
        p, _ = _oidc_principal()
        if p is not None:
            return p
    token = ss.get(_TOKEN)
    if not token:
        try:
            token = st.context.cookies.get(COOKIE)
        except Exception:  # no browser (AppTest)
            token = None
    if not isinstance(token, str):
        token = None
    p = auth.resume(dbread.db_path(), token)
    if p is None:
        ss.pop(_TOKEN, None)
        return ANONYMOUS
    ss[_TOKEN] = token
    return p


def current() -> Principal:
    """The principal resolved at the start of this page run (``gate``); anonymous outside the app."""
    try:
        from streamlit.runtime.scriptrunner import get_script_run_ctx
        if get_script_run_ctx(suppress_warning=True) is None:
            return ANONYMOUS
        return st.session_state.get(_PRINCIPAL) or resolve()
    except Exception:
        return ANONYMOUS


dbread.current_principal = current  # every named query is scoped to this run's principal


def _cookie(token: str | None) -> None:
    """Set (token) or clear (None) the session cookie in the browser. The token is ours
    (URL-safe base64), never user input."""
    if token is None:
        value = f"{COOKIE}=; path=/; max-age=0; SameSite=Strict"
    else:
        value = f"{COOKIE}={token}; path=/; max-age={int(auth.SESSION_MAX.total_seconds())}; SameSite=Strict"
    st.html("<script>document.cookie = '" + value + "' + (location.protocol === 'https:' ? '; Secure' : '');"
            "</script>", unsafe_allow_javascript=True)


def _sign_in_box(p: Principal) -> None:
    ss = st.session_state
    sb = st.sidebar
    pending = ss.pop("_perfeval_cookie", False)
    if pending:
        with sb:
            _cookie(None if pending == "clear" else pending)
    if p.signed_in:
        sb.caption(f":material/person: 已登录：{p.describe()}")
        if p.via == "oidc":
            if sb.button("退出登录", key="sign_out", icon=":material/logout:"):
                st.logout()
        elif sb.button("退出登录", key="sign_out", icon=":material/logout:"):
            auth.end_session(ss.pop(_TOKEN, None))
            ss["_perfeval_cookie"] = "clear"
            ss.pop(_PRINCIPAL, None)
            st.rerun()
        return
    with sb.expander("登录", icon=":material/login:", expanded=bool(ss.get("_perfeval_signin_error"))):
        if oidc_configured():
            _, ident = _oidc_principal()
            if ident:
                st.warning(f"身份 {ident} 尚未获授权使用本系统，请联系管理员。", icon=":material/block:")
                if st.button("退出统一身份认证", key="oidc_out"):
                    st.logout()
            elif st.button("使用统一身份认证登录", key="oidc_in", icon=":material/badge:"):
                st.login()
        with st.form("sign_in", clear_on_submit=True, border=False):
            name = st.text_input("账号", key="signin_name", autocomplete="username")
            password = st.text_input("密码", type="password", key="signin_password", autocomplete="current-password")
            submitted = st.form_submit_button("登录", type="primary")
        if submitted:
            try:
                principal = auth.authenticate(dbread.db_path(), name, password)
            except auth.SignInError as exc:
                ss["_perfeval_signin_error"] = str(exc)
                st.rerun()
            token = auth.start_session(principal)
            ss[_TOKEN] = token
            ss["_perfeval_cookie"] = token
            ss.pop("_perfeval_signin_error", None)
            st.rerun()
        if ss.get("_perfeval_signin_error"):
            st.error(ss["_perfeval_signin_error"], icon=":material/error:")
        st.caption("访客可以查看分析页面；上传、修正和删除需要登录。" if roles.anonymous_access() == "read"
                   else "请登录后使用。")


def sign_in() -> Principal:
    """Resolve this run's principal (``current`` returns it from now on) and draw the sign-in box."""
    p = resolve()
    st.session_state[_PRINCIPAL] = p
    _sign_in_box(p)
    return p


def gate(p: Principal, require: str = "view") -> Principal:
    """Stop the page unless the principal may ``require`` (an action of ``roles.NEEDS``) and the
    URL stays within its scope."""
    if not p.signed_in and roles.anonymous_access() == "none":
        st.info("请先在左侧「登录」。", icon=":material/login:")
        st.stop()
    if not p.can(require):
        need = roles.ROLE_LABELS[roles.NEEDS[require]]
        st.error(f"没有权限访问本页面：需要{need}及以上角色，当前为{roles.ROLE_LABELS[p.role]}。"
                 + ("请先在左侧登录。" if not p.signed_in else "如需权限，请联系管理员。"), icon=":material/block:")
        st.stop()
    if p.scoped:
        outside = url_outside_scope(p)
        if outside:
            st.error(f"链接中的{outside}不在您的账号可见范围内（{'、'.join(p.regions + p.units)}），不能显示。"
                     "请使用左侧筛选条件在可见范围内查看。", icon=":material/block:")
            st.stop()
    return p


def url_outside_scope(p: Principal) -> str | None:
    """What of the URL the principal may not see ("评价", "地区", "单位"), or None."""
    qp = st.query_params
    ids = [v for k in EVAL_PARAMS for v in qp.get_all(k) if v]
    if ids and set(dbread.evals_in_scope(ids, p)) != set(ids):
        return "评价"
    regions = qp.get_all("region")
    if p.regions and any(r not in p.regions for r in regions):
        return "地区"
    units = qp.get_all("unit")
    if units and set(dbread.units_in_scope(units, p)) != set(units):
        return "单位"
    return None
