#include "winograd_conv.h"

#include <algorithm>
#include <cctype>

#include "../problem.h"
#include "winograd_transform.h"

namespace convlab {

// A 1-2 digit positive number at s[i...], advancing i; -1 if there is none.
static int small_number(const std::string& s, size_t& i) {
  size_t j = i;
  while (j < s.size() && j - i < 3 && std::isdigit(static_cast<unsigned char>(s[j]))) ++j;
  if (j == i || j - i > 2) return -1;
  const int v = std::stoi(s.substr(i, j - i));
  i = j;
  return v >= 1 ? v : -1;
}

WinogradConv::WinogradConv(const std::string& variant) : variant_(variant) {
  size_t i = 1;
  const bool ok = variant.size() > 1 && variant[0] == 'F' && (m_ = small_number(variant, i)) > 0 &&
                  (i == variant.size() || (variant[i] == 'x' && (r_ = small_number(variant, ++i)) > 0 && i == variant.size()));
  if (!ok) throw ProblemError("variant: winograd variant '" + variant + "' is not F<m> or F<m>x<r> (e.g. F4x3)");
}

std::string WinogradConv::not_applicable(const ConvProblem& p) const {
  if (p.sh != 1 || p.sw != 1)
    return "stride " + std::to_string(p.sh) + "x" + std::to_string(p.sw) + ": Winograd minimal filtering needs stride 1";
  if (p.dh != 1 || p.dw != 1) return "dilation: Winograd here needs an undilated kernel";
  if (r_ && (p.r != r_ || p.s != r_))
    return "kernel " + std::to_string(p.r) + "x" + std::to_string(p.s) + " is not the " + std::to_string(r_) + "x" +
           std::to_string(r_) + " of " + variant_;
  if (m_ + p.r - 1 > kMaxAlpha || m_ + p.s - 1 > kMaxAlpha)
    return "F(" + std::to_string(m_) + "," + std::to_string(std::max(p.r, p.s)) + ") needs tiles of " +
           std::to_string(m_ + std::max(p.r, p.s) - 1) + " > " + std::to_string(kMaxAlpha) +
           ": too inaccurate in fp32";
  return "";
}

double WinogradConv::tolerance(const ConvProblem& p) const {
  return winograd_tolerance(p, int(m_ + std::max(p.r, p.s) - 1));
}

std::unique_ptr<TileTransform> WinogradConv::make_transform(const ConvProblem& p) {
  return std::make_unique<WinogradTransform>(m_, m_, int(p.r), int(p.s));
}

}  // namespace convlab
