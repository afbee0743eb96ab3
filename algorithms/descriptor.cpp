#include "descriptor.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <sstream>

namespace convlab {

namespace {

const char* const kEntries[] = {"g",  "mb", "ic", "id", "ih", "iw", "oc", "od", "oh", "ow", "kd", "kh",
                                "kw", "sd", "sh", "sw", "pd", "ph", "pw", "dd", "dh", "dw"};

bool known_entry(const std::string& e) {
  return std::find_if(std::begin(kEntries), std::end(kEntries), [&](const char* k) { return e == k; }) !=
         std::end(kEntries);
}

[[noreturn]] void fail(const std::string& text, size_t pos, const std::string& why) {
  throw ProblemError("descriptor '" + text + "' at position " + std::to_string(pos) + ": " + why);
}

// Padding after the image that gives `out` outputs, given the padding before it; the smallest such (extra
// padding that no output reads would change nothing).
int64_t trailing_pad(int64_t in, int64_t eff, int64_t stride, int64_t lead, int64_t out) {
  return std::max<int64_t>(0, (out - 1) * stride + eff - in - lead);
}

}  // namespace

static ConvProblem parse_inner_product(const std::string& text);
static void scan_entries(const std::string& text, size_t start, std::map<std::string, int64_t>& v, std::string& name);
static ConvProblem conv_from_entries(const std::string& text, std::map<std::string, int64_t>& v, const std::string& name);

ConvProblem parse_descriptor(const std::string& text) {
  if (text.rfind("ip:", 0) == 0) return parse_inner_product(text);
  std::map<std::string, int64_t> v;
  std::string name;
  scan_entries(text, 0, v, name);
  if (v.empty()) throw ProblemError("descriptor '" + text + "': empty");
  return conv_from_entries(text, v, name);
}

// Reads `entry value` pairs from `start` on into v, and the name after 'n'.
static void scan_entries(const std::string& text, size_t start, std::map<std::string, int64_t>& v, std::string& name) {
  size_t i = start;
  while (i < text.size()) {
    if (text[i] == '_') {
      ++i;
      continue;
    }
    if (text[i] == 'n') {  // the name runs to the end: names may hold '_' (resnet18_0)
      name = text.substr(i + 1);
      if (name.size() >= 2 && name.front() == '"' && name.back() == '"') name = name.substr(1, name.size() - 2);
      if (name.empty()) fail(text, i, "'n' must be followed by a name");
      break;
    }
    size_t start = i;
    while (i < text.size() && std::isalpha(static_cast<unsigned char>(text[i]))) ++i;
    std::string key = text.substr(start, i - start);
    if (key.empty()) fail(text, start, std::string("expected an entry name, found '") + text[start] + "'");
    if (!known_entry(key)) fail(text, start, "unknown entry '" + key + "'");
    size_t digits = i;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) ++i;
    if (i == digits) fail(text, digits, "entry '" + key + "' needs a non-negative integer");
    if (i - digits > 9) fail(text, digits, "entry '" + key + "' is too large");
    if (v.count(key)) fail(text, start, "entry '" + key + "' is given twice");
    v[key] = std::stoll(text.substr(digits, i - digits));
  }
}

static ConvProblem conv_from_entries(const std::string& text, std::map<std::string, int64_t>& v, const std::string& name) {
  auto has = [&](const char* k) { return v.count(k) > 0; };
  for (const char* req : {"ic", "ih", "oc", "kh"})
    if (!has(req)) throw ProblemError("descriptor '" + text + "': entry '" + req + "' is missing");
  if (has("g") && v["g"] != 1)
    throw ProblemError("descriptor '" + text + "': g" + std::to_string(v["g"]) +
                       ": grouped convolution is not supported yet");
  for (const char* d : {"id", "od", "kd", "sd"})
    if (has(d) && v[d] != 1) throw ProblemError("descriptor '" + text + "': " + d + ": 3-D convolution is not supported");
  for (const char* d : {"pd", "dd"})
    if (has(d) && v[d] != 0) throw ProblemError("descriptor '" + text + "': " + d + ": 3-D convolution is not supported");

  ConvProblem p;
  p.name = name;
  p.n = has("mb") ? v["mb"] : 2;
  p.c = v["ic"];
  p.k = v["oc"];
  p.h = v["ih"];
  p.r = v["kh"];
  p.sh = has("sh") ? v["sh"] : 1;
  p.dh = (has("dh") ? v["dh"] : 0) + 1;
  const bool no_w = !has("iw") && !has("ow") && !has("kw") && !has("sw") && !has("pw") && !has("dw");
  p.w = has("iw") ? v["iw"] : p.h;
  p.s = has("kw") ? v["kw"] : p.r;
  p.sw = has("sw") ? v["sw"] : p.sh;
  p.dw = (has("dw") ? v["dw"] : p.dh - 1) + 1;
  if (p.sh == 0 || p.sw == 0) throw ProblemError("descriptor '" + text + "': sh/sw: stride must be >= 1");

  // Leading padding: given, or (benchdnn) deduced from a given output size, else 0.
  auto lead = [&](const char* pk, const char* ok, int64_t in, int64_t eff, int64_t st) -> int64_t {
    if (has(pk)) return v[pk];
    if (has(ok)) return std::max<int64_t>(0, ((v[ok] - 1) * st - in + eff) / 2);
    return 0;
  };
  p.pt = lead("ph", "oh", p.h, p.eff_r(), p.sh);
  p.pl = has("pw") ? v["pw"] : (has("ph") ? p.pt : lead("pw", "ow", p.w, p.eff_s(), p.sw));
  if (!has("pw") && no_w) p.pl = p.pt;
  p.pb = has("oh") ? trailing_pad(p.h, p.eff_r(), p.sh, p.pt, v["oh"]) : p.pt;
  int64_t ow_given = has("ow") ? v["ow"] : (no_w && has("oh") ? v["oh"] : -1);
  p.pr = ow_given >= 0 ? trailing_pad(p.w, p.eff_s(), p.sw, p.pl, ow_given) : p.pl;
  p.pad_mode = PadMode::Explicit;

  if (p.eff_r() <= p.h + p.pt + p.pb && has("oh") && p.oh() != v["oh"])
    throw ProblemError("descriptor '" + text + "': oh" + std::to_string(v["oh"]) + " disagrees with the shape, which gives oh" +
                       std::to_string(p.oh()));
  if (p.eff_s() <= p.w + p.pl + p.pr && ow_given >= 0 && p.ow() != ow_given)
    throw ProblemError("descriptor '" + text + "': ow" + std::to_string(ow_given) +
                       " disagrees with the shape, which gives ow" + std::to_string(p.ow()));
  return p;
}

static ConvProblem parse_inner_product(const std::string& text) {
  std::map<std::string, int64_t> v;
  std::string name;
  scan_entries(text, 3, v, name);
  if (v.empty()) throw ProblemError("descriptor '" + text + "': empty");
  for (const auto& [key, value] : v)
    if (key != "mb" && key != "ic" && key != "ih" && key != "iw" && key != "oc" && key != "id" && key != "g")
      throw ProblemError("descriptor '" + text + "': entry '" + key + "' has no meaning for an inner product");
  for (const char* req : {"ic", "oc"})
    if (!v.count(req)) throw ProblemError("descriptor '" + text + "': entry '" + req + "' is missing");
  if (v.count("g") && v["g"] != 1) throw ProblemError("descriptor '" + text + "': g must be 1 for an inner product");
  if (v.count("id") && v["id"] != 1) throw ProblemError("descriptor '" + text + "': id: 3-D inner products are not supported");
  ConvProblem p;
  p.name = name;
  p.inner_product = true;
  p.n = v.count("mb") ? v["mb"] : 2;
  p.c = v["ic"];
  p.k = v["oc"];
  p.h = v.count("ih") ? v["ih"] : 1;
  p.w = v.count("iw") ? v["iw"] : p.h;
  p.r = p.h, p.s = p.w;  // the kernel covers the whole input: one output pixel per filter
  p.pad_mode = PadMode::Explicit;
  return p;
}

std::string format_descriptor(const ConvProblem& p) {
  if (p.inner_product && p.fully_connected()) {
    std::ostringstream os;
    os << "ip:";
    if (p.n != 2) os << "mb" << p.n;
    os << "ic" << p.c;
    if (p.h != 1 || p.w != 1) os << "ih" << p.h;
    if (p.w != p.h) os << "iw" << p.w;
    os << "oc" << p.k;
    if (!p.name.empty()) os << "n" << p.name;
    return os.str();
  }
  const bool widths = p.w != p.h || p.s != p.r || p.sw != p.sh || p.pl != p.pt || p.dw != p.dh ||
                      p.ow() != p.oh();
  std::ostringstream os;
  if (p.n != 2) os << "mb" << p.n;
  os << "ic" << p.c << "ih" << p.h;
  if (p.w != p.h) os << "iw" << p.w;
  os << "oc" << p.k << "oh" << p.oh();
  if (widths) os << "ow" << p.ow();
  os << "kh" << p.r;
  if (p.s != p.r) os << "kw" << p.s;
  if (p.sh != 1 || p.sw != p.sh) os << "sh" << p.sh;
  if (p.sw != p.sh) os << "sw" << p.sw;
  if (p.pt != 0 || p.pl != p.pt) os << "ph" << p.pt;
  if (p.pl != p.pt) os << "pw" << p.pl;
  if (p.dh != 1 || p.dw != p.dh) os << "dh" << p.dh - 1;
  if (p.dw != p.dh) os << "dw" << p.dw - 1;
  if (!p.name.empty()) os << "n" << p.name;
  return os.str();
}

std::string ConvProblem::descriptor() const { return format_descriptor(*this); }

}  // namespace convlab
