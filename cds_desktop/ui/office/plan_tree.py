"""The plan editor's tree: the nodes of a plan document and the changes of its structure.

A node is named by its path in the document: ``("plan",)`` the identity, ``("groups", 1)`` a group,
``("groups", 1, "indicators", 0)`` an indicator, ``("groups", 1, "tasks", 2, "subtasks", 0)`` a sub-task,
``("schedule",)`` the schedule. ``PlanTree`` (a ``QStandardItemModel``) shows them, each item holding its path;
it is rebuilt whole after a change of structure (adding, removing, moving), which the functions here make on
the document itself: new items get a code not yet used and a source pointing at the plan's document, so that the
problem list asks only for what a person must write.
"""

from __future__ import annotations

from typing import Any, Iterator

from PySide6.QtCore import QModelIndex, QObject, Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel

from cds_desktop.core.i18n import current_language, translate
from cds_desktop.ui.office.plan_fields import Key, value_at

PATH_ROLE = Qt.ItemDataRole.UserRole + 1
IDENTITY, SCHEDULE = ("plan",), ("schedule",)


def node_kind(path: Key) -> str:
    """``identity``, ``schedule``, ``group``, ``indicator`` or ``task``."""
    if path == IDENTITY:
        return "identity"
    if path == SCHEDULE:
        return "schedule"
    if len(path) == 2:
        return "group"
    return "indicator" if path[2] == "indicators" else "task"


def node_label(document: dict, path: Key) -> str:
    kind = node_kind(path)
    if kind in ("identity", "schedule"):
        return translate(f"ui.plan_editor.tree.{kind}")
    node = value_at(document, path) or {}
    words = node.get("name" if kind == "indicator" else "title")
    words = words.get(current_language(), "") if isinstance(words, dict) else ""
    if kind == "task" and "subtasks" in path:
        kind = "subtask"
    return translate(f"ui.plan_editor.tree.{kind}", code=node.get("code", ""), text=words).strip().rstrip(":.")


def node_path(path_text: str) -> Key:
    """A problem's path (``groups[1].indicators[0].code``) as a key (``("groups", 1, "indicators", 0, "code")``)."""
    key: list[str | int] = []
    for part in path_text.replace("]", "").replace("[", ".").split("."):
        if part:
            key.append(int(part) if part.isdigit() else part)
    return tuple(key)


def owner_of(document: dict, key: Key) -> tuple[Key, Key]:
    """The node a problem at ``key`` belongs to, and the rest of the key inside that node."""
    if key[:1] == ("groups",) and len(key) > 1 and isinstance(key[1], int):
        owner = key[:2]
        rest = key[2:]
        while len(rest) >= 2 and rest[0] in ("indicators", "tasks", "subtasks") and isinstance(rest[1], int):
            if value_at(document, owner + rest[:2]) is None:
                break
            owner, rest = owner + rest[:2], rest[2:]
        return owner, rest
    if key[:1] == ("schedule",):
        return SCHEDULE, key[1:]
    if key[:1] == ("plan",):
        return IDENTITY, key[1:]
    return IDENTITY, ()  # the document as a whole ("groups" missing, "format" …): shown on the identity


# --- changing the structure ----------------------------------------------------------------------------------
def _item_codes(document: dict) -> set[str]:
    codes = set()

    def walk(tasks: Any) -> None:
        for task in tasks if isinstance(tasks, list) else []:
            if isinstance(task, dict):
                codes.add(str(task.get("code")))
                walk(task.get("subtasks"))

    for group in _groups(document):
        codes.update(str(i.get("code")) for i in group.get("indicators") or [] if isinstance(i, dict))
        walk(group.get("tasks"))
    return codes


def _groups(document: dict) -> list[dict]:
    groups = document.get("groups")
    return [g for g in groups if isinstance(g, dict)] if isinstance(groups, list) else []


def unused_code(taken: set[str], stem: str) -> str:
    """``stem`` followed by the first number not taken (``II.1``, ``II.2`` …; ``1``, ``2`` … without a stem)."""
    number = 1
    while f"{stem}{number}" in taken:
        number += 1
    return f"{stem}{number}"


def _source(document: dict, section: str) -> dict:
    plan = document.get("plan") if isinstance(document.get("plan"), dict) else {}
    title = plan.get("title") if isinstance(plan.get("title"), dict) else {}
    cited = plan.get("document_number") or title.get("vi")
    return {"document": cited, "section": section} if cited else {"section": section}


def add_group(document: dict, after: Key | None) -> Key:
    groups = document.setdefault("groups", [])
    code = unused_code({str(g.get("code")) for g in _groups(document)}, "")
    index = after[1] + 1 if after and after[:1] == ("groups",) else len(groups)
    groups.insert(index, {"code": code})
    return ("groups", index)


def add_item(document: dict, group: int, kind: str) -> Key:
    """A new indicator (``kind`` "indicators") or task ("tasks") at the end of group ``group``."""
    node = document["groups"][group]
    code = unused_code(_item_codes(document), f"{node.get('code', '')}.")
    item: dict[str, Any] = {"code": code}
    if kind == "indicators":
        item.update(kind="ratio", unit="households")
    item["source"] = _source(document, code)
    items = node.setdefault(kind, [])
    items.append(item)
    return ("groups", group, kind, len(items) - 1)


def add_subtask(document: dict, task: Key) -> Key:
    node = value_at(document, task)
    code = unused_code(_item_codes(document), f"{node.get('code', '')}.")
    subtasks = node.setdefault("subtasks", [])
    subtasks.append({"code": code, "source": _source(document, code)})
    return (*task, "subtasks", len(subtasks) - 1)


def has_children(document: dict, path: Key) -> bool:
    node = value_at(document, path) or {}
    return bool(node.get("subtasks") or node.get("indicators") or node.get("tasks")) if node_kind(path) in (
        "group", "task") else False


def remove(document: dict, path: Key) -> Key:
    """Remove the node ``path``; the node to select then (the one before it, else its parent)."""
    siblings = value_at(document, path[:-1])
    del siblings[path[-1]]
    if node_kind(path) == "group" and not siblings:
        return IDENTITY
    if path[-1] > 0:
        return (*path[:-1], path[-1] - 1)
    if siblings:
        return path
    return path[:-2] if len(path) > 2 else IDENTITY


def move(document: dict, path: Key, step: int) -> Key | None:
    """Move the node ``path`` ``step`` places among its siblings; its new path (None when it cannot move)."""
    if node_kind(path) in ("identity", "schedule"):
        return None
    siblings = value_at(document, path[:-1])
    target = path[-1] + step
    if not 0 <= target < len(siblings):
        return None
    siblings[path[-1]], siblings[target] = siblings[target], siblings[path[-1]]
    return (*path[:-1], target)


# --- the tree shown ------------------------------------------------------------------------------------------
def node_paths(document: dict) -> Iterator[tuple[Key, Key | None]]:
    """Every node's path and its parent's, in the order the tree shows them."""
    yield IDENTITY, None

    def tasks(parent: Key, key: str) -> Iterator[tuple[Key, Key | None]]:
        for index, task in enumerate(value_at(document, (*parent, key)) or []):
            path = (*parent, key, index)
            yield path, parent
            if isinstance(task, dict):
                yield from tasks(path, "subtasks")

    for index, group in enumerate(document.get("groups") or []):
        path = ("groups", index)
        yield path, None
        for number, _indicator in enumerate(group.get("indicators") or [] if isinstance(group, dict) else []):
            yield (*path, "indicators", number), path
        yield from tasks(path, "tasks")
    yield SCHEDULE, None


class PlanTree(QStandardItemModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.items: dict[Key, QStandardItem] = {}
        self.paths: list[Key] = []  # an item holds the number of its path here (Qt would turn a tuple into a list)

    def build(self, document: dict) -> None:
        self.clear()
        self.items, self.paths = {}, []
        for path, parent in node_paths(document):
            item = QStandardItem(node_label(document, path))
            item.setEditable(False)
            item.setData(len(self.paths), PATH_ROLE)
            self.paths.append(path)
            (self.items[parent] if parent is not None else self.invisibleRootItem()).appendRow(item)
            self.items[path] = item

    def relabel(self, document: dict, path: Key) -> None:
        if path in self.items:
            self.items[path].setText(node_label(document, path))

    def index_of(self, path: Key) -> QModelIndex:
        item = self.items.get(path)
        return item.index() if item is not None else QModelIndex()

    def path_of(self, index: QModelIndex) -> Key | None:
        return self.paths[index.data(PATH_ROLE)] if index.isValid() else None
