"""Who acts and what each role may do: ``Principal``, the roles, ``cli_principal``.

Below the store: every data-changing function takes the acting ``Principal`` and calls ``require``
before it writes; accounts and sign-in (perfeval.app.auth) only produce principals.
"""
from __future__ import annotations

import getpass
import os
import sys
from dataclasses import dataclass, field

ROLES = ("viewer", "editor", "admin")
ROLE_LABELS = {"anonymous": "访客（未登录）", "viewer": "查看者", "editor": "编辑者", "admin": "管理员"}
_RANK = {"anonymous": 0, "viewer": 1, "editor": 2, "admin": 3}
# action → the least role that may do it
NEEDS = {"view": "anonymous", "download": "anonymous", "upload": "editor", "correct": "editor",
         "delete": "admin", "restore": "admin", "purge": "admin", "reclassify": "admin", "accounts": "admin",
         "audit": "admin"}
ACTION_LABELS = {"upload": "上传导入", "correct": "修正问题类别", "delete": "删除文档", "restore": "恢复文档",
                 "purge": "清空回收站", "reclassify": "重新分类", "accounts": "管理账号", "audit": "查看审计日志"}


class PermissionDenied(PermissionError):
    """The principal's role does not allow the action; the message is Chinese, for the user."""


@dataclass(frozen=True)
class Principal:
    """Who acts: an account, an OIDC identity, the OS user of a CLI command, or an anonymous visitor."""
    name: str
    role: str                       # anonymous | viewer | editor | admin
    regions: tuple[str, ...] = ()   # scope: empty = all
    units: tuple[str, ...] = ()
    via: str = "app"                # app | oidc | cli | anonymous
    since: float = field(default=0.0, compare=False)  # password_changed_at of the account (epoch s)

    @property
    def scoped(self) -> bool:
        return bool(self.regions or self.units)

    @property
    def signed_in(self) -> bool:
        return self.role != "anonymous"

    def can(self, action: str) -> bool:
        return _RANK[self.role] >= _RANK[NEEDS[action]]

    def require(self, action: str) -> None:
        if not self.can(action):
            need = ROLE_LABELS[NEEDS[action]]
            raise PermissionDenied(f"没有权限：「{ACTION_LABELS.get(action, action)}」需要{need}及以上角色，"
                                   f"当前为{ROLE_LABELS[self.role]}。")
        if self.scoped and action in ("delete", "restore", "purge", "reclassify", "accounts"):
            # whole-database actions are for accounts that see the whole database
            raise PermissionDenied("没有权限：限定地区或单位的账号不能执行涉及整个数据库的操作。")

    def describe(self) -> str:
        out = f"{self.name}（{ROLE_LABELS[self.role]}）"
        if self.scoped:
            out += "，可见范围：" + "、".join(list(self.regions) + list(self.units))
        return out


ANONYMOUS = Principal("访客", "anonymous", via="anonymous")


def anonymous_access() -> str:
    """``read`` (default: analysis pages without signing in) or ``none``."""
    return "none" if os.environ.get("PERFEVAL_ANONYMOUS", "read").strip().lower() == "none" else "read"


def _inside_app() -> bool:
    if "streamlit.runtime" not in sys.modules:  # not imported: no app is running (importing it costs 0.5 s)
        return False
    try:
        from streamlit.runtime.scriptrunner import get_script_run_ctx
    except ImportError:  # pragma: no cover
        return False
    return get_script_run_ctx(suppress_warning=True) is not None


def cli_principal() -> Principal:
    """The OS user running a command line action: the file is theirs, so they act as admin.
    Refused inside the dashboard, whose writes must name the signed-in principal."""
    if _inside_app():
        raise PermissionDenied("内部错误：看板中的写操作必须注明登录用户。")
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = f"uid{os.getuid()}" if hasattr(os, "getuid") else "unknown"
    return Principal(user, "admin", via="cli")
