// How much of a core's L2 a kernel plans to keep its reused operand in: half of a Zen 3 core's 512 KB, the
// rest left to what streams past it. Shared by the plain GEMM (gemm/blocked_gemm.cpp: a column of X per
// pass) and the Halide 1x1 builds (schedules/common.h: the weights reused across columns), as
// vector_width.h is, so that retuning for another machine's L2 changes both.
#pragma once

#include <cstdint>

namespace convlab {

constexpr int64_t kL2BudgetFloats = 65536;  // 256 KB

}  // namespace convlab
