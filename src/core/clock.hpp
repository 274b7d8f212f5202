// The time as one open database reads it: the injected clmis::Clock (or the system clock), and
// "today" in the country profile's time zone.
#pragma once

#include "clmis/clock.hpp"
#include "clmis/value.hpp"

#include <date/tz.h>

#include <string>

namespace clmis::detail {

class TimeSource {
 public:
  explicit TimeSource(Clock clock = {}) : clock_(std::move(clock)) {}
  /// The zone "today" is taken in (null: UTC).
  void set_zone(const date::time_zone* zone) { zone_ = zone; }
  [[nodiscard]] const date::time_zone* zone() const { return zone_; }

  /// Now, at second precision. Misuse if the clock gives a time outside 1970..9999.
  DateTime now();
  /// Now as "YYYY-MM-DDThh:mm:ssZ" (kept for the second it was made in: an import asks for it
  /// several times per record).
  const std::string& now_text();
  /// Today's date in the zone.
  Date today();
  /// Today as "YYYY-MM-DD".
  const std::string& today_text();

 private:
  Clock clock_;
  const date::time_zone* zone_ = nullptr;
  DateTime text_at_{};
  std::string text_;
  DateTime day_at_{};
  const date::time_zone* day_zone_ = nullptr;
  Date day_{};
  std::string day_text_;
};

/// The time zone of a country profile (null for "", meaning UTC). NotFound naming the zone and
/// the country when the machine's time zone database does not have it: dates would otherwise
/// silently be UTC dates.
const date::time_zone* profile_zone(const std::string& name, const std::string& iso3);

}  // namespace clmis::detail
