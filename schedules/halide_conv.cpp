#include "halide_conv.h"

#include <HalideBuffer.h>
#include <HalideRuntime.h>
#include <omp.h>

#include <map>

#include "buffer.h"
#include "halide_direct_li2018.h"
#include "halide_direct_manual.h"
#include "halide_direct_mullapudi2016.h"
#include "halide_im2col_li2018.h"
#include "halide_im2col_manual.h"
#include "halide_im2col_mullapudi2016.h"
#include "kernel_layout.h"
#include "phase_timer.h"

namespace convlab {

namespace {

using HBuf = Halide::Runtime::Buffer<float>;

// Direct and im2col pipelines share one signature: the layer's tensors and its scalar parameters.
using LayerFn = int (*)(halide_buffer_t*, halide_buffer_t*, halide_buffer_t*, int, int, int, int, int, int,
                        halide_buffer_t*);

const std::map<std::string, std::map<std::string, LayerFn>>& layer_pipelines() {
  static const std::map<std::string, std::map<std::string, LayerFn>> t = {
      {"direct",
       {{"manual", halide_direct_manual}, {"mullapudi2016", halide_direct_mullapudi2016},
        {"li2018", halide_direct_li2018}}},
      {"im2col",
       {{"manual", halide_im2col_manual}, {"mullapudi2016", halide_im2col_mullapudi2016},
        {"li2018", halide_im2col_li2018}}},
  };
  return t;
}

// Halide's default error handler aborts the process; a failing pipeline must instead become one line
// (convlab conv) or an "error" row (convlab sweep). The message of the last error, per thread.
thread_local std::string last_halide_error;
extern "C" void convlab_halide_error(void*, const char* msg) {
  last_halide_error = msg;
  while (!last_halide_error.empty() && last_halide_error.back() == '\n') last_halide_error.pop_back();
}

// Halide keeps its own thread pool: size it like every other pool of the run.
void sync_halide_threads() {
  static int current = -1;
  const int want = omp_get_max_threads();
  if (current < 0) halide_set_error_handler(convlab_halide_error);
  if (want != current) {
    halide_set_num_threads(want);
    current = want;
  }
}

// NCHW data seen as Halide's [x, y, c, n] (innermost first): no copy.
HBuf view4(const float* data, int64_t n, int64_t c, int64_t h, int64_t w) {
  return HBuf(const_cast<float*>(data), int(w), int(h), int(c), int(n));
}

class HalideLayerConv : public ConvMethod {
 public:
  HalideLayerConv(std::string method, std::string schedule, LayerFn fn)
      : method_(std::move(method)), schedule_(std::move(schedule)), fn_(fn) {}
  std::string method() const override { return method_; }
  std::string impl() const override { return "halide"; }
  std::string schedule() const override { return schedule_; }
  // Autoscheduled pipelines split loops with the shapes of their estimates in mind (tails shifted inwards)
  // and fault on outputs smaller than their tiles. Halide checks that only while computing, so the pipeline
  // is run once on zeros of this shape and the answer kept per shape. The manual schedule guards its tails.
  std::string not_applicable(const ConvProblem& p) const override {
    if (schedule_ == "manual") return "";
    static std::map<std::string, std::string> verdicts;
    const std::string key = method_ + "/" + schedule_ + "/" + p.descriptor();
    if (auto it = verdicts.find(key); it != verdicts.end()) return it->second;
    sync_halide_threads();
    Buffer<float> x(size_t(p.input_elems())), w(size_t(p.weight_elems())), b(size_t(p.k)), y(size_t(p.output_elems()));
    x.zero(), w.zero(), b.zero();
    HBuf in = view4(x.data(), p.n, p.c, p.h, p.w), wt = view4(w.data(), p.k, p.c, p.r, p.s);
    HBuf hb(b.data(), int(p.k)), out = view4(y.data(), p.n, p.k, p.oh(), p.ow());
    std::string why;
    if (fn_(in, wt, hb, int(p.sw), int(p.sh), int(p.dw), int(p.dh), int(p.pl), int(p.pt), out) != 0)
      why = "the " + schedule_ + " schedule does not fit this shape: " + last_halide_error;
    return verdicts[key] = why;
  }
  void plan(const ConvProblem& p) override {
    p_ = p;
    w_.resize(size_t(p.weight_elems()));
    bias_.resize(size_t(p.k));
  }
  void set_weights(const float* w, const float* bias) override {
    PhaseTimer t;
    for (int64_t k = 0; k < p_.k; ++k) {
      for (int64_t c = 0; c < p_.c; ++c)
        for (int64_t y = 0; y < p_.r; ++y)
          for (int64_t x = 0; x < p_.s; ++x) w_[size_t(((k * p_.c + c) * p_.r + y) * p_.s + x)] = xcorr_weight(p_, w, k, c, y, x);
      bias_[size_t(k)] = (bias && p_.bias) ? bias[k] : 0.0f;
    }
    weight_ms_ = t.ms();
  }
  void execute(const float* input, float* output) override {
    sync_halide_threads();
    PhaseTimer t;
    HBuf in = view4(input, p_.n, p_.c, p_.h, p_.w);
    HBuf wt = view4(w_.data(), p_.k, p_.c, p_.r, p_.s);
    HBuf b(bias_.data(), int(p_.k));
    HBuf out = view4(output, p_.n, p_.k, p_.oh(), p_.ow());
    const int rc = fn_(in, wt, b, int(p_.sw), int(p_.sh), int(p_.dw), int(p_.dh), int(p_.pl), int(p_.pt), out);
    if (rc != 0)
      throw std::runtime_error("Halide pipeline " + method_ + "/" + schedule_ + " failed (" + std::to_string(rc) + "): " + last_halide_error);
    phases_ = {{"weight_transform", weight_ms_}, {"multiply", t.ms()}};
  }
  size_t workspace_bytes() const override {
    // The packed weights, plus im2col's lowered matrix for one image (the pipeline allocates it).
    size_t b = w_.bytes() + bias_.bytes();
    if (method_ == "im2col") b += size_t(p_.c * p_.r * p_.s * p_.oh() * p_.ow()) * sizeof(float);
    return b;
  }
  double actual_flops() const override { return p_.flops(); }
  PhaseTimes phases() const override { return phases_; }

 private:
  std::string method_, schedule_;
  LayerFn fn_;
  ConvProblem p_;
  Buffer<float> w_, bias_;
  PhaseTimes phases_;
};

}  // namespace

std::vector<std::string> halide_schedules(const std::string& method) {
  std::vector<std::string> out;
  auto it = layer_pipelines().find(method);
  if (it != layer_pipelines().end())
    for (const auto& [name, fn] : it->second) out.push_back(name);
  return out;
}

std::unique_ptr<ConvMethod> make_halide_method(const std::string& method, const std::string& variant,
                                               const std::string& schedule) {
  auto it = layer_pipelines().find(method);
  if (it == layer_pipelines().end()) throw ProblemError("impl: method " + method + " has no Halide pipeline");
  const std::string s = schedule.empty() ? "manual" : schedule;
  auto f = it->second.find(s);
  if (f == it->second.end()) throw ProblemError("schedule: '" + s + "' is not built for halide " + method + " (manual, mullapudi2016, li2018)");
  if (!variant.empty()) throw ProblemError("variant: halide " + method + " has no variant '" + variant + "'");
  return std::make_unique<HalideLayerConv>(method, s, f->second);
}

}  // namespace convlab
