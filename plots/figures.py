"""Every figure of a report. Each function takes the rows, run info and output folder, draws one figure
(PNG + SVG) and returns (png name, caption), or (None, why not) when the run holds no data for it."""
import math
from collections import defaultdict
from statistics import median

import matplotlib.pyplot as plt
import numpy as np

from results_io import best_per_family, family, label, machine_for, machine_title, ok_rows, winners
from style import PHASE_COLOURS, colour, family_colour, family_style, save

SWEPT = [("r", "kernel size R (R×S)"), ("c", "input channels C"), ("k", "output channels K"),
         ("h", "input size H (H×W)"), ("n", "batch N"), ("stride", "stride")]


def _thread_counts(rows):
    return sorted({int(r["threads"]) for r in ok_rows(rows)})


def _chan(r):
    return f'{int(r["c"])}' if r["c"] == r["k"] else f'{int(r["c"])}→{int(r["k"])}'


def winner_maps(rows, info, out):
    """Fastest correct method over kernel size x channels, one panel per stride / padding / threads."""
    wins = winners(rows)
    panels = defaultdict(dict)
    for (problem, threads), (win, runner, _) in wins.items():
        key = (win["stride"], win["pad_mode"], int(threads))
        cell = (int(win["r"]), _chan(win))
        if cell in panels[key]:  # several problems share a cell (e.g. sizes): keep the largest speedup's
            continue
        panels[key][cell] = (win, runner)
    if not panels:
        return None, "no correct measurements"
    keys = sorted(panels)
    cols = min(len(keys), 3)
    nrows = math.ceil(len(keys) / cols)
    fig, axes = plt.subplots(nrows, cols, figsize=(5.2 * cols, 4.2 * nrows), squeeze=False)
    methods = sorted({w["method"] for p in panels.values() for w, _ in p.values()})
    for ax, key in zip(axes.flat, keys):
        cells = panels[key]
        kernels = sorted({c[0] for c in cells})
        chans = sorted({c[1] for c in cells}, key=lambda s: [int(x) for x in s.split("→")])
        grid = np.full((len(chans), len(kernels)), np.nan)
        for (kr, ch), (win, runner) in cells.items():
            i, j = chans.index(ch), kernels.index(kr)
            grid[i, j] = methods.index(win["method"])
            speed = runner["median_ms"] / win["median_ms"] if runner else None
            text = win["method"] + (f'\n{win["variant"]}' if win["variant"] else "")
            text += f"\n{speed:.2f}×" if speed else ""
            ax.text(j, i, text, ha="center", va="center", fontsize=7)
        from matplotlib.colors import ListedColormap
        ax.imshow(grid, cmap=ListedColormap([colour(m) for m in methods]), vmin=-0.5, vmax=len(methods) - 0.5,
                  alpha=0.55, aspect="auto", origin="lower")
        ax.set_xticks(range(len(kernels)), [f"{k}×{k}" for k in kernels])
        ax.set_yticks(range(len(chans)), chans)
        ax.set_xlabel("kernel size")
        ax.set_ylabel("channels C (→K)")
        ax.set_title(f"stride {key[0]}, {key[1]} padding, {key[2]} thread(s)", fontsize=9)
    for ax in list(axes.flat)[len(keys):]:
        ax.axis("off")
    fig.suptitle("Fastest correct method (cell: winner, variant, speedup over the runner-up)\n"
                 + machine_title(info, keys[0][2]), fontsize=10)
    return save(fig, out, "winner_map"), ("Winner map: the fastest correct method for each kernel size and channel "
                                           "count, annotated with its speedup over the fastest other method.")


def speedups(rows, info, out):
    """Speedup of each method's best variant over direct, and the best method's ratio to oneDNN."""
    best = best_per_family(rows)
    problems = sorted({(r["problem"], int(r["threads"]), r["layer"]) for r in best.values()}, key=lambda p: (p[1], p[0]))
    fams = sorted({f for (_, _, f) in best if not f.startswith("onednn")})
    if not problems or not fams:
        return None, "no correct measurements"
    fig, (ax1, ax2) = plt.subplots(2, 1, figsize=(max(8, 0.32 * len(problems) + 3), 8), sharex=True)
    x = np.arange(len(problems))
    width = 0.8 / max(len(fams), 1)
    as_bars = len(problems) <= 60
    for i, fam in enumerate(fams):
        ys = []
        for (prob, t, _) in problems:
            d = best.get((prob, t, "direct/plain"))
            m = best.get((prob, t, fam))
            ys.append(d["median_ms"] / m["median_ms"] if d and m else np.nan)
        ls, mk = family_style(fam)
        if as_bars:
            ax1.bar(x + (i - len(fams) / 2 + 0.5) * width, ys, width, color=family_colour(fam), label=fam,
                    hatch="//" if "halide" in fam else None)
        else:
            ax1.plot(x, ys, ls, marker=mk, color=family_colour(fam), label=fam, markersize=3)
    ax1.axhline(1.0, color="black", linewidth=0.8)
    ax1.set_yscale("log")
    ax1.set_ylabel("speedup over direct/plain (×)")
    ax1.legend(fontsize=7, ncol=4)
    ratios, colours = [], []
    wins = winners(rows)
    for (prob, t, _) in problems:
        win, _, peer = wins.get((prob, float(t)), (None, None, None))
        ratios.append(peer["median_ms"] / win["median_ms"] if win and peer else np.nan)
        colours.append(colour(win["method"]) if win else "#cccccc")
    if as_bars:
        ax2.bar(x, ratios, color=colours)
    else:
        ax2.scatter(x, ratios, c=colours, s=10)
    ax2.axhline(1.0, color="black", linewidth=0.8)
    ax2.set_yscale("log")
    ax2.set_ylabel("oneDNN time / best convlab time (×)")
    names = [f'{layer or prob} t{t}' for (prob, t, layer) in problems]
    ax2.set_xticks(x, names, rotation=90, fontsize=6)
    fig.suptitle("Speedup over direct, and the fastest method against oneDNN (>1: faster than oneDNN)\n"
                 + machine_title(info, problems[0][1]), fontsize=10)
    return save(fig, out, "speedup"), ("Top: each method's best variant against the plain direct method. Bottom: "
                                       "oneDNN's time divided by the winner's (bar colour = winning method).")


def gflops_vs_params(rows, info, out):
    """GFLOP/s against every parameter the run varies, one line per method/impl (best variant)."""
    best = list(best_per_family(rows).values())
    varied = [(k, name) for k, name in SWEPT if len({r[k] for r in best}) > 1]
    if not varied:
        return None, "the run varies no parameter (a single shape)"
    threads = _thread_counts(rows)
    fig, axes = plt.subplots(len(threads), len(varied), figsize=(4.4 * len(varied), 3.6 * len(threads)), squeeze=False)
    for ti, t in enumerate(threads):
        m = machine_for(info, t)
        for pi, (key, name) in enumerate(varied):
            ax = axes[ti][pi]
            by = defaultdict(lambda: defaultdict(list))
            for r in best:
                if int(r["threads"]) == t:
                    by[family(r)][r[key]].append(r["gflops"])
            for fam in sorted(by):
                xs = sorted(by[fam], key=lambda v: float(str(v).split("x")[0]))
                ls, mk = family_style(fam)
                ax.plot([str(int(v)) if isinstance(v, float) else v for v in xs], [median(by[fam][v]) for v in xs],
                        ls, marker=mk, color=family_colour(fam), label=fam)
            if m:
                ax.axhline(m["peak_gflops"], color="black", linestyle="--", linewidth=0.8)
                ax.text(0, m["peak_gflops"], " measured peak", va="bottom", fontsize=7)
            ax.set_xlabel(name)
            ax.set_ylabel("GFLOP/s (direct-equivalent, median)")
            ax.set_title(machine_title(info, t), fontsize=8)
    axes[0][0].legend(fontsize=7)
    fig.suptitle("Throughput against each swept parameter (median over the other parameters)", fontsize=10)
    return save(fig, out, "gflops_vs_params"), ("Direct-equivalent GFLOP/s of each method's best variant against "
                                                "each parameter the run varies; the dashed line is the measured peak.")


def bytes_moved(r):
    """A lower bound on memory traffic: input, weights and output once, the workspace written and read."""
    elems = r["n"] * r["c"] * r["h"] * r["w"] + r["k"] * r["c"] * r["r"] * r["s"]
    oh = (r["h"] + r["pad_t"] + r["pad_b"] - r["r"]) // float(str(r["stride"]).split("x")[0]) + 1
    elems += r["n"] * r["k"] * max(oh, 1) * max(oh, 1)
    return 4.0 * elems + 2.0 * (r["workspace_bytes"] or 0)


def roofline(rows, info, out):
    threads = _thread_counts(rows)
    if not threads:
        return None, "no correct measurements"
    fig, axes = plt.subplots(1, len(threads), figsize=(6 * len(threads), 4.6), squeeze=False)
    for ax, t in zip(axes[0], threads):
        pts = [r for r in ok_rows(rows) if int(r["threads"]) == t and r["actual_gflop"]]
        for fam in sorted({family(r) for r in pts}):
            sel = [r for r in pts if family(r) == fam]
            ai = [r["actual_gflop"] * 1e9 / bytes_moved(r) for r in sel]
            perf = [r["actual_gflop"] / (r["median_ms"] / 1e3) for r in sel]
            ax.scatter(ai, perf, s=12, color=family_colour(fam), marker=family_style(fam)[1], label=fam, alpha=0.7)
        m = machine_for(info, t)
        if m:
            xs = np.logspace(-1, 3, 200)
            ax.plot(xs, np.minimum(m["peak_gflops"], xs * m["bandwidth_gbs"]), color="black", linewidth=1)
            ax.text(0.12, m["peak_gflops"] * 1.05, f'peak {m["peak_gflops"]:.0f} GFLOP/s, '
                    f'bandwidth {m["bandwidth_gbs"]:.0f} GB/s', fontsize=7)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("arithmetic intensity (actual flop / byte, lower-bound traffic)")
        ax.set_ylabel("achieved GFLOP/s (actual arithmetic)")
        ax.set_title(machine_title(info, t), fontsize=8)
        ax.legend(fontsize=7)
    fig.suptitle("Roofline: every correct measurement against the measured compute and bandwidth roofs", fontsize=10)
    return save(fig, out, "roofline"), ("Roofline: achieved GFLOP/s of the arithmetic each method really performs, "
                                        "against its arithmetic intensity (input, weights, output and workspace "
                                        "moved once: a lower bound on traffic).")


def phases(rows, info, out, limit=8):
    """Stacked phase times per method for the largest problems."""
    best = best_per_family(rows)
    t = max(_thread_counts(rows) or [0])
    probs = sorted({(r["problem"], r["layer"], r["n"] * r["k"] * r["c"] * r["r"] * r["s"] * r["h"] * r["w"])
                    for r in best.values() if int(r["threads"]) == t}, key=lambda p: -p[2])[:limit]
    if not probs:
        return None, "no correct measurements"
    fig, axes = plt.subplots(1, len(probs), figsize=(3.0 * len(probs) + 1, 4.8), squeeze=False)
    for ax, (prob, layer, _) in zip(axes[0], probs):
        sel = sorted([r for (p, th, f), r in best.items() if p == prob and int(th) == t], key=family)
        x = np.arange(len(sel))
        bottom = np.zeros(len(sel))
        for phase in ["input_transform_ms", "multiply_ms", "output_transform_ms", "plan_ms"]:
            vals = np.array([r[phase] or 0.0 for r in sel])
            ax.bar(x, vals, bottom=bottom, color=PHASE_COLOURS[phase], hatch="xx" if phase == "plan_ms" else None,
                   label={"input_transform_ms": "input transform / copy", "multiply_ms": "multiply / compute",
                          "output_transform_ms": "output transform", "plan_ms": "plan + weights (once)"}[phase])
            bottom += vals
        ax.set_xticks(x, [label(r) for r in sel], rotation=90, fontsize=6)
        ax.set_ylabel("ms")
        ax.set_title(layer or prob, fontsize=7)
    axes[0][0].legend(fontsize=6)
    fig.suptitle("Where the time goes, per phase (median per phase; plan and weight transform are paid once)\n"
                 + machine_title(info, t), fontsize=9)
    return save(fig, out, "phases"), ("Phase breakdown of the largest problems: transforms, the products over "
                                      "channels, inverse transforms, and (hatched) the one-time plan.")


def accuracy(rows, info, out):
    measured = [r for r in rows if r["status"] in ("ok", "wrong") and r["max_rel_err"] is not None]
    if not measured:
        return None, "no checked measurements"
    labels = sorted({label(r) for r in measured})
    fig, ax = plt.subplots(figsize=(max(6, 0.5 * len(labels) + 2), 4.5))
    for i, lab in enumerate(labels):
        sel = [r for r in measured if label(r) == lab]
        errs = [max(r["max_rel_err"], 1e-10) for r in sel]
        ax.scatter([i] * len(errs), errs, s=10, color=colour(sel[0]["method"]), alpha=0.6)
        ax.scatter([i], [max(errs)], marker="_", s=300, color="black")
        tols = [r["tolerance"] for r in sel if r["tolerance"]]
        if tols:
            ax.scatter([i], [median(tols)], marker="v", s=30, color="#444444")
    ax.set_yscale("log")
    ax.set_xticks(range(len(labels)), labels, rotation=90, fontsize=7)
    ax.set_ylabel("max |y − ref| / max |ref|  (float64 reference)")
    ax.set_title("Accuracy per method and variant (dots: problems, bar: worst, ▼: median tolerance)", fontsize=9)
    return save(fig, out, "accuracy"), ("Maximum relative error against the float64 reference; Winograd's grows "
                                        "with its tile (F2 → F6), FFT's barely moves.")


def memory(rows, info, out):
    measured = [r for r in rows if r["workspace_bytes"] is not None and r["status"] in ("ok", "wrong")]
    if not measured:
        return None, "no workspace figures"
    labels = sorted({label(r) for r in measured})
    fig, ax = plt.subplots(figsize=(max(6, 0.5 * len(labels) + 2), 4.5))
    for i, lab in enumerate(labels):
        sel = [r for r in measured if label(r) == lab]
        ws = [max(r["workspace_bytes"], 1) / 2**20 for r in sel]
        ax.bar(i, max(ws), color=colour(sel[0]["method"]), alpha=0.35)
        ax.bar(i, median(ws), color=colour(sel[0]["method"]))
    ax.set_yscale("log")
    ax.set_xticks(range(len(labels)), labels, rotation=90, fontsize=7)
    ax.set_ylabel("workspace (MiB; dark: median, light: max)")
    ax.set_title("Extra memory per method: packed/transformed weights, lowered or transformed inputs", fontsize=9)
    return save(fig, out, "memory"), "Workspace bytes per method and variant (median and maximum over problems)."


def plain_vs_halide(rows, info, out):
    best = best_per_family(rows)
    pairs = defaultdict(list)
    for (prob, t, fam), r in best.items():
        method, impl = fam.split("/")
        if impl == "halide" and (prob, t, method + "/plain") in best:
            pairs[method].append((best[(prob, t, method + "/plain")]["median_ms"], r["median_ms"]))
    scheds = defaultdict(list)
    for r in ok_rows(rows):
        if r["impl"] == "halide" and r["schedule"]:
            scheds[(r["problem"], r["threads"], r["method"])].append(r)
    if not pairs:
        return None, "the run has no Halide measurements next to plain ones"
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4.6))
    for method, pts in sorted(pairs.items()):
        ax1.scatter([p for p, _ in pts], [h for _, h in pts], color=colour(method), label=method, s=14)
    lim = [min(min(p, h) for pts in pairs.values() for p, h in pts) * 0.8,
           max(max(p, h) for pts in pairs.values() for p, h in pts) * 1.2]
    ax1.plot(lim, lim, color="black", linewidth=0.8)
    ax1.set_xscale("log")
    ax1.set_yscale("log")
    ax1.set_xlabel("plain C++ time (ms)")
    ax1.set_ylabel("Halide time, best schedule (ms)")
    ax1.legend(fontsize=7)
    ax1.set_title("below the line: Halide faster", fontsize=9)
    manual = defaultdict(list)
    for key, group in scheds.items():
        m = next((r for r in group if r["schedule"] == "manual"), None)
        for r in group:
            if m and r["schedule"] != "manual":
                manual[r["schedule"]].append(m["median_ms"] / r["median_ms"])
    names = sorted(manual)
    if names:
        ax2.boxplot([manual[n] for n in names], labels=names)
        ax2.axhline(1.0, color="black", linewidth=0.8)
        ax2.set_yscale("log")
        ax2.set_ylabel("manual time / autoscheduled time (×)")
        ax2.set_title(">1: the autoscheduler beat the hand-written schedule", fontsize=9)
    else:
        ax2.axis("off")
    fig.suptitle("Plain C++ against Halide, and manual against autoscheduled Halide", fontsize=10)
    return save(fig, out, "plain_vs_halide"), "Plain C++ against Halide, and manual against autoscheduled schedules."


ALL = [winner_maps, speedups, gflops_vs_params, roofline, phases, accuracy, memory, plain_vs_halide]
