#include "halide_conv.h"

#include <HalideBuffer.h>
#include <HalideRuntime.h>
#include <omp.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>
#include <utility>
#include <mutex>

#include "buffer.h"
#include "direct/pointwise.h"
#include "filter_block.h"
#include "fc/fully_connected.h"
#include "fft/fft_conv.h"
#include "fft/fft_transform.h"
#include "halide_heap.h"
#include "kernel_layout.h"
#include "phase_timer.h"
#include "tiled/tiled_conv.h"
#include "winograd_bands.h"
#include "winograd/winograd_conv.h"
#include "winograd/winograd_transform.h"

// The AOT pipelines: halide_<method>_<schedule>.h, made by schedules/CMakeLists.txt.
#include "halide_fc_manual.h"
#include "halide_direct_li2018.h"
#include "halide_direct_manual.h"
#include "halide_direct_mullapudi2016.h"
#include "halide_direct_pointwise_manual.h"
#include "halide_direct_wrapped_manual.h"
#include "halide_fft_li2018.h"
#include "halide_fft_manual.h"
#include "halide_fft_mullapudi2016.h"
#include "halide_im2col_li2018.h"
#include "halide_im2col_manual.h"
#include "halide_im2col_mullapudi2016.h"
#include "halide_im2col_pointwise_manual.h"
#include "halide_im2col_wrapped_manual.h"
#include "halide_winograd_bands_manual.h"
#include "halide_winograd_f2x3_bands_manual.h"
#include "halide_winograd_f2x3_manual.h"
#include "halide_winograd_f4x3_bands_manual.h"
#include "halide_winograd_f4x3_manual.h"
#include "halide_winograd_f6x3_bands_manual.h"
#include "halide_winograd_f6x3_manual.h"
#include "halide_winograd_f2x3_lanes_manual.h"
#include "halide_winograd_f4x3_lanes_manual.h"
#include "halide_winograd_f6x3_lanes_manual.h"
#include "halide_winograd_li2018.h"
#include "halide_winograd_manual.h"
#include "halide_winograd_mullapudi2016.h"

namespace convlab {

namespace {

using HBuf = Halide::Runtime::Buffer<float>;

// Direct and im2col share one signature: the layer's tensors and its scalar parameters.
using LayerFn = int (*)(halide_buffer_t*, halide_buffer_t*, halide_buffer_t*, int, int, int, int, int, int, halide_buffer_t*);
using WinogradFn = int (*)(halide_buffer_t*, halide_buffer_t*, halide_buffer_t*, halide_buffer_t*, halide_buffer_t*,
                           halide_buffer_t*, halide_buffer_t*, int, int, int, int, halide_buffer_t*);
using FftFn = int (*)(halide_buffer_t*, halide_buffer_t*, halide_buffer_t*, halide_buffer_t*, halide_buffer_t*,
                      halide_buffer_t*, halide_buffer_t*, int, int, int, int, int, int, int, halide_buffer_t*);

template <typename Fn>
using Table = std::map<std::string, Fn>;  // schedule -> pipeline

const std::map<std::string, Table<LayerFn>>& layer_pipelines() {
  static const std::map<std::string, Table<LayerFn>> t = {
      {"direct", {{"manual", halide_direct_manual}, {"mullapudi2016", halide_direct_mullapudi2016}, {"li2018", halide_direct_li2018}}},
      {"im2col", {{"manual", halide_im2col_manual}, {"mullapudi2016", halide_im2col_mullapudi2016}, {"li2018", halide_im2col_li2018}}},
  };
  return t;
}
// The manual schedule's build for dense 1x1 layers, positions in the lanes (common.h's
// positions_in_lanes_product), by method.
const std::map<std::string, LayerFn> pointwise_pipelines = {
    {"direct", halide_direct_pointwise_manual}, {"im2col", halide_im2col_pointwise_manual}};
// The manual schedule's build for rows at most kNarrowRow wide, register blocks wrapping rows (the
// generators' schedule_wrapped_rows), by method: the layer pipelines' signature, and the output's width.
using WrappedLayerFn = int (*)(halide_buffer_t*, halide_buffer_t*, halide_buffer_t*, int, int, int, int, int, int, int,
                               halide_buffer_t*);
const std::map<std::string, WrappedLayerFn> wrapped_pipelines = {
    {"direct", halide_direct_wrapped_manual}, {"im2col", halide_im2col_wrapped_manual}};
const Table<WinogradFn> winograd_pipelines = {
    {"manual", halide_winograd_manual}, {"mullapudi2016", halide_winograd_mullapudi2016}, {"li2018", halide_winograd_li2018}};
// The manual schedule built for F(m, 3) with constant matrices (winograd_generator.cpp's fixed_m), by m.
const std::map<int, WinogradFn> winograd_fixed_manual = {
    {2, halide_winograd_f2x3_manual}, {4, halide_winograd_f4x3_manual}, {6, halide_winograd_f6x3_manual}};
// The same with tiles in the vector lanes (schedule_tiles_in_lanes), for images of at most one block of
// tiles (filter_block.h's kLaneTileBlock).
const std::map<int, WinogradFn> winograd_fixed_lanes_manual = {
    {2, halide_winograd_f2x3_lanes_manual}, {4, halide_winograd_f4x3_lanes_manual}, {6, halide_winograd_f6x3_lanes_manual}};
// The manual schedule with its bands in parallel (winograd_generator.cpp's parallel_bands), general and by m.
const std::map<int, WinogradFn> winograd_bands_manual = {{0, halide_winograd_bands_manual},
                                                         {2, halide_winograd_f2x3_bands_manual},
                                                         {4, halide_winograd_f4x3_bands_manual},
                                                         {6, halide_winograd_f6x3_bands_manual}};
const Table<FftFn> fft_pipelines = {
    {"manual", halide_fft_manual}, {"mullapudi2016", halide_fft_mullapudi2016}, {"li2018", halide_fft_li2018}};

// Halide's default error handler aborts the process; a failing pipeline must instead become one line
// (convlab conv) or an "error" row (convlab sweep). The message of the last error, per thread.
thread_local std::string last_halide_error;
extern "C" void convlab_halide_error(void*, const char* msg) {
  last_halide_error = msg;
  while (!last_halide_error.empty() && last_halide_error.back() == '\n') last_halide_error.pop_back();
}

// Halide keeps its own thread pool: size it like every other pool of the run.
void sync_halide_threads() {
  static std::mutex mu;
  static int current = -1;
  std::lock_guard<std::mutex> lock(mu);
  if (current < 0) halide_set_error_handler(convlab_halide_error);
  const int want = omp_get_max_threads();
  if (want != current) {
    // Fewer threads than before: Halide's runtime keeps the workers it has already started working
    // (measured: after a 2-thread pipeline, halide_set_num_threads(1) still ran on 2 cores, so a
    // "1-thread" Halide time was a 2-thread one). Its pool is stopped, and restarts at the new size.
    if (current > 0 && want < current) halide_shutdown_thread_pool();
    halide_set_num_threads(want);
    current = want;
  }
}

// NCHW data seen as Halide's [x, y, c, n] (innermost first): no copy.
HBuf view4(const float* data, int64_t n, int64_t c, int64_t h, int64_t w) {
  return HBuf(const_cast<float*>(data), int(w), int(h), int(c), int(n));
}

// What every Halide implementation shares: impl and schedule names, the thread pool, errors, and the
// answer to "does this schedule fit this shape?".
class HalideMethod : public ConvMethod {
 public:
  HalideMethod(std::string method, std::string schedule) : method_(std::move(method)), schedule_(std::move(schedule)) {}
  std::string method() const override { return method_; }
  std::string impl() const override { return "halide"; }
  std::string schedule() const override { return schedule_; }
  PhaseTimes phases() const override { return phases_; }

  void plan(const ConvProblem& p) final {
    p_ = p;
    heap_peak_.reset();
    plan_buffers(p);
  }
  // The first execute() after plan() measures the heap its pipeline takes (halide_heap.h). Benchmarks
  // time later calls (the sweep's first is its check against the reference); convlab conv times this one,
  // where the watch's lock per allocation did not show (Winograd, FFT, im2col on ResNet-50 res3 and
  // res5 3x3, 5 alternating runs: 0.68-1.00x the time without it).
  void execute(const float* input, float* output) final {
    sync_halide_threads();
    if (heap_peak_) return run_pipeline(input, output);
    HalideHeapWatch watch;
    run_pipeline(input, output);
    heap_peak_ = watch.peak_bytes();
  }
  // Buffers held from plan() on, and the pipeline's heap as measured (none counted before an execute()).
  size_t workspace_bytes() const final { return host_bytes() + heap_peak_.value_or(0); }

  // Autoscheduled pipelines split loops with the shapes of their estimates in mind (tails shifted inwards)
  // and fault on outputs smaller than their tiles. Halide checks that only while computing, so the
  // pipeline runs once on zeros of this shape and the answer is kept per shape. Manual schedules guard
  // their tails.
  std::string not_applicable(const ConvProblem& p) const override {
    if (std::string why = method_not_applicable(p); !why.empty()) return why;
    if (schedule_ == "manual") return "";
    static std::mutex mu;
    static std::map<std::string, std::string> verdicts;
    const std::string key = method_ + "/" + variant() + "/" + schedule_ + "/" + p.descriptor();
    {
      std::lock_guard<std::mutex> lock(mu);
      if (auto it = verdicts.find(key); it != verdicts.end()) return it->second;
    }
    std::unique_ptr<ConvMethod> probe = clone();
    Buffer<float> x(size_t(p.input_elems())), w(size_t(p.weight_elems())), b(size_t(p.k)), y(size_t(p.output_elems()));
    x.zero(), w.zero(), b.zero();
    std::string why;
    try {
      probe->plan(p);
      probe->set_weights(w.data(), b.data());
      probe->execute(x.data(), y.data());
    } catch (const std::runtime_error&) {
      why = "the " + schedule_ + " schedule does not fit this shape: " + last_halide_error;
    }
    std::lock_guard<std::mutex> lock(mu);
    return verdicts[key] = why;
  }

 protected:
  virtual std::string method_not_applicable(const ConvProblem&) const { return ""; }
  virtual std::unique_ptr<ConvMethod> clone() const = 0;
  virtual void plan_buffers(const ConvProblem& p) = 0;  // p_ is p
  virtual void run_pipeline(const float* input, float* output) = 0;
  virtual size_t host_bytes() const = 0;  // packed weights and other buffers this object holds
  void run(int rc) const {
    if (rc != 0) throw std::runtime_error("Halide pipeline " + method_ + "/" + schedule_ + " failed: " + last_halide_error);
  }

  std::string method_, schedule_;
  ConvProblem p_;
  PhaseTimes phases_;

 private:
  std::optional<size_t> heap_peak_;  // measured in the first execute() after plan()
};

class HalideLayerConv : public HalideMethod {
 public:
  HalideLayerConv(std::string method, std::string schedule, LayerFn fn) : HalideMethod(std::move(method), std::move(schedule)), fn_(fn) {}
  void plan_buffers(const ConvProblem& p) override {
    layer_ = p;
    pointwise_ = pointwise_build(p);
    gather_ = false;
    // A 1x1 layer with stride or padding (ResNet-50's projection shortcuts) runs as the dense layer on the
    // positions its kernel reads, gathered first and timed as the input transform (pointwise.h; the plain
    // direct method does the same), where the dense layer takes a path the strided one cannot: a flat
    // plane, or the positions-in-lanes build. Read in place with a stride, the pipelines took rows
    // of the narrow output (7 or 14 columns, one vector of filters per 7: too few accumulators). Paired
    // A/B, new / old time, 2 threads (1 thread): direct res3_down 0.69x (0.66x), res4_down 0.90x (0.72x),
    // res5_down 1.05x (0.76x); im2col res4_down 0.51x (0.40x), res5_down 0.42x (0.30x). Where the dense
    // layer keeps rows (the autoschedules at 28 wide), im2col's lowering already is the gather: gathering
    // first took 1.12x the time (manual im2col at res3_down, before it had a positions-in-lanes build).
    if (p.r == 1 && p.s == 1 && !p.dense_pointwise()) {
      layer_ = unit_stride_pointwise(p);
      pointwise_ = pointwise_build(layer_);
      gather_ = flat_plane();
      if (!gather_) layer_ = p;  // (and pointwise_ is false: flat_plane() holds with it)
    }
    wrapped_ = wrapped_build(layer_);
    gathered_.resize(gather_ ? size_t(layer_.input_elems()) : 0);
    w_.resize(size_t(layer_.c * layer_.r * layer_.s * k_padded()));
    bias_.resize(size_t(k_padded()));
    bias_.zero();
  }
  void set_weights(const float* w, const float* bias) override {
    PhaseTimer t;
    // KCRS -> blocks of kFilterBlock filters, filter innermost: [K / F][c][r][s][F] (filter_block.h)
    Buffer<float> kcrs(size_t(layer_.weight_elems()));
    xcorr_weights(layer_, w, kcrs.data());
    w_.zero();
    const int64_t crs = layer_.c * layer_.r * layer_.s;
    for (int64_t k = 0; k < layer_.k; ++k)
      for (int64_t i = 0; i < crs; ++i) w_[size_t(convlab_halide::blocked_index(k, i, crs))] = kcrs[size_t(k * crs + i)];
    bias_or_zero(layer_, bias, bias_.data());
    weight_ms_ = t.ms();
  }
  void run_pipeline(const float* input, float* output) override {
    PhaseTimer t;
    if (gather_) gather(input);
    const double gather_ms = t.lap();
    const auto [ih, iw] = plane(layer_.h, layer_.w);
    HBuf in = view4(gather_ ? gathered_.data() : input, layer_.n, layer_.c, ih, iw);
    const int F = convlab_halide::kFilterBlock, S = int(layer_.s), R = int(layer_.r), C = int(layer_.c);
    halide_dimension_t dims[5] = {{0, F, 1}, {0, S, F}, {0, R, S * F}, {0, C, R * S * F}, {0, int(k_padded()) / F, C * R * S * F}};
    HBuf wt(w_.data(), 5, dims);
    HBuf b(bias_.data(), int(k_padded()));
    const auto [oh, ow] = plane(layer_.oh(), layer_.ow());
    HBuf out = view4(output, layer_.n, layer_.k, oh, ow);
    if (wrapped_)
      run(wrapped_pipelines.at(method_)(in, wt, b, int(layer_.sw), int(layer_.sh), int(layer_.dw), int(layer_.dh), int(layer_.pl),
                                       int(layer_.pt), int(ow), out));
    else
      run((pointwise_ ? pointwise_pipelines.at(method_) : fn_)(in, wt, b, int(layer_.sw), int(layer_.sh), int(layer_.dw),
                                                                int(layer_.dh), int(layer_.pl), int(layer_.pt), out));
    phases_ = {{"weight_transform", weight_ms_}, {"input_transform", gather_ms}, {"multiply", t.ms()}};
  }
  size_t host_bytes() const override { return w_.bytes() + bias_.bytes() + gathered_.bytes(); }
  double actual_flops() const override { return p_.flops(); }

 protected:
  std::unique_ptr<ConvMethod> clone() const override { return std::make_unique<HalideLayerConv>(method_, schedule_, fn_); }

 private:
  // A 1x1, stride-1, unpadded layer is the same layer on one row of H x W columns. On rows of at most 15
  // columns (ResNet-50's 14x14 and 7x7) the pipeline then blocks whole planes, which no longer round up to
  // its column blocks. Same-run A/B, 1 thread, Halide manual, three rounds, res4 and res5's 1x1 stride-1
  // layers: direct 0.73-0.91x the time, im2col 0.46-0.70x. On 56-wide rows 1.07-1.21x (a plane of sums no
  // longer fits L1), so wider layers keep their rows. im2col gives a single row two items, one per half of
  // the filters (im2col_generator.cpp), so that 2 threads share a flattened plane.
  // The positions-in-lanes build takes every such plane flat: its blocks are positions, not columns.
  static constexpr int64_t kFlatWidth = convlab_halide::kMidRow;  // rows of the narrow and middle block widths
  bool flat_plane() const {
    return layer_.dense_pointwise() && (pointwise_ || layer_.ow() <= kFlatWidth);
  }
  // An h x w plane as the pipeline sees it (rows, columns): one row of h * w when flat_plane().
  std::pair<int64_t, int64_t> plane(int64_t h, int64_t w) const {
    return flat_plane() ? std::pair<int64_t, int64_t>{1, h * w} : std::pair<int64_t, int64_t>{h, w};
  }
  // Direct's and im2col's hand-written schedules have a build for 1x1, unit-stride, unpadded layers, with
  // positions in the lanes (pointwise_pipelines), for planes that fill its items (kPointwiseColumns
  // positions) to within an eighth: ResNet-50's 56x56 and 28x28 planes (1% and 4% more), not 14x14 with
  // AVX-512's 48 (22%: 1.24x the filters-in-lanes build's time at res4_1x1b, direct, Xeon) or 7x7 (96
  // positions for 49: 1.8x). With AVX2's 24 a 14x14 plane is 10% more and passes, but direct computes
  // such planes faster flat (flat_plane), its filters in the lanes: paired, Zen3, new / old time, 8 rounds,
  // 1 thread 0.84-0.88x on res4_1x1b, res4_1x1c and res5_1x1a; 2 threads 0.85-0.92x on res4_1x1b,
  // res5_1x1a and res4_down, but 1.00-1.19x on res4_1x1c (three runs). im2col's flat build took 1.08-1.20x
  // there, so it keeps the lanes. With that build's packed columns and filter groups (common.h), direct's
  // 14x14 layers still took 0.67-1.23x the flat build's time at 2 threads and 1.03-1.17x at 1 thread (5
  // rounds, res4_1x1b, res4_1x1c, res5_1x1a, res4_down): they stay flat.
  bool pointwise_build(const ConvProblem& d) const {
    const int64_t hw = d.h * d.w, cols = convlab_halide::kPointwiseColumns;
    if (method_ == "direct" && d.ow() <= kFlatWidth) return false;
    return pointwise_pipelines.count(method_) && schedule_ == "manual" && d.dense_pointwise() && hw >= cols &&
           convlab_halide::round_up(hw, cols) * 8 <= hw * 9;
  }
  // Direct's and im2col's hand-written schedules have a build for rows at most kNarrowRow wide, its
  // register blocks wrapping rows (the generators' schedule_wrapped_rows); flat planes are one wide row. On
  // 13- and 14-wide rows, where direct's own build takes blocks of 5 columns, direct's went either way
  // (same-run medians, 2 threads, 5 rounds: AlexNet conv3-conv5 0.87-0.96x the time, ResNet-50 res4 3x3 and
  // VGG-16 conv5 1.04x and 1.06x), so they keep their rows.
  bool wrapped_build(const ConvProblem& d) const {
    return wrapped_pipelines.count(method_) && schedule_ == "manual" && !flat_plane() && d.ow() <= convlab_halide::kNarrowRow;
  }
  // Filters padded with zeros to whole blocks (filter_block.h).
  int64_t k_padded() const { return convlab_halide::round_up(layer_.k, convlab_halide::kFilterBlock); }
  // The gather runs on Halide's thread pool, the pool the pipeline runs on next. On OpenMP's, libgomp's
  // threads spun after it, sharing the 2 cores with Halide's workers (2 threads, res3_down: direct 1.03x
  // the old time instead of 0.69-0.75x, im2col 1.94x instead of 1.12x). A task takes a run of planes,
  // kGatherTasks per thread: the pool takes its lock per task, and one 7x7 plane per task made the gather
  // 5x the plain method's OpenMP loop at res5_down (1024 planes; 0.24 ms against 0.044 in one sweep). In
  // runs: 0.28-0.31 ms became 0.037-0.039 (2 threads, same process order).
  static constexpr int kGatherTasks = 4;
  void gather(const float* input) {
    struct Closure {
      const ConvProblem* p;
      const float* input;
      float* gathered;
      int64_t planes, tasks;
    } closure{&p_, input, gathered_.data(), p_.n * p_.c, 0};
    closure.tasks = std::min<int64_t>(closure.planes, int64_t(kGatherTasks) * omp_get_max_threads());
    auto task = [](void*, int i, uint8_t* c) {
      const auto* g = reinterpret_cast<const Closure*>(c);
      for (int64_t nc = i * g->planes / g->tasks, end = (i + 1) * g->planes / g->tasks; nc < end; ++nc)
        gather_pointwise_plane(*g->p, g->input, g->gathered, nc);
      return 0;
    };
    halide_do_par_for(nullptr, task, 0, int(closure.tasks), reinterpret_cast<uint8_t*>(&closure));
  }

  LayerFn fn_;
  bool gather_ = false;     // p_ is a strided or padded 1x1 layer: the pipeline computes layer_ on gathered_
  ConvProblem layer_;       // the layer the pipeline computes: p_, or unit_stride_pointwise(p_)
  Buffer<float> gathered_;  // [N][C][OH][OW] when gather_
  bool pointwise_ = false;  // running pointwise_pipelines' build instead of fn_
  bool wrapped_ = false;    // running wrapped_pipelines' build instead of fn_
  Buffer<float> w_, bias_;
};

// Winograd and FFT: the plain method of the same variant answers applicability and tolerance and provides
// the weight transform, so both implementations share their matrices.
class HalideTiledConv : public HalideMethod {
 public:
  HalideTiledConv(std::string method, std::string variant, std::string schedule)
      : HalideMethod(std::move(method), std::move(schedule)), variant_(std::move(variant)) {
    if (method_ == "winograd") wino_ = std::make_unique<WinogradConv>(variant_);
    else fft_ = std::make_unique<FftConv>(variant_);
  }
  std::string variant() const override { return variant_; }
  double tolerance(const ConvProblem& p) const override { return plain().tolerance(p); }
  std::string remark(const ConvProblem& p) const override { return plain().remark(p); }

  void plan_buffers(const ConvProblem& p) override {
    if (wino_) {
      const int m = wino_->output_tile();
      auto t = std::make_unique<WinogradTransform>(m, m, int(p.r), int(p.s));
      mats_ = {t->bt_cols(), t->bt_rows(), t->at_cols(), t->at_rows()};
      // F(2,3), F(4,3), F(6,3) by hand-written schedule: the build whose matrices are constants (the same
      // tables the plain transform checked its own against: t->fixed()).
      // Images of at most 16 tiles (late layers) take the build with tiles in the lanes, and U in blocks of 6;
      // others have a build with bands in parallel too (execute() picks).
      wino_fn_ = winograd_pipelines.at(schedule_);
      bands_fn_ = schedule_ == "manual" ? winograd_bands_manual.at(0) : nullptr;
      lanes_ = false;
      const bool fixed = t->fixed();
      t_ = std::move(t);
      if (schedule_ == "manual" && fixed && p.r == 3 && p.s == 3 && winograd_fixed_manual.count(m)) {
        lanes_ = tiles_x() * tiles_y() <= convlab_halide::kLaneTileBlock;
        wino_fn_ = (lanes_ ? winograd_fixed_lanes_manual : winograd_fixed_manual).at(m);
        bands_fn_ = lanes_ ? nullptr : winograd_bands_manual.at(m);
      }
    } else {
      const int T = fft_->transform_size(p).first;
      t_ = std::make_unique<FftTransform>(T, T, int(p.eff_r()), int(p.eff_s()));
      mats_ = dft_matrices(T);
    }
    vals_ = t_->complex ? 2 : 1;
    // Zero weights past K, whole blocks (or groups: filter_block.h).
    kpad_ = convlab_halide::round_up(p.k, lanes_ ? convlab_halide::kLaneFilterGroup : convlab_halide::kFilterBlock);
    U_.resize(size_t(t_->positions * vals_ * p.c * kpad_));
    bias_.resize(size_t(p.k));
  }
  void set_weights(const float* w, const float* bias) override {
    PhaseTimer t;
    U_.zero();
    // [k][c][position][re/im] -> [k / F][position][c][re/im][F], F = kFilterBlock (filter_block.h): a
    // block's weights for one position are contiguous over channels.
    const int64_t P = t_->positions, C = p_.c, vals = vals_;
    Buffer<float> kcp(size_t(p_.k * C * P * vals));
    transform_weights(p_, *t_, w, kcp.data(), size_t(P * vals), size_t(vals));
    // Tiles in lanes, blocks of 6 filters, position-major: [position][K / 6][c][6], so that one parallel item
    // (a position and group of filters) reads its U as one stream.
    const int64_t L = convlab_halide::kLaneFilterBlock;
#pragma omp parallel for schedule(static)
    for (int64_t k = 0; k < p_.k; ++k)
      for (int64_t c = 0; c < C; ++c)
        for (int64_t pos = 0; pos < P; ++pos)
          for (int64_t v = 0; v < vals; ++v)
            U_[size_t(lanes_ ? pos * kpad_ * C + convlab_halide::blocked_index(k, c, C, L)
                             : convlab_halide::blocked_index(k, (pos * C + c) * vals + v, P * C * vals))] =
                kcp[size_t(((k * C + c) * P + pos) * vals + v)];
    bias_or_zero(p_, bias, bias_.data());
    weight_ms_ = t.ms();
  }
  void run_pipeline(const float* input, float* output) override {
    PhaseTimer t;
    HBuf in = view4(input, p_.n, p_.c, p_.h, p_.w), out = view4(output, p_.n, p_.k, p_.oh(), p_.ow());
    HBuf b(bias_.data(), int(p_.k));
    const int C = int(p_.c), K = int(kpad_), F = convlab_halide::kFilterBlock;
    if (wino_) {
      const int aw = t_->in_w, ah = t_->in_h, mw = t_->out_w, mh = t_->out_h;
      halide_dimension_t dims[5] = {{0, F, 1}, {0, C, F}, {0, aw, C * F}, {0, ah, aw * C * F}, {0, K / F, ah * aw * C * F}};
      const int L = convlab_halide::kLaneFilterBlock;
      halide_dimension_t lane_dims[5] = {{0, L, 1}, {0, C, L}, {0, aw, K * C}, {0, ah, aw * K * C}, {0, K / L, C * L}};
      HBuf U(U_.data(), 5, lanes_ ? lane_dims : dims);
      HBuf btw(mats_[0].data(), aw, aw), bth(mats_[1].data(), ah, ah), atw(mats_[2].data(), aw, mw), ath(mats_[3].data(), ah, mh);
      const convlab_halide::WinogradBands bands = convlab_halide::winograd_bands(
          tiles_x(), tiles_y(), mh, p_.oh(), int64_t(aw) * ah, p_.c, p_.k, omp_get_max_threads(), bands_fn_ != nullptr);
      run((bands.in_parallel ? bands_fn_ : wino_fn_)(in, U, btw, bth, atw, ath, b, int(tiles_x()), int(p_.pl), int(p_.pt),
                                                     int(bands.rows), out));
    } else {
      const int T = t_->in_w, nu = T / 2 + 1;
      halide_dimension_t dims[6] = {{0, F, 1},          {0, 2, F},              {0, C, 2 * F},
                                    {0, nu, 2 * C * F}, {0, T, nu * 2 * C * F}, {0, K / F, T * nu * 2 * C * F}};
      HBuf U(U_.data(), 6, dims);
      HBuf fx(mats_[0].data(), T, nu, 2), fy(mats_[1].data(), T, T, 2), iy(mats_[2].data(), T, T, 2), ix(mats_[3].data(), nu, T, 2);
      run(fft_pipelines.at(schedule_)(in, U, fx, fy, iy, ix, b, t_->out_w, t_->out_h, int(tiles_x()), int(p_.sw), int(p_.sh),
                                      int(p_.pl), int(p_.pt), out));
    }
    phases_ = {{"weight_transform", weight_ms_}, {"multiply", t.ms()}};
  }
  size_t host_bytes() const override { return U_.bytes() + bias_.bytes(); }
  double actual_flops() const override {
    // Dense DFT/transform matrices: per tile and channel, two passes of small matrix products.
    const double tiles = double(p_.n * tiles_x() * tiles_y());
    // FFT's passes along y take one radix-2 step on even tiles (fft_generator.cpp): T/2 + 1 terms per output,
    // not T; on odd tiles both halves sum over all T rows, 2T.
    const double y_terms = !fft_ ? t_->in_h : t_->in_h % 2 == 0 ? t_->in_h / 2 + 1.0 : 2.0 * t_->in_h;
    const double in_tr = 2.0 * t_->in_h * t_->in_w * (y_terms + t_->in_w) * vals_;
    return tiles * (double(p_.c) * in_tr + (vals_ == 2 ? 8.0 : 2.0) * t_->positions * double(p_.c) * double(p_.k) +
                    double(p_.k) * in_tr);
  }

 protected:
  std::string method_not_applicable(const ConvProblem& p) const override {
    if (fft_ && variant_ == "whole") return "Halide FFT multiplies DFT matrices per tile: whole-image transforms are FFTW's (impl plain)";
    if (std::string why = plain().not_applicable(p); !why.empty()) return why;
    // A Halide buffer holds at most 2^31 - 1 elements; the transformed weights are one buffer.
    double positions;
    if (fft_) {
      const double T = fft_->transform_size(p).first;
      positions = 2.0 * T * (std::floor(T / 2) + 1);
    } else {
      positions = double(wino_->output_tile() + p.r - 1) * double(wino_->output_tile() + p.s - 1);
    }
    const double elems = positions * double(p.c) * double(convlab_halide::round_up(p.k, convlab_halide::kFilterBlock));
    if (elems > 2147483647.0)
      return "transformed weights need " + std::to_string(int64_t(elems / 1e6)) + "M floats (" +
             std::to_string(int64_t(elems * 4 / 1e9)) + " GB), beyond Halide's 2^31 - 1 elements per buffer";
    return "";
  }
  std::unique_ptr<ConvMethod> clone() const override { return std::make_unique<HalideTiledConv>(method_, variant_, schedule_); }

 private:
  const ConvMethod& plain() const { return wino_ ? static_cast<const ConvMethod&>(*wino_) : *fft_; }
  // The tile grid over the stride-1 output (Winograd's stride is 1): tiles per row and per column.
  int64_t tiles_x() const { return (p_.ow() * p_.sw + t_->out_w - 1) / t_->out_w; }
  int64_t tiles_y() const { return (p_.oh() * p_.sh + t_->out_h - 1) / t_->out_h; }

  // Fx [i, u, re/im], Fy [j, v, re/im], Iy [v, j, re/im], Ix [u, i, re/im] (see fft_generator.cpp), in double.
  static std::vector<std::vector<float>> dft_matrices(int T) {
    const int nu = T / 2 + 1;
    // cos and sin of 2 pi m / T, exact on quarter turns: std::cos(pi / 2) is 6e-17, not 0, and products of
    // several such entries (the radix-2 step's twiddles after Fx and Fy, fft_generator.cpp) made denormal
    // values that every later multiply took a microcode assist on.
    auto cos_sin = [T](int64_t m) -> std::pair<double, double> {
      m %= T;
      if (4 * m % T == 0) {
        const int64_t quarter = 4 * m / T;
        return {quarter == 0 ? 1.0 : quarter == 2 ? -1.0 : 0.0, quarter == 1 ? 1.0 : quarter == 3 ? -1.0 : 0.0};
      }
      const double ang = 2.0 * M_PI * double(m) / T;
      return {std::cos(ang), std::sin(ang)};
    };
    std::vector<float> fx(size_t(T * nu * 2)), fy(size_t(T * T * 2)), iy(size_t(T * T * 2)), ix(size_t(nu * T * 2));
    for (int u = 0; u < nu; ++u)
      for (int i = 0; i < T; ++i) {
        const auto [co, si] = cos_sin(int64_t(u) * i);
        fx[size_t(i + T * u)] = float(co), fx[size_t(i + T * u + T * nu)] = float(-si);
        const double cu = (u == 0 || 2 * u == T) ? 1.0 : 2.0;  // Hermitian symmetry: bins counted twice
        ix[size_t(u + nu * i)] = float(cu * co), ix[size_t(u + nu * i + nu * T)] = float(cu * si);
      }
    for (int v = 0; v < T; ++v)
      for (int j = 0; j < T; ++j) {
        const auto [co, si] = cos_sin(int64_t(v) * j);
        fy[size_t(j + T * v)] = float(co), fy[size_t(j + T * v + T * T)] = float(-si);
        iy[size_t(v + T * j)] = float(co), iy[size_t(v + T * j + T * T)] = float(si);
      }
    return {fx, fy, iy, ix};
  }

  std::string variant_;
  std::unique_ptr<WinogradConv> wino_;
  WinogradFn wino_fn_ = nullptr;  // the pipeline plan() chose
  WinogradFn bands_fn_ = nullptr;  // ... with its bands in parallel (winograd_bands.h), where there is one
  bool lanes_ = false;             // ... with tiles in lanes, U in blocks of 6 filters (filter_block.h)
  std::unique_ptr<FftConv> fft_;
  std::unique_ptr<TileTransform> t_;
  std::vector<std::vector<float>> mats_;
  int vals_ = 1;
  int64_t kpad_ = 0;
  Buffer<float> U_, bias_;
};

// The fully connected layer: the FC-shaped convolutions (fc/fully_connected.h), W passed transposed.
// The pipeline's filter blocks (filter_block.h's kFcFilterBlock): weights and bias are padded with zeros to
// whole blocks.
class HalideFc : public HalideMethod {
 public:
  HalideFc() : HalideMethod("fc", "manual") {}
  void plan_buffers(const ConvProblem& p) override {
    kpad_ = convlab_halide::round_up(p.k, convlab_halide::kFcFilterBlock);
    wt_.resize(size_t(p.c * p.r * p.s * kpad_));
    bias_.resize(size_t(kpad_));
  }
  void set_weights(const float* w, const float* bias) override {
    PhaseTimer t;
    wt_.zero();
    bias_.zero();
    const int64_t F = p_.c * p_.r * p_.s;
    std::vector<float> w_kf(size_t(p_.k * F));
    xcorr_weights(p_, w, w_kf.data());
    for (int64_t k = 0; k < p_.k; ++k)
      for (int64_t f = 0; f < F; ++f) wt_[size_t(f * kpad_ + k)] = w_kf[size_t(k * F + f)];  // transposed
    bias_or_zero(p_, bias, bias_.data());
    weight_ms_ = t.ms();
  }
  void run_pipeline(const float* input, float* output) override {
    PhaseTimer t;
    const int F = int(p_.c * p_.h * p_.w), K = int(p_.k), N = int(p_.n);
    HBuf in(const_cast<float*>(input), F, N), wt(wt_.data(), int(kpad_), F), b(bias_.data(), int(kpad_)), out(output, K, N);
    run(halide_fc_manual(in, wt, b, out));
    phases_ = {{"weight_transform", weight_ms_}, {"multiply", t.ms()}};
  }
  size_t host_bytes() const override { return wt_.bytes() + bias_.bytes(); }
  double actual_flops() const override { return p_.flops(); }

 protected:
  std::string method_not_applicable(const ConvProblem& p) const override { return FullyConnected().not_applicable(p); }
  std::unique_ptr<ConvMethod> clone() const override { return std::make_unique<HalideFc>(); }

 private:
  int64_t kpad_ = 0;
  Buffer<float> wt_, bias_;
};

}  // namespace

std::vector<std::string> halide_schedules(const std::string& method) {
  std::vector<std::string> out;
  if (auto it = layer_pipelines().find(method); it != layer_pipelines().end())
    for (const auto& [name, fn] : it->second) out.push_back(name);
  if (method == "winograd")
    for (const auto& [name, fn] : winograd_pipelines) out.push_back(name);
  if (method == "fft")
    for (const auto& [name, fn] : fft_pipelines) out.push_back(name);
  if (method == "fc") out.push_back("manual");
  return out;
}

std::unique_ptr<ConvMethod> make_halide_method(const std::string& method, const std::string& variant,
                                               const std::string& schedule) {
  const std::vector<std::string> built = halide_schedules(method);
  if (built.empty()) throw ProblemError("impl: method " + method + " has no Halide pipeline");
  const std::string s = schedule.empty() ? "manual" : schedule;
  if (std::find(built.begin(), built.end(), s) == built.end())
    throw ProblemError("schedule: '" + s + "' is not built for halide " + method);
  if (method == "fc") {
    if (!variant.empty()) throw ProblemError("variant: halide fc has no variant '" + variant + "'");
    return std::make_unique<HalideFc>();
  }
  if (method == "winograd" || method == "fft")
    return std::make_unique<HalideTiledConv>(method, variant.empty() ? (method == "fft" ? "tile16" : "F4") : variant, s);
  if (!variant.empty()) throw ProblemError("variant: halide " + method + " has no variant '" + variant + "'");
  return std::make_unique<HalideLayerConv>(method, s, layer_pipelines().at(method).at(s));
}

}  // namespace convlab
