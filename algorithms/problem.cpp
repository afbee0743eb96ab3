#include "problem.h"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <vector>
#include <sstream>
#include <utility>

namespace convlab {

const char* to_string(PadMode m) {
  switch (m) {
    case PadMode::Valid: return "valid";
    case PadMode::Same: return "same";
    case PadMode::Full: return "full";
    case PadMode::Explicit: return "explicit";
  }
  return "?";
}

const char* to_string(ConvMode m) { return m == ConvMode::Xcorr ? "xcorr" : "conv"; }

PadMode parse_pad_mode(const std::string& s) {
  if (s == "valid") return PadMode::Valid;
  if (s == "same") return PadMode::Same;
  if (s == "full") return PadMode::Full;
  if (s == "explicit") return PadMode::Explicit;
  throw ProblemError("padding: '" + s + "' is not one of valid, same, full, explicit");
}

ConvMode parse_conv_mode(const std::string& s) {
  if (s == "xcorr") return ConvMode::Xcorr;
  if (s == "conv") return ConvMode::Conv;
  throw ProblemError("mode: '" + s + "' is not one of xcorr, conv");
}

double ConvProblem::flops() const {
  return 2.0 * double(n) * double(k) * double(oh()) * double(ow()) * double(c) * double(r) * double(s);
}

static void same_padding(int64_t in, int64_t stride, int64_t eff, int64_t& lo, int64_t& hi) {
  int64_t out = (in + stride - 1) / stride;
  int64_t total = std::max<int64_t>((out - 1) * stride + eff - in, 0);
  lo = total / 2;
  hi = total - lo;
}

void ConvProblem::resolve_padding() {
  switch (pad_mode) {
    case PadMode::Explicit: break;
    case PadMode::Valid: pt = pb = pl = pr = 0; break;
    case PadMode::Full:
      pt = pb = eff_r() - 1;
      pl = pr = eff_s() - 1;
      break;
    case PadMode::Same:
      same_padding(h, sh, eff_r(), pt, pb);
      same_padding(w, sw, eff_s(), pl, pr);
      break;
  }
}

void ConvProblem::set_padding(const std::string& spec) {
  if (spec.empty() || std::isdigit(static_cast<unsigned char>(spec[0]))) {
    std::vector<int64_t> v;
    std::stringstream ss(spec);
    std::string item;
    while (std::getline(ss, item, ',')) {
      if (item.empty() || item.size() > 9 || item.find_first_not_of("0123456789") != std::string::npos)
        throw ProblemError("padding: '" + spec + "' is not valid, same, full or T,B,L,R");
      v.push_back(std::stoll(item));
    }
    if (v.size() == 1) v.assign(4, v[0]);
    if (v.size() != 4) throw ProblemError("padding: '" + spec + "' needs 1 or 4 sizes (T,B,L,R)");
    pad_mode = PadMode::Explicit;
    pt = v[0], pb = v[1], pl = v[2], pr = v[3];
    return;
  }
  pad_mode = parse_pad_mode(spec);
  resolve_padding();
}

static void need_positive(const char* field, int64_t v) {
  if (v < 1) throw ProblemError(std::string(field) + ": must be >= 1, got " + std::to_string(v));
}

void ConvProblem::validate() const {
  need_positive("mb", n);
  need_positive("ic", c);
  need_positive("ih", h);
  need_positive("iw", w);
  need_positive("oc", k);
  need_positive("kh", r);
  need_positive("kw", s);
  need_positive("sh", sh);
  need_positive("sw", sw);
  if (dh < 1 || dw < 1) throw ProblemError("dh/dw: dilation must be >= 0 (benchdnn form)");
  const int64_t limit = int64_t(1) << 30;  // keeps every index product far from int64 overflow
  for (auto [f, v] : {std::pair{"mb", n}, {"ic", c}, {"ih", h}, {"iw", w}, {"oc", k}, {"kh", r}, {"kw", s},
                      {"sh", sh}, {"sw", sw}, {"dh", dh}, {"dw", dw}})
    if (v > limit) throw ProblemError(std::string(f) + ": " + std::to_string(v) + " is beyond any real layer");
  if (pt < 0 || pb < 0 || pl < 0 || pr < 0) throw ProblemError("padding: must not be negative");
  if (pt > limit || pb > limit || pl > limit || pr > limit) throw ProblemError("padding: too large");
  if (eff_r() > h + pt + pb)
    throw ProblemError("kh: kernel height " + std::to_string(eff_r()) + " exceeds padded input height " +
                       std::to_string(h + pt + pb));
  if (eff_s() > w + pl + pr)
    throw ProblemError("kw: kernel width " + std::to_string(eff_s()) + " exceeds padded input width " +
                       std::to_string(w + pl + pr));
  // Input, weights and output in float32 plus the float64 reference output, all at once.
  double bytes = 4.0 * (double(n) * c * h * w + double(k) * c * r * s + k) +
                 12.0 * double(n) * k * double(oh()) * double(ow());
  double mem = double(sysconf(_SC_PHYS_PAGES)) * double(sysconf(_SC_PAGE_SIZE));
  if (bytes > 0.8 * mem) {
    std::ostringstream os;
    os << "shape: buffers need " << bytes / 1e9 << " GB, more than this machine's " << mem / 1e9
       << " GB of memory allows";
    throw ProblemError(os.str());
  }
}

}  // namespace convlab
