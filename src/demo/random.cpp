// The demo generator's random draws: see random.hpp.
#include "demo/random.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace clmis::demo::detail {

namespace {

std::uint64_t mix(std::uint64_t x) {  // splitmix64 finaliser
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

std::uint64_t fnv1a(std::string_view s) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : s) h = (h ^ c) * 0x100000001b3ULL;
  return h;
}

}  // namespace

// --- deterministic random numbers ---------------------------------------------------------

Rng::Rng(std::uint64_t seed, std::string_view stream) : g_(mix(seed ^ fnv1a(stream))) {}

std::vector<std::size_t> allocate(const std::vector<double>& weights, std::size_t n) {
  double total = 0;
  for (double w : weights) total += w;
  std::vector<std::size_t> counts(weights.size(), 0);
  if (total <= 0 || n == 0) return counts;
  std::vector<std::pair<double, std::size_t>> rest;
  std::size_t given = 0;
  for (std::size_t i = 0; i < weights.size(); ++i) {
    const double exact = weights[i] / total * static_cast<double>(n);
    counts[i] = static_cast<std::size_t>(std::floor(exact));
    given += counts[i];
    rest.emplace_back(exact - static_cast<double>(counts[i]), i);
  }
  std::stable_sort(rest.begin(), rest.end(), [](const auto& a, const auto& b) { return a.first > b.first; });
  for (std::size_t k = 0; given < n && k < rest.size(); ++k, ++given) ++counts[rest[k].second];
  return counts;
}

std::vector<std::string> quota(const Choice& c, std::size_t n, Rng& rng) {
  const auto counts = allocate(c.weights, n);
  std::vector<std::string> out;
  out.reserve(n);
  for (std::size_t i = 0; i < counts.size(); ++i) out.insert(out.end(), counts[i], c.keys[i]);
  rng.shuffle(out);
  return out;
}

const std::string& Deck::draw(const std::string& key, const std::vector<std::string>& items, Rng& rng) {
  auto& d = decks_[key];
  if (d.empty()) {
    d = items;
    rng.shuffle(d);
  }
  last_ = d.back();
  d.pop_back();
  return last_;
}

// --- dates (core/dates.hpp) -----------------------------------------------------------------

DayChoice::DayChoice(Date from, Date to, const std::vector<double>& month_weights) {
  double c = 0;
  for (Date d = from; d <= to; d = plus_days(d, 1)) {
    days.push_back(d);
    c += month_weights.at(month_of(d) - 1);
    cum.push_back(c);
  }
}

Date DayChoice::draw(Rng& rng) const {
  const double u = rng.unit() * cum.back();
  auto i = static_cast<std::size_t>(std::upper_bound(cum.begin(), cum.end(), u) - cum.begin());
  return days[std::min(i, days.size() - 1)];
}

}  // namespace clmis::demo::detail
