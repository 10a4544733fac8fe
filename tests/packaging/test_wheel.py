"""The built wheel works without the checkout: `flows` and its package data come from the wheel,
the project folder from KENNZAHLEN_PROJECT or --project.

How the test gets a fresh environment quickly (installing every dependency would take minutes):

1. The wheel is built with `pip wheel --no-deps` from a copy of pyproject.toml, README.md and
   flows/ in a temporary folder, so nothing is written into the checkout (setuptools leaves
   build/ and *.egg-info/ next to the sources). Build isolation stays on: pyproject.toml asks
   for setuptools>=77, newer than the one in the test venv; pip gets it from the configured index
   or wheel folder.
2. `python -m venv --without-pip` makes an empty venv in tmp, outside the checkout.
3. The running interpreter's pip installs the wheel into it (`pip --python <venv python> install
   --no-deps --no-index`), so the console script `kennzahlen` points at the new venv's python.
   This happens before step 4, so pip sees an empty environment and touches nothing else.
4. A .pth file in the new venv names the test venv's site-packages. A plain path line only
   appends that folder to sys.path: the .pth files inside it are not processed, so the editable
   install of the checkout (`__editable__.kennzahlen-*.pth`) stays inactive, and the new venv's
   own site-packages comes first. The dependencies are reused, `flows` comes from the wheel.

Every command runs with cwd in tmp and without PYTHONPATH.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

from flows.specs import catalog

ROOT = Path(__file__).resolve().parents[2]
DATASET = "online-dienste"

pytestmark = pytest.mark.packaging


def _run(args: list[str], *, cwd: Path, env: dict[str, str] | None = None,
         timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


def _clean_env(**values: str) -> dict[str, str]:
    """The test's environment without anything that points Python or kennzahlen at the
    checkout (the reference data setting stays: the metadata checks need the shapes)."""
    dropped = {"PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP", "VIRTUAL_ENV", "KENNZAHLEN_PROJECT",
               "KENNZAHLEN_OUT", "CKAN_URL", "CKAN_API_TOKEN", "CKAN_API_TOKEN_BLOCK",
               "KENNZAHLEN_TARGETS"}
    env = {key: value for key, value in os.environ.items() if key not in dropped}
    env.update(values)
    return env


def _checked(result: subprocess.CompletedProcess[str], what: str) -> str:
    assert result.returncode == 0, f"{what} failed ({result.returncode}):\n{result.stderr[-4000:]}"
    return result.stdout


@pytest.fixture(scope="module")
def venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv outside the checkout with the built wheel installed (see module docstring)."""
    tmp = tmp_path_factory.mktemp("wheel")
    source = tmp / "source"
    source.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, source / name)
    shutil.copytree(ROOT / "flows", source / "flows",
                    ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    dist = tmp / "dist"
    _checked(_run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(dist),
                   str(source)], cwd=tmp, env=_clean_env(), timeout=300), "pip wheel")
    wheels = list(dist.glob("kennzahlen-*.whl"))
    assert len(wheels) == 1, wheels

    env_dir = tmp / "venv"
    _checked(_run([sys.executable, "-m", "venv", "--without-pip", str(env_dir)], cwd=tmp,
                  env=_clean_env()), "venv")
    python = env_dir / "bin" / "python"
    _checked(_run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps",
                   "--no-index", "-q", str(wheels[0])], cwd=tmp, env=_clean_env()),
             "pip install")
    site = Path(_checked(_run([str(python), "-c",
                               "import sysconfig; print(sysconfig.get_path('purelib'))"],
                              cwd=tmp, env=_clean_env()), "purelib").strip())
    deps = {sysconfig.get_path("purelib"), sysconfig.get_path("platlib")}
    (site / "zz_test_dependencies.pth").write_text("".join(f"{p}\n" for p in sorted(deps)))
    return env_dir


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the declarations (datapackages/ and schemas/) outside the checkout."""
    root = tmp_path_factory.mktemp("declarations") / "project"
    shutil.copytree(ROOT / "datapackages", root / "datapackages")
    shutil.copytree(ROOT / "schemas", root / "schemas")
    return root


def test_flows_and_its_meta_schemas_come_from_the_wheel(venv: Path, tmp_path: Path) -> None:
    probe = ("import json, sys, flows\n"
             "from flows.specs.loading import meta_schema\n"
             "print(json.dumps({'file': flows.__file__, 'path': sys.path,\n"
             "                  'dataset': meta_schema('dataset')['title'],\n"
             "                  'rules': meta_schema('rules')['title']}))\n")
    shown = json.loads(_checked(_run([str(venv / "bin" / "python"), "-c", probe], cwd=tmp_path,
                                     env=_clean_env()), "probe"))
    assert Path(shown["file"]).resolve().is_relative_to(venv.resolve())
    assert not Path(shown["file"]).resolve().is_relative_to(ROOT)
    assert str(ROOT) not in shown["path"]
    assert shown["dataset"] and shown["rules"]


def _ways_to_name_the_project(venv: Path, project: Path, out: Path
                              ) -> dict[str, tuple[list[str], dict[str, str]]]:
    """The command and environment for each way of naming the project folder."""
    kennzahlen = str(venv / "bin" / "kennzahlen")
    return {
        "KENNZAHLEN_PROJECT": ([kennzahlen], _clean_env(KENNZAHLEN_PROJECT=str(project),
                                                         KENNZAHLEN_OUT=str(out / "env"))),
        "--project": ([kennzahlen, "--project", str(project)],
                      _clean_env(KENNZAHLEN_OUT=str(out / "option"))),
    }


def test_list_shows_every_dataset(venv: Path, project: Path, tmp_path: Path) -> None:
    declared = set(catalog.dataset_names(project))  # a harmonised one: each member's part too
    assert DATASET in declared
    for way, (command, env) in _ways_to_name_the_project(venv, project, tmp_path).items():
        listed = _checked(_run([*command, "list"], cwd=tmp_path, env=env), f"list ({way})")
        assert all(name in listed for name in declared), listed
        assert "FEHLERHAFT" not in listed
        rows = json.loads(_checked(_run([*command, "list", "--format", "json"], cwd=tmp_path,
                                        env=env), f"list --format json ({way})"))
        assert {row["name"] for row in rows} == declared
        assert not [row for row in rows if "error" in row]


def test_validate_one_dataset(venv: Path, project: Path, tmp_path: Path) -> None:
    """Both ways at once: a validation takes about 11 s, mostly imports."""
    running = {
        way: subprocess.Popen([*command, "validate", DATASET], cwd=tmp_path, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for way, (command, env) in _ways_to_name_the_project(venv, project, tmp_path).items()
    }
    for way, process in running.items():
        stdout, stderr = process.communicate(timeout=180)
        assert process.returncode == 0, f"{way}:\n{stdout[-4000:]}{stderr[-4000:]}"
        assert DATASET in stdout


def test_without_a_project_the_command_says_how_to_name_one(venv: Path, tmp_path: Path) -> None:
    result = _run([str(venv / "bin" / "kennzahlen"), "list"], cwd=tmp_path,
                  env=_clean_env(KENNZAHLEN_OUT=str(tmp_path / "out")))
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Kein Projektordner gefunden" in result.stderr
    assert "KENNZAHLEN_PROJECT" in result.stderr and "--project" in result.stderr
