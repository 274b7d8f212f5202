#include "indicators/engine.hpp"

#include "indicators/disclosure.hpp"

#include "core/dates.hpp"
#include "security/access.hpp"
#include "store/feed.hpp"
#include "store/schema.hpp"
#include "store/sqlite.hpp"

#include <algorithm>
#include <functional>
#include <memory>
#include <regex>
#include <set>
#include <unordered_map>

namespace clmis::indicators {

namespace {

using Int128 = boost::multiprecision::int128_t;
using pack::Aggregate;
using pack::IndicatorDef;

[[noreturn]] void refuse(const std::string& path, const Json& value, const char* rule, const std::string& message) {
  throw ValidationError(std::vector<FieldError>{{"indicators", path, value, rule, message}});
}

Date ymd(int y, unsigned m, unsigned d) { return Date{date::year{y} / date::month{m} / date::day{d}}; }
Date month_last(int y, unsigned m) { return Date{date::year{y} / date::month{m} / date::last}; }

std::string two(unsigned n) { return (n < 10 ? "0" : "") + std::to_string(n); }

Period year_period(int y) { return Period{std::to_string(y), 'A', ymd(y, 1, 1), ymd(y, 12, 31)}; }
Period quarter_period(int y, unsigned q) {
  return Period{std::to_string(y) + "-Q" + std::to_string(q), 'Q', ymd(y, 3 * q - 2, 1), month_last(y, 3 * q)};
}
Period month_period(int y, unsigned m) { return Period{std::to_string(y) + "-" + two(m), 'M', ymd(y, m, 1), month_last(y, m)}; }

char freq_of(const std::string& f, const std::string& path) {
  if (f == "year") return 'A';
  if (f == "quarter") return 'Q';
  if (f == "month") return 'M';
  refuse(path, f, "code_list", "year, quarter or month");
}

/// The periods of freq inside p (p itself when it has that frequency). A finer period cannot be
/// split into a coarser one.
void split(const Period& p, char freq, std::vector<Period>& out) {
  const int y = static_cast<int>(date::year_month_day{p.first}.year());
  const unsigned m0 = static_cast<unsigned>(date::year_month_day{p.first}.month());
  if (freq == p.freq) {
    out.push_back(p);
  } else if (freq == 'Q' && p.freq == 'A') {
    for (unsigned q = 1; q <= 4; ++q) out.push_back(quarter_period(y, q));
  } else if (freq == 'M' && (p.freq == 'A' || p.freq == 'Q')) {
    const unsigned months = p.freq == 'A' ? 12 : 3;
    for (unsigned k = 0; k < months; ++k) out.push_back(month_period(y, m0 + k));
  } else {
    refuse("freq", std::string(1, freq), "range", "a period is split into shorter ones, not longer (" + p.code + ")");
  }
}

constexpr int kFirstYear = 1900, kLastYear = 2999;

int year_of(const std::string& text, const std::string& spec) {
  const int y = std::stoi(text);
  if (y < kFirstYear || y > kLastYear) refuse("period", spec, "range", "a year from 1900 to 2999");
  return y;
}

}  // namespace

std::vector<Period> parse_periods(const std::string& spec, const std::string& freq) {
  static const std::regex year_re(R"(^([0-9]{4})$)"), quarter_re(R"(^([0-9]{4})-Q([0-9])$)"),
      month_re(R"(^([0-9]{4})-([0-9]{2})$)"), range_re(R"(^([0-9]{4})\.\.([0-9]{4})$)");
  std::smatch m;
  std::vector<Period> base;
  if (std::regex_match(spec, m, year_re)) {
    base.push_back(year_period(year_of(m[1], spec)));
  } else if (std::regex_match(spec, m, quarter_re)) {
    const int q = std::stoi(m[2]);
    if (q < 1 || q > 4) refuse("period", spec, "range", "a quarter is Q1 to Q4");
    base.push_back(quarter_period(year_of(m[1], spec), static_cast<unsigned>(q)));
  } else if (std::regex_match(spec, m, month_re)) {
    const int mo = std::stoi(m[2]);
    if (mo < 1 || mo > 12) refuse("period", spec, "range", "a month is 01 to 12");
    base.push_back(month_period(year_of(m[1], spec), static_cast<unsigned>(mo)));
  } else if (std::regex_match(spec, m, range_re)) {
    const int a = year_of(m[1], spec), b = year_of(m[2], spec);
    if (b < a) refuse("period", spec, "range", "a range of years runs forward (2020..2024)");
    if (b - a >= 100) refuse("period", spec, "range", "at most 100 years at once");
    for (int y = a; y <= b; ++y) base.push_back(year_period(y));
  } else {
    refuse("period", spec, "type", "a year (2024), a quarter (2024-Q1), a month (2024-01) or years (2020..2024)");
  }
  if (freq.empty()) return base;
  const char f = freq_of(freq, "freq");
  std::vector<Period> out;
  for (const auto& p : base) split(p, f, out);
  return out;
}

std::string age_partition(std::int64_t years) {
  if (years < 15) return "Y_LT15";
  if (years < 25) return "Y15T24";
  if (years < 35) return "Y25T34";
  if (years < 45) return "Y35T44";
  if (years < 55) return "Y45T54";
  if (years < 65) return "Y55T64";
  return "Y_GE65";
}

const std::vector<std::string>& age_summary_bands() {
  static const std::vector<std::string> bands = {"Y_GE15", "Y15T64", "Y_GE25", "Y25T54"};
  return bands;
}

bool in_summary_band(const std::string& band, std::int64_t years) {
  if (band == "Y_GE15") return years >= 15;
  if (band == "Y15T64") return years >= 15 && years <= 64;
  if (band == "Y_GE25") return years >= 25;
  if (band == "Y25T54") return years >= 25 && years <= 54;
  return false;
}

std::string round_decimal(const Rational& value, int decimals, IndicatorDef::Rounding rule) {
  using boost::multiprecision::cpp_int;
  cpp_int scale = 1;
  for (int i = 0; i < decimals; ++i) scale *= 10;
  const Rational scaled = value * scale;
  const bool negative = scaled < 0;
  const cpp_int num = abs(boost::multiprecision::numerator(scaled)), den = boost::multiprecision::denominator(scaled);
  cpp_int q = num / den;
  const cpp_int twice = (num % den) * 2;
  if (twice > den || (twice == den && (rule == IndicatorDef::Rounding::half_up || q % 2 == 1))) q += 1;
  std::string digits = q.str();
  if (decimals > 0) {
    if (digits.size() <= static_cast<size_t>(decimals)) digits.insert(0, static_cast<size_t>(decimals) + 1 - digits.size(), '0');
    digits.insert(digits.size() - static_cast<size_t>(decimals), ".");
  }
  return (negative && q != 0 ? "-" : "") + digits;
}

namespace {

/// The categories of one dimension: 0 is "not stated" (_N), then the codes met in the records,
/// in order of first appearance; for age, the partitions and then the summary bands.
struct Categories {
  std::vector<std::string> codes = {"_N"};
  std::unordered_map<std::string, int> index;
  int of(const std::optional<std::string>& code) {
    if (!code || code->empty()) return 0;
    auto it = index.find(*code);
    if (it != index.end()) return it->second;
    codes.push_back(*code);
    return index[*code] = static_cast<int>(codes.size()) - 1;
  }
};

constexpr int kAgePartitions = 7;  // Y_LT15 ... Y_GE65, at 1..7; the summary bands at 8..11

Categories age_categories() {
  Categories c;
  for (int y : {0, 15, 25, 35, 45, 55, 65}) c.of(age_partition(y));
  for (const auto& band : age_summary_bands()) c.of(band);
  return c;
}

/// A record as the aggregate reads it (its dimensions' categories are in Loaded::cats).
struct Fact {
  std::int64_t id = 0;
  std::optional<std::int64_t> birth;     ///< day number
  std::optional<Int128> measure;         ///< sum, mean, median of a field
  std::optional<std::int64_t> from, to;  ///< days between: the dates (day numbers)
  std::optional<std::int64_t> event;     ///< event: the day
  /// Its rows of Loaded::statuses: (effective day, in the aggregate's states), by effective
  /// day (then entry) — the status history as of each day, even where a transition was dated
  /// before an earlier entry's.
  std::uint32_t status_begin = 0, status_end = 0;
};

/// The cells of one period and breakdown.
struct Acc {
  std::int64_t count = 0;  ///< contributions (records, or a record's flows: each one)
  Int128 sum = 0;
  std::vector<std::int64_t> values;  ///< median
  Int128 largest = 0, second = 0;    ///< sums: the two largest contributions (the p% rule)
};

struct Breakdown {
  std::vector<std::string> dims;  ///< empty: the total
};

std::string q(const std::string& name) { return store::quote(name); }

/// Storage column of a field of t (the first; money: its minor units).
std::string column(const pack::RecordType& t, const std::string& field) {
  const pack::Field* f = t.field(field);
  return store::columns_of(*f).front().name;
}

/// The level-n ancestor of code in list (itself at level n; none when the list does not know it).
std::optional<std::string> ancestor(const pack::CodeList* list, const std::string& code, int level) {
  if (!list || level <= 0) return code;
  std::string c = code;
  for (int guard = 0; guard < 16; ++guard) {
    auto it = std::find_if(list->codes.begin(), list->codes.end(), [&](const pack::Code& x) { return x.code == c; });
    if (it == list->codes.end()) return std::nullopt;
    if (it->level == level) return it->code;
    if (it->level < level || it->parent.empty()) return std::nullopt;
    c = it->parent;
  }
  return std::nullopt;
}

/// The SDMX code of a dimension's raw code.
std::string sdmx_code(const std::string& dim, const std::string& raw) {
  if (raw == "_N") return raw;
  if (dim == "edu") return "ISCED11_" + raw;
  return raw;
}

std::int64_t day_of(Date d) { return d.time_since_epoch().count(); }

struct Loaded {
  std::vector<Fact> facts;  ///< by id
  size_t ndims = 0;
  std::vector<int> cats;    ///< facts × dimensions asked: each one's category (age: unused)
  std::vector<std::pair<std::int64_t, bool>> statuses;
  std::vector<Categories> categories;  ///< per dimension asked
  std::string sql;
  [[nodiscard]] int cat(size_t fact, size_t dim) const { return cats[fact * ndims + dim]; }
};

/// How an aggregate's records are read: the records (one row each, by id), a section's value per
/// dimension taken from a section (read whole, then matched to the records: a subquery per record
/// costs more than the rest of the read), and the status history.
struct ReadPlan {
  std::string records;
  struct SectionRead {
    size_t dim = 0;      ///< position in dims
    bool highest = false;  ///< the highest value, or the first entry's
    std::string sql;     ///< parent_id, item_no, value
  };
  std::vector<SectionRead> sections;
  /// Stock and flows: record_id, effective_day, status in the table's own order (record_id, n:
  /// no sort in SQLite); each record's few rows are then put in effective order (day, then n).
  std::string statuses;
};

ReadPlan read_plan(detail::Context& cx, const Aggregate& a, const std::vector<std::string>& dims);
std::string plan_text(const ReadPlan& plan, const std::vector<std::string>& dims);

Loaded load(detail::Context& cx, const Aggregate& a, const std::vector<std::string>& dims) {
  Loaded out;
  const ReadPlan plan = read_plan(cx, a, dims);
  out.sql = plan_text(plan, dims);
  const pack::RecordType& t = cx.type(a.type);
  const auto* package = cx.pack.indicators.get();
  out.ndims = dims.size();
  // Per dimension: its categories, the code list and level its codes are taken at, and whether
  // it comes from a section.
  std::vector<std::pair<const pack::CodeList*, int>> levels;
  std::vector<bool> from_section(dims.size(), false);
  for (const auto& sr : plan.sections) from_section[sr.dim] = true;
  for (const auto& d : dims) {
    out.categories.push_back(d == "age" ? age_categories() : Categories{});
    if (d == "age") {
      levels.emplace_back(nullptr, 0);
      continue;
    }
    const auto* src = package->dimension(a.type, d);
    const pack::Field* f = src->section.empty() ? t.field(src->field) : t.section(src->section)->field(src->field);
    levels.emplace_back(cx.pack.code_list(f->code_list), src->level);
  }
  // Raw code → category, per dimension (a code's ancestor looked up once).
  std::vector<std::unordered_map<std::string, int>> seen(dims.size());
  auto category = [&](size_t k, std::string_view raw) {
    auto it = seen[k].find(std::string(raw));
    if (it == seen[k].end()) {
      const auto code = ancestor(levels[k].first, std::string(raw), levels[k].second);
      it = seen[k].emplace(std::string(raw), out.categories[k].of(code)).first;
    }
    return it->second;
  };
  auto& s = cx.conn.prepare(plan.records);
  while (s.step()) {
    Fact f;
    int c = 0;
    f.id = s.int64(c++);
    const size_t at = out.cats.size();
    out.cats.resize(at + dims.size(), 0);
    for (size_t k = 0; k < dims.size(); ++k) {
      if (from_section[k]) continue;
      if (!s.is_null(c)) {
        if (dims[k] == "age") f.birth = s.int64(c);
        else out.cats[at + k] = category(k, s.view(c));
      }
      ++c;
    }
    if (!a.field.empty()) {
      if (!s.is_null(c)) f.measure = Int128(s.int64(c));
      ++c;
    }
    if (!a.days_from.empty()) {
      if (a.days_from != "@event") {
        if (!s.is_null(c)) f.from = s.int64(c);
        ++c;
      }
      if (a.days_to != "@event") {
        if (!s.is_null(c)) f.to = s.int64(c);
        ++c;
      }
    }
    if (a.population == Aggregate::Population::event && !s.is_null(c)) f.event = s.int64(c);
    out.facts.push_back(f);
  }
  s.reset();
  // The records are by id: a record id's place by binary search.
  auto place = [&](std::int64_t id) -> std::optional<size_t> {
    auto it = std::lower_bound(out.facts.begin(), out.facts.end(), id, [](const Fact& f, std::int64_t x) { return f.id < x; });
    if (it == out.facts.end() || it->id != id) return std::nullopt;
    return static_cast<size_t>(it - out.facts.begin());
  };
  // A section's dimension: the first entry's value (lowest item_no; "not stated" if it has
  // none), or the highest value of the entries (by its bytes, as SQLite's max()).
  for (const auto& sr : plan.sections) {
    std::vector<std::int64_t> best_item(sr.highest ? 0 : out.facts.size(), INT64_MAX);  // first
    std::vector<std::string> best_value(sr.highest ? out.facts.size() : 0);             // highest
    std::vector<bool> has_value(sr.highest ? out.facts.size() : 0, false);
    auto& ss = cx.conn.prepare(sr.sql);
    while (ss.step()) {
      const auto i = place(ss.int64(0));
      if (!i) continue;
      const bool null = ss.is_null(2);
      if (sr.highest) {
        if (null) continue;
        const std::string_view v = ss.view(2);
        if (!has_value[*i] || v > std::string_view(best_value[*i])) {
          best_value[*i] = std::string(v);
          has_value[*i] = true;
        }
      } else {
        const std::int64_t item = ss.int64(1);
        if (item >= best_item[*i]) continue;
        best_item[*i] = item;
        out.cats[*i * dims.size() + sr.dim] = null ? 0 : category(sr.dim, ss.view(2));
      }
    }
    ss.reset();
    if (sr.highest)
      for (size_t i = 0; i < out.facts.size(); ++i)
        if (has_value[i]) out.cats[i * dims.size() + sr.dim] = category(sr.dim, best_value[i]);
  }
  // The status history, by record and day: merged with the records (both by id).
  if (!plan.statuses.empty()) {
    auto& st = cx.conn.prepare(plan.statuses);
    size_t i = 0;
    while (st.step()) {
      const std::int64_t rid = st.int64(0);
      while (i < out.facts.size() && out.facts[i].id < rid) ++i;
      if (i == out.facts.size()) break;
      if (out.facts[i].id != rid) continue;
      if (out.facts[i].status_end == 0) out.facts[i].status_begin = out.facts[i].status_end = static_cast<std::uint32_t>(out.statuses.size());
      const std::string_view status = st.view(2);
      const bool in = std::find(a.states.begin(), a.states.end(), status) != a.states.end();
      out.statuses.emplace_back(st.int64(1), in);
      out.facts[i].status_end = static_cast<std::uint32_t>(out.statuses.size());
    }
    st.reset();
    // By effective day; rows of one day keep their entry order (n). A record has a few rows,
    // mostly in order already: an insertion sort, stable and without allocation.
    for (const auto& f : out.facts)
      for (std::uint32_t k = f.status_begin + 1; k < f.status_end; ++k)
        for (std::uint32_t j = k; j > f.status_begin && out.statuses[j].first < out.statuses[j - 1].first; --j)
          std::swap(out.statuses[j], out.statuses[j - 1]);
  }
  return out;
}

/// The periods in the order of their days (a request's periods do not overlap).
struct Calendar {
  std::vector<std::int64_t> first, last;  ///< by period index
  /// The period holding day, if any.
  [[nodiscard]] std::optional<size_t> period_of(std::int64_t day) const {
    auto it = std::upper_bound(first.begin(), first.end(), day);
    if (it == first.begin()) return std::nullopt;
    const size_t i = static_cast<size_t>(it - first.begin()) - 1;
    return day <= last[i] ? std::optional(i) : std::nullopt;
  }
};

/// The contributions of a fact to the periods: (period index, reference day).
void contributions(const Aggregate& a, const Fact& f, const Loaded& l, const Calendar& cal,
                   std::vector<std::pair<size_t, std::int64_t>>& out) {
  out.clear();
  const auto* statuses = l.statuses.data() + f.status_begin;
  const size_t n_statuses = f.status_end - f.status_begin;
  switch (a.population) {
    case Aggregate::Population::event:
      if (f.event)
        if (auto p = cal.period_of(*f.event)) out.emplace_back(*p, *f.event);
      break;
    case Aggregate::Population::stock:
      // Each stretch of days in the states, [from, to): the periods that end inside it.
      for (size_t k = 0; k < n_statuses; ++k) {
        if (!statuses[k].second) continue;
        const std::int64_t from = statuses[k].first;
        const std::int64_t to = k + 1 < n_statuses ? statuses[k + 1].first : INT64_MAX;
        auto it = std::lower_bound(cal.last.begin(), cal.last.end(), from);
        for (; it != cal.last.end() && *it < to; ++it) out.emplace_back(static_cast<size_t>(it - cal.last.begin()), *it);
      }
      break;
    case Aggregate::Population::inflow:
    case Aggregate::Population::outflow: {
      const bool into = a.population == Aggregate::Population::inflow;
      bool was = false;
      for (size_t k = 0; k < n_statuses; ++k) {
        const auto [day, now] = statuses[k];
        if ((into && now && !was) || (!into && was && !now))
          if (auto p = cal.period_of(day)) out.emplace_back(*p, day);
        was = now;
      }
      break;
    }
    case Aggregate::Population::series:
      break;
  }
}

/// An aggregate computed for every period and cell.
struct Computed {
  std::vector<Breakdown> breakdowns;
  /// period → breakdown → cell key (the breakdown's codes, each followed by '|') → accumulator
  std::vector<std::vector<std::map<std::string, Acc>>> cells;
  std::string sql;
};

/// The records last read, kept for the next aggregate that reads the same (D1's stock, inflows
/// and outflows read the same job seekers and statuses): one at a time, for memory's sake.
struct LoadCache {
  std::string key;
  std::shared_ptr<const Loaded> loaded;
  const Loaded& get(detail::Context& cx, const Aggregate& a, const std::vector<std::string>& dims) {
    std::string k = aggregate_sql(cx, a, dims);
    if (a.population == Aggregate::Population::stock || a.population == Aggregate::Population::inflow ||
        a.population == Aggregate::Population::outflow)
      for (const auto& st : a.states) k += "\x1f" + st;
    if (!loaded || k != key) {
      loaded.reset();  // the old records go before the new are read
      loaded = std::make_shared<const Loaded>(load(cx, a, dims));
      key = std::move(k);
    }
    return *loaded;
  }
};

Computed aggregate(detail::Context& cx, const Aggregate& a, const std::vector<Period>& periods,
                   const std::vector<Breakdown>& breakdowns, const std::vector<std::string>& dims, LoadCache& cache) {
  Computed out;
  out.breakdowns = breakdowns;
  out.cells.assign(periods.size(), std::vector<std::map<std::string, Acc>>(breakdowns.size()));
  const Loaded& l = cache.get(cx, a, dims);
  out.sql = l.sql;
  // The periods sorted by day; contributions name them by their place in the request.
  std::vector<size_t> order(periods.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](size_t x, size_t y) { return periods[x].first < periods[y].first; });
  Calendar cal;
  for (size_t i : order) {
    cal.first.push_back(day_of(periods[i].first));
    cal.last.push_back(day_of(periods[i].last));
  }
  // Each breakdown's dimensions (positions in dims) and its cells, flat: one number per cell.
  const int age_dim = static_cast<int>(std::find(dims.begin(), dims.end(), "age") - dims.begin());
  std::vector<std::vector<size_t>> bdims(breakdowns.size());
  std::vector<size_t> bsize(breakdowns.size(), 1);
  for (size_t b = 0; b < breakdowns.size(); ++b)
    for (const auto& d : breakdowns[b].dims) {
      const size_t k = static_cast<size_t>(std::find(dims.begin(), dims.end(), d) - dims.begin());
      bdims[b].push_back(k);
    }
  // The categories are known once the records are read (codes in order of appearance).
  for (size_t b = 0; b < breakdowns.size(); ++b)
    for (size_t k : bdims[b]) bsize[b] *= l.categories[k].codes.size();
  const bool sums = a.measure != Aggregate::Measure::count;
  const bool median = a.measure == Aggregate::Measure::median;
  struct Flat {
    std::vector<std::int64_t> count;
    std::vector<Int128> sum, largest, second;
    std::vector<std::vector<std::int64_t>> values;
  };
  std::vector<std::vector<Flat>> flat(periods.size(), std::vector<Flat>(breakdowns.size()));
  for (auto& per : flat)
    for (size_t b = 0; b < breakdowns.size(); ++b) {
      per[b].count.assign(bsize[b], 0);
      if (sums) {
        per[b].sum.assign(bsize[b], 0);
        per[b].largest.assign(bsize[b], 0);
        per[b].second.assign(bsize[b], 0);
      }
      if (median) per[b].values.resize(bsize[b]);
    }
  // A cell's number is row-major over its breakdown's dimensions. A record's categories are the
  // same in every period but for its age, so each breakdown's cell is its base (the other
  // dimensions, once per record) plus the age category times the age's stride (0: no age).
  std::vector<std::vector<size_t>> strides(breakdowns.size());
  std::vector<size_t> age_stride(breakdowns.size(), 0);
  for (size_t b = 0; b < breakdowns.size(); ++b) {
    strides[b].assign(bdims[b].size(), 1);
    size_t stride = 1;
    for (size_t i = bdims[b].size(); i-- > 0;) {
      strides[b][i] = stride;
      if (static_cast<int>(bdims[b][i]) == age_dim) age_stride[b] = stride;
      stride *= l.categories[bdims[b][i]].codes.size();
    }
  }
  // The age categories of each age in years: its partition and the summary bands it is in.
  constexpr std::int64_t kMaxAge = 150;
  std::vector<std::vector<int>> age_cats;
  if (age_dim < static_cast<int>(dims.size()))
    for (std::int64_t years = 0; years <= kMaxAge; ++years) {
      std::vector<int> cats = {l.categories[static_cast<size_t>(age_dim)].index.at(age_partition(years))};
      const auto& bands = age_summary_bands();
      for (size_t i = 0; i < bands.size(); ++i)
        if (in_summary_band(bands[i], years)) cats.push_back(1 + kAgePartitions + static_cast<int>(i));
      age_cats.push_back(std::move(cats));
    }
  const std::vector<int> not_stated = {0};
  std::vector<std::pair<size_t, std::int64_t>> contrib;
  std::vector<size_t> base(breakdowns.size());
  for (size_t fi = 0; fi < l.facts.size(); ++fi) {
    const Fact& f = l.facts[fi];
    contributions(a, f, l, cal, contrib);
    if (contrib.empty()) continue;
    for (size_t b = 0; b < breakdowns.size(); ++b) {
      base[b] = 0;
      for (size_t i = 0; i < bdims[b].size(); ++i)
        if (static_cast<int>(bdims[b][i]) != age_dim) base[b] += static_cast<size_t>(l.cat(fi, bdims[b][i])) * strides[b][i];
    }
    std::optional<date::year_month_day> birth;
    if (f.birth) birth = date::year_month_day{Date{date::days{*f.birth}}};
    for (const auto& [sorted, ref] : contrib) {
      const size_t p = order[sorted];
      std::optional<Int128> value;
      if (!a.field.empty()) {
        value = f.measure;
      } else if (!a.days_from.empty()) {
        const auto from = a.days_from == "@event" ? std::optional(ref) : f.from;
        const auto to = a.days_to == "@event" ? std::optional(ref) : f.to;
        if (from && to) value = Int128(*to - *from + (a.days_inclusive ? 1 : 0));
      }
      if (sums && !value) continue;  // no value: not in a sum, mean or median
      // The age at the reference day: its partition and each summary band it is in (none
      // stated, or a birth after the day: "not stated").
      const std::vector<int>* ages = &not_stated;
      if (!age_cats.empty() && birth) {
        const date::year_month_day d{Date{date::days{ref}}};
        std::int64_t years = static_cast<int>(d.year()) - static_cast<int>(birth->year());
        if (d.month() < birth->month() || (d.month() == birth->month() && d.day() < birth->day())) --years;
        if (years >= 0 && years <= kMaxAge) ages = &age_cats[static_cast<size_t>(years)];
        else if (years > kMaxAge) ages = &age_cats.back();  // the oldest partition and bands
      }
      for (size_t b = 0; b < breakdowns.size(); ++b) {
        Flat& cells = flat[p][b];
        auto add = [&](size_t cell) {
          cells.count[cell] += 1;
          if (sums) {
            cells.sum[cell] += *value;
            if (*value > cells.largest[cell]) {
              cells.second[cell] = cells.largest[cell];
              cells.largest[cell] = *value;
            } else if (*value > cells.second[cell]) {
              cells.second[cell] = *value;
            }
          }
          if (median) cells.values[cell].push_back(static_cast<std::int64_t>(*value));
        };
        if (age_stride[b] == 0) {
          add(base[b]);
        } else {
          for (int c : *ages) add(base[b] + static_cast<size_t>(c) * age_stride[b]);
        }
      }
    }
  }
  // The cells that have contributions, by key.
  for (size_t p = 0; p < periods.size(); ++p)
    for (size_t b = 0; b < breakdowns.size(); ++b) {
      const Flat& cells = flat[p][b];
      for (size_t cell = 0; cell < bsize[b]; ++cell) {
        if (cells.count[cell] == 0) continue;
        std::string key;
        size_t rest = cell;
        std::vector<std::string> parts(bdims[b].size());
        for (size_t i = bdims[b].size(); i-- > 0;) {
          const auto& cats = l.categories[bdims[b][i]];
          parts[i] = sdmx_code(dims[bdims[b][i]], cats.codes[rest % cats.codes.size()]);
          rest /= cats.codes.size();
        }
        for (const auto& x : parts) key += x + "|";
        Acc& acc = out.cells[p][b][key];
        acc.count = cells.count[cell];
        if (sums) {
          acc.sum = cells.sum[cell];
          acc.largest = cells.largest[cell];
          acc.second = cells.second[cell];
        }
        if (median) acc.values = cells.values[cell];
      }
    }
  return out;
}

/// The scale of a measure (a money field's minor units, a decimal's places): the value is
/// sum / 10^scale.
int measure_scale(detail::Context& cx, const Aggregate& a) {
  if (a.field.empty()) return 0;
  const pack::Field* f = cx.type(a.type).field(a.field);
  if (f->type == FieldType::decimal) return f->scale;
  if (f->type == FieldType::money) return 2;
  return 0;
}

Rational pow10(int n) {
  Rational r = 1;
  for (int i = 0; i < n; ++i) r *= 10;
  return r;
}

/// The value of an accumulator as the aggregate's measure (none: M, nothing to take a mean or
/// median of).
std::optional<Rational> measure_value(const Aggregate& a, const Acc* acc, int scale) {
  const Rational unit = pow10(scale);
  switch (a.measure) {
    case Aggregate::Measure::count:
      return Rational(acc ? acc->count : 0);
    case Aggregate::Measure::sum:
      return acc ? Rational(Rational(boost::multiprecision::cpp_int(acc->sum)) / unit) : Rational(0);
    case Aggregate::Measure::mean:
      if (!acc || acc->count == 0) return std::nullopt;
      return Rational(Rational(boost::multiprecision::cpp_int(acc->sum)) / acc->count / unit);
    case Aggregate::Measure::median: {
      if (!acc || acc->values.empty()) return std::nullopt;
      auto v = acc->values;
      std::sort(v.begin(), v.end());
      const size_t n = v.size();
      const Rational mid = n % 2 ? Rational(v[n / 2]) : Rational(Rational(v[n / 2 - 1]) + Rational(v[n / 2])) / 2;
      return Rational(mid / unit);
    }
  }
  return std::nullopt;
}

/// The breakdowns of a request: the total, each dimension alone, and sex × each other.
std::vector<Breakdown> breakdowns_of(const std::vector<std::string>& by) {
  std::vector<Breakdown> out = {Breakdown{}};
  for (const auto& d : by) out.push_back(Breakdown{{d}});
  if (std::find(by.begin(), by.end(), "sex") != by.end())
    for (const auto& d : by)
      if (d != "sex") out.push_back(Breakdown{{"sex", d}});
  return out;
}

std::map<std::string, std::string> cell_of(const Breakdown& b, const std::string& key) {
  std::map<std::string, std::string> out;
  size_t start = 0;
  for (const auto& d : b.dims) {
    const size_t bar = key.find('|', start);
    out[d] = key.substr(start, bar - start);
    start = bar + 1;
  }
  return out;
}

/// The cells a breakdown of series has: sex M and F; the age partitions and summary bands (a
/// cell no series holds comes out as O). Other dimensions have no cells from series.
void series_keys(const Breakdown& b, std::set<std::string>& out) {
  std::vector<std::string> keys = {""};
  for (const auto& d : b.dims) {
    std::vector<std::string> codes;
    if (d == "sex") codes = {"M", "F"};
    if (d == "age") {
      codes = {"Y15T24", "Y25T34", "Y35T44", "Y45T54", "Y55T64", "Y_GE65"};
      for (const auto& band : age_summary_bands()) codes.push_back(band);
    }
    std::vector<std::string> next;
    for (const auto& k : keys)
      for (const auto& c : codes) next.push_back(k + c + "|");
    keys = std::move(next);
  }
  out.insert(keys.begin(), keys.end());
}

/// Every record type an indicator reads, for the permission check.
void types_of(const pack::IndicatorPackage& pkg, const IndicatorDef& d, std::set<std::string>& out) {
  for (const Aggregate* a : {&d.numerator, &d.denominator})
    if (!a->type.empty()) out.insert(a->type);
  for (const auto& arg : d.formula_args)
    if (const auto* t = pkg.find(arg.indicator)) types_of(pkg, *t, out);
}

}  // namespace

std::map<std::string, std::string> fixed_cell(const IndicatorDef& d) {
  if (d.numerator.at.empty()) return {};
  if (d.kind == IndicatorDef::Kind::ratio && d.denominator.at != d.numerator.at) return {};
  return d.numerator.at;
}

namespace {

const char* freq_name(char f) { return f == 'A' ? "year" : f == 'Q' ? "quarter" : "month"; }

using CellMap = std::map<std::string, std::string>;
/// What disclosure control judges in one period: cell → the numerator's count or sum.
using PeriodValues = std::map<CellMap, Observation::Protectable>;

/// Tables that must share one suppression pattern: periods (each a table of the same cells:
/// the total, each dimension alone, sex × each other, the age summary bands) and the links
/// between them (every cell of the whole is the sum of the same cell of its parts: a quarter
/// and its months, a year and its quarters).
struct LinkedPeriods {
  std::vector<std::string> periods;  ///< period codes, in the problem's order
  std::map<std::string, PeriodValues> values;
  std::vector<std::pair<std::string, std::vector<std::string>>> links;
};

/// The pattern of linked periods (disclosure.hpp): one problem of every period's cells, with a
/// zero for each cell a period has no record in, each period's own sums and the links'. Its
/// record (engine.hpp, Request::disclosure_record) is appended to request.disclosure_record.
std::map<std::pair<std::string, CellMap>, CellOutcome> protect_linked(const LinkedPeriods& lp, const Request& request,
                                                                      const IndicatorDef& d) {
  std::map<std::pair<std::string, CellMap>, CellOutcome> outcome;
  if (lp.periods.empty()) return outcome;
  bool magnitude = false;
  for (const auto& [period, values] : lp.values)
    for (const auto& [cell, pr] : values) magnitude = magnitude || pr.magnitude;
  const auto& bands = age_summary_bands();
  auto is_band = [&](const std::string& c) { return std::find(bands.begin(), bands.end(), c) != bands.end(); };
  // The categories of each dimension, from every period's single-dimension cells.
  std::map<std::string, std::set<std::string>> cats;
  std::set<CellMap> every;  // every cell any period has
  for (const auto& [period, values] : lp.values)
    for (const auto& [cell, pr] : values) {
      every.insert(cell);
      if (cell.size() == 1 && !is_band(cell.begin()->second)) cats[cell.begin()->first].insert(cell.begin()->second);
    }
  // The partitions of age a summary band adds up.
  auto band_parts = [&](const std::string& band) {
    std::vector<std::string> parts;
    for (const auto& code : cats["age"]) {
      if (code == "_N") continue;
      for (int y = 0; y <= 120; ++y)
        if (age_partition(y) == code) {
          if (in_summary_band(band, y)) parts.push_back(code);
          break;
        }
    }
    return parts;
  };
  Problem pb;
  std::map<std::pair<std::string, CellMap>, size_t> cell_at;  // (period, cell) → problem cell
  std::map<size_t, std::pair<std::string, CellMap>> valued;   // problem cell → a cell with a value
  for (const auto& period : lp.periods) {
    const auto vit = lp.values.find(period);
    if (vit != lp.values.end())
      for (const auto& [cell, pr] : vit->second) {
        cell_at[{period, cell}] = pb.cells.size();
        valued[pb.cells.size()] = {period, cell};
        pb.cells.push_back(pr.magnitude ? Cell::magnitude(pr.value, pr.largest, pr.second, pr.contributors) : Cell::count(pr.value));
      }
  }
  auto at = [&](const std::string& period, const CellMap& cell) {
    auto it = cell_at.find({period, cell});
    if (it != cell_at.end()) return it->second;
    cell_at[{period, cell}] = pb.cells.size();
    pb.cells.push_back(magnitude ? Cell::magnitude(0, 0, 0, 0) : Cell::count(0));
    return pb.cells.size() - 1;
  };
  auto has = [&](const CellMap& cell) { return every.count(cell) > 0; };
  for (const auto& period : lp.periods) {
    auto sum = [&](const CellMap& total, const std::vector<CellMap>& parts) {
      Constraint c{at(period, total), {}};
      for (const auto& part : parts) c.parts.push_back(at(period, part));
      pb.constraints.push_back(std::move(c));
    };
    for (const auto& d : request.by) {
      if (!cats.count(d)) continue;
      std::vector<CellMap> parts;
      for (const auto& code : cats[d]) parts.push_back({{d, code}});
      sum({}, parts);
      if (d == "age")  // each summary band is the sum of its partitions, alone and by sex
        for (const auto& band : bands) {
          std::vector<CellMap> alone;
          const auto codes = band_parts(band);
          if (codes.empty()) continue;
          if (has({{"age", band}})) {
            for (const auto& code : codes) alone.push_back({{"age", code}});
            sum({{"age", band}}, alone);
          }
          if (cats.count("sex"))
            for (const auto& s : cats["sex"])
              if (has({{"sex", s}, {"age", band}})) {
                std::vector<CellMap> parts_s;
                for (const auto& code : codes) parts_s.push_back({{"sex", s}, {"age", code}});
                sum({{"sex", s}, {"age", band}}, parts_s);
              }
        }
      if (d == "sex" || !cats.count("sex")) continue;
      // sex × d: its rows and columns add up to the single-dimension cells.
      for (const auto& s : cats["sex"]) {
        std::vector<CellMap> row;
        for (const auto& code : cats[d]) row.push_back({{"sex", s}, {d, code}});
        sum({{"sex", s}}, row);
      }
      for (const auto& code : cats[d]) {
        std::vector<CellMap> col;
        for (const auto& s : cats["sex"]) col.push_back({{"sex", s}, {d, code}});
        sum({{d, code}}, col);
      }
    }
  }
  // The links: every cell of the whole, the sum of the same cell of its parts.
  for (const auto& [whole, parts] : lp.links)
    for (const auto& cell : every) {
      Constraint c{at(whole, cell), {}};
      for (const auto& part : parts) c.parts.push_back(at(part, cell));
      pb.constraints.push_back(std::move(c));
    }
  Options opts;
  opts.min_count = request.min_count;
  opts.p_percent = request.p_percent;
  opts.protect_secondary = request.protect_secondary;
  const Protection p = protect(pb, opts);
  for (const auto& [index, key] : valued) outcome[key] = p.cells[index];
  if (request.disclosure_record) {
    Json rec = p.to_json(opts);
    Json suppressed = Json::array();
    for (const auto& [index, key] : valued) {  // in the problem's order: by period, then cell
      const CellOutcome& c = p.cells[index];
      if (!c.suppressed) continue;
      Json cell = Json::object();
      for (const auto& [dim, code] : key.second) cell[dim] = code;
      suppressed.push_back(Json{{"period", key.first},
                                {"cell", cell},
                                {"reason", to_string(c.reason)},
                                {"lower", c.range ? Json(c.range->lower) : Json()},
                                {"upper", c.range && c.range->upper ? Json(*c.range->upper) : Json()}});
    }
    Json entry = {{"indicator", d.id}, {"version", d.version}, {"periods", lp.periods}};
    entry["method"] = rec["method"];
    entry["options"] = rec["options"];
    entry["cells"] = rec["cells"];
    entry["rounds"] = rec["rounds"];
    entry["suppressed_count"] = suppressed.size();
    entry["suppressed"] = std::move(suppressed);
    request.disclosure_record->push_back(std::move(entry));
  }
  return outcome;
}

/// The protectable value of a numerator's cell (its accumulator; none: no contribution).
std::optional<Observation::Protectable> protectable_of(const Aggregate& a, const Acc* acc) {
  Observation::Protectable pr;
  pr.contributors = acc ? acc->count : 0;
  if (a.measure != Aggregate::Measure::sum) {
    pr.value = pr.contributors;
    return pr;
  }
  pr.magnitude = true;
  const Int128 sum = acc ? acc->sum : Int128(0);
  // Only sums of non-negative contributions are judged (a negative one makes the largest exceed
  // the sum); a sum of zeros has no contributor to protect.
  if (sum < 0 || sum > kMaxCellValue || (acc && (acc->second < 0 || acc->largest > sum))) return std::nullopt;
  pr.value = static_cast<std::int64_t>(sum);
  pr.largest = acc ? static_cast<std::int64_t>(acc->largest) : 0;
  pr.second = acc ? static_cast<std::int64_t>(acc->second) : 0;
  if (pr.value == 0) pr.contributors = 0;
  return pr;
}

/// Whether an aggregate's values add up over periods: flows and events do (a quarter's inflows
/// are its months'); a stock does not (a quarter's stock is its last month's, the same table).
bool additive_over_periods(const Aggregate& a) {
  return a.population == Aggregate::Population::inflow || a.population == Aggregate::Population::outflow ||
         a.population == Aggregate::Population::event;
}

/// Disclosure control judges counts, and sums of contributions that are not negative.
[[noreturn]] void unprotectable(const std::string& indicator, const std::string& period) {
  throw Error(Errc::generic, "disclosure control judges sums of contributions that are not negative (the p% rule): " +
                                 indicator + " has a negative one in " + period);
}

/// The calendar years of a request's periods, each as linked periods: every period of the year
/// at each periodicity the indicator has, the finest computed from the records (one pass), the
/// coarser ones added up from it (counts and sums add; the two largest contributions of a
/// quarter are the two largest of its months').
std::vector<LinkedPeriods> linked_periods(detail::Context& cx, const IndicatorDef& d, const Request& request,
                                          const std::vector<Breakdown>& bds, const std::vector<std::string>& dims,
                                          LoadCache& loads) {
  auto has = [&](const char* f) { return std::find(d.periodicity.begin(), d.periodicity.end(), f) != d.periodicity.end(); };
  const bool months = has("month"), quarters = has("quarter");
  const char finest = months ? 'M' : quarters ? 'Q' : 'A';
  std::set<int> years;
  for (const auto& p : request.periods) years.insert(static_cast<int>(date::year_month_day{p.first}.year()));
  std::vector<Period> fine;
  for (int y : years) split(year_period(y), finest, fine);
  const Computed c = aggregate(cx, d.numerator, fine, bds, dims, loads);
  // period code → breakdown → key → accumulator, for the finest and the coarser periods.
  std::map<std::string, std::vector<std::map<std::string, Acc>>> acc;
  for (size_t i = 0; i < fine.size(); ++i) acc[fine[i].code] = c.cells[i];
  auto merge = [&](const std::string& whole, const std::vector<std::string>& parts) {
    auto& w = acc[whole];
    w.assign(bds.size(), {});
    for (const auto& part : parts)
      for (size_t b = 0; b < bds.size(); ++b)
        for (const auto& [key, a] : acc[part][b]) {
          Acc& x = w[b][key];
          x.count += a.count;
          x.sum += a.sum;
          for (const Int128& v : {a.largest, a.second})
            if (v > x.largest) {
              x.second = x.largest;
              x.largest = v;
            } else if (v > x.second) {
              x.second = v;
            }
        }
  };
  std::vector<LinkedPeriods> out;
  for (int y : years) {
    LinkedPeriods g;
    std::vector<std::string> qcodes;
    if (quarters)
      for (unsigned q = 1; q <= 4; ++q) {
        const Period qp = quarter_period(y, q);
        if (months) {
          std::vector<Period> ms;
          split(qp, 'M', ms);
          std::vector<std::string> parts;
          for (const auto& m : ms) {
            parts.push_back(m.code);
            g.periods.push_back(m.code);
          }
          merge(qp.code, parts);
          g.links.emplace_back(qp.code, parts);
        }
        qcodes.push_back(qp.code);
      }
    if (has("year")) {
      std::vector<std::string> parts = qcodes;
      if (!quarters && months)
        for (unsigned m = 1; m <= 12; ++m) parts.push_back(month_period(y, m).code);
      if (!parts.empty()) {
        if (!quarters) g.periods.insert(g.periods.end(), parts.begin(), parts.end());
        merge(std::to_string(y), parts);
        g.links.emplace_back(std::to_string(y), parts);
      }
    }
    if (!has("year") && !quarters && months)
      for (unsigned m = 1; m <= 12; ++m) g.periods.push_back(month_period(y, m).code);
    g.periods.insert(g.periods.end(), qcodes.begin(), qcodes.end());
    if (has("year")) g.periods.push_back(std::to_string(y));
    for (const auto& code : g.periods) {
      PeriodValues& values = g.values[code];
      const auto& cells = acc.at(code);
      for (size_t b = 0; b < bds.size(); ++b) {
        if (bds[b].dims.empty() && !cells[b].count(""))  // the total, with no contribution
          values[{}] = *protectable_of(d.numerator, nullptr);
        for (const auto& [key, a] : cells[b]) {
          const auto pr = protectable_of(d.numerator, &a);
          if (!pr) unprotectable(d.id, code);
          values[cell_of(bds[b], key)] = *pr;
        }
      }
    }
    out.push_back(std::move(g));
  }
  return out;
}

/// Disclosure control over one indicator's observations out[from..] (Request::protect). Each
/// period's table is linked by its sums; an additive numerator's periods are also linked to the
/// other periods of their calendar year at every periodicity the indicator has (the months,
/// quarters and year, computed from the records whether asked for or not), so that no release of
/// one grain lets a suppressed cell of another be recovered. A stock's periods need no link: a
/// quarter's table is its last month's, and the same table gets the same pattern.
void protect_cells(std::vector<Observation>& out, size_t from, const Request& request, const IndicatorDef& d,
                   const std::function<std::vector<LinkedPeriods>()>& linked) {
  std::map<std::pair<std::string, CellMap>, CellOutcome> outcome;
  bool any = false;
  for (size_t i = from; i < out.size() && !any; ++i) any = out[i].protectable.has_value();
  if (!any) return;
  std::vector<LinkedPeriods> groups;
  if (linked) {
    groups = linked();
    // The observations must be what the linked computation judged (the same records, read in
    // the same transaction).
    for (size_t i = from; i < out.size(); ++i) {
      if (!out[i].protectable) continue;
      const PeriodValues* values = nullptr;
      for (const auto& g : groups)
        if (auto it = g.values.find(out[i].period.code); it != g.values.end()) values = &it->second;
      const auto it = values ? values->find(out[i].cell) : PeriodValues::const_iterator{};
      const bool zero = out[i].protectable->value == 0;
      if (!values || (it == values->end() ? !zero : it->second.value != out[i].protectable->value))
        throw Error(Errc::generic, "disclosure control: the linked periods of " + out[i].indicator + " disagree with " +
                                       out[i].period.code);
    }
  } else {
    std::map<std::string, LinkedPeriods> by_period;
    for (size_t i = from; i < out.size(); ++i)
      if (out[i].protectable) {
        auto& g = by_period[out[i].period.code];
        if (g.periods.empty()) g.periods.push_back(out[i].period.code);
        g.values[out[i].period.code][out[i].cell] = *out[i].protectable;
      }
    for (auto& [code, g] : by_period)
      if (g.values[code].count({})) groups.push_back(std::move(g));  // no total: nothing to link
  }
  for (const auto& g : groups) {
    auto o = protect_linked(g, request, d);
    outcome.insert(o.begin(), o.end());
  }
  for (size_t i = from; i < out.size(); ++i) {
    const auto it = outcome.find({out[i].period.code, out[i].cell});
    if (!out[i].protectable || it == outcome.end() || !it->second.suppressed) continue;
    Observation& o = out[i];
    o.status = 'Q';
    o.value.reset();
    o.numerator.reset();
    o.denominator.reset();
    o.note = std::string("suppressed (") + to_string(it->second.reason) + ")";
  }
}

}  // namespace

namespace {
ReadPlan read_plan(detail::Context& cx, const Aggregate& a, const std::vector<std::string>& dims) {
  ReadPlan plan;
  const pack::RecordType& t = cx.type(a.type);
  const auto* package = cx.pack.indicators.get();
  std::string sql = "SELECT r.id";
  for (size_t k = 0; k < dims.size(); ++k) {
    const auto* src = package->dimension(a.type, dims[k]);
    if (src->section.empty()) {
      sql += ", r." + q(column(t, src->field));
    } else {
      const std::string table = store::section_table(t, *t.section(src->section));
      plan.sections.push_back(ReadPlan::SectionRead{
          k, src->highest, "SELECT s.parent_id, s.item_no, s." + q(src->field) + " FROM " + q(table) + " s"});
    }
  }
  if (!a.field.empty()) sql += ", r." + q(column(t, a.field));
  if (!a.days_from.empty()) {
    if (a.days_from != "@event") sql += ", r." + q(column(t, a.days_from));
    if (a.days_to != "@event") sql += ", r." + q(column(t, a.days_to));
  }
  if (a.population == Aggregate::Population::event) sql += ", r." + q(column(t, a.date_field));
  sql += " FROM " + q(t.name) + " r WHERE r.archived = 0";
  auto literal = [](const std::string& v) {
    std::string out = "'";
    for (char c : v) out += c == '\'' ? std::string("''") : std::string(1, c);
    return out + "'";
  };
  for (const auto& f : a.filters) {
    if (f.op == "deadline_in_time") {
      sql += " AND EXISTS (SELECT 1 FROM clmis_deadline d WHERE d.record_type = " + literal(t.name) +
             " AND d.record_id = r.id AND d.deadline = " + literal(f.deadline) +
             " AND d.state = 'met' AND d.ended_day <= d.due_day AND d.cycle = (SELECT max(d2.cycle) FROM clmis_deadline d2 "
             "WHERE d2.record_type = d.record_type AND d2.record_id = d.record_id AND d2.deadline = d.deadline))";
      continue;
    }
    const pack::Field* fd = t.field(f.field);
    const std::string col = "r." + q(column(t, f.field));
    if (f.op == "is_null") sql += " AND " + col + " IS NULL";
    else if (f.op == "not_null") sql += " AND " + col + " IS NOT NULL";
    else {
      std::string list;
      for (const auto& v : f.values)
        list += (list.empty() ? "" : ", ") + (fd->type == FieldType::boolean ? std::string(v == "true" ? "1" : "0") : literal(v));
      sql += f.op == "in" ? " AND " + col + " IN (" + list + ")" : " AND (" + col + " IS NULL OR " + col + " NOT IN (" + list + "))";
    }
  }
  plan.records = sql + " ORDER BY r.id";
  if (a.population == Aggregate::Population::stock || a.population == Aggregate::Population::inflow ||
      a.population == Aggregate::Population::outflow)
    plan.statuses = "SELECT record_id, effective_day, status FROM " + q(store::status_table(t)) + " ORDER BY record_id, n";
  return plan;
}

/// The statements of a plan as the lineage shows them, one after the other.
std::string plan_text(const ReadPlan& plan, const std::vector<std::string>& dims) {
  std::string out = plan.records;
  for (const auto& sr : plan.sections)
    out += ";\n" + sr.sql + "  -- " + dims[sr.dim] + ": per record, " +
           (sr.highest ? "the highest value" : "the value of the lowest item_no");
  if (!plan.statuses.empty()) out += ";\n" + plan.statuses;
  return out;
}
}  // namespace

std::string aggregate_sql(detail::Context& cx, const Aggregate& a, const std::vector<std::string>& dims) {
  return plan_text(read_plan(cx, a, dims), dims);
}

std::vector<Observation> compute(detail::Context& cx, const Request& request, const SeriesLookup& series) {
  const auto* pkg = cx.pack.indicators.get();
  if (!pkg) throw NotFound("the pack in force declares no indicators");
  std::vector<const IndicatorDef*> defs;
  if (request.indicators.empty()) {
    for (const auto& d : pkg->indicators) defs.push_back(&d);
  } else {
    for (size_t i = 0; i < request.indicators.size(); ++i) {
      const auto* d = pkg->find(request.indicators[i]);
      if (!d) refuse("indicators[" + std::to_string(i) + "]", request.indicators[i], "code_list", "no indicator \"" + request.indicators[i] + "\" in the package");
      defs.push_back(d);
    }
  }
  if (request.periods.empty()) refuse("period", nullptr, "required", "a period (2024, 2024-Q1, 2024-01, 2020..2024)");
  for (size_t i = 0; i < request.by.size(); ++i) {
    const auto& d = request.by[i];
    if (std::none_of(std::begin(pack::kIndicatorDimensions), std::end(pack::kIndicatorDimensions), [&](const char* k) { return d == k; }))
      refuse("by[" + std::to_string(i) + "]", d, "code_list", "a dimension: sex, age, geo, eco, ocu, edu");
    if (std::find(request.by.begin(), request.by.begin() + static_cast<std::ptrdiff_t>(i), d) != request.by.begin() + static_cast<std::ptrdiff_t>(i))
      refuse("by[" + std::to_string(i) + "]", d, "unique", "\"" + d + "\" twice");
  }
  // Every indicator asked for must allow the dimensions and the periods' frequency.
  for (const auto* d : defs) {
    for (const auto& b : request.by)
      if (std::find(d->dimensions.begin(), d->dimensions.end(), b) == d->dimensions.end())
        refuse("by", b, "code_list", "indicator " + d->id + " is not disaggregated by " + b);
    for (const auto& p : request.periods)
      if (std::find(d->periodicity.begin(), d->periodicity.end(), freq_name(p.freq)) == d->periodicity.end())
        refuse("freq", freq_name(p.freq), "code_list", "indicator " + d->id + " is not computed by " + freq_name(p.freq));
  }
  // Read on every record type with scope all: aggregates cover the whole country.
  std::set<std::string> types;
  for (const auto* d : defs) types_of(*pkg, *d, types);
  for (const auto& name : types) {
    const auto& t = cx.type(name);
    if (cx.access.require_scope(cx, t, "read") != pack::Scope::all)
      cx.access.deny(cx, name + ".read", "indicators read every " + name + " record; this user reads only their own");
  }

  store::ReadTransaction rt(cx.conn);
  const auto bds = breakdowns_of(request.by);
  LoadCache loads;
  std::vector<Observation> out;
  // Unrounded values of the indicators computed so far (for formulas): id → period → key.
  std::map<std::string, std::map<std::string, std::map<std::string, std::optional<Rational>>>> unrounded;
  auto cell_key = [](const std::map<std::string, std::string>& cell) {
    std::string k;
    for (const auto& [d, c] : cell) k += d + "=" + c + ";";
    return k;
  };
  // The indicators a formula needs are computed first (in the package's order, which puts
  // them before it), whether asked for or not.
  std::vector<const IndicatorDef*> order;
  std::set<std::string> asked;
  for (const auto* d : defs) asked.insert(d->id);
  for (const auto& d : pkg->indicators) {
    bool needed = asked.count(d.id) > 0;
    for (const auto* f : defs)
      for (const auto& arg : f->formula_args) needed = needed || arg.indicator == d.id;
    if (needed) order.push_back(&d);
  }
  for (std::size_t oi = 0; oi < order.size(); ++oi) {
    const IndicatorDef* d = order[oi];
    auto done = [&] {
      if (request.progress) request.progress(oi + 1, order.size(), d->id);
    };
    const bool publish = asked.count(d->id) > 0;
    const size_t first_of_indicator = out.size();
    const auto fixed = fixed_cell(*d);
    auto emit = [&](Observation o) {
      unrounded[d->id][o.period.code][cell_key(o.cell)] = o.status == 'M' || o.status == 'O' ? std::nullopt
                                                           : d->kind == IndicatorDef::Kind::ratio
                                                               ? std::optional<Rational>(Rational(*o.numerator / *o.denominator * d->multiplier))
                                                               : o.numerator;
      // Published with the dimensions its series fix (the youth rate's AGE is Y15T24, not _T);
      // formulas find it by the cell without them.
      for (const auto& [dim, c] : fixed) o.cell[dim] = c;
      if (publish) out.push_back(std::move(o));
    };
    if (d->kind == IndicatorDef::Kind::formula) {
      for (const auto& p : request.periods)
        for (const auto& b : bds) {
          // The cells of this breakdown that either argument has.
          std::set<std::string> keys;
          for (const auto& arg : d->formula_args)
            for (const auto& [k, v] : unrounded[arg.indicator][p.code]) {
              (void)v;
              keys.insert(k);
            }
          for (const auto& k : keys) {
            // Parse the key back into a cell; only cells of this breakdown's dimensions.
            std::map<std::string, std::string> cell;
            size_t start = 0;
            while (start < k.size()) {
              const size_t eq = k.find('=', start), semi = k.find(';', eq);
              cell[k.substr(start, eq - start)] = k.substr(eq + 1, semi - eq - 1);
              start = semi + 1;
            }
            std::vector<std::string> dims;
            for (const auto& [dim, c] : cell) dims.push_back(dim);
            std::vector<std::string> want = b.dims;
            std::sort(want.begin(), want.end());
            if (dims != want) continue;
            Observation o;
            o.indicator = d->id;
            o.version = d->version;
            o.period = p;
            o.cell = cell;
            std::vector<std::optional<Rational>> args;
            for (const auto& arg : d->formula_args) {
              auto& m = unrounded[arg.indicator][p.code];
              auto it = m.find(k);
              args.push_back(it == m.end() ? std::nullopt : it->second);
            }
            if (!args[0] || !args[1]) {
              o.status = 'M';
              o.note = "an argument has no value";
            } else if ((d->formula_op == "divide" && *args[1] == 0) || (d->formula_op == "gap" && *args[0] == 0)) {
              o.status = 'M';
              o.note = "division by zero";
            } else {
              o.numerator = d->formula_op == "divide"     ? Rational(*args[0] / *args[1] * d->multiplier)
                            : d->formula_op == "subtract" ? Rational(*args[0] - *args[1])
                                                          : Rational((*args[0] - *args[1]) / *args[0] * 100);
              o.value = round_decimal(*o.numerator, d->decimals, d->rounding);
            }
            emit(std::move(o));
          }
        }
      done();
      continue;
    }
    // Ratio and statistic: the record aggregates (or series).
    auto dims_for = [&](const Aggregate& a) {
      std::vector<std::string> dims;
      if (a.type.empty()) return dims;
      for (const auto& b : request.by) dims.push_back(b);
      return dims;
    };
    std::optional<Computed> num, den;
    if (!d->numerator.type.empty()) num = aggregate(cx, d->numerator, request.periods, bds, dims_for(d->numerator), loads);
    if (d->kind == IndicatorDef::Kind::ratio && !d->denominator.type.empty())
      den = aggregate(cx, d->denominator, request.periods, bds, dims_for(d->denominator), loads);
    const int num_scale = measure_scale(cx, d->numerator), den_scale = measure_scale(cx, d->denominator);
    for (size_t pi = 0; pi < request.periods.size(); ++pi) {
      const auto& p = request.periods[pi];
      for (size_t bi = 0; bi < bds.size(); ++bi) {
        // The cells: those with records in the numerator or denominator (a partition's cells
        // with none are zeros, not listed), and always the total.
        std::set<std::string> keys;
        if (num) for (const auto& [k, acc] : num->cells[pi][bi]) keys.insert(k);
        if (den) for (const auto& [k, acc] : den->cells[pi][bi]) keys.insert(k);
        if (bds[bi].dims.empty()) keys.insert("");
        // Series alone: the cells the survey's series have (sex; age partitions and bands).
        if (!num && !den && !bds[bi].dims.empty()) series_keys(bds[bi], keys);
        for (const auto& k : keys) {
          Observation o;
          o.indicator = d->id;
          o.version = d->version;
          o.period = p;
          o.cell = cell_of(bds[bi], k);
          auto value_of = [&](const Aggregate& a, const std::optional<Computed>& c, int scale,
                              std::int64_t& records) -> std::optional<Rational> {
            if (a.population == Aggregate::Population::series) {
              // The cell asked for, with the dimensions the aggregate fixes; several series are
              // added up, and one missing leaves the sum missing.
              auto cell = o.cell;
              for (const auto& [dim, c] : a.at) cell[dim] = c;
              Rational sum = 0;
              for (const auto& code : a.series) {
                const auto v = series ? series(code, p, cell) : std::nullopt;
                if (!v) return std::nullopt;
                if (v->period != p.code) {
                  o.status = 'E';
                  o.note = "the series " + code + " of " + v->period + " stands for " + p.code;
                } else if (v->status != 'A' && o.status == 'A') {
                  o.status = v->status;  // the agency's flag (U low reliability, P provisional...)
                }
                sum += v->value;
              }
              return sum;
            }
            auto it = c->cells[pi][bi].find(k);
            const Acc* acc = it == c->cells[pi][bi].end() ? nullptr : &it->second;
            records += acc ? acc->count : 0;
            return measure_value(a, acc, scale);
          };
          o.numerator = value_of(d->numerator, num, num_scale, o.records);
          if (num) {  // what disclosure control judges: the numerator's records, or its sum
            auto it = num->cells[pi][bi].find(k);
            o.protectable = protectable_of(d->numerator, it == num->cells[pi][bi].end() ? nullptr : &it->second);
            if (!o.protectable && request.protect && publish) unprotectable(d->id, p.code);
          }
          if (d->kind == IndicatorDef::Kind::ratio) {
            o.denominator = value_of(d->denominator, den, den_scale, o.records);
            if (!o.numerator || !o.denominator) {
              o.status = 'O';
              o.note = "no value of " + (!o.numerator ? d->numerator.series_name() : d->denominator.series_name()) + " for " + p.code;
            } else if (*o.denominator == 0) {
              o.status = 'M';
              o.note = "the denominator is zero";
            } else {
              o.value = round_decimal(Rational(*o.numerator / *o.denominator * d->multiplier), d->decimals, d->rounding);
            }
          } else if (!o.numerator) {
            o.status = d->numerator.population == Aggregate::Population::series ? 'O' : 'M';
            o.note = o.status == 'M' ? "no record to take a " + std::string(d->numerator.measure == Aggregate::Measure::mean ? "mean" : "median") + " of"
                                     : "no value of " + d->numerator.series_name() + " for " + p.code;
          } else {
            o.value = round_decimal(*o.numerator, d->decimals, d->rounding);
          }
          emit(std::move(o));
        }
      }
    }
    if (request.protect && publish) {
      std::function<std::vector<LinkedPeriods>()> linked;
      if (num && additive_over_periods(d->numerator))
        linked = [&] { return linked_periods(cx, *d, request, bds, dims_for(d->numerator), loads); };
      protect_cells(out, first_of_indicator, request, *d, linked);
    }
    done();
  }
  return out;
}

std::vector<CrossCell> crosstab(detail::Context& cx, const pack::Aggregate& a, const Period& period,
                                const std::vector<std::string>& by) {
  const auto* pkg = cx.pack.indicators.get();
  if (!pkg) throw NotFound("the pack in force declares no indicators (nor dimension sources)");
  const auto& t = cx.type(a.type);
  for (size_t i = 0; i < by.size(); ++i) {
    if (!pkg->dimension(t.name, by[i]))
      refuse("by[" + std::to_string(i) + "]", by[i], "code_list",
             t.name + " has no dimension \"" + by[i] + "\" (indicators.json, \"dimensions\")");
    if (std::find(by.begin(), by.begin() + static_cast<std::ptrdiff_t>(i), by[i]) != by.begin() + static_cast<std::ptrdiff_t>(i))
      refuse("by[" + std::to_string(i) + "]", by[i], "unique", "\"" + by[i] + "\" twice");
  }
  if (by.size() > 6) refuse("by", nullptr, "range", "at most 6 dimensions");
  if (cx.access.require_scope(cx, t, "read") != pack::Scope::all)
    cx.access.deny(cx, t.name + ".read", "a table reads every " + t.name + " record; this user reads only their own");
  store::ReadTransaction rt(cx.conn);
  std::vector<Breakdown> bds = {Breakdown{}};
  if (!by.empty()) bds.push_back(Breakdown{by});
  LoadCache loads;
  const Computed c = aggregate(cx, a, {period}, bds, by, loads);
  std::vector<CrossCell> out;
  const auto total = c.cells[0][0].find("");
  out.push_back(CrossCell{{}, total == c.cells[0][0].end() ? 0 : total->second.count});
  if (!by.empty())
    for (const auto& [key, acc] : c.cells[0][1]) out.push_back(CrossCell{cell_of(bds[1], key), acc.count});
  return out;
}

namespace {
std::string rational_text(const Rational& r) {
  const auto n = boost::multiprecision::numerator(r), d = boost::multiprecision::denominator(r);
  return d == 1 ? n.str() : n.str() + "/" + d.str();
}
}  // namespace

Json to_json(const Observation& o) {
  Json cell = Json::object();
  for (const auto& [d, c] : o.cell) cell[d] = c;
  return {{"indicator", o.indicator},
          {"version", o.version},
          {"period", o.period.code},
          {"freq", std::string(1, o.period.freq)},
          {"cell", cell},
          {"value", o.value ? Json(*o.value) : Json(nullptr)},
          {"status", std::string(1, o.status)},
          {"numerator", o.numerator ? Json(rational_text(*o.numerator)) : Json(nullptr)},
          {"denominator", o.denominator ? Json(rational_text(*o.denominator)) : Json(nullptr)},
          {"records", o.records},
          {"note", o.note.empty() ? Json(nullptr) : Json(o.note)}};
}

}  // namespace clmis::indicators
