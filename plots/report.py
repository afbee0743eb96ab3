#!/usr/bin/env python3
"""convlab report: figures (PNG + SVG) and report.md / report.html for one run folder.

usage: report.py RUN_DIR      (run by `convlab report RUN` and at the end of every sweep)
Every sentence of the summary is computed from results.csv; nothing is hand-written about the numbers.
"""
import base64
import html
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import figures  # noqa: E402
import summary  # noqa: E402
from results_io import load_rows, load_run_info, machine_title  # noqa: E402


def winners_table(rows):
    from results_io import winners
    lines = ["| problem | layer | threads | winner | ms | GFLOP/s | runner-up | × runner-up | × oneDNN |",
             "|---|---|---|---|---|---|---|---|---|"]
    for (problem, threads), (win, runner, peer) in sorted(winners(rows).items(), key=lambda kv: (kv[0][1], kv[0][0])):
        name = "/".join(x for x in (win["method"], win["impl"], win["variant"]) if x)
        ru = "/".join(x for x in (runner["method"], runner["impl"], runner["variant"]) if x) if runner else "–"
        lines.append(f"| {problem} | {win['layer']} | {int(threads)} | {name} | {win['median_ms']:.3f} | "
                     f"{win['gflops']:.1f} | {ru} | "
                     + (f"{runner['median_ms'] / win['median_ms']:.2f}" if runner else "–") + " | "
                     + (f"{peer['median_ms'] / win['median_ms']:.2f}" if peer else "–") + " |")
    return lines


def build(run_dir):
    rows = load_rows(run_dir)
    info = load_run_info(run_dir)
    fig_dir = os.path.join(run_dir, "figures")
    os.makedirs(fig_dir, exist_ok=True)
    made, skipped = [], []
    for fn in figures.ALL:
        name, caption = fn(rows, info, fig_dir)
        (made if name else skipped).append((fn.__name__, name, caption))

    wins = summary.win_statements(rows)
    _, onednn_text = summary.onednn_statement(rows)
    _, acc_text = summary.accuracy_statement(rows)
    mem_text = summary.memory_statement(rows)
    nz = summary.noise(rows)
    counts = summary.status_counts(rows)
    threads = sorted({int(m["threads"]) for m in info.get("machine", [])})

    md = [f"# convlab report: {os.path.basename(os.path.abspath(run_dir))}", ""]
    md += ["## Machine and run", ""]
    for t in threads:
        md.append(f"- {machine_title(info, t)}, measured memory bandwidth "
                  f"{next(m['bandwidth_gbs'] for m in info['machine'] if int(m['threads']) == t):.1f} GB/s")
    libs = info.get("libraries", {})
    md += [f"- started {info.get('started')}, finished {info.get('finished') or '(unfinished)'}; "
           f"commit {info.get('git_commit', '')[:12]}; shard {info.get('shard')}",
           f"- command: `{info.get('command_line')}`",
           f"- compiler {info.get('compiler')}, {info.get('build_flags')}; OpenMP wait policy: {info.get('omp_wait_policy')}; "
           f"heap: {info.get('malloc', 'glibc defaults (not recorded)')}",
           "- libraries: " + ", ".join(f"{k} {v}" for k, v in libs.items()), ""]
    md += ["## When each method wins", ""]
    md.append(" ".join(w["sentence"] for w in wins) + " " + onednn_text)
    md += ["", acc_text, "", mem_text, ""]
    md += ["Times are medians over repetitions (Google Benchmark, manual time, threads pinned per run); GFLOP/s are "
           "direct-equivalent (2·N·K·OH·OW·C·R·S / time), so methods that do less arithmetic can exceed the machine's "
           "peak. oneDNN is a peer, never a winner; its layout reorders are timed apart (untimed_ms), as benchdnn does. "
           "A win counts as \"by more than the timings' spread\" where the winner's median plus one standard deviation "
           "of its repetitions stays below the runner-up's median minus one of its; the other wins are within the "
           "noise of this run and may go the other way in the next.", ""]
    md += ["## Winners", ""] + winners_table(rows) + [""]
    md += ["## Each implementation against oneDNN, the peak and plain", ""] + summary.method_table(rows, info) + [""]
    scaling = summary.thread_scaling(rows, info)
    if scaling:
        md += ["## Thread scaling", ""] + scaling + [""]
    md += ["## Figures", ""]
    for fn_name, name, caption in made:
        md += [f"### {fn_name.replace('_', ' ')}", "", f"![{fn_name}](figures/{name})", "", caption,
               f"(SVG: figures/{name[:-4]}.svg)", ""]
    for fn_name, _, why in skipped:
        md += [f"- {fn_name.replace('_', ' ')}: not drawn: {why}."]
    md += ["", "## Noise and exclusions", ""]
    if nz:
        md.append(f"Coefficient of variation over repetitions: median {nz['median_cv'] * 100:.1f}%, worst "
                  f"{nz['max_cv'] * 100:.1f}%; {nz['over_5pct']} of {nz['rows']} measurements above 5%.")
    md.append("Rows by status: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())) + ".")
    bad = [r for r in rows if r["status"] in ("wrong", "error")]
    if bad:
        md += ["", "| problem | implementation | status | reason |", "|---|---|---|---|"]
        md += [f"| {r['problem']} | {r['method']}/{r['impl']}/{r['variant']} | {r['status']} | {r['reason']} |" for r in bad]
    reasons = sorted({(r["method"] + "/" + r["variant"], r["reason"]) for r in rows if r["status"] == "n/a"})
    if reasons:
        md += ["", "Not applicable (never replaced by another method):", ""]
        md += [f"- {m}: {why}" for m, why in reasons[:40]]
    text = "\n".join(md) + "\n"
    with open(os.path.join(run_dir, "report.md"), "w") as f:
        f.write(text)
    write_html(run_dir, text)
    with open(os.path.join(run_dir, "summary.txt"), "w") as f:
        f.write("\n".join(w["sentence"] for w in wins) + "\n" + onednn_text + "\n")
    return os.path.join(run_dir, "report.md")


def write_html(run_dir, md_text):
    """A self-contained page: the same text, images inlined as base64."""
    out = ["<!doctype html><meta charset='utf-8'><title>convlab report</title>",
           "<style>body{font-family:sans-serif;max-width:1100px;margin:auto}table{border-collapse:collapse;font-size:12px}"
           "td,th{border:1px solid #ccc;padding:2px 6px}img{max-width:100%}code{background:#eee}</style>"]
    in_table = False
    for line in md_text.splitlines():
        if line.startswith("|"):
            cells = [c.strip() for c in line.strip("|").split("|")]
            if set(line) <= set("|-"):
                continue
            if not in_table:
                out.append("<table>")
                in_table = True
            out.append("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in cells) + "</tr>")
            continue
        if in_table:
            out.append("</table>")
            in_table = False
        if line.startswith("!["):
            path = line[line.index("(") + 1:-1]
            with open(os.path.join(run_dir, path), "rb") as img:
                data = base64.b64encode(img.read()).decode()
            out.append(f"<img src='data:image/png;base64,{data}' alt='{html.escape(path)}'>")
        elif line.startswith("#"):
            level = len(line) - len(line.lstrip("#"))
            out.append(f"<h{level}>{html.escape(line.lstrip('# '))}</h{level}>")
        elif line.startswith("- "):
            out.append(f"<li>{html.escape(line[2:])}</li>")
        elif line:
            out.append(f"<p>{html.escape(line)}</p>")
    if in_table:
        out.append("</table>")
    with open(os.path.join(run_dir, "report.html"), "w") as f:
        f.write("\n".join(out) + "\n")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.stderr.write("usage: report.py RUN_DIR\n")
        sys.exit(2)
    try:
        print(build(sys.argv[1]))
    except (OSError, ValueError, KeyError) as e:
        sys.stderr.write(f"report.py: {sys.argv[1]}: {e}\n")
        sys.exit(2)
