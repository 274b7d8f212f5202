#include "workflow/links.hpp"

#include "core/dates.hpp"

#include "security/access.hpp"
#include "security/audit.hpp"
#include "store/accounts.hpp"
#include "store/codes.hpp"
#include "store/documents.hpp"
#include "store/feed.hpp"
#include "store/rows.hpp"

namespace clmis::detail {

namespace {

constexpr const char* kRelations = "link_relation";

std::int64_t change_now(Context& cx) { return store::last_change(cx.conn).value_or(0); }

ValidationError invalid(const std::string& record, const std::string& path, Json value, const std::string& rule,
                        const std::string& message) {
  return ValidationError(std::vector<FieldError>{{record, path, std::move(value), rule, message}});
}

/// A reason or note: UTF-8, at most 1000 characters; required ones not blank.
void check_text(const std::string& record, const std::string& what, std::string_view text, bool required) {
  const bool blank = text.find_first_not_of(" \t\r\n") == std::string_view::npos;
  if (required && blank) throw invalid(record, what, nullptr, "required", "a " + what + " is required");
  if (!valid_utf8(text) || utf8_length(text) > 1000)
    throw invalid(record, what, nullptr, "type", "a " + what + " of at most 1000 characters of UTF-8 text");
}

Json link_json(Context& cx, const store::LinkRow& l, const std::string& type, std::int64_t id) {
  Json out = {{"id", l.id},
              {"relation", l.relation},
              {"direction", l.from_type == type && l.from_id == id ? "from" : "to"},
              {"from_type", l.from_type},
              {"from_id", l.from_id},
              {"to_type", l.to_type},
              {"to_id", l.to_id},
              {"note", l.note ? Json(*l.note) : Json(nullptr)},
              {"by", store::user_name(cx.conn, l.by)},
              {"at", store::utc_text(l.at)}};
  if (l.removed_at)
    out["removed"] = {{"by", store::user_name(cx.conn, *l.removed_by)},
                      {"at", store::utc_text(*l.removed_at)},
                      {"reason", l.removed_reason ? Json(*l.removed_reason) : Json(nullptr)}};
  return out;
}

}  // namespace

Json link_records(Context& cx, std::string_view type, std::int64_t id, std::string_view to_type, std::int64_t to_id,
                  std::string_view relation_in, std::string_view note) {
  const auto& t = cx.type(type);
  const auto& to = cx.type(to_type);
  cx.access.require_record(cx, t, "update", cx.access.require_scope(cx, t, "update"), id);
  const auto to_scope = cx.access.require_scope(cx, to, "read");
  const std::string relation = relation_in.empty() ? "related" : std::string(relation_in);
  if (t.name == to.name && id == to_id)
    throw invalid(t.name, "to_id", to_id, "reference", t.name + " " + std::to_string(id) + " cannot be linked to itself");
  check_text(t.name, "note", note, false);
  Write w(cx);
  const auto rec = store::read_record(cx.conn, t, id);
  if (!rec) throw NotFound("there is no " + t.name + " with id " + std::to_string(id));
  if (rec->archived) throw Conflict(t.name + " " + std::to_string(id) + " is archived");
  if (!store::record_creator(cx.conn, to, to_id))
    throw invalid(t.name, "to_id", to_id, "reference", "there is no " + to.name + " with id " + std::to_string(to_id));
  cx.access.require_record(cx, to, "read", to_scope, to_id);
  const auto code = store::read_code(cx.conn, kRelations, relation);
  if (!code || !code->active) {
    std::string known;
    for (const auto& c : store::list_codes(cx.conn, kRelations))
      if (c.active) known += (known.empty() ? "" : ", ") + c.code;
    throw invalid(t.name, "relation", std::string(relation), "code_list",
                  "\"" + relation + "\" is not a relation of the list " + kRelations + " (" + known + ")");
  }
  for (const auto& l : store::links_of(cx.conn, t.name, id))
    if (!l.removed_at && l.from_type == t.name && l.from_id == id && l.to_type == to.name && l.to_id == to_id &&
        l.relation == relation)
      throw AlreadyExists(t.name + " " + std::to_string(id) + " is already linked to " + to.name + " " +
                          std::to_string(to_id) + " as " + relation + " (link " + std::to_string(l.id) + ")");
  const auto at = cx.clock.now_text();
  store::LinkRow l;
  l.from_type = t.name;
  l.from_id = id;
  l.to_type = to.name;
  l.to_id = to_id;
  l.relation = relation;
  if (!note.empty()) l.note = std::string(note);
  l.by = cx.who.uid;
  l.at = store::utc_seconds(at);
  l.seq = change_now(cx);
  store::insert_link(cx.conn, l);
  Json detail = {{"link", l.id}, {"to_type", to.name}, {"to_id", to_id}, {"relation", relation}};
  if (l.note) detail["note"] = *l.note;
  cx.audit.append(cx.conn, at, cx.who.uid, "link", {t.name, id, rec->version, 0}, detail);
  Json out = link_json(cx, l, t.name, id);
  w.commit();
  return out;
}

Json unlink_records(Context& cx, std::int64_t link_id, std::string_view reason) {
  Write w(cx);
  auto l = store::link(cx.conn, link_id);
  if (!l) throw NotFound("there is no link with id " + std::to_string(link_id));
  const auto& t = cx.type(l->from_type);
  cx.access.require_record(cx, t, "update", cx.access.require_scope(cx, t, "update"), l->from_id);
  check_text("link", "reason", reason, true);
  if (l->removed_at) throw Conflict("link " + std::to_string(link_id) + " was removed already");
  const auto rec = store::read_record(cx.conn, t, l->from_id);
  const auto at = cx.clock.now_text();
  const auto seq = change_now(cx);
  store::remove_link(cx.conn, link_id, cx.who.uid, store::utc_seconds(at), std::string(reason), seq);
  cx.audit.append(cx.conn, at, cx.who.uid, "unlink", {t.name, l->from_id, rec ? rec->version : 0, 0},
                  Json{{"link", link_id}, {"to_type", l->to_type}, {"to_id", l->to_id}, {"relation", l->relation},
                       {"reason", std::string(reason)}});
  l = store::link(cx.conn, link_id);
  Json out = link_json(cx, *l, l->from_type, l->from_id);
  w.commit();
  return out;
}

Json record_links(Context& cx, std::string_view type, std::int64_t id) {
  const auto& t = cx.type(type);
  cx.access.require_record(cx, t, "read", cx.access.require_scope(cx, t, "read"), id);
  store::ReadTransaction rt(cx.conn);
  if (!store::record_creator(cx.conn, t, id)) throw NotFound("there is no " + t.name + " with id " + std::to_string(id));
  Json out = Json::array();
  for (const auto& l : store::links_of(cx.conn, t.name, id)) out.push_back(link_json(cx, l, t.name, id));
  return out;
}

std::string local_day_of(Context& cx, std::int64_t utc_seconds) {
  return format_date(local_date(DateTime{std::chrono::seconds{utc_seconds}}, cx.clock.zone()));
}

std::vector<LinkEvent> link_events(Context& cx, const std::string& type, std::int64_t id) {
  std::vector<LinkEvent> out;
  for (const auto& l : store::links_of(cx.conn, type, id)) {
    const bool from = l.from_type == type && l.from_id == id;
    Json other = {{"type", from ? l.to_type : l.from_type}, {"id", from ? l.to_id : l.from_id}};
    Json e = {{"at", store::utc_text(l.at)},
              {"date", local_day_of(cx, l.at)},
              {"event", "linked"},
              {"by", store::user_name(cx.conn, l.by)},
              {"link", l.id},
              {"relation", l.relation},
              {"direction", from ? "from" : "to"},
              {"other", other}};
    if (l.note) e["note"] = *l.note;
    out.push_back({l.seq, store::utc_text(l.at), std::move(e)});
    if (l.removed_at) {
      Json r = {{"at", store::utc_text(*l.removed_at)},
                {"date", local_day_of(cx, *l.removed_at)},
                {"event", "unlinked"},
                {"by", store::user_name(cx.conn, *l.removed_by)},
                {"link", l.id},
                {"relation", l.relation},
                {"direction", from ? "from" : "to"},
                {"other", other}};
      if (l.removed_reason) r["reason"] = *l.removed_reason;
      out.push_back({*l.removed_seq, store::utc_text(*l.removed_at), std::move(r)});
    }
  }
  return out;
}

}  // namespace clmis::detail
