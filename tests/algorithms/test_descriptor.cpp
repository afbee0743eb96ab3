// benchdnn descriptors: parsing with defaults, round trips through the short canonical form, refusals.
#include <catch2/catch.hpp>

#include "descriptor.h"

using namespace convlab;

TEST_CASE("a full benchdnn descriptor parses", "[descriptor]") {
  ConvProblem p = parse_descriptor("g1mb1_ic64ih56iw56_oc64oh56ow56_kh3kw3_sh1sw1_ph1pw1_dh0dw0_n\"res2a\"");
  CHECK(p.n == 1);
  CHECK(p.c == 64);
  CHECK(p.h == 56);
  CHECK(p.w == 56);
  CHECK(p.k == 64);
  CHECK(p.r == 3);
  CHECK(p.s == 3);
  CHECK(p.sh == 1);
  CHECK(p.dh == 1);
  CHECK(p.pt == 1);
  CHECK(p.pb == 1);
  CHECK(p.oh() == 56);
  CHECK(p.name == "res2a");
  CHECK(p.descriptor() == "mb1ic64ih56oc64oh56kh3ph1nres2a");
}

TEST_CASE("benchdnn defaults: mb 2, stride 1, no dilation, widths copy heights", "[descriptor]") {
  ConvProblem p = parse_descriptor("ic3ih224oc64kh7sh2ph3");
  CHECK(p.n == 2);
  CHECK(p.w == 224);
  CHECK(p.s == 7);
  CHECK(p.sw == 2);
  CHECK(p.pl == 3);
  CHECK(p.dh == 1);
  CHECK(p.oh() == 112);
  CHECK(p.ow() == 112);
}

TEST_CASE("output size given: deduces padding, must agree", "[descriptor]") {
  ConvProblem p = parse_descriptor("mb1ic16ih28oc16oh28kh3");
  CHECK(p.pt == 1);
  CHECK(p.oh() == 28);
  // Deduced asymmetric padding: stride 2, even input, 'same'-like output.
  ConvProblem q = parse_descriptor("mb1ic8ih56oc8oh28kh3sh2");
  CHECK(q.oh() == 28);
  // As in benchdnn, a given output size fixes the bottom padding (here 2 rows where ph gives the top 1)...
  CHECK(parse_descriptor("mb1ic64ih56oc64oh57kh3ph1").pb == 2);
  // ...but an output size no non-negative padding reaches is refused.
  CHECK_THROWS_WITH(parse_descriptor("mb1ic64ih56oc64oh10kh3ph1"), Catch::Contains("oh10"));
}

TEST_CASE("descriptors round-trip through the canonical form", "[descriptor]") {
  for (const char* d : {"mb1ic64ih56oc64oh56kh3ph1", "ic3ih224oc64oh112kh7sh2ph3nresnet_conv1",
                        "mb8ic32ih17iw23oc5oh17ow21kh3kw5ph1pw0", "mb1ic4ih20oc4oh16kh3dh1ph0",
                        "mb3ic2ih9oc3oh5kh3sh2sw1ow7ph1pw0", "mb1ic1ih7oc1oh9kh3ph2"}) {
    ConvProblem p = parse_descriptor(d);
    ConvProblem q = parse_descriptor(p.descriptor());
    CHECK(q.descriptor() == p.descriptor());
    CHECK(q.oh() == p.oh());
    CHECK(q.ow() == p.ow());
    CHECK(q.pb == p.pb);
    CHECK(q.pr == p.pr);
    CHECK(q.dw == p.dw);
  }
}

TEST_CASE("malformed descriptors are refused with the entry named", "[descriptor]") {
  CHECK_THROWS_WITH(parse_descriptor(""), Catch::Contains("empty"));
  CHECK_THROWS_WITH(parse_descriptor("mb1ic64ih56kh3"), Catch::Contains("'oc' is missing"));
  CHECK_THROWS_WITH(parse_descriptor("mb1ic64ih56oc64kh3xx2"), Catch::Contains("unknown entry 'xx'"));
  CHECK_THROWS_WITH(parse_descriptor("mb1icih56oc64kh3"), Catch::Contains("unknown entry 'icih'"));
  CHECK_THROWS_WITH(parse_descriptor("mb1ic64ic3ih56oc64kh3"), Catch::Contains("twice"));
  CHECK_THROWS_WITH(parse_descriptor("g2mb1ic64ih56oc64kh3"), Catch::Contains("grouped"));
  CHECK_THROWS_WITH(parse_descriptor("mb1ic64ih56oc64kh3sh0"), Catch::Contains("stride"));
  CHECK_THROWS_WITH(parse_descriptor("mb1ic64ih56oc64kh"), Catch::Contains("'kh' needs"));
  CHECK_THROWS_WITH(parse_descriptor("mb1ic64ih56oc64kh3-1"), Catch::Contains("position"));
  CHECK_THROWS_WITH(parse_descriptor("mb1ic9999999999ih56oc64kh3"), Catch::Contains("too large"));
  CHECK_THROWS_WITH(parse_descriptor("mb1ic64id2ih56oc64kh3"), Catch::Contains("3-D"));
}
