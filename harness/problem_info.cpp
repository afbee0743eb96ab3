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
}

}  // namespace convlab
