"""The report's "when each method wins" paragraph and tables, derived from the data only."""
from collections import Counter, defaultdict
from statistics import median

from results_io import best_per_family, label, machine_for, ok_rows, winners


def _fmt_ratio(x):
    return f"{x:.2f}×"


def clear_of_noise(win, runner):
    """Whether a win is larger than the timings' own spread: the winner's median plus one standard deviation
    of its repetitions still below the runner-up's median minus one of its. On a shared host two runs of the
    same code can differ by 1.5x (plain direct and im2col's variant convlab run one GEMM on 1x1 layers), so a
    win inside the spread says which arm the noise favoured, not which method is faster."""
    if not runner or win["stddev_ms"] is None or runner["stddev_ms"] is None:
        return False
    return win["median_ms"] + win["stddev_ms"] < runner["median_ms"] - runner["stddev_ms"]


def win_statements(rows):
    """One sentence per (kernel size, stride) group: which method won how many problems (and how many of those
    by more than the timings' spread), by how much."""
    wins = winners(rows)
    groups = defaultdict(list)
    for (problem, threads), (win, runner, peer) in wins.items():
        groups[(int(win["r"]), int(win["s"]), win["stride"])].append((win, runner, peer))
    out = []
    for (r, s, stride) in sorted(groups, key=lambda g: (g[0], g[1], str(g[2]))):
        entries = groups[(r, s, stride)]
        counts = Counter(w["method"] for w, _, _ in entries)
        top, n = counts.most_common(1)[0]
        speed = [ru["median_ms"] / w["median_ms"] for w, ru, _ in entries if w["method"] == top and ru]
        variants = Counter(w["variant"] for w, _, _ in entries if w["method"] == top and w["variant"])
        vtxt = f" ({variants.most_common(1)[0][0]} most often)" if variants else ""
        others = ", ".join(f"{m} {c}" for m, c in counts.most_common()[1:])
        clear = sum(1 for w, ru, _ in entries if w["method"] == top and clear_of_noise(w, ru))
        sentence = (f"{r}×{s} stride {stride}: {top}{vtxt} won {n} of {len(entries)} problems"
                    + f" ({clear} by more than the timings' spread)"
                    + (f", median {_fmt_ratio(median(speed))} over the runner-up" if speed else "")
                    + (f" (others: {others})" if others else "") + ".")
        out.append({"kernel": f"{r}x{s}", "stride": stride, "winner": top, "wins": n, "clear_wins": clear,
                    "problems": len(entries),
                    "median_speedup": median(speed) if speed else None, "sentence": sentence})
    return out


def onednn_statement(rows):
    ratios = [peer["median_ms"] / win["median_ms"] for (win, _, peer) in winners(rows).values() if peer]
    if not ratios:
        return None, "oneDNN did not run in this sweep."
    faster = sum(1 for x in ratios if x > 1)
    text = (f"Against oneDNN (convolution_auto, the library under PyTorch and TensorFlow on CPUs), the fastest convlab "
            f"method was faster on {faster} of {len(ratios)} problems; median ratio {_fmt_ratio(median(ratios))} "
            f"(range {_fmt_ratio(min(ratios))} – {_fmt_ratio(max(ratios))}; >1 means faster than oneDNN).")
    return {"faster": faster, "problems": len(ratios), "median_ratio": median(ratios)}, text


def accuracy_statement(rows):
    worst = {}
    for r in rows:
        if r["status"] in ("ok", "wrong") and r["max_rel_err"] is not None:
            key = label(r)
            worst[key] = max(worst.get(key, 0.0), r["max_rel_err"])
    if not worst:
        return worst, ""
    parts = ", ".join(f"{k} {v:.1e}" for k, v in sorted(worst.items(), key=lambda kv: kv[1]))
    return worst, f"Worst relative error against the float64 reference, per implementation: {parts}."


def memory_statement(rows):
    most = {}
    for r in rows:
        if r["status"] == "ok" and r["workspace_bytes"] is not None:
            key = label(r)
            most[key] = max(most.get(key, 0.0), r["workspace_bytes"])
    if not most:
        return ""
    top = sorted(most.items(), key=lambda kv: -kv[1])[:3]
    return "Largest workspaces: " + ", ".join(f"{k} {v / 2**20:.1f} MiB" for k, v in top) + "."


def noise(rows):
    cvs = [r["cv"] for r in ok_rows(rows) if r["cv"] is not None]
    if not cvs:
        return None
    return {"median_cv": median(cvs), "max_cv": max(cvs), "over_5pct": sum(1 for c in cvs if c > 0.05), "rows": len(cvs)}


def status_counts(rows):
    return Counter(r["status"] for r in rows)


def thread_scaling(rows, info):
    """Table lines: per method/impl (best variant per problem), the speedup from the fewest to the most threads
    of the run over the problems measured at both, and its ratio to oneDNN at each count. Empty for a run of
    one thread count. The machine's measured peak gives the ceiling the speedups are read against."""
    best = best_per_family(rows)
    counts = sorted({t for (_, t, _) in best})
    if len(counts) < 2:
        return []
    lo, hi = counts[0], counts[-1]
    fams = sorted({f for (_, _, f) in best})
    m_lo, m_hi = machine_for(info, lo), machine_for(info, hi)
    head = (f"Speedup from {int(lo)} to {int(hi)} threads, per implementation (its fastest variant on each problem), "
            f"over the problems measured at both")
    if m_lo and m_hi:
        head += f"; the machine's measured peak scaled {_fmt_ratio(m_hi['peak_gflops'] / m_lo['peak_gflops'])}"
    lines = [head + ".", "",
             f"| implementation | problems | speedup: median (range) | × oneDNN at {int(lo)} thread(s), median | "
             f"at {int(hi)} |", "|---|---|---|---|---|"]
    for fam in fams:
        speed, ratio_lo, ratio_hi = [], [], []
        for (problem, t, f), r in best.items():
            if f != fam or t != lo or (problem, hi, fam) not in best:
                continue
            r_hi = best[(problem, hi, fam)]
            speed.append(r["median_ms"] / r_hi["median_ms"])
            peer_lo, peer_hi = best.get((problem, lo, "onednn/onednn")), best.get((problem, hi, "onednn/onednn"))
            if peer_lo and peer_hi and not fam.startswith("onednn"):
                ratio_lo.append(peer_lo["median_ms"] / r["median_ms"])
                ratio_hi.append(peer_hi["median_ms"] / r_hi["median_ms"])
        if not speed:
            continue
        peer = (f"{_fmt_ratio(median(ratio_lo))} | {_fmt_ratio(median(ratio_hi))}" if ratio_lo else "– | –")
        lines.append(f"| {fam} | {len(speed)} | {_fmt_ratio(median(speed))} ({_fmt_ratio(min(speed))} – "
                     f"{_fmt_ratio(max(speed))}) | {peer} |")
    return lines


def method_table(rows, info):
    """Table lines: per implementation (its fastest variant on each problem) and thread count, how it stands
    against oneDNN (oneDNN's time ÷ its time, over the problems both ran), against the machine's measured peak
    (direct-equivalent GFLOP/s ÷ peak at that thread count) and, for a Halide pipeline, against the same
    method's plain code (its time ÷ plain's, over the problems both ran)."""
    best = best_per_family(rows)
    if not best:
        return []
    lines = ["Per implementation (its fastest variant on each problem) and thread count: oneDNN's time ÷ its time "
             "over the problems both ran (above 1: faster than oneDNN) and on how many it was faster; its "
             "direct-equivalent GFLOP/s as a share of the machine's measured peak (Winograd and FFT do less "
             "arithmetic, so they can pass 100%); for a Halide pipeline, its time ÷ the same method's plain code, "
             "and on how many problems it was within 1.25× of it.", "",
             "| implementation | threads | problems | × oneDNN: median | faster than oneDNN | % of peak: median "
             "| best | ÷ plain: median | within 1.25× of plain |",
             "|---|---|---|---|---|---|---|---|---|"]
    for fam, t in sorted({(f, t) for (_, t, f) in best}, key=lambda ft: (ft[1], ft[0])):
        mine = {p: r for (p, tt, f), r in best.items() if f == fam and tt == t}
        peer = [best[(p, t, "onednn/onednn")]["median_ms"] / r["median_ms"] for p, r in mine.items()
                if (p, t, "onednn/onednn") in best] if not fam.startswith("onednn/") else []
        machine = machine_for(info, t)
        peak = machine["peak_gflops"] if machine else None
        share = [r["gflops"] / peak for r in mine.values() if peak and r["gflops"]]
        method, impl = fam.split("/")
        plain = [r["median_ms"] / best[(p, t, method + "/plain")]["median_ms"] for p, r in mine.items()
                 if impl == "halide" and (p, t, method + "/plain") in best]
        cells = [fam, str(int(t)), str(len(mine)),
                 _fmt_ratio(median(peer)) if peer else "–",
                 f"{sum(1 for x in peer if x > 1)} of {len(peer)}" if peer else "–",
                 f"{100 * median(share):.0f}%" if share else "–",
                 f"{100 * max(share):.0f}%" if share else "–",
                 _fmt_ratio(median(plain)) if plain else "–",
                 f"{sum(1 for x in plain if x <= 1.25)} of {len(plain)}" if plain else "–"]
        lines.append("| " + " | ".join(cells) + " |")
    return lines
