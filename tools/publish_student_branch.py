"""Write the student notebooks to the ``student`` branch that "Open in Colab" opens.

    python -m tools.publish_student_branch            # commit to the local branch `student`
    git push origin student                           # then publish it

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


def write_student_tree(dest: Path) -> list[Path]:
    """Write book/ in its student version under ``dest``; return the files written."""
    written = []
    for source in sorted(editions.BOOK.rglob("*")):
        relative = source.relative_to(editions.ROOT)
        if source.is_dir() or any(part.startswith((".", "_")) for part in relative.parts):
            continue
        target = dest / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.suffix == ".ipynb":
            nbformat.write(editions.student_notebook(nbformat.read(source, as_version=4)), target)
        else:
            shutil.copyfile(source, target)
        written.append(target)
    (dest / "README.md").write_text(README, encoding="utf-8")
    return written


def publish(branch: str = editions.STUDENT_BRANCH) -> str:
    """Commit the student tree to ``branch`` (created if missing); return the new commit id."""
    root = editions.ROOT
    with tempfile.TemporaryDirectory() as tmp:
        worktree = Path(tmp) / "student"
        exists = subprocess.run(["git", "rev-parse", "--verify", "--quiet", branch], cwd=root,
                                capture_output=True).returncode == 0
        if exists:
            git("worktree", "add", str(worktree), branch, cwd=root)
        else:
            git("worktree", "add", "--detach", str(worktree), cwd=root)
            git("checkout", "--orphan", branch, cwd=worktree)
        try:
            for item in worktree.iterdir():
                if item.name != ".git":
                    shutil.rmtree(item) if item.is_dir() else item.unlink()
            write_student_tree(worktree)
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
    args = parser.parse_args(argv)
    commit = publish(args.branch)
    print(f"publish_student_branch: {args.branch} is at {commit}; push it with `git push origin {args.branch}`.")


if __name__ == "__main__":
    main()
