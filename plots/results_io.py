"""Reading a run folder: results.csv, winners.csv, run.json. Numbers become floats; empty cells None."""
import csv
import json
import os

NUMERIC = {"count", "n", "c", "h", "w", "k", "r", "s", "pad_t", "pad_b", "pad_l", "pad_r", "threads",
           "median_ms", "mean_ms", "stddev_ms", "cv", "repetitions", "gflops", "actual_gflop", "max_abs_err",
           "max_rel_err", "tolerance", "workspace_bytes", "plan_ms", "weight_transform_ms",
           "input_transform_ms", "multiply_ms", "output_transform_ms", "untimed_ms"}


def _convert(row):
    out = {}
    for key, value in row.items():
        if key in NUMERIC:
            out[key] = float(value) if value not in ("", None) else None
        else:
            out[key] = value or ""
    return out


def load_rows(run_dir):
    path = os.path.join(run_dir, "results.csv")
    with open(path, newline="") as f:
        reader = csv.DictReader(f)
        if not reader.fieldnames or reader.fieldnames[0] != "problem":
            raise ValueError(f"{path}: not a convlab results file")
        return [_convert(r) for r in reader if r.get("problem")]


def load_run_info(run_dir):
    with open(os.path.join(run_dir, "run.json")) as f:
        return json.load(f)


def label(row):
    """method/impl[/variant][/schedule]: one implementation."""
    parts = [row["method"], row["impl"]]
    if row["variant"] and row["method"] != "onednn":
        parts.append(row["variant"])
    if row.get("schedule"):
        parts.append(row["schedule"])
    return "/".join(parts)


def family(row):
    """method/impl: what a line or colour stands for (variants are picked per problem)."""
    return f'{row["method"]}/{row["impl"]}'


def ok_rows(rows):
    return [r for r in rows if r["status"] == "ok" and r["median_ms"]]


def best_per_family(rows):
    """For every (problem, threads, method/impl), the fastest correct variant's row."""
    best = {}
    for r in ok_rows(rows):
        key = (r["problem"], r["threads"], family(r))
        if key not in best or r["median_ms"] < best[key]["median_ms"]:
            best[key] = r
    return best


def winners(rows):
    """(problem, threads) -> (winner row, runner-up row of another method or None, oneDNN row or None)."""
    groups = {}
    for r in ok_rows(rows):
        groups.setdefault((r["problem"], r["threads"]), []).append(r)
    out = {}
    for key, group in groups.items():
        contenders = sorted((r for r in group if r["method"] != "onednn"), key=lambda r: r["median_ms"])
        if not contenders:
            continue
        win = contenders[0]
        runner = next((r for r in contenders if r["method"] != win["method"]), None)
        peer = next((r for r in group if r["method"] == "onednn"), None)
        out[key] = (win, runner, peer)
    return out


def machine_for(info, threads):
    for m in info.get("machine", []):
        if int(m["threads"]) == int(threads):
            return m
    return None


def machine_title(info, threads):
    m = machine_for(info, threads)
    if not m:
        return f"{int(threads)} thread(s)"
    measured = (f' (measured {m["peak_gflops_start"]:.0f} before the run, {m["peak_gflops_end"]:.0f} after)'
                if "peak_gflops_end" in m else "")
    width = f' with {m["peak_vector_bits"]}-bit FMA' if "peak_vector_bits" in m else ""
    return f'{m["cpu"]}, {int(threads)} thread(s), peak {m["peak_gflops"]:.0f} GFLOP/s{width}{measured}'
