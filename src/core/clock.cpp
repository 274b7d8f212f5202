#include "core/clock.hpp"

#include "clmis/error.hpp"
#include "core/dates.hpp"

namespace clmis::detail {

namespace {
// 1970-01-01T00:00:00Z and 9999-12-30T23:59:59Z: what the timestamp and date encodings can
// write, with a day to spare for "today" in a zone east of UTC.
constexpr std::int64_t kFirst = 0;
constexpr std::int64_t kLast = 253402214399;
}  // namespace

DateTime TimeSource::now() {
  if (!clock_) return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
  const DateTime t = clock_();
  const auto s = t.time_since_epoch().count();
  if (s < kFirst || s > kLast)
    throw Misuse("the clock given to clmis returned " + std::to_string(s) +
                 " s since 1970, outside 1970-01-01 .. 9999-12-30");
  return t;
}

const std::string& TimeSource::now_text() {
  const DateTime t = now();
  if (text_.empty() || t != text_at_) {
    text_ = format_datetime(t);
    text_at_ = t;
  }
  return text_;
}

Date TimeSource::today() {
  const DateTime t = now();
  if (day_text_.empty() || t != day_at_ || zone_ != day_zone_) {
    day_ = local_date(t, zone_);
    day_text_ = format_date(day_);
    day_at_ = t;
    day_zone_ = zone_;
  }
  return day_;
}

const std::string& TimeSource::today_text() {
  today();
  return day_text_;
}

const date::time_zone* profile_zone(const std::string& name, const std::string& iso3) {
  if (name.empty()) return nullptr;
  try {
    return date::locate_zone(name);
  } catch (const std::exception&) {
    throw NotFound("the time zone \"" + name + "\" of the country profile " + iso3 +
                   " is not in this machine's time zone database (install the tzdata package); "
                   "clmis will not count days in another zone");
  }
}

}  // namespace clmis::detail
