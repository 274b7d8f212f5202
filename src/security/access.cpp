// Access control: principals, scopes, refusals and masking (docs/security.md).
#include "security/access.hpp"

#include "core/dates.hpp"
#include "store/accounts.hpp"
#include "store/audit.hpp"
#include "store/deadlines.hpp"
#include "store/rows.hpp"
#include "clmis/columns.hpp"

#include <algorithm>

namespace clmis::detail {

namespace {

const char* scope_name(pack::Scope s) {
  switch (s) {
    case pack::Scope::all: return "all";
    case pack::Scope::section: return "section";
    case pack::Scope::own: return "own";
    default: return nullptr;
  }
}

}  // namespace

std::optional<std::size_t> age_group_of(Date birth, Date at) {
  if (birth > at) return std::nullopt;  // not born yet at that date: no age
  return age_group_index(age_in_years(birth, at));
}

Json age_group_json(const Json& birth, Date at) {
  if (!birth.is_string()) return nullptr;
  const auto b = parse_date(birth.get<std::string>());
  const auto k = b ? age_group_of(*b, at) : std::nullopt;
  return k ? Json(age_groups()[*k]) : Json(nullptr);
}

const pack::Field* birth_field(const pack::RecordType& t) {
  const auto* f = t.field("date_of_birth");
  return f && f->type == FieldType::date ? f : nullptr;
}

const Principal& Access::principal(Context& cx) {
  // Another program may have changed accounts or keys: PRAGMA data_version tells.
  cx.refresh();
  const auto& who = cx.who;
  const auto key = std::make_pair(who.uid, who.key_id);
  if (auto it = principals_.find(key); it != principals_.end()) return it->second;
  Principal p;
  if (auto u = store::user_by_id(cx.conn, who.uid)) {
    p.name = u->name;
    p.active = u->active;
    for (const auto& r : u->roles) p.role_names.push_back(r.get<std::string>());
    if (u->section) p.section = *u->section;
    p.must_change_password = u->must_change_password && who.key_id == 0;
  }
  if (who.key_id != 0) {
    // A service key's session holds the roles the user and the key both have.
    std::vector<std::string> key_roles;
    bool valid = false;
    if (auto k = store::key_by_id(cx.conn, who.key_id)) {
      for (const auto& r : k->roles) key_roles.push_back(r.get<std::string>());
      valid = !k->revoked_at;
      if (k->expires_at) p.expires_at = *k->expires_at;
    }
    if (!valid) p.active = false;
    std::vector<std::string> both;
    for (const auto& r : p.role_names)
      if (std::count(key_roles.begin(), key_roles.end(), r)) both.push_back(r);
    p.role_names = both;
  }
  for (const auto& n : p.role_names)
    if (const auto* r = cx.pack.role(n)) {
      p.roles.push_back(r);
      p.system.insert(r->system.begin(), r->system.end());
    }
  return principals_[key] = std::move(p);
}

pack::Scope Access::scope_of(Context& cx, const pack::RecordType& t, std::string_view action) {
  const auto& p = principal(cx);
  if (!p.active || p.must_change_password) return pack::Scope::none;
  pack::Scope best = pack::Scope::none;
  for (const auto* role : p.roles)
    for (const auto& g : role->grants) {
      if (!g.record_types.empty() &&
          std::find(g.record_types.begin(), g.record_types.end(), t.name) == g.record_types.end())
        continue;
      if (!g.actions.empty() &&
          std::none_of(g.actions.begin(), g.actions.end(), [&](const std::string& a) {
            return a == action || (a == "transition" && action.rfind("transition:", 0) == 0);
          }))
        continue;
      pack::Scope s = g.scope;
      // A section grant reaches the record types of the user's section and the shared
      // registers (types without a section).
      if (s == pack::Scope::section)
        s = t.org_section.empty() || (!p.section.empty() && t.org_section == p.section) ? pack::Scope::all
                                                                                 : pack::Scope::none;
      best = std::max(best, s);
    }
  return best;
}

void Access::require_active(Context& cx) {
  const auto& p = principal(cx);
  if (!p.active) deny(cx, "session", "the account is deactivated, or the service key was revoked");
  if (!p.expires_at.empty() && p.expires_at <= cx.clock.now_text()) deny(cx, "session", "the service key has expired");
  if (p.must_change_password) deny(cx, "change_password", "the password must be changed before anything else");
}

pack::Scope Access::require_scope(Context& cx, const pack::RecordType& t, std::string_view action) {
  require_active(cx);
  const auto s = scope_of(cx, t, action);
  if (s == pack::Scope::none)
    deny(cx, t.name + "." + std::string(action),
         "no role of this user grants " + std::string(action) + " on " + t.name +
             (t.org_section.empty() ? "" : " (section " + t.org_section + ")"));
  return s;
}

void Access::require_record(Context& cx, const pack::RecordType& t, std::string_view action, pack::Scope scope,
                            std::int64_t id) {
  if (scope != pack::Scope::own) return;
  const auto by = store::record_creator(cx.conn, t, id);
  if (!by) throw NotFound("there is no " + t.name + " with id " + std::to_string(id));
  // Own: the records the user entered, and the cases assigned to the user.
  if (*by != cx.who.uid && !(t.workflow && store::case_assignee(cx.conn, t.name, id) == cx.who.uid))
    deny(cx, t.name + "." + std::string(action),
         "own records only, and " + t.name + " " + std::to_string(id) + " was entered by another user" +
             (t.workflow ? " and is not assigned to this user" : ""));
}

void Access::require_system(Context& cx, std::string_view permission) {
  require_active(cx);
  if (!principal(cx).system.count(permission)) deny(cx, std::string(permission), "no role of this user grants it");
}

void Access::deny(Context& cx, const std::string& permission, const std::string& what) {
  const Principal p = principal(cx);
  security_event(cx, p.name, "permission_denied",
                 Json{{"permission", permission}, {"reason", what}, {"roles", p.role_names},
                      {"service_key", cx.who.key_id != 0}}
                     .dump());
  throw PermissionDenied("permission denied: " + permission + " — " + what);
}

void Access::security_event(Context& cx, std::string_view user, std::string_view event, const std::string& detail) {
  pending_.push_back({cx.clock.now_text(), std::string(user), std::string(event), detail});
  flush(&cx.conn);
}

void Access::flush(store::Connection* c) {
  if (pending_.empty() || !c || c->in_transaction()) return;
  auto events = std::move(pending_);
  pending_.clear();
  try {
    store::WriteTransaction tx(*c);
    for (const auto& e : events) store::append_security_log(*c, e.at, e.user, e.event, e.detail);
    tx.commit();
  } catch (const std::exception&) {
    // The log is best effort under a busy database: the refusal itself stands either way.
  }
}

Json Access::permissions(Context& cx) {
  // A copy: scope_of below may reload the cache (another program wrote) and forget principals.
  const Principal p = principal(cx);
  Json types = Json::object();
  for (const auto& t : cx.pack.record_types) {
    Json acts = Json::object();
    auto put = [&](const std::string& a) {
      if (const char* s = scope_name(scope_of(cx, t, a))) acts[a] = s;
    };
    for (const char* a : pack::kRecordActions)
      if (std::string_view(a) != "transition") put(a);
    if (t.workflow)
      for (const auto& tr : t.workflow->transitions) put("transition:" + tr.name);
    types[t.name] = acts;
  }
  return Json{{"user", p.name},
              {"roles", p.role_names},
              {"section", p.section.empty() ? Json(nullptr) : Json(p.section)},
              {"active", p.active},
              {"must_change_password", p.must_change_password},
              {"service_key", cx.who.key_id != 0},
              {"system", Json(std::vector<std::string>(p.system.begin(), p.system.end()))},
              {"record_types", types}};
}

bool Access::may_read_personal(Context& cx, const pack::RecordType& t, std::int64_t created_by, std::int64_t id) {
  const auto s = scope_of(cx, t, "read_personal");
  if (s == pack::Scope::all) return true;
  if (s != pack::Scope::own) return false;
  // Own: as require_record, the records the user entered and the cases assigned to the user.
  return created_by == cx.who.uid || (t.workflow && store::case_assignee(cx.conn, t.name, id) == cx.who.uid);
}

void Access::mask(Context& cx, const pack::RecordType& t, Json& record, std::int64_t created_by, std::int64_t id) {
  if (may_read_personal(cx, t, created_by, id)) return;
  Json masked = Json::array();
  for (const auto& f : t.fields) {
    if (!f.personal) continue;
    // null whatever the type: a masked birth date is no date (its age_group is not personal).
    if (auto it = record.find(f.name); it != record.end()) *it = nullptr;
    masked.push_back(f.name);
  }
  for (const auto& sec : t.sections)
    for (const auto& f : sec.fields) {
      if (!f.personal) continue;
      if (record.contains(sec.name))
        for (auto& item : record[sec.name]) item[f.name] = nullptr;
      masked.push_back(sec.name + "." + f.name);
    }
  if (!masked.empty()) record["masked"] = std::move(masked);
}

}  // namespace clmis::detail
