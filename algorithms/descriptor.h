// oneDNN benchdnn's convolution problem descriptor, e.g. g1mb1_ic64ih56iw56_oc64oh56ow56_kh3kw3_sh1sw1_ph1pw1_dh0dw0_n"res2a".
// `_` is only a delimiter. Omitted entries take benchdnn's defaults (g 1, mb 2, strides 1, dilations 0, which
// benchdnn means as "no dilation"); a width entry copies its height entry when no width entry is given at all.
// An output size may be given (it then fixes the bottom/right padding and must be reachable) or is deduced.
#pragma once

#include <string>

#include "problem.h"

namespace convlab {

// A fully connected (inner-product) layer is written "ip:" + benchdnn's ip descriptor, e.g. ip:mb8ic4096oc1000
// or ip:mb1ic512ih7iw7oc1000 (an FC over a feature map; ih/iw default to 1, iw copies ih): it parses to the
// convolution whose kernel covers the whole input, and prints back in that form.
//
// Parses a descriptor into an explicit-padding problem. Throws ProblemError with one line that names the
// entry and the reason. The problem is not yet validated (callers may still change padding and mode).
ConvProblem parse_descriptor(const std::string& text);

// benchdnn's short canonical form: entries at their defaults are left out; oh is always printed (it fixes the
// bottom padding), width entries only where they differ from height ones.
std::string format_descriptor(const ConvProblem& p);

}  // namespace convlab
