"""The seams: commands/ and storage/ never import a chat platform library, and the bot
knows storage only through its API."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PLATFORMS = {"discord", "telegram"}


def _imports(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module.split(".")[0])
    return found


def test_core_packages_import_no_platform_library() -> None:
    offenders = [
        str(path.relative_to(ROOT))
        for folder in ("commands", "storage")
        for path in (ROOT / folder).rglob("*.py")
        if _imports(path) & PLATFORMS
    ]
    assert offenders == []


def test_only_adapters_import_platform_libraries() -> None:
    offenders = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "bot").rglob("*.py")
        if _imports(path) & PLATFORMS and "adapters" not in path.parts
    ]
    assert offenders == []


def test_sql_lives_in_storage_only() -> None:
    keywords = ("SELECT ", "INSERT INTO", "UPDATE ", "DELETE FROM", "CREATE TABLE")
    offenders = [
        str(path.relative_to(ROOT))
        for folder in ("bot", "commands")
        for path in (ROOT / folder).rglob("*.py")
        if any(k in path.read_text(encoding="utf-8") for k in keywords)
    ]
    assert offenders == []


def test_adapters_reach_storage_only_through_the_core() -> None:
    """Adapters turn events into messages and render replies; they write nothing."""
    offenders = [
        str(path.relative_to(ROOT))
        for path in (ROOT / "bot" / "adapters").rglob("*.py")
        if "storage" in _imports(path)
    ]
    assert offenders == []


def _modules(path: Path) -> set[str]:
    """Every module `path` imports, by its full name."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def test_the_bot_knows_storage_only_through_its_api() -> None:
    """No database driver, no backend: any backend serves the same bot. File backups are
    the one SQLite-only tool (a server has its own)."""
    drivers = {"sqlite3", "aiosqlite", "asyncpg", "psycopg"}
    offenders = {
        str(path.relative_to(ROOT))
        for folder in ("bot", "commands")
        for path in (ROOT / folder).rglob("*.py")
        for module in _modules(path)
        if module.split(".")[0] in drivers
        or (module.startswith("storage.") and not module.startswith("storage.api"))
    }
    assert offenders == {"bot/backup.py"}
