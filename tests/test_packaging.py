"""The project as a package: pyproject.toml and requirements.txt agree, at most five .py files stand at the root,
the root entry points only re-export public APIs (import-linter cannot take a root module as a package), the
import-linter contracts and the maps of the code (docs/architecture.md, jobs/manager.py) name every module, and no
module imports another's private name."""
from __future__ import annotations

import ast
import importlib
import re
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))

# What each root entry point may import: the public front doors only.
ALLOWED = {
    "job_manager.py": {"inlink.jobs"},
    "analyzer.py": {"inlink.links.index", "inlink.links.suggest"},
    "cli.py": {"sys", "inlink.cli"},
}


def requirement_lines(name: str) -> list[str]:
    lines = (REPO / name).read_text(encoding="utf-8").splitlines()
    return [line.split("#")[0].strip() for line in lines if line.split("#")[0].strip()]


def test_pyproject_dependencies_are_requirements_txt():
    assert PYPROJECT["project"]["dependencies"] == requirement_lines("requirements.txt")


def test_the_console_script_and_the_shipped_files_exist():
    module, _, function = PYPROJECT["project"]["scripts"]["inlink"].partition(":")
    path = REPO / Path(*module.split("."))
    assert (path.with_suffix(".py").is_file() or (path / "__init__.py").is_file()) and function == "main"
    assert callable(getattr(importlib.import_module(module), function))
    setuptools = PYPROJECT["tool"]["setuptools"]
    for target, files in setuptools["data-files"].items():
        for name in files:
            assert (REPO / name).is_file(), f"{target}: {name} is missing"
    for module in setuptools["py-modules"]:
        assert (REPO / f"{module}.py").is_file()


def test_at_most_five_python_files_at_the_root():
    assert len(list(REPO.glob("*.py"))) <= 5


@pytest.mark.parametrize("name", sorted(ALLOWED))
def test_root_entry_points_only_re_export_public_apis(name):
    tree = ast.parse((REPO / name).read_text(encoding="utf-8"))
    imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    imported |= {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    assert imported <= ALLOWED[name], imported - ALLOWED[name]


def test_cli_help_loads_no_job_manager_nor_analysis_libraries():
    """`cli.py --help` (issue 10: under 0.5 s) builds its commands without the job manager, its store and filelock,
    nor pandas, scikit-learn or google-genai: they load when a command runs. Checked in a fresh interpreter."""
    import subprocess
    import sys

    probe = ("import sys, runpy\nsys.argv = ['cli.py', '--help']\ntry:\n    runpy.run_path('cli.py', run_name='__main__')\n"
             "except SystemExit:\n    pass\nheavy = ('inlink.jobs.manager', 'inlink.jobs.store', 'filelock', 'pandas', "
             "'sklearn', 'google.genai', 'numpy')\nprint('LOADED', sorted(m for m in heavy if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=REPO, check=True).stdout
    assert "Usage:" in out and "LOADED []" in out, out[-500:]


def test_the_job_engines_front_door_lists_the_managers_public_api():
    """inlink.jobs names its exports without importing the manager (a lazy front door): its list must stay the
    manager's __all__, each name the same object."""
    import inlink.jobs as front
    from inlink.jobs import manager

    assert sorted(front.__all__) == sorted(manager.__all__)
    assert all(getattr(front, name) is getattr(manager, name) for name in manager.__all__)


def _contract(contract_id: str) -> dict:
    [contract] = [c for c in PYPROJECT["tool"]["importlinter"]["contracts"] if c["id"] == contract_id]
    return contract


def test_the_front_door_contract_forbids_every_module_behind_the_door():
    """A module added to the job engine is behind its front door too: the contract lists the modules by name, and
    one left off it (results_check was) could be imported by a front end or a task without lint-imports saying so."""
    behind = {f"inlink.jobs.{path.stem}" for path in (REPO / "inlink" / "jobs").glob("*.py")
              if path.stem != "__init__"}
    assert behind - set(_contract("front-door")["forbidden_modules"]) == set()


def test_every_top_level_module_is_a_layer_or_a_shared_helper_below_all():
    """A module at the package's top is the uploads layer or a shared helper that knows no layer: one missing from
    both contracts could import any layer unchecked."""
    layers = {name.strip() for layer in _contract("layers")["layers"] for part in layer.split("|")
              for name in part.split(":")}
    shared = set(_contract("shared-below-all")["source_modules"])
    top = {f"inlink.{path.stem}" for path in (REPO / "inlink").glob("*.py") if not path.stem.startswith("__")}
    assert top - layers - shared == set()


def _architecture_table() -> dict[str, str]:
    """docs/architecture.md's table of packages and modules: its first cell -> the rest of the row."""
    rows = {}
    for line in (REPO / "docs" / "architecture.md").read_text(encoding="utf-8").splitlines():
        if line.startswith("| `inlink/"):
            first, _, rest = line[2:].partition(" | ")
            rows[first] = rest
    return rows


def test_the_architecture_table_names_every_module():
    """docs/architecture.md is read first by a maintainer: each package's row names every module in it (the fetcher's
    `unavailable` was left out), and each module at the package's top has a row (wording.py had none)."""
    table = _architecture_table()
    missing = [f"inlink/{path.name}" for path in (REPO / "inlink").glob("*.py")
               if not path.stem.startswith("__") and not any(f"`inlink/{path.name}`" in cell for cell in table)]
    for package in ("jobs", "site", "links", "gemini", "fetch", "tasks", "cli"):
        [row] = [rest for cell, rest in table.items() if cell.startswith(f"`inlink/{package}/`")]
        missing += [f"inlink/{package}/{path.name}" for path in (REPO / "inlink" / package).glob("*.py")
                    if not path.stem.startswith("__") and f"`{path.stem}`" not in row]
    assert missing == []


@pytest.mark.parametrize("package", ["jobs", "site", "gemini", "fetch", "tasks", "ui", "cli"])
def test_no_module_imports_a_name_another_module_keeps_private(package):
    """A name with a leading underscore is its module's own: one that other modules import is shared code under a
    name that says nobody else relies on it (site/coded.py took urls._distinct, the column helpers it owns; the
    CLI's command modules took root.py's _manager, _job_manager, _link_task, _orphans_text and _CleanErrors)."""
    imported = []
    for path in sorted((REPO / "inlink" / package).rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("inlink"):
                imported += [f"{path.relative_to(REPO)}: {node.module}.{alias.name}" for alias in node.names
                             if alias.name.startswith("_") and not alias.name.startswith("__")]
    assert imported == []


def test_the_job_managers_map_names_every_module_of_the_engine():
    """manager.py's docstring is the map of the pieces behind the front door: results_check.py was missing from it."""
    from inlink.jobs import manager

    named = set(re.findall(r"\b(\w+)\.py\b", manager.__doc__))
    modules = {path.stem for path in (REPO / "inlink" / "jobs").glob("*.py") if not path.stem.startswith("__")}
    assert modules - named - {"manager"} == set()


def test_the_dashboards_map_names_every_module_of_inlink_ui():
    """docs/architecture.md's dashboard section maps inlink/ui module by module; ui/fetch_form.py was left out."""
    text = (REPO / "docs" / "architecture.md").read_text(encoding="utf-8")
    section = text[text.index("## 6. Dashboard"):text.index("## 7. ")]
    modules = {path.stem for path in (REPO / "inlink" / "ui").glob("*.py") if not path.stem.startswith("__")}
    assert sorted(name for name in modules if f"ui/{name}.py" not in section) == []


def test_the_files_the_readmes_commands_write_in_a_clone_are_ignored_by_git():
    """Following the README in a clone left suggestions.csv, results.csv / .xlsx (and a fetch's pages.csv and
    links.csv) as untracked files at its root, a client site's data one `git add .` away from a commit."""
    if shutil.which("git") is None or not (REPO / ".git").exists():
        pytest.skip("not a git clone")
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    commands = [line for line in readme.splitlines() if line.strip().startswith("python3 cli.py")]
    written = {name for line in commands for name in re.findall(r"(?:--out|-o|--out-pages|--out-links) (\S+)", line)}
    written |= {"results.xlsx"} if "results.xlsx: an Excel workbook" in readme else set()
    assert {"suggestions.csv", "results.csv", "pages.csv", "links.csv", "results.xlsx"} <= written, written
    for name in sorted(written):
        ignored = subprocess.run(["git", "-C", str(REPO), "check-ignore", "-q", name], timeout=30)
        assert ignored.returncode == 0, f"{name}, written by the README's commands, is not ignored by git"
    kept = subprocess.run(["git", "-C", str(REPO), "check-ignore", "-q", "sample_data/pages.csv"], timeout=30)
    assert kept.returncode == 1   # the sample site's own files are source
