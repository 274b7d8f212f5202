#include "records/history.hpp"

#include "security/access.hpp"
#include "store/feed.hpp"
#include "store/rows.hpp"

#include "core/dates.hpp"

#include <algorithm>

namespace clmis::detail {

Json record_history(Context& cx, std::string_view type, std::int64_t id) {
  const auto& t = cx.type(type);
  cx.access.require_record(cx, t, "read", cx.access.require_scope(cx, t, "read"), id);
  store::ReadTransaction rt(cx.conn);
  const auto created_by = store::record_creator(cx.conn, t, id);
  if (!created_by) throw NotFound("there is no " + t.name + " with id " + std::to_string(id));
  const bool personal_ok = cx.access.may_read_personal(cx, t, *created_by, id);
  auto is_personal = [&](const std::string& field) {
    const auto* f = t.field(field);
    return f && f->personal;
  };
  // One timeline from three places, in the order the rows were written: the record's creation
  // (its change and created_at/by; a "created" row kept from an older format instead, if any),
  // its status rows (the initial one written at creation, a transition's after the rows of the
  // history fields it changed) and clmis_history's rows.
  struct Entry {
    store::HistoryRow row;
    int rank;  // within one change number: created 0, initial 1, clmis_history 2, transition 3
  };
  std::vector<Entry> entries;
  bool has_created = false;
  for (auto& h : store::history_of(cx.conn, t.name, id)) {
    const bool created = h.event == "created";
    has_created = has_created || created;
    entries.push_back({std::move(h), created ? 0 : 2});
  }
  if (t.workflow)
    for (auto& h : store::status_history_of(cx.conn, t, id)) {
      const int rank = h.event == "initial" ? 1 : 3;  // read before h is moved from
      entries.push_back({std::move(h), rank});
    }
  if (!has_created) {
    const auto rec = store::read_record(cx.conn, t, id);
    store::HistoryRow h;
    h.seq = store::create_change(cx.conn, t.name, id).value_or(0);
    h.type = t.name;
    h.id = id;
    h.event = "created";
    h.actor = rec->created_by;
    h.at = rec->created_at;
    const auto when = parse_datetime(h.at);
    h.effective_date = when ? format_date(local_date(*when, cx.clock.zone())) : h.at.substr(0, 10);
    entries.push_back({std::move(h), 0});
  }
  std::stable_sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
    return a.row.seq != b.row.seq ? a.row.seq < b.row.seq : a.rank < b.rank;
  });
  Json rows = Json::array();
  for (const auto& e : entries) {
    const auto& h = e.row;
    Json o;
    o["seq"] = h.seq;
    o["event"] = h.event;
    o["field"] = h.field ? Json(*h.field) : Json(nullptr);
    o["from"] = h.from ? Json(*h.from) : Json(nullptr);
    o["to"] = h.to ? Json(*h.to) : Json(nullptr);
    o["effective_date"] = h.effective_date;
    o["at"] = h.at;
    o["detail"] = h.detail ? Json::parse(*h.detail) : Json(nullptr);
    if (!personal_ok) {
      // The values of personal fields are masked as in get().
      if (h.field && is_personal(*h.field)) {
        if (!o["from"].is_null()) o["from"] = nullptr;
        if (!o["to"].is_null()) o["to"] = nullptr;
        o["masked"] = true;
      }
      if (o["detail"].is_object())
        for (auto& [k, v] : o["detail"].items())
          if (is_personal(k) && !v.is_null()) v = nullptr;
    }
    o["by"] = cx.cache.user_name(cx.conn, h.actor);
    rows.push_back(std::move(o));
  }
  return rows;
}

Json changes_since(Context& cx, std::int64_t since, int limit) {
  cx.access.require_active(cx);
  if (limit == 0) limit = 1000;
  if (limit < 1 || limit > 10000) throw Misuse("limit must be between 1 and 10000");
  if (since < 0) throw Misuse("since_seq must be 0 or more");
  // Only the changes of records the user may read: whole types, or their own records.
  std::vector<store::Readable> readable;
  for (const auto& t : cx.pack.record_types) {
    const auto scope = cx.access.scope_of(cx, t, "read");
    if (scope == pack::Scope::none) continue;
    readable.push_back({t.name, scope == pack::Scope::all ? std::nullopt : std::optional<std::int64_t>(cx.who.uid)});
  }
  store::ReadTransaction rt(cx.conn);
  Json changes = Json::array();
  std::int64_t last = since;
  const auto rows = store::changes_after(cx.conn, since, readable, limit);
  for (const auto& r : rows) {
    Json o;
    o["seq"] = last = r.seq;
    o["record_type"] = r.type;
    o["id"] = r.id;
    o["op"] = r.op;
    o["version"] = r.version;
    o["at"] = r.at;
    changes.push_back(std::move(o));
  }
  // A page that is not full has seen every change there is: skip past the unreadable ones too.
  if (static_cast<int>(changes.size()) < limit)
    if (auto top = store::last_change(cx.conn); top && *top > last) last = *top;
  for (size_t i = 0; i < rows.size(); ++i) changes[i]["by"] = cx.cache.user_name(cx.conn, rows[i].actor);
  return Json{{"changes", changes}, {"last_seq", last}};
}

}  // namespace clmis::detail
