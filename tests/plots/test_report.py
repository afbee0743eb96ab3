#!/usr/bin/env python3
"""The report on a committed results fixture (a real small run): every figure and file is produced and
non-empty, and the summary's numbers match what this test recomputes from the CSV on its own."""
import csv
import json
import os
import re
import shutil
import sys
import tempfile
from collections import Counter, defaultdict

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "plots"))

import report  # noqa: E402

failures = []


def check(cond, what):
    print(("ok: " if cond else "FAIL: ") + what)
    if not cond:
        failures.append(what)


def independent_winners(path):
    """(kernel, stride) -> Counter of winning methods, recomputed with the csv module alone."""
    best = {}
    with open(path, newline="") as f:
        for r in csv.DictReader(f):
            if r["status"] != "ok" or r["method"] == "onednn":
                continue
            key = (r["problem"], r["threads"])
            if key not in best or float(r["median_ms"]) < float(best[key]["median_ms"]):
                best[key] = r
    groups = defaultdict(Counter)
    for r in best.values():
        groups[(f'{r["r"]}x{r["s"]}', r["stride"])][r["method"]] += 1
    return groups


def independent_clear_wins(path):
    """(kernel, stride, method) -> wins whose median + 1 s.d. is below the runner-up's (another method's)
    median - 1 s.d., recomputed with the csv module alone."""
    rows = defaultdict(list)
    with open(path, newline="") as f:
        for r in csv.DictReader(f):
            if r["status"] == "ok" and r["method"] != "onednn":
                rows[(r["problem"], r["threads"])].append(r)
    clear = Counter()
    for group in rows.values():
        group.sort(key=lambda r: float(r["median_ms"]))
        win = group[0]
        runner = next((r for r in group if r["method"] != win["method"]), None)
        if runner and (float(win["median_ms"]) + float(win["stddev_ms"])
                       < float(runner["median_ms"]) - float(runner["stddev_ms"])):
            clear[(f'{win["r"]}x{win["s"]}', win["stride"], win["method"])] += 1
    return clear


def middle(values):
    """The median, written out here so that the test does not share the report's statistics code."""
    v = sorted(values)
    mid = len(v) // 2
    return v[mid] if len(v) % 2 else (v[mid - 1] + v[mid]) / 2


def independent_median_speedup(path, method, impl):
    """Median over problems of (fastest variant's time at the fewest threads / at the most), csv module alone."""
    best = {}
    with open(path, newline="") as f:
        for r in csv.DictReader(f):
            if r["status"] != "ok" or r["method"] != method or r["impl"] != impl or not r["median_ms"]:
                continue
            key = (r["problem"], int(r["threads"]))
            best[key] = min(best.get(key, float("inf")), float(r["median_ms"]))
    counts = sorted({t for (_, t) in best})
    return middle(best[(p, counts[0])] / best[(p, counts[-1])] for (p, t) in best
                  if t == counts[0] and (p, counts[-1]) in best)


def independent_method_row(run, method, impl, threads):
    """(median of oneDNN's time / this family's, median share of the peak) at `threads`, csv and json alone."""
    best = {}
    with open(os.path.join(run, "results.csv"), newline="") as f:
        for r in csv.DictReader(f):
            if r["status"] != "ok" or not r["median_ms"] or int(r["threads"]) != threads:
                continue
            key = (r["problem"], r["method"] + "/" + r["impl"])
            if key not in best or float(r["median_ms"]) < float(best[key]["median_ms"]):
                best[key] = r
    peak = next(m["peak_gflops"] for m in json.load(open(os.path.join(run, "run.json")))["machine"]
                if int(m["threads"]) == threads)
    fam = method + "/" + impl
    mine = {p: r for (p, f), r in best.items() if f == fam}
    ratios = [float(best[(p, "onednn/onednn")]["median_ms"]) / float(r["median_ms"]) for p, r in mine.items()
              if (p, "onednn/onednn") in best]
    share = [float(r["gflops"]) / peak for r in mine.values()]
    return middle(ratios), middle(share)


def main():
    tmp = tempfile.mkdtemp(prefix="convlab-report-")
    run = os.path.join(tmp, "run")
    shutil.copytree(os.path.join(HERE, "fixture"), run)
    path = report.build(run)
    check(os.path.exists(path), "report.md written")
    for name in ["report.md", "report.html", "summary.txt"]:
        p = os.path.join(run, name)
        check(os.path.exists(p) and os.path.getsize(p) > 0, f"{name} non-empty")
    for fig in ["winner_map", "speedup", "gflops_vs_params", "roofline", "phases", "accuracy", "memory"]:
        for ext in ("png", "svg"):
            p = os.path.join(run, "figures", f"{fig}.{ext}")
            check(os.path.exists(p) and os.path.getsize(p) > 1000, f"figures/{fig}.{ext} drawn")
    md = open(os.path.join(run, "report.md")).read()
    check("not drawn: the run has no Halide measurements" in md, "plain-vs-Halide figure says why it is missing")
    check("data:image/png;base64," in open(os.path.join(run, "report.html")).read(), "report.html is self-contained")
    check("AMD" in md or "Intel" in md or "cpu" in md.lower(), "report names the machine")

    # The summary's sentences against an independent count.
    expected = independent_winners(os.path.join(run, "results.csv"))
    clear = independent_clear_wins(os.path.join(run, "results.csv"))
    summary = open(os.path.join(run, "summary.txt")).read()
    for (kernel, stride), counts in expected.items():
        top, n = counts.most_common(1)[0]
        total = sum(counts.values())
        r, s = kernel.split("x")
        pattern = rf"{r}×{s} stride {stride}: (\w+)[^.]*? won (\d+) of (\d+) problems \((\d+) by more than"
        m = re.search(pattern, summary)
        check(m is not None, f"summary has a sentence for {kernel} stride {stride}")
        if m:
            check(int(m.group(2)) == n and int(m.group(3)) == total and counts[m.group(1)] == n,
                  f"{kernel} stride {stride}: summary says {m.group(1)} won {m.group(2)} of {m.group(3)}, "
                  f"recomputed {top} {n} of {total}")
            want = clear[(kernel, stride, m.group(1))]
            check(int(m.group(4)) == want,
                  f"{kernel} stride {stride}: summary says {m.group(4)} wins beyond the spread, recomputed {want}")
    check(sum(clear.values()) > 0 and sum(clear.values()) < sum(sum(c.values()) for c in expected.values()),
          f"the fixture has wins both beyond and within the spread ({sum(clear.values())} beyond)")
    # The thread-scaling table against an independent recomputation: direct/plain's median speedup.
    expected_speedup = independent_median_speedup(os.path.join(run, "results.csv"), "direct", "plain")
    m = re.search(r"\| direct/plain \| (\d+) \| ([0-9.]+)× ", md)
    check("## Thread scaling" in md and m is not None, "report has a thread-scaling table with a direct/plain row")
    if m:
        check(abs(float(m.group(2)) - expected_speedup) < 0.006,
              f"direct/plain speedup 1 -> 2 threads: report {m.group(2)}, recomputed {expected_speedup:.3f}")
    # The per-implementation table against an independent recomputation: direct/plain at 2 threads.
    ratio, share = independent_method_row(run, "direct", "plain", 2)
    m = re.search(r"\| direct/plain \| 2 \| \d+ \| ([0-9.]+)× \| \d+ of \d+ \| (\d+)% \|", md)
    check("## Each implementation against oneDNN" in md and m is not None,
          "report has the per-implementation table with a direct/plain row at 2 threads")
    if m:
        check(abs(float(m.group(1)) - ratio) < 0.006,
              f"direct/plain x oneDNN at 2 threads: report {m.group(1)}, recomputed {ratio:.3f}")
        check(abs(int(m.group(2)) - 100 * share) <= 0.5,
              f"direct/plain share of the peak at 2 threads: report {m.group(2)}%, recomputed {100 * share:.1f}%")
    ratios = re.search(r"faster on (\d+) of (\d+) problems", summary)
    check(ratios is not None, "summary states the oneDNN comparison")
    shutil.rmtree(tmp)
    print(f"{len(failures)} failed" if failures else "report: all passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
