#include "fft_conv.h"


#include "../problem.h"
#include "fft_transform.h"

namespace convlab {

FftConv::FftConv(const std::string& variant) : variant_(variant) {
  if (variant == "whole") return;
  const std::string digits = variant.rfind("tile", 0) == 0 ? variant.substr(4) : "";
  if (digits.empty() || digits.size() > 3 || digits.find_first_not_of("0123456789") != std::string::npos ||
      std::stoi(digits) < 2)
    throw ProblemError("variant: fft variant '" + variant + "' is not whole or tile<T> (e.g. tile16)");
  tile_ = std::stoi(digits);
}

std::string FftConv::not_applicable(const ConvProblem& p) const {
  if (tile_ && (p.eff_r() > tile_ - 1 || p.eff_s() > tile_ - 1))
    return "kernel extent " + std::to_string(p.eff_r()) + "x" + std::to_string(p.eff_s()) + " leaves fewer than 2 outputs per " +
           std::to_string(tile_) + "x" + std::to_string(tile_) + " tile";
  return "";
}

std::string FftConv::remark(const ConvProblem& p) const {
  if (p.sh > 1 || p.sw > 1) return "computed at stride 1 and subsampled";
  return "";
}

std::pair<int, int> FftConv::transform_size(const ConvProblem& p) const {
  if (tile_) return {tile_, tile_};
  return {good_fft_size(int(p.h + p.pt + p.pb)), good_fft_size(int(p.w + p.pl + p.pr))};
}

double FftConv::tolerance(const ConvProblem& p) const {
  auto [th, tw] = transform_size(p);
  return fp32_sum_tolerance(p) * fft_amplification(th, tw);
}

std::unique_ptr<TileTransform> FftConv::make_transform(const ConvProblem& p) {
  auto [th, tw] = transform_size(p);
  return std::make_unique<FftTransform>(th, tw, int(p.eff_r()), int(p.eff_s()));
}

}  // namespace convlab
