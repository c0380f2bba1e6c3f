"""benchmarks/smoke.py (CI's bench-smoke stage) runs every benchmark script that has a quick mode,
and each step needs only steps it knows, listed before it."""

from __future__ import annotations

import importlib.util
from pathlib import Path

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"


def load_smoke():
    spec = importlib.util.spec_from_file_location("smoke", BENCHMARKS / "smoke.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_script_with_a_quick_mode_is_a_step():
    smoke = load_smoke()
    run = {Path(part).name for _, command, _ in smoke.STEPS for part in command}
    quick = {
        path.name
        for path in BENCHMARKS.glob("*.py")
        if '"--quick"' in path.read_text() and path.name != "smoke.py"
    }
    assert quick, "no benchmark script has a --quick mode"
    assert quick <= run, f"not smoke-run: {sorted(quick - run)}"


def test_steps_need_only_earlier_steps():
    smoke = load_smoke()
    seen: set[str] = set()
    for name, _, needs in smoke.STEPS:
        assert set(needs) <= seen, f"{name} needs {set(needs) - seen}, not listed before it"
        assert name not in seen, f"{name} listed twice"
        seen.add(name)
    assert seen >= smoke.ALONE, f"ALONE names no step: {smoke.ALONE - seen}"
