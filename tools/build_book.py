"""Build the course book with Jupyter Book 1 (run through scripts/build_book.sh).

    python -m tools.build_book               # public edition (default)
    python -m tools.build_book --instructor  # instructor edition
    python -m tools.build_book --pdf         # public edition, then its PDF (tools/pdf_book.py)

The repository URL of the Colab buttons and install cells is ``--repository-url``, else
``$COURSE_REPOSITORY_URL`` (the publish workflow sets it to the repository it runs in), else
``repository.url`` of _config.yml; it is applied to the staged copies (tools/editions.py), and the
build prints which one it used.

The sources of the edition are staged under ``_build/<edition>/src`` (see
tools/editions.py), executed with Jupyter Book's execution cache and written to
``_build/<edition>/_build/html``.  The build fails when a notebook fails to
execute or Sphinx reports a warning.

Both cores work: before Jupyter Book runs, the notebooks that its execution cache does not
hold are executed here, ``--jobs`` at a time (default: one per CPU), longest first (the times
of the cache's earlier records, else the training demos' calls, else the code's length), each exactly as MyST-NB's cache
mode executes it (jupyter-cache's ``single_nb_execution`` in the notebook's folder, the
``execute:`` settings of ``_config.yml``; only the kernel is stopped at once after the last cell),
and written into the same cache
(``_build/<edition>/_build/.jupyter_cache``, with ``execution_seconds``). Jupyter Book then
finds every notebook cached; a notebook that fails stops the build with its traceback.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import subprocess
import sys
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

from tools import editions

_JUPYTER_BOOK = "import sys; sys.argv[0] = 'jupyter-book'; from jupyter_book.cli.main import main; sys.exit(main())"


def _execute_one(path: str, timeout, allow_errors: bool):
    """Execute one staged notebook as MyST-NB's cache mode does (in a worker process)."""
    import nbformat
    from jupyter_cache.executors.utils import single_nb_execution

    nb = nbformat.read(path, as_version=4)
    # shutdown_kernel="immediate": once the last cell has replied, the kernel is stopped at once instead
    # of exiting on its own; a TensorFlow kernel's own exit takes 1-1.5 s of CPU, and the outputs are in.
    result = single_nb_execution(nb, cwd=str(Path(path).parent), timeout=timeout, allow_errors=allow_errors,
                                 meta_override=True, shutdown_kernel="immediate")
    return path, nbformat.writes(result.nb), result.time, result.exc_string


def execute_notebooks(src: Path, out: Path, jobs: int | None = None) -> dict[str, float]:
    """Execute the notebooks of ``src`` that the execution cache lacks, ``jobs`` at a time; cache them.

    Returns {notebook path: seconds} of what ran. Raises SystemExit when one fails (after the
    others finish, so the cache keeps their results).
    """
    import nbformat
    import yaml
    from jupyter_cache import get_cache
    from jupyter_cache.base import CacheBundleIn

    from tools.notebooks import book_notebooks

    execute = (yaml.safe_load((src / "_config.yml").read_text(encoding="utf-8")) or {}).get("execute") or {}
    if execute.get("execute_notebooks") != "cache":
        return {}  # the cache is what hands the results to Jupyter Book
    cache = get_cache(out / "_build" / ".jupyter_cache")  # MyST-NB's default: next to the html folder
    earlier = {record.uri: (record.data or {}).get("execution_seconds") for record in cache.list_cache_records()}
    todo, cost = [], {}
    for path in book_notebooks(src):
        nb = nbformat.read(path, as_version=4)
        try:
            cache.match_cache_notebook(nb)
        except KeyError:
            key = str(path.resolve())
            todo.append(key)
            code = [cell.source for cell in nb.cells if cell.cell_type == "code"]
            # Longest first: the time recorded last, else the training demos (chapters 5-7), else the code's length.
            cost[key] = (earlier.get(key) or 0, sum(c.count("fit(") + c.count("train") for c in code),
                         sum(map(len, code)))
    if not todo:
        return {}
    todo.sort(key=cost.get, reverse=True)
    jobs = max(1, min(jobs or len(os.sched_getaffinity(0)), len(todo)))
    print(f"build_book: executing {len(todo)} notebook(s), {jobs} at a time", flush=True)
    timeout, allow_errors = execute.get("timeout", 30), bool(execute.get("allow_errors", False))
    times, failures = {}, []
    # fork: the workers start at once (this process holds no threads and imports little)
    with ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("fork")) as pool:
        futures = [pool.submit(_execute_one, path, timeout, allow_errors) for path in todo]
        for future in as_completed(futures):
            path, text, seconds, error = future.result()
            name = Path(path).relative_to(src.resolve()).as_posix()
            if error:
                failures.append((name, error))
                print(f"build_book: {name} failed after {seconds:.1f} s", flush=True)
                continue
            cache.cache_notebook_bundle(CacheBundleIn(nbformat.reads(text, as_version=4), path,
                                                      data={"execution_seconds": seconds}),
                                        check_validity=False, overwrite=True)
            times[path] = seconds
            print(f"build_book: {name} executed in {seconds:.1f} s", flush=True)
    if failures:
        reports = out / "_build" / "reports"
        reports.mkdir(parents=True, exist_ok=True)
        for name, error in failures:
            (reports / (Path(name).stem + ".err.log")).write_text(error, encoding="utf-8")
            print(f"build_book: {name} failed:\n{error}", file=sys.stderr)
        raise SystemExit(f"build_book: {len(failures)} notebook(s) failed to execute: "
                         f"{', '.join(n for n, _ in failures)}. Tracebacks: {reports}")
    return times


def build(edition: str, *, output: Path | None = None, quiet: bool = False, jobs: int | None = None,
          repository_url: str | None = None, execute: bool = True) -> Path:
    """Stage and build ``edition`` under ``output`` (default ``_build/<edition>``); return the HTML folder.

    ``jobs``: notebooks executed at a time (default: one per CPU; 1 executes them one after another).
    ``repository_url``: see the module's docstring. ``execute=False``: pages without outputs."""
    out = Path(output) if output else editions.ROOT / "_build" / edition
    started = time.perf_counter()
    url, origin = editions.repository_url(repository_url)
    print(f"build_book: repository URL {url} (from {origin})", flush=True)
    src = editions.stage(edition, out / "src", repository=url, execute=execute)
    if execute:
        execute_notebooks(src, out, jobs)
    command = [
        sys.executable, "-c", _JUPYTER_BOOK, "build", str(src),
        "--path-output", str(out),
        "--warningiserror", "--keep-going",
    ]
    if quiet:
        command.append("--quiet")
    result = subprocess.run(command, cwd=editions.ROOT)
    elapsed = time.perf_counter() - started
    html = out / "_build" / "html"
    if result.returncode != 0:
        reports = out / "_build" / "html" / "reports"
        hint = f" Execution reports: {reports}" if reports.exists() else ""
        raise SystemExit(f"build_book: the {edition} edition failed (exit {result.returncode}).{hint}")
    print(f"build_book: {edition} edition built in {elapsed:.0f} s -> {html / 'index.html'}")
    return html


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--instructor", action="store_true",
                        help="build the instructor edition (solutions and hidden tests shown)")
    parser.add_argument("--output", type=Path, help="folder for the staged sources, cache and site "
                        "(default: _build/public or _build/instructor)")
    parser.add_argument("--quiet", action="store_true", help="less output from Sphinx")
    parser.add_argument("--jobs", type=int, help="notebooks executed at a time (default: one per CPU)")
    parser.add_argument("--repository-url", help="the GitHub repository of the Colab buttons and install cells "
                        f"(default: ${editions.REPOSITORY_URL_ENV}, else repository.url of _config.yml)")
    parser.add_argument("--no-execute", action="store_true",
                        help="build the pages without running the notebooks (no outputs; a quick look at text and links)")
    parser.add_argument("--pdf", action="store_true",
                        help="also print the public edition as one Korean PDF, course-book.pdf in the HTML folder "
                        "(tools/pdf_book.py: Debian's Chromium through playwright, joined with pypdf)")
    args = parser.parse_args(argv)
    if args.pdf and (args.instructor or args.no_execute):
        parser.error("--pdf는 실행한 공개판에만 씁니다 (--instructor, --no-execute와 함께 쓸 수 없습니다).")
    html = build("instructor" if args.instructor else "public", output=args.output, quiet=args.quiet, jobs=args.jobs,
                 repository_url=args.repository_url, execute=not args.no_execute)
    if args.pdf:
        from tools import pdf_book

        pdf_book.main([str(html)])


if __name__ == "__main__":
    main()
