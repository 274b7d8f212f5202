#include "store/calendar.hpp"

namespace clmis::store {

namespace {
const char* const kSelect =
    "SELECT d.id, d.year, d.date, d.rule, d.name, d.note, d.entered_at, u.name FROM clmis_calendar_day d "
    "JOIN clmis_user u ON u.id = d.entered_by WHERE d.withdrawn_at IS NULL";

std::optional<std::string> opt_text(Stmt& s, int i) {
  if (s.is_null(i)) return std::nullopt;
  return s.text(i);
}

CalendarDayRow row(Stmt& s) {
  return {s.int64(0), static_cast<int>(s.int64(1)), s.text(2), opt_text(s, 3), opt_text(s, 4), opt_text(s, 5), s.text(6), s.text(7)};
}

void bind_opt(Stmt& s, int i, const std::optional<std::string>& v) {
  if (v) s.bind(i, *v); else s.bind(i, nullptr);
}
}  // namespace

std::vector<CalendarDayRow> calendar_days(Connection& c, int from_year, int to_year) {
  auto& s = c.prepare(std::string(kSelect) + " AND d.year BETWEEN ? AND ? ORDER BY d.date, d.id");
  s.bind(1, std::int64_t{from_year}).bind(2, std::int64_t{to_year});
  std::vector<CalendarDayRow> out;
  while (s.step()) out.push_back(row(s));
  s.reset();
  return out;
}

std::optional<CalendarDayRow> calendar_rule_day(Connection& c, const std::string& rule, int year) {
  auto& s = c.prepare(std::string(kSelect) + " AND d.rule = ? AND d.year = ?");
  s.bind(1, rule).bind(2, std::int64_t{year});
  std::optional<CalendarDayRow> out;
  if (s.step()) out = row(s);
  s.reset();
  return out;
}

std::optional<CalendarDayRow> calendar_one_off(Connection& c, const std::string& date) {
  auto& s = c.prepare(std::string(kSelect) + " AND d.rule IS NULL AND d.date = ?");
  s.bind(1, date);
  std::optional<CalendarDayRow> out;
  if (s.step()) out = row(s);
  s.reset();
  return out;
}

std::int64_t insert_calendar_day(Connection& c, int year, const std::string& date, const std::optional<std::string>& rule,
                                 const std::optional<std::string>& name, const std::optional<std::string>& note,
                                 const std::string& at, std::int64_t by) {
  auto& s = c.prepare(
      "INSERT INTO clmis_calendar_day(year, date, rule, name, note, entered_at, entered_by) VALUES (?, ?, ?, ?, ?, ?, ?)");
  s.bind(1, std::int64_t{year}).bind(2, date);
  bind_opt(s, 3, rule);
  bind_opt(s, 4, name);
  bind_opt(s, 5, note);
  s.bind(6, at).bind(7, by).run();
  return c.last_insert_rowid();
}

void withdraw_calendar_day(Connection& c, std::int64_t id, const std::string& at, std::int64_t by) {
  c.prepare("UPDATE clmis_calendar_day SET withdrawn_at = ?, withdrawn_by = ? WHERE id = ?")
      .bind(1, at).bind(2, by).bind(3, id).run();
}

}  // namespace clmis::store
