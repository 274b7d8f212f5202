// Disclosure control on a 12 x 10 x 5 table of counts with its margins (858 cells, 287
// constraints): the time of protect() — primary suppression, the line rule and the audit by
// linear programs — with every suppressed cell protected (the default) and with primary cells
// only. Deterministic counts (a fixed linear congruential generator), about one cell in twelve
// below the minimum of 3.
//
//   bench_disclosure [repeats]
#include "indicators/disclosure.hpp"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>

using namespace clmis::indicators;

namespace {

Table make_table() {
  const std::vector<std::size_t> dims{12, 10, 5};
  Table t{dims, std::vector<Cell>(13 * 11 * 6)};
  std::uint64_t state = 20261130;
  auto next = [&] {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<std::int64_t>(state >> 33);
  };
  for (std::size_t i = 0; i < 12; ++i)
    for (std::size_t j = 0; j < 10; ++j)
      for (std::size_t k = 0; k < 5; ++k) {
        const std::int64_t r = next() % 100;
        const std::int64_t v = r < 4 ? 0 : r < 12 ? 1 + r % 2 : 3 + next() % 60;
        t.cells[table_index(dims, {i, j, k})] = Cell::count(v);
      }
  // Margins: along k, then j, then i, each from cells already filled.
  for (std::size_t i = 0; i <= 12; ++i)
    for (std::size_t j = 0; j <= 10; ++j)
      for (std::size_t k = 0; k <= 5; ++k) {
        if (i < 12 && j < 10 && k < 5) continue;
        std::int64_t sum = 0;
        if (k == 5 && i < 12 && j < 10)
          for (std::size_t q = 0; q < 5; ++q) sum += t.cells[table_index(dims, {i, j, q})].value;
        else if (j == 10 && i < 12)
          for (std::size_t q = 0; q < 10; ++q) sum += t.cells[table_index(dims, {i, q, k})].value;
        else if (i == 12)
          for (std::size_t q = 0; q < 12; ++q) sum += t.cells[table_index(dims, {q, j, k})].value;
        t.cells[table_index(dims, {i, j, k})] = Cell::count(sum);
      }
  return t;
}

void run(const char* name, const Problem& pb, const Options& o, int repeats) {
  Protection res;
  std::vector<double> ms;
  for (int r = 0; r < repeats; ++r) {
    const auto t0 = std::chrono::steady_clock::now();
    res = protect(pb, o);
    ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
  }
  std::size_t by[4] = {0, 0, 0, 0};
  for (const CellOutcome& c : res.cells) by[static_cast<int>(c.reason)]++;
  double best = ms[0];
  for (double m : ms) best = m < best ? m : best;
  std::printf("%-22s suppressed %zu (primary %zu, secondary %zu, audit %zu), rounds %d: best of %d %.1f ms\n", name,
              by[1] + by[2] + by[3], by[1], by[2], by[3], res.rounds, repeats, best);
}

}  // namespace

int main(int argc, char** argv) {
  const int repeats = argc > 1 ? std::atoi(argv[1]) : 3;
  const Problem pb = table_problem(make_table());
  std::printf("12 x 10 x 5 with margins: %zu cells, %zu constraints\n", pb.cells.size(), pb.constraints.size());
  Options primary;
  primary.protect_secondary = false;
  run("primary cells only", pb, primary, repeats);
  run("every suppressed cell", pb, Options{}, repeats);
  return 0;
}
