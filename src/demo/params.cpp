// The demo generator's parameters: see params.hpp.
#include "demo/params.hpp"

#include "clmis/error.hpp"
#include "clmis/json.hpp"

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <ios>
#include <sstream>
#include <string>
#include <vector>

#if defined(__has_include)
#if __has_include("demo_parameters.inc")
#define CLMIS_DEMO_HAS_EMBEDDED_PARAMETERS 1
#endif
#endif

namespace clmis::demo::detail {

namespace {

namespace fs = std::filesystem;

#ifdef CLMIS_DEMO_HAS_EMBEDDED_PARAMETERS
// data/demo/parameters.json as the bytes of a char array (no string literal: one over 65,536
// bytes is past what compilers must support), written by CMake at configure time.
const unsigned char kEmbeddedBytes[] = {
#include "demo_parameters.inc"
};
std::string embedded_parameters() { return std::string(reinterpret_cast<const char*>(kEmbeddedBytes), sizeof kEmbeddedBytes); }
const bool kEmbeddedParameters = true;
#else
std::string embedded_parameters() { return {}; }
const bool kEmbeddedParameters = false;
#endif

}  // namespace

// --- the parameters -----------------------------------------------------------------------

const Json& Params::at(const std::string& path) const {
  const Json* cur = &j_;
  std::size_t start = 0;
  for (;;) {
    const auto dot = path.find('.', start);
    const std::string key = path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    if (!cur->is_object() || !cur->contains(key)) fail(path, "is missing");
    cur = &(*cur)[key];
    if (dot == std::string::npos) return *cur;
    start = dot + 1;
  }
}

bool Params::has(const std::string& path) const {
  const Json* cur = &j_;
  std::size_t start = 0;
  for (;;) {
    const auto dot = path.find('.', start);
    const std::string key = path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    if (!cur->is_object() || !cur->contains(key)) return false;
    cur = &(*cur)[key];
    if (dot == std::string::npos) return true;
    start = dot + 1;
  }
}

double Params::number(const std::string& path) const {
  const Json& v = at(path);
  if (!v.is_number()) fail(path, "is not a number");
  return v.get<double>();
}

std::int64_t Params::integer(const std::string& path) const {
  const Json& v = at(path);
  if (!v.is_number_integer()) fail(path, "is not an integer");
  return v.get<std::int64_t>();
}

double Params::probability(const std::string& path) const {
  const double p = number(path);
  if (!(p >= 0 && p <= 1)) fail(path, "is not between 0 and 1");
  return p;
}

std::vector<std::string> Params::strings(const std::string& path) const { return strings_of(at(path), path); }

std::vector<std::string> Params::strings_of(const Json& v, const std::string& path) const {
  if (!v.is_array() || v.empty()) fail(path, "is not a non-empty list of strings");
  std::vector<std::string> out;
  for (const auto& s : v) {
    if (!s.is_string()) fail(path, "is not a non-empty list of strings");
    out.push_back(s.get<std::string>());
  }
  return out;
}

Choice Params::choice_of(const Json& obj, const std::string& path, bool shares) const {
  if (!obj.is_object()) fail(path, "is not an object of weights");
  Choice c;
  for (auto it = obj.begin(); it != obj.end(); ++it) {
    if (it.key() == "reason" || it.key() == "source") continue;
    if (!it->is_number() || it->get<double>() < 0) fail(path + "." + it.key(), "is not a weight ≥ 0");
    c.add(it.key(), it->get<double>());
  }
  if (c.keys.empty() || c.total() <= 0) fail(path, "has no positive weight");
  if (shares && std::abs(c.total() - 1.0) > 0.001)
    fail(path, "adds up to " + std::to_string(c.total()) + ", not 1");
  return c;
}

Choice Params::choice(const std::string& path, bool shares) const {
  return choice_of(at(path), path, shares);
}

std::vector<Band> Params::bands(const std::string& path, Choice& c) const {
  const Json& v = at(path);
  if (!v.is_array() || v.empty()) fail(path, "is not a list of bands");
  std::vector<Band> out;
  for (const auto& b : v) {
    if (!b.is_object() || !b.contains("from") || !b.contains("to") || !b.contains("share") ||
        !b["from"].is_number_integer() || !b["to"].is_number_integer() || !b["share"].is_number())
      fail(path, "has a band without integer from, to and a share");
    Band x{b["from"].get<std::int64_t>(), b["to"].get<std::int64_t>()};
    if (x.to < x.from) fail(path, "has a band whose to is below its from");
    c.add(std::to_string(out.size()), b["share"].get<double>());
    out.push_back(x);
  }
  if (std::abs(c.total() - 1.0) > 0.001)
    fail(path, "shares add up to " + std::to_string(c.total()) + ", not 1");
  return out;
}

Band Params::range(const std::string& path) const {
  const Json& v = at(path);
  if (!v.is_array() || v.size() != 2 || !v[0].is_number() || !v[1].is_number() ||
      v[1].get<double>() < v[0].get<double>())
    fail(path, "is not a range [low, high]");
  return Band{static_cast<std::int64_t>(v[0].get<double>()), static_cast<std::int64_t>(v[1].get<double>())};
}

void Params::fail(const std::string& path, const std::string& what) const {
  throw PackError("demo parameters (" + origin_ + "): " + path + " " + what);
}

Params load_parameters(const DemoOptions& o) {
  std::string file = o.parameters_file;
  if (file.empty() && !o.data_dir.empty())
    file = (fs::path(o.data_dir) / "demo" / "parameters.json").string();
  std::string text, origin;
  if (!file.empty()) {
    std::ifstream in(file, std::ios::binary);
    if (!in) throw NotFound("cannot read the demo parameters " + file);
    std::ostringstream ss;
    ss << in.rdbuf();
    text = ss.str();
    origin = file;
  } else if (kEmbeddedParameters) {
    text = embedded_parameters();
    origin = "data/demo/parameters.json (built in)";
  } else {
    throw NotFound(
        "no demo parameters: this program was built without data/demo/parameters.json; "
        "give the parameters file or a data directory");
  }
  try {
    return Params(parse_json(text, "demo parameters"), origin);
  } catch (const ValidationError& e) {
    throw PackError("demo parameters (" + origin + ") are not valid JSON: " + e.what());
  }
}

}  // namespace clmis::demo::detail
