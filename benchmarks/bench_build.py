"""How fast the book builds and how heavy its pages are (figures only, nothing asserted).

Run from the repository root, with ``.venv`` made (``bash scripts/setup_env.sh``):

    python -m benchmarks.bench_build                # cold + warm build, chapter times, page weights
    python -m benchmarks.bench_build --build-only   # the two builds and the chapter times
    python -m benchmarks.bench_build --build-only --jobs 1   # the same, notebooks one after another
    python -m benchmarks.bench_build --pages-only   # page weights of an existing site (built if missing)
    python -m benchmarks.bench_build --suite        # also the test suite as scripts/test.sh runs it, per folder (~15 min)
    python -m benchmarks.bench_build --pdf          # the PDF edition of an existing site (built if missing): time, size

- **cold build**: the public edition into a fresh folder (no staged sources, no Sphinx
  environment, no execution cache), as ``tools.build_book`` does with the build's settings
  (offline data, full notebooks); **warm build**: the same command again into the same folder.
- **chapter execution**: each notebook's execution time, from the records of the build's
  jupyter-cache (``_build/.jupyter_cache``), as Jupyter Book's execution statistics show it.
- **first-load weight**: each page of the site opened in a new, empty browser context of
  Debian's Chromium (the launch of ``tests/site/test_browser.py``), served by ``http.server``
  on 127.0.0.1: the bytes of every response (headers and body) until the network is idle,
  and whether MathJax was loaded.
- **PDF edition** (``--pdf``): ``python -m tools.pdf_book`` on the built site (what
  ``build_book.sh --pdf`` adds after the site), its wall time, pages and size; targets of issue 33:
  <= 60 s on top of the site, <= 25 MB.
- **suite** (``--suite``): the whole suite run once as ``scripts/test.sh`` runs it (two xdist
  workers): its wall time, then for each folder of ``tests/`` the seconds its tests took and
  when its first test started and its last ended (plugin ``benchmarks/suite_timeline.py``),
  and how busy the CPUs were meanwhile (``/proc/stat``: 96-98 % on 2026-12-03, so the suite
  gets faster only with less CPU work).

Targets of issue 22 (README): cold build <= 60 s, warm <= 5 s, slowest chapter <= 20 s of
execution, <= 3 MB for a page without formulas; test suite <= 12 min on 2 cores.
Timings on a shared machine are noisy: the 1-minute load average is printed with each figure.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BUILD_ENV = {"TF_CPP_MIN_LOG_LEVEL": "2", "JUPYTER_PREFER_ENV_PATH": "1", "COURSE_OFFLINE_DATA": "1"}


def load() -> str:
    return f"load {os.getloadavg()[0]:.2f}"


def cpu_jiffies() -> tuple[int, int]:
    """(busy, total) clock ticks of all CPUs since boot, from /proc/stat ((0, 0) where there is none)."""
    try:
        with open("/proc/stat", encoding="ascii") as handle:
            # user nice system idle iowait irq softirq steal; guest and guest_nice follow, already counted in user
            fields = [int(v) for v in handle.readline().split()[1:9]]
    except OSError:
        return 0, 0
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
    return sum(fields) - idle, sum(fields)


def build_env() -> dict:
    env = dict(os.environ, **BUILD_ENV)
    env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")])
    return env


def run_build(out: Path, jobs: int | None = None) -> float:
    started = time.perf_counter()
    command = [sys.executable, "-m", "tools.build_book", "--output", str(out), "--quiet"]
    if jobs:
        command += ["--jobs", str(jobs)]
    result = subprocess.run(command, cwd=ROOT, env=build_env(), capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        print(result.stdout[-3000:], result.stderr[-3000:], sep="\n")
        raise SystemExit(f"bench_build: the build failed (exit {result.returncode})")
    return elapsed


def chapter_times(out: Path) -> dict[str, float]:
    """Execution seconds of each notebook, from the jupyter-cache of the build under ``out``."""
    from jupyter_cache import get_cache

    cache_path = out / "_build" / ".jupyter_cache"
    if not cache_path.exists():
        return {}
    times = {}
    for record in get_cache(cache_path).list_cache_records():
        seconds = (record.data or {}).get("execution_seconds")
        if seconds is not None:
            times[Path(record.uri).stem] = float(seconds)
    return times


def bench_builds(out: Path, jobs: int | None = None) -> Path:
    shutil.rmtree(out, ignore_errors=True)
    print(f"cold build (public edition, empty {out.name}/, notebooks {jobs or 'one per CPU'} at a time): ...",
          flush=True)
    before = load()
    cold = run_build(out, jobs)
    print(f"cold build: {cold:.1f} s ({before} before, {load()} after)", flush=True)
    warm = run_build(out)
    print(f"warm build: {warm:.1f} s ({load()})", flush=True)
    times = chapter_times(out)
    if times:
        print("chapter execution (jupyter-cache records of the cold build):")
        for name, seconds in sorted(times.items(), key=lambda kv: -kv[1]):
            print(f"  {name:42s} {seconds:6.1f} s")
        print(f"  {'sum':42s} {sum(times.values()):6.1f} s")
    else:
        print("chapter execution: no jupyter-cache records with execution_seconds found")
    return out / "_build" / "html"


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def site_pages(site: Path) -> list[str]:
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html")
                  if not p.relative_to(site).parts[0].startswith("_"))


def page_weights(site: Path) -> list[tuple[str, int, int, bool, int]]:
    """(page, bytes, requests, MathJax loaded, formulas) for every page, each in a new empty context."""
    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(site)))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{httpd.server_address[1]}/"
    rows = []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, headless=True)
            for page_name in site_pages(site):
                context = browser.new_context()
                # Nothing leaves the host (as in the browser test).
                context.route("**/*", lambda route: route.abort() if not route.request.url.startswith(
                    (base, "data:", "blob:", "about:")) else route.continue_())
                page = context.new_page()
                finished = []
                page.on("requestfinished", lambda request: finished.append(request))
                page.goto(base + page_name, wait_until="load")
                page.wait_for_load_state("networkidle")
                total = 0
                for request in finished:
                    if request.url.startswith(base):
                        sizes = request.sizes()
                        total += sizes["responseBodySize"] + sizes["responseHeadersSize"]
                mathjax = any("mathjax" in r.url.lower() for r in finished)
                formulas = page.evaluate("() => document.querySelectorAll('.math').length")
                rows.append((page_name, total, len(finished), mathjax, formulas))
                context.close()
            browser.close()
    finally:
        httpd.shutdown()
        httpd.server_close()
    return rows


def bench_pages(site: Path) -> None:
    print(f"first-load weight of each page (new browser context, http://127.0.0.1; {load()}):")
    print(f"  {'page':76s} {'MB':>6s} {'req':>4s}  MathJax  formulas")
    for name, total, requests, mathjax, formulas in page_weights(site):
        print(f"  {name:76s} {total / 1e6:6.2f} {requests:4d}  {'yes' if mathjax else 'no':7s}  {formulas}")


def bench_pdf(site: Path) -> None:
    """The PDF edition printed from ``site`` (tools/pdf_book.py) into a temporary file: time, pages, size."""
    from pypdf import PdfReader

    output = Path(tempfile.mkdtemp(prefix="bench-pdf-")) / "course-book.pdf"
    before = load()
    started = time.perf_counter()
    result = subprocess.run([sys.executable, "-m", "tools.pdf_book", str(site), "--output", str(output)],
                            cwd=ROOT, env=build_env(), capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        print(result.stdout[-3000:], result.stderr[-3000:], sep="\n")
        raise SystemExit(f"bench_build: the PDF failed (exit {result.returncode})")
    pages = len(PdfReader(output).pages)
    size = output.stat().st_size
    print(f"PDF edition: {elapsed:.1f} s on top of the site (target <= 60 s), {pages} pages, "
          f"{size / 1e6:.1f} MB (target <= 25 MB) ({before} before, {load()} after)")
    shutil.rmtree(output.parent, ignore_errors=True)


def bench_suite() -> None:
    """The whole suite as ``scripts/test.sh`` runs it, once: its wall time, then per folder of tests/ the
    seconds its tests took (setup + call + teardown, summed over both workers) and when the folder's
    first test started and its last one ended, and how long each worker was busy."""
    import json
    from collections import defaultdict

    timeline = Path(tempfile.mkdtemp(prefix="bench-suite-")) / "timeline.jsonl"
    env = dict(build_env(), COURSE_SUITE_TIMELINE=str(timeline))
    before = load()
    busy_before, total_before = cpu_jiffies()
    started = time.time()
    # the README's test command itself (its pytest options, workers and order), plus the timeline plugin
    result = subprocess.run(["bash", "scripts/test.sh", "-q", "-p", "no:cacheprovider", "-p", "benchmarks.suite_timeline"],
                            cwd=ROOT, env=env, capture_output=True, text=True)
    elapsed = time.time() - started
    busy_after, total_after = cpu_jiffies()
    last = (result.stdout.strip().splitlines() or ["?"])[-1]
    print(f"test suite (bash scripts/test.sh): {elapsed:.1f} s = {elapsed / 60:.1f} min "
          f"({before} before, {load()} after): {last}")
    if total_after > total_before:  # near 100 %: only less CPU work makes the suite faster, not better packing
        print(f"  all {os.cpu_count()} CPUs busy {100 * (busy_after - busy_before) / (total_after - total_before):.0f} % "
              "of the time (/proc/stat)")
    rows = [json.loads(line) for line in timeline.read_text(encoding="utf-8").splitlines()] if timeline.exists() else []
    spent, first, final, busy = defaultdict(float), {}, defaultdict(float), defaultdict(float)
    for row in rows:
        parts = row["nodeid"].split("::")[0].split("/")
        folder = "/".join(parts[:2]) if parts[0] == "tests" and len(parts) > 2 else parts[0]
        begin = row["end"] - row["duration"] - started
        spent[folder] += row["duration"]
        busy[row["worker"]] += row["duration"]
        first[folder] = min(first.get(folder, begin), begin)
        final[folder] = max(final[folder], row["end"] - started)
    print(f"  {'folder':16s} {'test s':>8s} {'from s':>7s} {'to s':>7s}")
    for folder in sorted(spent, key=spent.get, reverse=True):
        print(f"  {folder:16s} {spent[folder]:8.1f} {first[folder]:7.0f} {final[folder]:7.0f}")
    for worker in sorted(busy):
        print(f"  worker {worker}: busy {busy[worker]:.0f} s of {elapsed:.0f} s")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parts = parser.add_mutually_exclusive_group()
    parts.add_argument("--build-only", action="store_true", help="only the cold and warm builds and chapter times")
    parts.add_argument("--pages-only", action="store_true", help="only the page weights (of --site, built if missing)")
    parts.add_argument("--pdf", action="store_true", help="only the PDF edition of --site (built if missing): time and size")
    parser.add_argument("--suite", action="store_true", help="also run the test suite as scripts/test.sh does and time it per folder (about 15 min)")
    parser.add_argument("--output", type=Path, default=Path(tempfile.gettempdir()) / "bench_build_public",
                        help="build folder (emptied for the cold build; default: %(default)s)")
    parser.add_argument("--jobs", type=int, help="notebooks executed at a time in the builds "
                        "(tools.build_book --jobs; default one per CPU, 1 = one after another as before issue 22)")
    parser.add_argument("--site", type=Path, help="--pages-only, --pdf: an HTML folder already built "
                        "(default: the --output build's, built if missing)")
    args = parser.parse_args(argv)
    print(f"Python {sys.version.split()[0]}, {os.cpu_count()} CPUs, {load()}")
    if args.pages_only or args.pdf:
        site = args.site or args.output / "_build" / "html"
        if not (site / "index.html").exists():
            print(f"building the public edition into {args.output} first ...", flush=True)
            print(f"site build: {run_build(args.output):.1f} s", flush=True)
        bench_pdf(site) if args.pdf else bench_pages(site)
    else:
        site = bench_builds(args.output, args.jobs)
        if not args.build_only:
            bench_pages(site)
    if args.suite:
        bench_suite()


if __name__ == "__main__":
    main()
