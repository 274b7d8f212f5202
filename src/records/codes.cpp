// Table Maintenance: adding, relabelling, deactivating and deleting codes of a code list.
//
// A deactivated code stays valid on the records that hold it and is refused on new entries
// (check_value). A code in use anywhere — any record, archived or not, any section entry — is
// never deleted: deactivate it instead. The states of a workflow are declared by the pack and
// can only be relabelled here.
#include "records/engine.hpp"

#include <algorithm>

namespace clmis::detail {

namespace {

constexpr size_t kMaxLabel = 500;

bool valid_code(std::string_view s) {
  if (s.empty() || s.size() > 32 || !valid_utf8(s)) return false;
  for (unsigned char c : s)
    if (c <= 0x20 || c == 0x7f) return false;
  return true;
}

bool valid_language(std::string_view s) {
  return s.size() == 2 && s[0] >= 'a' && s[0] <= 'z' && s[1] >= 'a' && s[1] <= 'z';
}

/// Checks labels {"en": "...", "nl": "..."}; with `partial`, null removes a language.
void check_labels(const std::string& list, const Json& j, bool partial,
                  std::vector<clmis::FieldError>& errors) {
  if (!j.is_object()) {
    errors.push_back({list, "label", j, "type", "labels are an object by language: {\"en\": \"...\"}"});
    return;
  }
  for (auto it = j.begin(); it != j.end(); ++it) {
    const std::string path = "label." + it.key();
    if (!valid_language(it.key()))
      errors.push_back({list, path, *it, "type", "\"" + it.key() + "\" is not a two-letter ISO 639-1 code"});
    else if (it->is_null() && partial && it.key() != "en")
      continue;
    else if (!it->is_string() || it->get<std::string>().empty() || !valid_utf8(it->get<std::string>()))
      // The value given is echoed, except text that is not valid UTF-8 (it could not be printed).
      errors.push_back({list, path, it->is_string() && !valid_utf8(it->get<std::string>()) ? Json(nullptr) : *it, "type",
                        it.key() == "en" && it->is_null() ? "the English label cannot be removed"
                                                          : "a label is a non-empty UTF-8 string"});
    else if (utf8_length(it->get<std::string>()) > kMaxLabel)
      errors.push_back({list, path, *it, "length", "at most 500 characters"});
  }
  if (!partial && !j.contains("en"))
    errors.push_back({list, "label.en", nullptr, "required", "an English label is required"});
}

/// Where the pack itself relies on a code: a field's default or a rule's value. Such a code
/// cannot be deactivated or deleted (every record created without the field would be refused).
std::string pinned_by(const pack::Pack& p, const std::string& list, const std::string& code) {
  auto is_code = [&](const pack::Field& f, const Json& v) {
    return f.type == FieldType::code && f.code_list == list && v.is_string() && v.get<std::string>() == code;
  };
  for (const auto& t : p.record_types) {
    auto scan = [&](const std::vector<pack::Field>& fields, const std::string& where) -> std::string {
      for (const auto& f : fields)
        if (is_code(f, f.default_value)) return "it is the default of " + where + "." + f.name;
      return {};
    };
    if (auto w = scan(t.fields, t.name); !w.empty()) return w;
    for (const auto& sec : t.sections)
      if (auto w = scan(sec.fields, t.name + "." + sec.name); !w.empty()) return w;
    for (const auto& rule : t.rules) {
      if (rule.kind != "required_if") continue;
      const auto* sec = rule.section.empty() ? nullptr : t.section(rule.section);
      const auto* when = sec ? sec->field(rule.when) : t.field(rule.when);
      for (const auto& v : rule.in)
        if (when && is_code(*when, v)) return "a rule of " + t.name + " names it";
    }
  }
  return {};
}

}  // namespace

std::pair<Engine::CodeLists::iterator, std::unordered_map<std::string, CodeInfo>::iterator>
Engine::find_code(const std::string& list, const std::string& code) {
  auto lit = codes_.find(list);
  if (lit == codes_.end()) throw NotFound("no code list \"" + list + "\"");
  auto cit = lit->second.find(code);
  if (cit == lit->second.end()) throw NotFound("\"" + code + "\" is not a code of \"" + list + "\"");
  return {lit, cit};
}

bool Engine::is_state_list(std::string_view list) const {
  for (const auto& t : pack_.record_types)
    if (t.workflow && t.field(t.workflow->status_field)->code_list == list) return true;
  return false;
}

void Engine::code_add(const Actor& who, std::string_view list_name, const Json& j) {
  std::lock_guard lock(mu_);
  FlushSecurity flush{*this};
  require_system(who, "code_lists");
  const std::int64_t uid = who.uid;
  conn();
  store::WriteTransaction tx(conn());
  refresh_state();
  const std::string list(list_name);
  auto lit = codes_.find(list);
  if (lit == codes_.end()) throw NotFound("no code list \"" + list + "\"");
  if (is_state_list(list))
    throw Conflict("the codes of \"" + list + "\" are the states of a workflow, declared by the pack");
  std::vector<clmis::FieldError> errors;
  if (!j.is_object()) throw ValidationError(std::vector<clmis::FieldError>{
      {list, "", j, "type", "a code is a JSON object {\"code\", \"label\", \"parent\", \"level\"}"}});
  std::string code, parent;
  int level = 0;
  Json labels;
  for (auto it = j.begin(); it != j.end(); ++it) {
    const auto& k = it.key();
    if (k == "code") {
      if (!it->is_string() || !valid_code(it->get<std::string>()))
        errors.push_back({list, "code", *it, "type", "a code is 1 to 32 characters without spaces"});
      else code = it->get<std::string>();
    } else if (k == "label") {
      check_labels(list, *it, false, errors);
      labels = *it;
    } else if (k == "parent") {
      if (it->is_null()) continue;
      if (!it->is_string() || !lit->second.count(it->get<std::string>()))
        errors.push_back({list, "parent", *it, "code_list", "the parent is not a code of \"" + list + "\""});
      else parent = it->get<std::string>();
    } else if (k == "level") {
      if (!it->is_number_integer() || it->get<std::int64_t>() < 1 || it->get<std::int64_t>() > 9)
        errors.push_back({list, "level", *it, "range", "a level is 1 to 9"});
      else level = static_cast<int>(it->get<std::int64_t>());
    } else {
      errors.push_back({list, k, *it, "unknown_field", "a code has code, label, parent and level"});
    }
  }
  if (!j.contains("code")) errors.push_back({list, "code", nullptr, "required", "a code is required"});
  if (!j.contains("label")) errors.push_back({list, "label", nullptr, "required", "a label is required"});
  const int parent_level = parent.empty() ? 0 : lit->second.at(parent).level;
  if (level == 0) level = parent_level + 1;
  else if (!parent.empty() && level != parent_level + 1)
    errors.push_back({list, "level", level, "range",
                      "a child of a level " + std::to_string(parent_level) + " code is at level " +
                          std::to_string(parent_level + 1)});
  if (!errors.empty()) throw ValidationError(std::move(errors));
  if (lit->second.count(code))
    throw AlreadyExists("\"" + code + "\" is already a code of \"" + list + "\"");
  auto& c = conn();
  auto& pos = c.prepare("SELECT coalesce(max(position), -1) + 1 FROM clmis_code WHERE list = ?");
  pos.bind(1, list);
  pos.step();
  const auto position = pos.int64(0);
  pos.reset();
  // Stored with English first, like the pack's labels.
  Json ordered = Json::object();
  ordered["en"] = labels["en"];
  for (auto it = labels.begin(); it != labels.end(); ++it)
    if (it.key() != "en") ordered[it.key()] = *it;
  auto& s = c.prepare("INSERT INTO clmis_code(list, code, parent, level, labels, active, position) "
                      "VALUES (?, ?, ?, ?, ?, 1, ?)");
  s.bind(1, list).bind(2, code);
  if (parent.empty()) s.bind(3, nullptr); else s.bind(3, parent);
  s.bind(4, static_cast<std::int64_t>(level)).bind(5, ordered.dump()).bind(6, position).run();
  audit(uid, "code_add", "", 0, 0, 0,
        Json{{"list", list}, {"code", code}, {"label", ordered},
             {"parent", parent.empty() ? Json(nullptr) : Json(parent)}, {"level", level}});
  tx.commit();
  codes_[list][code] = CodeInfo{true, level};
}

void Engine::code_update(const Actor& who, std::string_view list_name, std::string_view code_name,
                         const Json& j) {
  std::lock_guard lock(mu_);
  FlushSecurity flush{*this};
  require_system(who, "code_lists");
  const std::int64_t uid = who.uid;
  conn();
  store::WriteTransaction tx(conn());
  refresh_state();
  const std::string list(list_name), code(code_name);
  auto [lit, cit] = find_code(list, code);
  if (!j.is_object()) throw ValidationError(std::vector<clmis::FieldError>{
      {list, "", j, "type", "changes are a JSON object {\"label\": {...}, \"active\": true|false}"}});
  std::vector<clmis::FieldError> errors;
  std::optional<bool> active;
  for (auto it = j.begin(); it != j.end(); ++it) {
    if (it.key() == "label") check_labels(list, *it, true, errors);
    else if (it.key() == "active") {
      if (!it->is_boolean()) errors.push_back({list, "active", *it, "type", "expected true or false"});
      else active = it->get<bool>();
    } else {
      errors.push_back({list, it.key(), *it, "unknown_field", "a code's label and active can change"});
    }
  }
  if (!errors.empty()) throw ValidationError(std::move(errors));
  if (active && *active != cit->second.active && is_state_list(list))
    throw Conflict("the codes of \"" + list + "\" are the states of a workflow: they cannot be deactivated");
  if (active && !*active)
    if (auto why = pinned_by(pack_, list, code); !why.empty())
      throw Conflict("\"" + code + "\" of \"" + list + "\" cannot be deactivated: " + why);
  auto& c = conn();
  auto& r = c.prepare("SELECT labels, active FROM clmis_code WHERE list = ? AND code = ?");
  r.bind(1, list).bind(2, code);
  r.step();
  const Json before_labels = Json::parse(r.text(0));
  const bool before_active = r.int64(1) != 0;
  r.reset();
  Json labels = before_labels;
  if (j.contains("label"))
    for (auto it = j["label"].begin(); it != j["label"].end(); ++it) {
      if (it->is_null()) labels.erase(it.key());
      else labels[it.key()] = *it;
    }
  const bool now_active = active.value_or(before_active);
  if (labels == before_labels && now_active == before_active) return;  // nothing to change
  c.prepare("UPDATE clmis_code SET labels = ?, active = ? WHERE list = ? AND code = ?")
      .bind(1, labels.dump()).bind(2, static_cast<std::int64_t>(now_active ? 1 : 0))
      .bind(3, list).bind(4, code).run();
  Json detail = {{"list", list}, {"code", code}};
  if (labels != before_labels) detail["label"] = {{"from", before_labels}, {"to", labels}};
  if (now_active != before_active) detail["active"] = {{"from", before_active}, {"to", now_active}};
  audit(uid, "code_update", "", 0, 0, 0, detail);
  tx.commit();
  cit->second.active = now_active;
}

void Engine::code_delete(const Actor& who, std::string_view list_name, std::string_view code_name) {
  std::lock_guard lock(mu_);
  FlushSecurity flush{*this};
  require_system(who, "code_lists");
  const std::int64_t uid = who.uid;
  conn();
  store::WriteTransaction tx(conn());
  refresh_state();
  const std::string list(list_name), code(code_name);
  auto [lit, cit] = find_code(list, code);
  if (is_state_list(list))
    throw Conflict("the codes of \"" + list + "\" are the states of a workflow, declared by the pack");
  if (auto why = pinned_by(pack_, list, code); !why.empty())
    throw Conflict("\"" + code + "\" of \"" + list + "\" cannot be deleted: " + why);
  auto& c = conn();
  {
    auto& s = c.prepare("SELECT code FROM clmis_code WHERE list = ? AND parent = ? LIMIT 1");
    s.bind(1, list).bind(2, code);
    if (s.step()) {
      const std::string child = s.text(0);
      s.reset();
      throw Conflict("\"" + code + "\" has sub-codes (\"" + child + "\"); it cannot be deleted");
    }
    s.reset();
  }
  // Every column that can hold a code of this list, archived records included.
  auto check_use = [&](const std::string& table, const std::string& what,
                       const std::vector<pack::Field>& fields) {
    for (const auto& f : fields) {
      if (f.type != FieldType::code || f.code_list != list) continue;
      auto& s = c.prepare("SELECT count(*) FROM " + store::quote(table) + " WHERE " +
                          store::quote(f.name) + " = ?");
      s.bind(1, code);
      s.step();
      const auto n = s.int64(0);
      s.reset();
      if (n > 0)
        throw Conflict("\"" + code + "\" of \"" + list + "\" is used by " + std::to_string(n) + " " +
                       what + "." + f.name + "; deactivate it instead");
    }
  };
  for (const auto& t : pack_.record_types) {
    check_use(t.name, t.name, t.fields);
    for (const auto& sec : t.sections) check_use(store::section_table(t, sec), t.name + "." + sec.name, sec.fields);
  }
  c.prepare("DELETE FROM clmis_code WHERE list = ? AND code = ?").bind(1, list).bind(2, code).run();
  audit(uid, "code_delete", "", 0, 0, 0, Json{{"list", list}, {"code", code}});
  tx.commit();
  lit->second.erase(cit);
}

}  // namespace clmis::detail
