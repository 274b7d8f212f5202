// The demo generator's random draws (see demo.cpp, "How it works"): std::mt19937_64, whose output
// the standard fixes, with our own integer and choice helpers — the standard distributions differ
// between libraries — and no transcendental functions, so the same seed gives the same database
// everywhere.
#pragma once

#include "clmis/error.hpp"
#include "clmis/value.hpp"
#include "core/dates.hpp"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <map>
#include <random>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace clmis::demo::detail {

// --- deterministic random numbers ---------------------------------------------------------

/// One stream of random numbers per part of the generation, so that changing one part (say, the
/// organisations) leaves the others as they were.
class Rng {
 public:
  Rng(std::uint64_t seed, std::string_view stream);

  std::uint64_t next() { return g_(); }

  /// Uniform integer in [lo, hi] (rejection sampling: no modulo bias, same on every platform).
  std::int64_t between(std::int64_t lo, std::int64_t hi) {
    if (hi <= lo) return lo;
    const std::uint64_t range = static_cast<std::uint64_t>(hi - lo) + 1;
    const std::uint64_t rem = (UINT64_MAX % range + 1) % range;  // 2^64 mod range
    std::uint64_t x = next();
    while (rem != 0 && x > UINT64_MAX - rem) x = next();
    return lo + static_cast<std::int64_t>(x % range);
  }
  /// Uniform in [0, 1) with 53 random bits.
  double unit() { return static_cast<double>(next() >> 11) * (1.0 / 9007199254740992.0); }
  bool chance(double p) { return unit() < p; }

  template <class T>
  const T& pick(const std::vector<T>& v) {
    if (v.empty()) throw PackError("demo parameters: an empty list where values are needed");
    return v[static_cast<std::size_t>(between(0, static_cast<std::int64_t>(v.size()) - 1))];
  }
  template <class T>
  void shuffle(std::vector<T>& v) {
    for (std::size_t i = v.size(); i > 1; --i)
      std::swap(v[i - 1], v[static_cast<std::size_t>(between(0, static_cast<std::int64_t>(i) - 1))]);
  }

 private:
  std::mt19937_64 g_;
};

/// A categorical distribution: keys with weights.
struct Choice {
  std::vector<std::string> keys;
  std::vector<double> weights;
  std::vector<double> cum;

  void add(std::string key, double w) {
    keys.push_back(std::move(key));
    weights.push_back(w);
    cum.push_back((cum.empty() ? 0.0 : cum.back()) + w);
  }
  [[nodiscard]] double total() const { return cum.empty() ? 0.0 : cum.back(); }
  const std::string& draw(Rng& rng) const {
    const double u = rng.unit() * total();
    const auto it = std::upper_bound(cum.begin(), cum.end(), u);
    std::size_t i = static_cast<std::size_t>(it - cum.begin());
    if (i >= keys.size()) i = keys.size() - 1;
    while (weights[i] <= 0 && i > 0) --i;  // never a key of weight 0
    return keys[i];
  }
};

/// Counts that add up to n, each within one of weight/total × n (largest remainder; ties go to
/// the earlier key).
std::vector<std::size_t> allocate(const std::vector<double>& weights, std::size_t n);

/// n keys following the choice's shares exactly (allocate), in random order.
std::vector<std::string> quota(const Choice& c, std::size_t n, Rng& rng);

/// Draws without replacement from a list, reshuffling it when it runs out: names made from
/// patterns repeat only after every pattern has been used.
class Deck {
 public:
  const std::string& draw(const std::string& key, const std::vector<std::string>& items, Rng& rng);

 private:
  std::map<std::string, std::vector<std::string>> decks_;
  std::string last_;
};

// --- dates (core/dates.hpp) -----------------------------------------------------------------

using clmis::detail::days_between;
using clmis::detail::last_month_end;
using clmis::detail::month_of;
using clmis::detail::plus_days;
using clmis::detail::year_of;
using clmis::detail::years_before;

/// Days of [from, to] weighted by calendar month (weights[0] = January).
struct DayChoice {
  std::vector<Date> days;
  std::vector<double> cum;
  DayChoice(Date from, Date to, const std::vector<double>& month_weights);
  Date draw(Rng& rng) const;
};

}  // namespace clmis::demo::detail
