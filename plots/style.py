"""One colour per method across every figure, so a reader learns it once; impls differ by line style."""
import matplotlib

matplotlib.use("Agg")

METHOD_COLOURS = {
    "direct": "#1f77b4",
    "im2col": "#ff7f0e",
    "fft": "#2ca02c",
    "winograd": "#d62728",
    "onednn": "#7f7f7f",
    "reference": "#000000",
}
IMPL_STYLES = {"plain": "-", "halide": "--", "onednn": ":"}
IMPL_MARKERS = {"plain": "o", "halide": "s", "onednn": "^"}
PHASE_COLOURS = {"input_transform_ms": "#9ecae1", "multiply_ms": "#3182bd", "output_transform_ms": "#fdae6b",
                 "plan_ms": "#d9d9d9"}


def colour(method):
    return METHOD_COLOURS.get(method, "#8c564b")


def family_colour(fam):
    return colour(fam.split("/")[0])


def family_style(fam):
    impl = fam.split("/")[1] if "/" in fam else "plain"
    return IMPL_STYLES.get(impl, "-"), IMPL_MARKERS.get(impl, "o")


def save(fig, out_dir, name):
    """PNG for the report, SVG for papers; returns the PNG's file name."""
    fig.tight_layout()
    fig.savefig(f"{out_dir}/{name}.png", dpi=110)
    fig.savefig(f"{out_dir}/{name}.svg")
    import matplotlib.pyplot as plt
    plt.close(fig)
    return f"{name}.png"
