#include "records/codes.hpp"

#include "security/access.hpp"
#include "security/audit.hpp"
#include "store/codes.hpp"
#include "store/rows.hpp"
#include "store/schema.hpp"

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
void check_labels(const std::string& list, const Json& j, bool partial, std::vector<FieldError>& errors) {
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
  if (!partial && !j.contains("en")) errors.push_back({list, "label.en", nullptr, "required", "an English label is required"});
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
      const auto* ri = std::get_if<pack::rules::RequiredIf>(&rule.check);
      if (!ri) continue;
      const auto* sec = rule.section.empty() ? nullptr : t.section(rule.section);
      const auto* when = sec ? sec->field(ri->when) : t.field(ri->when);
      for (const auto& v : ri->in)
        if (when && is_code(*when, v)) return "a rule of " + t.name + " names it";
    }
  }
  return {};
}

bool is_state_list(const pack::Pack& p, std::string_view list) {
  for (const auto& t : p.record_types)
    if (t.workflow && t.field(t.workflow->status_field)->code_list == list) return true;
  return false;
}

/// The list and the code in the cache, or NotFound naming which is missing.
std::pair<store::CodeIndex::iterator, std::unordered_map<std::string, store::CodeInfo>::iterator> find_code(
    Context& cx, const std::string& list, const std::string& code) {
  auto lit = cx.cache.codes.find(list);
  if (lit == cx.cache.codes.end()) throw NotFound("no code list \"" + list + "\"");
  auto cit = lit->second.find(code);
  if (cit == lit->second.end()) throw NotFound("\"" + code + "\" is not a code of \"" + list + "\"");
  return {lit, cit};
}

}  // namespace

void code_add(Context& cx, std::string_view list_name, const Json& j) {
  cx.access.require_system(cx, "code_lists");
  Write w(cx);
  const std::string list(list_name);
  auto lit = cx.cache.codes.find(list);
  if (lit == cx.cache.codes.end()) throw NotFound("no code list \"" + list + "\"");
  if (is_state_list(cx.pack, list))
    throw Conflict("the codes of \"" + list + "\" are the states of a workflow, declared by the pack");
  std::vector<FieldError> errors;
  if (!j.is_object())
    throw ValidationError(std::vector<FieldError>{
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
  if (lit->second.count(code)) throw AlreadyExists("\"" + code + "\" is already a code of \"" + list + "\"");
  // Stored with English first, like the pack's labels.
  Json ordered = Json::object();
  ordered["en"] = labels["en"];
  for (auto it = labels.begin(); it != labels.end(); ++it)
    if (it.key() != "en") ordered[it.key()] = *it;
  store::insert_code(cx.conn, list, code, parent, level, ordered.dump(), true);
  cx.audit.append(cx.conn, cx.clock.now_text(), cx.who.uid, "code_add", {},
                  Json{{"list", list}, {"code", code}, {"label", ordered},
                       {"parent", parent.empty() ? Json(nullptr) : Json(parent)}, {"level", level}});
  w.commit();
  cx.cache.codes[list][code] = store::CodeInfo{true, level};
}

void code_update(Context& cx, std::string_view list_name, std::string_view code_name, const Json& j) {
  cx.access.require_system(cx, "code_lists");
  Write w(cx);
  const std::string list(list_name), code(code_name);
  auto [lit, cit] = find_code(cx, list, code);
  if (!j.is_object())
    throw ValidationError(std::vector<FieldError>{
        {list, "", j, "type", "changes are a JSON object {\"label\": {...}, \"active\": true|false}"}});
  std::vector<FieldError> errors;
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
  if (active && *active != cit->second.active && is_state_list(cx.pack, list))
    throw Conflict("the codes of \"" + list + "\" are the states of a workflow: they cannot be deactivated");
  if (active && !*active)
    if (auto why = pinned_by(cx.pack, list, code); !why.empty())
      throw Conflict("\"" + code + "\" of \"" + list + "\" cannot be deactivated: " + why);
  const auto row = store::read_code(cx.conn, list, code);
  if (!row) throw NotFound("\"" + code + "\" is not a code of \"" + list + "\"");
  const Json before_labels = row->labels;
  const bool before_active = row->active;
  Json labels = before_labels;
  if (j.contains("label"))
    for (auto it = j["label"].begin(); it != j["label"].end(); ++it) {
      if (it->is_null()) labels.erase(it.key());
      else labels[it.key()] = *it;
    }
  const bool now_active = active.value_or(before_active);
  if (labels == before_labels && now_active == before_active) return;  // nothing to change
  store::update_code(cx.conn, list, code, labels, now_active);
  Json detail = {{"list", list}, {"code", code}};
  if (labels != before_labels) detail["label"] = {{"from", before_labels}, {"to", labels}};
  if (now_active != before_active) detail["active"] = {{"from", before_active}, {"to", now_active}};
  cx.audit.append(cx.conn, cx.clock.now_text(), cx.who.uid, "code_update", {}, detail);
  w.commit();
  cit->second.active = now_active;
}

void code_delete(Context& cx, std::string_view list_name, std::string_view code_name) {
  cx.access.require_system(cx, "code_lists");
  Write w(cx);
  const std::string list(list_name), code(code_name);
  auto [lit, cit] = find_code(cx, list, code);
  if (is_state_list(cx.pack, list))
    throw Conflict("the codes of \"" + list + "\" are the states of a workflow, declared by the pack");
  if (auto why = pinned_by(cx.pack, list, code); !why.empty())
    throw Conflict("\"" + code + "\" of \"" + list + "\" cannot be deleted: " + why);
  if (auto child = store::first_child(cx.conn, list, code))
    throw Conflict("\"" + code + "\" has sub-codes (\"" + *child + "\"); it cannot be deleted");
  // Every column that can hold a code of this list, archived records included.
  auto check_use = [&](const std::string& table, const std::string& what, const std::vector<pack::Field>& fields) {
    for (const auto& f : fields) {
      if (f.type != FieldType::code || f.code_list != list) continue;
      if (const auto n = store::count_code_uses(cx.conn, table, f.columns().front(), code); n > 0)
        throw Conflict("\"" + code + "\" of \"" + list + "\" is used by " + std::to_string(n) + " " + what + "." +
                       f.name + "; deactivate it instead");
    }
  };
  for (const auto& t : cx.pack.record_types) {
    check_use(t.name, t.name, t.fields);
    for (const auto& sec : t.sections) check_use(store::section_table(t, sec), t.name + "." + sec.name, sec.fields);
  }
  store::delete_code(cx.conn, list, code);
  cx.audit.append(cx.conn, cx.clock.now_text(), cx.who.uid, "code_delete", {}, Json{{"list", list}, {"code", code}});
  w.commit();
  lit->second.erase(cit);
}

Json codes_of(Context& cx, std::string_view list, std::string_view lang) {
  if (!cx.cache.codes.count(std::string(list))) throw NotFound("no code list \"" + std::string(list) + "\"");
  const std::string language = lang.empty() ? cx.profile.languages.front() : std::string(lang);
  Json out = Json::array();
  for (const auto& c : store::list_codes(cx.conn, std::string(list))) {
    std::string label;
    if (c.labels.contains(language)) label = c.labels[language].get<std::string>();
    else if (c.labels.contains("en")) label = c.labels["en"].get<std::string>();
    Json o;
    o["code"] = c.code;
    o["label"] = label;
    o["parent"] = c.parent ? Json(*c.parent) : Json(nullptr);
    o["level"] = c.level;
    o["active"] = c.active;
    out.push_back(o);
  }
  return out;
}

}  // namespace clmis::detail
