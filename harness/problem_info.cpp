// `convlab conv --info`: what a problem is, in numbers.
#include <iomanip>

#include "commands.h"

namespace convlab {

void print_problem_info(const ConvProblem& p, std::ostream& os) {
  os << "problem      " << p.descriptor() << "\n"
     << "input        N=" << p.n << " C=" << p.c << " H=" << p.h << " W=" << p.w << " (NCHW)\n"
     << "weights      K=" << p.k << " C=" << p.c << " R=" << p.r << " S=" << p.s << " (KCRS), bias "
     << (p.bias ? "on" : "off") << "\n"
     << "stride       " << p.sh << "x" << p.sw << ", dilation " << p.dh << "x" << p.dw << "\n"
     << "padding      " << to_string(p.pad_mode) << " top=" << p.pt << " bottom=" << p.pb << " left=" << p.pl
     << " right=" << p.pr << "\n"
     << "mode         " << to_string(p.mode) << "\n"
     << "output       N=" << p.n << " K=" << p.k << " OH=" << p.oh() << " OW=" << p.ow() << " (NKHW)\n"
     << "flops        " << std::setprecision(6) << p.flops() / 1e9 << " GFLOP (direct-equivalent 2*N*K*OH*OW*C*R*S)\n";
  // The seed's contrast: the same input and output sizes through a fully connected layer.
  const double in = double(p.c * p.h * p.w), out = double(p.k * p.oh() * p.ow());
  const double conv_params = double(p.k * p.c * p.r * p.s) + (p.bias ? double(p.k) : 0.0);
  const double fc_params = in * out + (p.bias ? out : 0.0);
  os << "parameters   convolution " << std::fixed << std::setprecision(0) << conv_params << " (K*C*R*S"
     << (p.bias ? " + K" : "") << ")\n"
     << "             fully connected with the same input (" << in << ") and output (" << out << ") sizes: " << fc_params
     << " (in*out" << (p.bias ? " + out" : "") << "), " << std::setprecision(1) << fc_params / conv_params << "x more\n"
     << "             its FLOPs: " << std::setprecision(6) << 2.0 * double(p.n) * in * out / 1e9 << " GFLOP, "
     << std::setprecision(1) << 2.0 * double(p.n) * in * out / p.flops() << "x the convolution's\n";
  os.unsetf(std::ios::fixed);
}

}  // namespace convlab
