// The sweep's plumbing: grid expansion, presets and problems files, sharding, results.csv and winners.
#include <catch2/catch.hpp>

#include <fstream>
#include <set>

#include "problem_sources.h"
#include "results_csv.h"
#include "sweep_plan.h"
#include "winners.h"

using namespace convlab;

namespace {

std::string tmp(const std::string& name) { return std::string(CONVLAB_TEST_TMP) + "/" + name; }

void write_file(const std::string& path, const std::string& text) {
  std::ofstream f(path);
  f << text;
}

}  // namespace

TEST_CASE("grid expansion is the cross product minus impossible shapes", "[sweep]") {
  GridSpec g;
  g.kernel = {1, 3, 9};
  g.stride = {1, 2};
  g.in_channels = g.out_channels = {8};
  g.size = {7};
  g.padding = {"valid", "same"};
  int skipped = 0;
  std::string why;
  auto v = expand_grid(g, skipped, why);
  CHECK(skipped == 2);  // 9x9 valid on 7x7, strides 1 and 2
  CHECK(v.size() == 3 * 2 * 2 - 2 - 2);  // and 1x1 valid == 1x1 same, strides 1 and 2
  CHECK_THAT(why, Catch::Contains("kh"));
  std::set<std::string> names;
  for (const auto& sp : v) names.insert(sp.p.descriptor());
  CHECK(names.size() == v.size());  // no duplicates
  g.kernel = {9};
  g.padding = {"valid"};
  CHECK_THROWS_WITH(expand_grid(g, skipped, why), Catch::Contains("every combination is impossible"));
}

TEST_CASE("presets load, with layer names and counts; unknown ones are refused", "[sweep]") {
  for (const char* name : {"resnet50", "vgg16", "alexnet", "googlenet", "mobilenet_v1", "mobilenet_v2", "largekernels",
                           "fc_layers"}) {
    INFO(name);
    auto v = load_preset(name);
    CHECK(v.size() >= 5);
    for (const auto& sp : v) {
      CHECK_FALSE(sp.layer.empty());
      CHECK(sp.count >= 1);
      CHECK(sp.p.n == 1);
    }
  }
  auto resnet = load_preset("resnet50");
  int convs = 0;
  for (const auto& sp : resnet) convs += sp.count;
  CHECK(convs == 53);  // ResNet-50's convolutions: conv1, 16 blocks x 3, 4 downsamples
  auto vgg = load_preset("vgg16");
  CHECK(vgg.size() == 9);  // 13 layers, identical shapes merged
  int vgg_convs = 0;
  for (const auto& sp : vgg) vgg_convs += sp.count;
  CHECK(vgg_convs == 13);
  CHECK_THROWS_WITH(load_preset("lenet"), Catch::Contains("'lenet' is not one of") && Catch::Contains("resnet50"));
}

TEST_CASE("a problems file names the line that is wrong", "[sweep]") {
  write_file(tmp("problems.txt"), "# comment\nmb1ic8ih16oc8kh3ph1na\n\nmb1ic8ih16oc8kh3ph1nb x2  # same shape\n"
                                  "mb1ic4ih9oc4kh3\n");
  auto v = load_problems_file(tmp("problems.txt"), "mine");
  REQUIRE(v.size() == 2);
  CHECK(v[0].count == 3);
  CHECK(v[0].layer == "a+b");
  write_file(tmp("bad.txt"), "mb1ic8ih16oc8kh3\nmb1ic8ih16oc8kh3\nmb1ic8ihq16oc8kh3\n");
  CHECK_THROWS_WITH(load_problems_file(tmp("bad.txt"), "x"), Catch::Contains("bad.txt:3:"));
  write_file(tmp("impossible.txt"), "mb1ic8ih4oc8kh7\n");
  CHECK_THROWS_WITH(load_problems_file(tmp("impossible.txt"), "x"), Catch::Contains("impossible.txt:1:") && Catch::Contains("kh"));
  write_file(tmp("empty.txt"), "# nothing\n");
  CHECK_THROWS_WITH(load_problems_file(tmp("empty.txt"), "x"), Catch::Contains("no problems"));
  CHECK_THROWS_WITH(load_problems_file(tmp("missing.txt"), "x"), Catch::Contains("cannot open"));
}

TEST_CASE("shards partition the work deterministically", "[sweep]") {
  for (int n : {1, 2, 3, 7}) {
    std::vector<int> owner(100, 0);
    for (int i = 1; i <= n; ++i)
      for (size_t k = 0; k < owner.size(); ++k)
        if (in_shard(k, {i, n})) ++owner[k];
    for (int o : owner) CHECK(o == 1);
  }
  CHECK(parse_shard("2/3") == std::pair<int, int>{2, 3});
  CHECK_THROWS(parse_shard("0/3"));
  CHECK_THROWS(parse_shard("4/3"));
  CHECK_THROWS(parse_shard("3"));
}

TEST_CASE("results.csv round-trips, quotes reasons, survives a row cut short", "[sweep]") {
  const std::string path = tmp("results.csv");
  std::remove(path.c_str());
  {
    ResultsWriter w(path);
    w.append({{"problem", "mb1ic8ih16oc8oh16kh3ph1"}, {"method", "direct"}, {"status", "ok"}, {"median_ms", "1.5"}, {"threads", "2"}});
    w.append({{"problem", "mb1ic8ih16oc8oh16kh3ph1"}, {"method", "winograd"}, {"status", "n/a"},
              {"reason", "stride 2, \"quoted\", and commas"}, {"threads", "2"}});
  }
  {
    ResultsWriter again(path);  // reopening appends, no second header
  }
  std::ofstream(path, std::ios::app) << "mb1ic8ih16oc8oh16kh3ph1,,1,1,\"unterminated";  // a crash mid-row
  auto rows = read_results(path);
  REQUIRE(rows.size() == 2);
  CHECK(rows[1]["reason"] == "stride 2, \"quoted\", and commas");
  CHECK(rows[0]["median_ms"] == "1.5");
  CHECK(row_key(rows[0]) != row_key(rows[1]));
  write_file(tmp("broken.csv"), "problem,method\nx,y,z\nx,y\n");
  CHECK_THROWS_WITH(read_results(tmp("broken.csv")), Catch::Contains("broken.csv:2"));
  write_file(tmp("notours.csv"), "a,b\n1,2\n");
  CHECK_THROWS_WITH(read_results(tmp("notours.csv")), Catch::Contains("not a convlab results header"));
  {
    ResultsWriter resumed(path);  // drops the cut row, then appends cleanly after the complete ones
    resumed.append({{"problem", "Q"}, {"method", "fft"}, {"status", "ok"}, {"threads", "1"}});
  }
  auto after = read_results(path);
  REQUIRE(after.size() == 3);
  CHECK(after[2]["problem"] == "Q");
}

TEST_CASE("winners: fastest correct method, runner-up of another method, oneDNN never crowned", "[sweep]") {
  auto row = [](const char* m, const char* v, const char* status, const char* ms) {
    return Row{{"problem", "P"}, {"threads", "2"}, {"method", m}, {"impl", m == std::string("onednn") ? "onednn" : "plain"},
               {"variant", v}, {"status", status}, {"median_ms", ms}, {"gflops", "1"}};
  };
  std::vector<Row> rows = {row("direct", "", "ok", "4"),       row("winograd", "F2", "ok", "3"),
                           row("winograd", "F4", "ok", "2"),   row("fft", "tile16", "wrong", "0.5"),
                           row("onednn", "jit", "ok", "1"),    row("im2col", "", "n/a", "")};
  auto w = compute_winners(rows);
  REQUIRE(w.size() == 1);
  CHECK(w[0].method == "winograd");
  CHECK(w[0].variant == "F4");
  CHECK(w[0].runner_up == "direct/plain");  // another method, not winograd/F2
  CHECK(w[0].speedup_over_runner_up == Approx(2.0));
  CHECK(w[0].speedup_over_onednn == Approx(0.5));
}
