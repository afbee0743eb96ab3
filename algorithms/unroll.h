// CONVLAB_UNROLL, before a loop over a register block's rows or columns: unroll it whole (up to 32 trips).
// GCC's own limit left the AVX-512 blocks (up to 28 accumulators) looping over accumulators on the stack.
// Under AddressSanitizer it is nothing: the unrolled, instrumented blocks (3 x 42 instantiations in
// sliding_window.cpp) kept GCC compiling one file for over 10 minutes. Unrolling changes no result, so the
// sanitized build still tests the same arithmetic.
#pragma once

#if defined(__SANITIZE_ADDRESS__)
#define CONVLAB_UNROLL
#else
#define CONVLAB_UNROLL _Pragma("GCC unroll 32")
#endif
