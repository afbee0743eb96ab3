#include "onednn_conv.h"

#include <omp.h>

#include <oneapi/dnnl/dnnl.hpp>
#include <vector>

#include "../kernel_layout.h"
#include "../phase_timer.h"

namespace convlab {

using dt = dnnl::memory::data_type;
using tag = dnnl::memory::format_tag;

struct OneDnnConv::State {
  dnnl::engine eng{dnnl::engine::kind::cpu, 0};
  dnnl::stream strm{eng};
  dnnl::convolution_forward::primitive_desc pd;
  dnnl::convolution_forward conv;
  dnnl::memory src, wei, bias, dst;            // in the primitive's layouts
  dnnl::memory::desc user_src, user_dst, user_wei;
  bool reorder_src = false, reorder_dst = false;
  std::string impl;
};

OneDnnConv::OneDnnConv() = default;
OneDnnConv::~OneDnnConv() = default;

std::string OneDnnConv::variant() const { return s_ ? s_->impl : "auto"; }

void OneDnnConv::plan(const ConvProblem& p) {
  p_ = p;
  s_ = std::make_unique<State>();
  State& s = *s_;
  using dims = dnnl::memory::dims;
  const dims src{p.n, p.c, p.h, p.w}, wei{p.k, p.c, p.r, p.s}, bia{p.k}, dst{p.n, p.k, p.oh(), p.ow()};
  s.user_src = dnnl::memory::desc(src, dt::f32, tag::nchw);
  s.user_wei = dnnl::memory::desc(wei, dt::f32, tag::oihw);
  s.user_dst = dnnl::memory::desc(dst, dt::f32, tag::nchw);
  auto any = [](const dims& d) { return dnnl::memory::desc(d, dt::f32, tag::any); };
  const dims strides{p.sh, p.sw}, dil{p.dh - 1, p.dw - 1}, pl{p.pt, p.pl}, pr{p.pb, p.pr};
  auto d = p.bias ? dnnl::convolution_forward::desc(dnnl::prop_kind::forward_inference, dnnl::algorithm::convolution_auto,
                                                    any(src), any(wei), dnnl::memory::desc(bia, dt::f32, tag::x), any(dst),
                                                    strides, dil, pl, pr)
                  : dnnl::convolution_forward::desc(dnnl::prop_kind::forward_inference, dnnl::algorithm::convolution_auto,
                                                    any(src), any(wei), any(dst), strides, dil, pl, pr);
  s.pd = dnnl::convolution_forward::primitive_desc(d, s.eng);
  s.impl = s.pd.impl_info_str();
  s.conv = dnnl::convolution_forward(s.pd);
  s.src = dnnl::memory(s.pd.src_desc(), s.eng);
  s.wei = dnnl::memory(s.pd.weights_desc(), s.eng);
  s.dst = dnnl::memory(s.pd.dst_desc(), s.eng);
  if (p.bias) s.bias = dnnl::memory(s.pd.bias_desc(), s.eng);
  s.reorder_src = s.pd.src_desc() != s.user_src;
  s.reorder_dst = s.pd.dst_desc() != s.user_dst;
  phases_.clear();
}

void OneDnnConv::set_weights(const float* w, const float* bias) {
  PhaseTimer t;
  State& s = *s_;
  const ConvProblem& p = p_;
  std::vector<float> flipped(size_t(p.weight_elems()));
  xcorr_weights(p, w, flipped.data());
  dnnl::memory user(s.user_wei, s.eng, flipped.data());
  dnnl::reorder(user, s.wei).execute(s.strm, user, s.wei);
  if (p.bias) bias_or_zero(p, bias, static_cast<float*>(s.bias.get_data_handle()));
  s.strm.wait();
  weight_ms_ = t.ms();
}

void OneDnnConv::execute(const float* input, float* output) {
  State& s = *s_;
  PhaseTimer t;
  dnnl::memory user_src(s.user_src, s.eng, const_cast<float*>(input));
  dnnl::memory user_dst(s.user_dst, s.eng, output);
  dnnl::memory src = s.reorder_src ? s.src : user_src;
  dnnl::memory dst = s.reorder_dst ? s.dst : user_dst;
  if (s.reorder_src) dnnl::reorder(user_src, src).execute(s.strm, user_src, src);
  s.strm.wait();
  const double in_ms = t.lap();
  std::unordered_map<int, dnnl::memory> args{{DNNL_ARG_SRC, src}, {DNNL_ARG_WEIGHTS, s.wei}, {DNNL_ARG_DST, dst}};
  if (p_.bias) args[DNNL_ARG_BIAS] = s.bias;
  s.conv.execute(s.strm, args);
  s.strm.wait();
  const double conv_ms = t.lap();
  if (s.reorder_dst) dnnl::reorder(dst, user_dst).execute(s.strm, dst, user_dst);
  s.strm.wait();
  const double out_ms = t.lap();
  untimed_ms_ = in_ms + out_ms;
  phases_ = {{"weight_transform", weight_ms_}, {"input_transform", in_ms}, {"multiply", conv_ms}, {"output_transform", out_ms}};
}

size_t OneDnnConv::workspace_bytes() const {
  if (!s_) return 0;
  size_t b = s_->pd.weights_desc().get_size();
  if (s_->reorder_src) b += s_->pd.src_desc().get_size();
  if (s_->reorder_dst) b += s_->pd.dst_desc().get_size();
  return b + s_->pd.scratchpad_desc().get_size();
}

std::string onednn_version() {
  const dnnl_version_t* v = dnnl_version();
  return std::to_string(v->major) + "." + std::to_string(v->minor) + "." + std::to_string(v->patch) + " (" + v->hash + ")";
}

}  // namespace convlab
