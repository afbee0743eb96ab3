// The convolution-layer problem: shapes, stride, dilation, padding, bias and mode.
// Layouts are PyTorch's: input NCHW, weights KCRS, bias K, output NKHW.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

namespace convlab {

enum class PadMode { Valid, Same, Full, Explicit };
// Xcorr is what CNN libraries call convolution; Conv is true convolution (kernel rotated 180 degrees).
enum class ConvMode { Xcorr, Conv };

const char* to_string(PadMode m);
const char* to_string(ConvMode m);
PadMode parse_pad_mode(const std::string& s);    // throws ProblemError
ConvMode parse_conv_mode(const std::string& s);  // throws ProblemError

// A problem that cannot be computed, or text that does not describe one. what() is one line that names the
// field and the reason.
struct ProblemError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct ConvProblem {
  int64_t n = 1, c = 1, h = 1, w = 1;  // batch, input channels, input height, width
  int64_t k = 1, r = 1, s = 1;         // filters (output channels), kernel height, width
  int64_t sh = 1, sw = 1;              // stride
  int64_t dh = 1, dw = 1;              // dilation factor; 1 means none (benchdnn writes it as dh0)
  PadMode pad_mode = PadMode::Explicit;
  int64_t pt = 0, pb = 0, pl = 0, pr = 0;  // padding top, bottom, left, right (resolved from pad_mode)
  bool bias = true;
  ConvMode mode = ConvMode::Xcorr;
  std::string name;  // layer name, optional
  bool inner_product = false;  // written as a benchdnn inner-product descriptor (ip:mb8ic4096oc1000)

  // Extent of the dilated kernel.
  int64_t eff_r() const { return (r - 1) * dh + 1; }
  int64_t eff_s() const { return (s - 1) * dw + 1; }
  int64_t oh() const { return (h + pt + pb - eff_r()) / sh + 1; }
  int64_t ow() const { return (w + pl + pr - eff_s()) / sw + 1; }

  bool unpadded() const { return pt == 0 && pb == 0 && pl == 0 && pr == 0; }
  // 1x1, stride 1, unpadded: each image's planes already are the [C][OH*OW] matrix a pointwise product reads.
  bool dense_pointwise() const { return r == 1 && s == 1 && sh == 1 && sw == 1 && unpadded(); }
  // The kernel covers the whole unpadded, undilated input: one output pixel per filter, a fully connected
  // layer (a matrix-vector product per image).
  bool fully_connected() const { return r == h && s == w && unpadded() && dh == 1 && dw == 1; }

  int64_t input_elems() const { return n * c * h * w; }
  int64_t weight_elems() const { return k * c * r * s; }
  int64_t output_elems() const { return n * k * oh() * ow(); }

  // Direct-equivalent arithmetic, 2*N*K*OH*OW*C*R*S (bias adds not counted, as benchdnn does).
  double flops() const;

  // Sets pt/pb/pl/pr from pad_mode (Explicit leaves them). `same` gives OH = ceil(H/sh); an odd total
  // puts the extra row/column at the bottom/right, as TensorFlow does. `full` pads eff_r-1 each side.
  void resolve_padding();

  // Throws ProblemError naming the first field that makes the problem impossible: sizes < 1, stride 0,
  // negative padding, a kernel larger than the padded input, or buffers beyond this machine's memory.
  void validate() const;

  // Padding from a command-line word: valid, same, full, or explicit sizes "T,B,L,R" (or one "P" for all
  // four). Resolves the sizes; throws ProblemError on anything else.
  void set_padding(const std::string& spec);

  // benchdnn's short canonical descriptor, e.g. mb1ic64ih56oc64oh56kh3ph1 (defaults left out).
  std::string descriptor() const;
};

}  // namespace convlab
