#include "records/history.hpp"

#include "security/access.hpp"
#include "store/feed.hpp"
#include "store/rows.hpp"

namespace clmis::detail {

Json record_history(Context& cx, std::string_view type, std::int64_t id) {
  const auto& t = cx.type(type);
  cx.access.require_record(cx, t, "read", cx.access.require_scope(cx, t, "read"), id);
  store::ReadTransaction rt(cx.conn);
  const auto created_by = store::record_creator(cx.conn, t, id);
  if (!created_by) throw NotFound("there is no " + t.name + " with id " + std::to_string(id));
  const bool personal_ok = cx.access.may_read_personal(cx, t, *created_by);
  auto is_personal = [&](const std::string& field) {
    const auto* f = t.field(field);
    return f && f->personal;
  };
  Json rows = Json::array();
  for (const auto& h : store::history_of(cx.conn, t.name, id)) {
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
