"""Write the student notebooks to the ``student`` branch that "Open in Colab" opens.

    python -m tools.publish_student_branch            # commit to the local branch `student`
    git push origin student                           # then publish it

The publish workflow (.github/workflows/publish.yml) does both on every push to the default
branch. The install cells name the repository of ``--repository-url``, else
``$COURSE_REPOSITORY_URL``, else _config.yml (tools/editions.py: the book's own rule). A missing
local branch starts from ``origin/student`` when there is one (a fresh CI checkout).

The branch holds ``book/`` with every chapter in its student version (the same
notebooks ``nbgrader generate_assignment`` releases: no solutions, no hidden
tests, no outputs) and a README that points back to main.  The public book's
Colab links point to this branch (tools/editions.py, STUDENT_BRANCH), so a
learner never opens the solutions by accident.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import tempfile
from pathlib import Path

import nbformat

from tools import editions

README = """# 딥러닝 레이어의 이해: 학생용 노트북

이 브랜치는 자동으로 만들어집니다 (python -m tools.publish_student_branch). 정답이 지워진 학생용 노트북만 들어 있습니다.
원본과 책은 main 브랜치에 있습니다.
"""


def git(*args: str, cwd: Path) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout.strip()


def write_student_tree(dest: Path, repository: str | None = None) -> list[Path]:
    """Write book/ in its student version under ``dest``, naming ``repository`` (default: _config.yml's)
    in the install cells; return the files written."""
    repository = repository or editions.configured_repository_url()
    written = []
    for source in sorted(editions.BOOK.rglob("*")):
        relative = source.relative_to(editions.ROOT)
        if source.is_dir() or any(part.startswith((".", "_")) for part in relative.parts):
            continue
        target = dest / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.suffix == ".ipynb":
            nb = editions.student_notebook(nbformat.read(source, as_version=4))
            nbformat.write(editions.notebook_with_repository_url(nb, repository), target)
        elif source.suffix == ".md":
            target.write_text(editions.with_repository_url(source.read_text(encoding="utf-8"), repository),
                              encoding="utf-8")
        else:
            shutil.copyfile(source, target)
        written.append(target)
    (dest / "README.md").write_text(README, encoding="utf-8")
    return written


def _has_ref(ref: str, root: Path) -> bool:
    return subprocess.run(["git", "rev-parse", "--verify", "--quiet", ref], cwd=root, capture_output=True).returncode == 0


def publish(branch: str = editions.STUDENT_BRANCH, repository: str | None = None) -> str:
    """Commit the student tree to ``branch`` (created if missing, from ``origin/<branch>`` when that
    exists); return the new commit id."""
    root = editions.ROOT
    with tempfile.TemporaryDirectory() as tmp:
        worktree = Path(tmp) / "student"
        if not _has_ref(f"refs/heads/{branch}", root) and _has_ref(f"refs/remotes/origin/{branch}", root):
            git("branch", branch, f"origin/{branch}", cwd=root)  # a CI checkout: continue the published history
        if _has_ref(f"refs/heads/{branch}", root):
            git("worktree", "add", str(worktree), branch, cwd=root)
        else:
            git("worktree", "add", "--detach", str(worktree), cwd=root)
            git("checkout", "--orphan", branch, cwd=worktree)
        try:
            for item in worktree.iterdir():
                if item.name != ".git":
                    shutil.rmtree(item) if item.is_dir() else item.unlink()
            write_student_tree(worktree, repository)
            git("add", "--all", cwd=worktree)
            source_commit = git("rev-parse", "--short", "HEAD", cwd=root)
            if git("status", "--porcelain", cwd=worktree):
                git("commit", "-q", "-m", f"Student notebooks from main {source_commit}", cwd=worktree)
            return git("rev-parse", "--short", "HEAD", cwd=worktree)
        finally:
            git("worktree", "remove", "--force", str(worktree), cwd=root)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--branch", default=editions.STUDENT_BRANCH)
    parser.add_argument("--repository-url", help="the repository the install cells name "
                        f"(default: ${editions.REPOSITORY_URL_ENV}, else repository.url of _config.yml)")
    args = parser.parse_args(argv)
    url, origin = editions.repository_url(args.repository_url)
    print(f"publish_student_branch: repository URL {url} (from {origin})")
    commit = publish(args.branch, url)
    print(f"publish_student_branch: {args.branch} is at {commit}; push it with `git push origin {args.branch}`.")


if __name__ == "__main__":
    main()
