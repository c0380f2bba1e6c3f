"""The package's layers: every import, at the top of a module or inside a function, points from a
higher layer to a lower one (or within its own folder), so the folders read as the data's path."""

import ast
from pathlib import Path

import textnn

# Bottom to top; the README's Layout section lists the same order.
LAYERS = [
    {"errors", "locations", "jsonfile", "files", "memory", "compile_cache"},
    {"config"},
    {"data"},
    {"text"},
    {"vectors"},
    {"models"},
    {"train"},
    {"runs"},
    {"tune"},
    {"analysis"},
    {"serve"},
    {"estimator", "cli", "__init__", "ensemble", "explain", "plots", "report"},
]
PACKAGE = Path(textnn.__file__).parent


def layer_of(room: str) -> int:
    for depth, rooms in enumerate(LAYERS):
        if room in rooms:
            return depth
    raise AssertionError(f"textnn.{room} is in no layer: add it to LAYERS and the README")


def room_of(module: str) -> str:
    """textnn.runs.pipeline -> runs; textnn.errors -> errors; textnn -> __init__."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def imports(path: Path) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("textnn"):
            names = [f"{node.module}.{a.name}" for a in node.names]
            # `from textnn import plots` names a module; `from textnn import __version__` not
            found += [(node.lineno, n if node.module == "textnn" else node.module) for n in names]
        elif isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names if a.name.startswith("textnn")]
    return found


def test_every_module_is_in_a_layer():
    for path in PACKAGE.rglob("*.py"):
        layer_of(room_of(".".join(("textnn", *path.relative_to(PACKAGE).with_suffix("").parts))))


def test_imports_point_down_the_layers():
    wrong = []
    for path in sorted(PACKAGE.rglob("*.py")):
        module = ".".join(("textnn", *path.relative_to(PACKAGE).with_suffix("").parts))
        here = layer_of(room_of(module))
        for line, target in imports(path):
            room = room_of(target)
            if room == "__version__":
                continue
            if room != room_of(module) and layer_of(room) > here:
                wrong.append(f"{path.relative_to(PACKAGE)}:{line} imports {target}")
    assert not wrong, "imports that point up the layers:\n" + "\n".join(wrong)
