// The JSON entry point against its peers on the same text (issue 12, defect 4): an object of N
// keys parsed by clmis::parse_json (limits raised to let it through), by nlohmann::json (keys in
// a std::map: N log N) and by nlohmann::ordered_json::parse (what clmis used before: a linear
// search per key, N^2). The time per key of parse_json should stay flat as N grows; the ratio
// to nlohmann::json is printed. Not a test: it asserts nothing.
#include "clmis/json.hpp"

#include <chrono>
#include <cstdio>
#include <string>

namespace {

std::string object_of(std::size_t n) {
  std::string s = "{";
  for (std::size_t i = 0; i < n; ++i) s += (i ? ",\"key" : "\"key") + std::to_string(i) + "\":" + std::to_string(i);
  return s + "}";
}

template <class F>
double best_of(int runs, F&& f) {
  double best = 1e300;
  for (int r = 0; r < runs; ++r) {
    const auto t0 = std::chrono::steady_clock::now();
    f();
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (s < best) best = s;
  }
  return best;
}

}  // namespace

int main() {
  clmis::JsonLimits wide;
  wide.max_members = 10'000'000;
  wide.max_bytes = std::size_t{1} << 30;
  wide.max_values = 100'000'000;
  std::printf("%10s %14s %14s %14s %10s %16s\n", "keys", "parse_json s", "json s", "ordered s", "ratio",
              "parse_json ns/key");
  for (std::size_t n : {10'000UL, 50'000UL, 200'000UL, 1'000'000UL}) {
    const std::string text = object_of(n);
    std::size_t sink = 0;
    const double ours = best_of(3, [&] { sink += clmis::parse_json(text, "", wide).size(); });
    const double peer = best_of(3, [&] { sink += nlohmann::json::parse(text).size(); });
    // The quadratic parse only where it finishes in reasonable time.
    double ordered = -1;
    if (n <= 50'000) ordered = best_of(1, [&] { sink += nlohmann::ordered_json::parse(text).size(); });
    std::printf("%10zu %14.4f %14.4f %14s %10.2f %16.1f\n", n, ours, peer,
                ordered < 0 ? "(skipped)" : std::to_string(ordered).c_str(), ours / peer, ours * 1e9 / double(n));
    if (sink == 0) return 1;
  }
  // Refusals cost what was read up to the limit: 100,000 levels of nesting, 200,000 keys.
  const std::string deep = "{\"name\":" + std::string(100000, '[') + std::string(100000, ']') + "}";
  const double refuse_deep = best_of(3, [&] {
    try {
      (void)clmis::parse_json(deep);
    } catch (const std::exception&) {
    }
  });
  const std::string many = object_of(200'000);
  const double refuse_many = best_of(3, [&] {
    try {
      (void)clmis::parse_json(many);
    } catch (const std::exception&) {
    }
  });
  std::printf("refusing 100,000 levels: %.6f s; refusing 200,000 keys (at the 10,001st): %.6f s\n", refuse_deep,
              refuse_many);
  return 0;
}
