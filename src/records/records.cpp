// The record API: validate → store → change + history + audit, in one transaction.
#include "records/records.hpp"

#include "records/computed.hpp"

#include "records/rules.hpp"
#include "security/access.hpp"
#include "security/audit.hpp"
#include "store/feed.hpp"
#include "store/schema.hpp"

namespace clmis::detail {

namespace {

constexpr size_t kMaxExternalId = 200;
constexpr size_t kMaxReason = 1000;

/// A value as the audit trail records it (personal values as keyed hashes: equal values can be
/// matched, not read).
Json audit_value(Context& cx, const pack::Field& f, const Value& v) {
  if (is_null(v)) return nullptr;
  Json j = encode_value(v);
  if (f.personal) return cx.audit.personal_digest(j.is_string() ? j.get<std::string>() : j.dump());
  return j;
}

Json audit_section(Context& cx, const pack::Section& sec, const std::vector<Values>& items) {
  Json out = Json::array();
  for (const auto& item : items) {
    Json o = Json::object();
    for (const auto& f : sec.fields) o[f.name] = audit_value(cx, f, value_of(item, f.name));
    out.push_back(std::move(o));
  }
  return out;
}

void check_external_id_free(Context& cx, const pack::RecordType& t, const std::string& ext, std::int64_t self) {
  if (auto other = store::find_by_external_id(cx.conn, t, ext); other && *other != self)
    throw AlreadyExists("external_id \"" + ext + "\" is already used by " + t.name + " " + std::to_string(*other));
}

/// A new record (validated in full): the assigned numbers, the initial state, the row, its
/// sections, the change, the history rows and the audit entry. Nothing after the first write can
/// fail but storage, so the bulk path may run it without a savepoint of its own.
std::int64_t write_create(Context& cx, const pack::RecordType& t, Input& in) {
  auto& c = cx.conn;
  std::optional<std::string> ext;
  if (in.external_id && *in.external_id) {
    ext = **in.external_id;
    check_external_id_free(cx, t, *ext, 0);
  }
  // Numbers clmis assigns (registration numbers): the next value of the field's sequence, never
  // reused, zero-padded after the prefix.
  for (const auto& f : t.fields) {
    if (!f.assigned()) continue;
    std::string n = std::to_string(store::next_in_sequence(c, t.name + "." + f.name));
    if (n.size() < static_cast<size_t>(f.assigned_digits)) n.insert(0, static_cast<size_t>(f.assigned_digits) - n.size(), '0');
    in.fields[f.name] = Value{f.assigned_prefix + n};
  }
  if (t.workflow) in.fields[t.workflow->status_field] = Value{Code{t.workflow->initial}};
  const std::string at = cx.clock.now_text();
  const std::int64_t uid = cx.who.uid;
  const std::int64_t id = store::insert_row(c, t, in.fields, uid, at, ext);
  store::write_sections(c, t, id, in.sections, /*fresh=*/true);
  const std::int64_t seq = store::append_change(c, at, uid, t.name, id, "create", 1);
  // Creation itself is the record's created_at/created_by and its change: no history row.
  if (t.workflow) {
    // The initial state, effective on the record's own date (registration date) if it has one.
    store::StatusRow initial;
    initial.seq = seq;
    initial.event = "initial";
    initial.status = t.workflow->initial;
    initial.effective_date = cx.clock.today_text();
    if (!t.workflow->date_field.empty())
      if (auto* d = std::get_if<Date>(&value_of(in.fields, t.workflow->date_field))) initial.effective_date = format_date(*d);
    store::append_status(c, t, id, initial);
  }
  for (const auto& f : t.fields) {
    if (!f.history || (t.workflow && f.name == t.workflow->status_field)) continue;
    const Value& v = value_of(in.fields, f.name);
    if (!is_null(v)) add_history(cx, seq, t, id, "changed", f.name, std::nullopt, history_text(v));
  }
  if (cx.audit.summarising()) {
    cx.audit.summarise(true, id);
  } else {
    Json values = Json::object();
    for (const auto& f : t.fields)
      if (const Value& v = value_of(in.fields, f.name); !is_null(v)) values[f.name] = audit_value(cx, f, v);
    for (const auto& [k, items] : in.sections) values[k] = audit_section(cx, *t.section(k), items);
    cx.audit.append(c, cx.clock.now_text(), uid, "create", {t.name, id, 1, seq}, Json{{"values", values}});
  }
  return id;
}

/// Correcting the registration date corrects when the record entered its first state; it must
/// stay on or before the record's next status change. Checks (apply = false) or moves the
/// initial history row (apply = true).
void move_initial_date(Context& cx, const pack::RecordType& t, std::int64_t id, const store::StoredRecord& cur,
                       const Input& in, std::vector<FieldError>& errors, bool apply) {
  if (!t.workflow || t.workflow->date_field.empty()) return;
  const auto& name = t.workflow->date_field;
  auto given = in.fields.find(name);
  if (given == in.fields.end() || given->second == value_of(cur.fields, name)) return;
  const auto* d = std::get_if<Date>(&given->second);
  if (!d) return;  // cleared (or invalid, already reported): the initial row keeps its date
  const std::string date = format_date(*d);
  if (!apply) {
    if (auto first = store::first_status_change_date(cx.conn, t, id); first && *first < date)
      errors.push_back({t.name, name, encode_value(given->second), "date_order",
                        name + " must be on or before the first status change (" + *first + ")"});
    return;
  }
  store::set_initial_date(cx.conn, t, id, date);
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// The write core

void add_history(Context& cx, std::int64_t seq, const pack::RecordType& t, std::int64_t id, const std::string& event,
                 const std::string& field, const std::optional<std::string>& from, const std::optional<std::string>& to,
                 const std::string& effective_date, const Json& detail) {
  if (t.workflow && field == t.workflow->status_field) {
    // A transition: the record type's status history.
    store::StatusRow r;
    r.seq = seq;
    r.event = event;
    r.status = to.value_or(std::string());
    r.effective_date = effective_date.empty() ? cx.clock.today_text() : effective_date;
    r.actor = cx.who.uid;
    r.at = cx.clock.now_text();
    if (!detail.is_null()) r.detail = detail.dump();
    store::append_status(cx.conn, t, id, r);
    return;
  }
  store::HistoryRow r;
  r.seq = seq;
  r.type = t.name;
  r.id = id;
  r.event = event;
  if (!field.empty()) r.field = field;
  r.from = from;
  r.to = to;
  r.effective_date = effective_date.empty() ? cx.clock.today_text() : effective_date;
  r.actor = cx.who.uid;
  r.at = cx.clock.now_text();
  if (!detail.is_null()) r.detail = detail.dump();
  store::append_history(cx.conn, r);
}

store::StoredRecord read_for_write(Context& cx, const pack::RecordType& t, std::int64_t id, std::int64_t version) {
  auto cur = store::read_record(cx.conn, t, id);
  if (!cur) throw NotFound("there is no " + t.name + " with id " + std::to_string(id));
  if (cur->archived) throw Conflict(t.name + " " + std::to_string(id) + " is archived");
  if (cur->version != version)
    throw Conflict(t.name + " " + std::to_string(id) + " is at version " + std::to_string(cur->version) + ", not " +
                   std::to_string(version) + " as read: someone changed it meanwhile; read it again");
  return std::move(*cur);
}

Written write_update(Context& cx, const pack::RecordType& t, std::int64_t id, const store::StoredRecord& cur,
                     const Input& in, const char* op, const std::string& effective_date, const Json& audit_detail,
                     const char* audit_action) {
  auto& c = cx.conn;
  std::vector<const pack::Field*> changed_fields;
  for (const auto& f : t.fields) {
    auto v = in.fields.find(f.name);
    if (v == in.fields.end()) continue;
    auto old = cur.fields.find(f.name);
    if (old == cur.fields.end() || !(old->second == v->second)) changed_fields.push_back(&f);
  }
  std::vector<std::string> changed_sections;
  for (const auto& [name, items] : in.sections) {
    auto old = cur.sections.find(name);
    const auto* sec = t.section(name);
    // Compare entry by entry with absent fields as null.
    bool same = old != cur.sections.end() && old->second.size() == items.size();
    for (size_t i = 0; same && i < items.size(); ++i)
      for (const auto& f : sec->fields)
        if (!(value_of(items[i], f.name) == value_of(old->second[i], f.name))) same = false;
    if (!same) changed_sections.push_back(name);
  }
  bool ext_changed = false;
  std::optional<std::string> new_ext = cur.external_id;
  if (in.external_id && *in.external_id != cur.external_id) {
    ext_changed = true;
    new_ext = *in.external_id;
    if (new_ext) check_external_id_free(cx, t, *new_ext, id);
  }
  if (changed_fields.empty() && changed_sections.empty() && !ext_changed) return {cur.version, 0, false};
  const std::int64_t version = cur.version + 1;
  const std::string at = cx.clock.now_text();
  if (!store::update_row(c, t, id, cur.version, changed_fields, in.fields, cx.who.uid, at, new_ext))
    throw Conflict(t.name + " " + std::to_string(id) + " changed meanwhile");
  Sections secs;
  for (const auto& name : changed_sections) secs[name] = in.sections.at(name);
  store::write_sections(c, t, id, secs);
  const std::int64_t seq = store::append_change(c, at, cx.who.uid, t.name, id, op, version);
  Json names = Json::object();
  for (const auto* f : changed_fields) {
    const Value& ov = value_of(cur.fields, f->name);
    const Value& nv = in.fields.at(f->name);
    names[f->name] = {{"from", cur.fields.count(f->name) ? audit_value(cx, *f, ov) : Json(nullptr)},
                      {"to", audit_value(cx, *f, nv)}};
    if (!f->history || (t.workflow && f->name == t.workflow->status_field)) continue;
    add_history(cx, seq, t, id, "changed", f->name, is_null(ov) ? std::nullopt : std::optional(history_text(ov)),
                is_null(nv) ? std::nullopt : std::optional(history_text(nv)), effective_date);
  }
  for (const auto& n : changed_sections) {
    auto old = cur.sections.find(n);
    const auto& sec = *t.section(n);
    names[n] = {{"from", old == cur.sections.end() ? Json::array() : audit_section(cx, sec, old->second)},
                {"to", audit_section(cx, sec, in.sections.at(n))}};
  }
  if (ext_changed)
    names["external_id"] = {{"from", cur.external_id ? Json(*cur.external_id) : Json(nullptr)},
                            {"to", new_ext ? Json(*new_ext) : Json(nullptr)}};
  if (cx.audit.summarising()) cx.audit.summarise(false, id);
  else {
    Json detail = Json{{"changes", names}};
    if (audit_detail.is_object())
      for (auto it = audit_detail.begin(); it != audit_detail.end(); ++it) detail[it.key()] = *it;
    cx.audit.append(c, cx.clock.now_text(), cx.who.uid, audit_action ? audit_action : op, {t.name, id, version, seq}, detail);
  }
  return {version, seq, true};
}

Json record_json(Context& cx, const pack::RecordType& t, const store::StoredRecord& r, Date as_of) {
  Json o;
  o["id"] = r.id;
  o["version"] = r.version;
  o["created_at"] = r.created_at;
  o["created_by"] = cx.cache.user_name(cx.conn, r.created_by);
  o["updated_at"] = r.updated_at;
  o["updated_by"] = cx.cache.user_name(cx.conn, r.updated_by);
  o["external_id"] = r.external_id ? Json(*r.external_id) : Json(nullptr);
  o["archived"] = r.archived;
  o["archive_reason"] = r.archive_reason ? Json(*r.archive_reason) : Json(nullptr);
  const pack::Field* birth = birth_field(t);
  for (const auto& f : t.fields) {
    o[f.name] = encode_value(value_of(r.fields, f.name));
    if (&f == birth) o["age_group"] = age_group_json(o[f.name], as_of);  // before masking
  }
  for (const auto& sec : t.sections) {
    auto it = r.sections.find(sec.name);
    o[sec.name] = section_json(sec, it == r.sections.end() ? nullptr : &it->second);
  }
  return o;
}

Json section_json(const pack::Section& sec, const std::vector<Values>* items) {
  Json arr = Json::array();
  if (items)
    for (const auto& item : *items) {
      Json io;
      for (const auto& f : sec.fields) io[f.name] = encode_value(value_of(item, f.name));
      arr.push_back(std::move(io));
    }
  return arr;
}

// ---------------------------------------------------------------------------------------------
// The operations

namespace {
/// create_record() of a record given as JSON or as CSV cells (decode() has both).
template <class Record>
std::int64_t create_from(Context& cx, std::string_view type, const Record& r, Warnings* warnings) {
  const auto& t = cx.type(type);
  cx.access.require_scope(cx, t, "create");
  Write w(cx, /*may_join=*/true);
  std::vector<FieldError> errors;
  Input in = decode(cx, t, r, true, nullptr, errors);
  apply_computed(cx, t, 0, nullptr, in, errors);
  check_rules(cx, t, in.fields, in.sections, 0, errors, warnings);
  if (!errors.empty()) throw ValidationError(std::move(errors));
  const auto id = write_create(cx, t, in);
  w.commit();
  return id;
}
}  // namespace

std::int64_t create_record(Context& cx, std::string_view type, const Json& j, Warnings* warnings) {
  return create_from(cx, type, j, warnings);
}

std::int64_t create_record(Context& cx, std::string_view type, const GivenRecord& r, Warnings* warnings) {
  return create_from(cx, type, r, warnings);
}

Json get_record(Context& cx, std::string_view type, std::int64_t id) {
  const auto& t = cx.type(type);
  cx.access.require_record(cx, t, "read", cx.access.require_scope(cx, t, "read"), id);
  store::ReadTransaction rt(cx.conn);
  const auto r = store::read_record(cx.conn, t, id);
  if (!r) throw NotFound("there is no " + t.name + " with id " + std::to_string(id));
  Json out = record_json(cx, t, *r, cx.clock.today());
  cx.access.mask(cx, t, out, r->created_by, id);
  return out;
}

namespace {
/// A record holding values today's rules refuse (stored before the pack tightened them) is not
/// altered silently and not left as it is by an update: the update must correct them too.
void stored_values_must_be_fixed(Context& cx, const pack::RecordType& t, const store::StoredRecord& cur,
                                 const Input& in, std::vector<FieldError>& errors) {
  for (auto& e : stored_value_problems(cx, t, cur, &in)) {
    e.message = "the stored value no longer meets the rules (" + e.message + "); correct it in this update";
    errors.push_back(std::move(e));
  }
}
}  // namespace

std::int64_t update_record(Context& cx, std::string_view type, std::int64_t id, std::int64_t version, const Json& j,
                           Warnings* warnings) {
  const auto& t = cx.type(type);
  cx.access.require_record(cx, t, "update", cx.access.require_scope(cx, t, "update"), id);
  Write w(cx);
  const auto cur = read_for_write(cx, t, id, version);
  std::vector<FieldError> errors;
  Input in = decode(cx, t, j, false, &cur, errors);
  apply_computed(cx, t, id, &cur, in, errors);
  stored_values_must_be_fixed(cx, t, cur, in, errors);
  check_rules_merged(cx, t, cur, in, id, errors, warnings);
  move_initial_date(cx, t, id, cur, in, errors, false);
  if (!errors.empty()) throw ValidationError(std::move(errors));
  const auto written = write_update(cx, t, id, cur, in);
  move_initial_date(cx, t, id, cur, in, errors, true);
  if (written.changed) w.commit();
  return written.version;
}

void archive_record(Context& cx, std::string_view type, std::int64_t id, std::int64_t version, std::string_view reason) {
  const auto& t = cx.type(type);
  cx.access.require_record(cx, t, "archive", cx.access.require_scope(cx, t, "archive"), id);
  if (!valid_utf8(reason))
    throw ValidationError(std::vector<FieldError>{{t.name, "archive_reason", nullptr, "type", "the reason is not valid UTF-8"}});
  if (reason.empty() || utf8_length(reason) > kMaxReason)
    throw ValidationError(std::vector<FieldError>{
        {t.name, "archive_reason", std::string(reason), reason.empty() ? "required" : "length",
         "a reason of 1 to 1000 characters is required to archive a record"}});
  Write w(cx);
  const auto cur = store::read_record(cx.conn, t, id);
  if (!cur) throw NotFound("there is no " + t.name + " with id " + std::to_string(id));
  if (cur->archived) throw Conflict(t.name + " " + std::to_string(id) + " is already archived");
  if (cur->version != version)
    throw Conflict(t.name + " " + std::to_string(id) + " is at version " + std::to_string(cur->version) + ", not " +
                   std::to_string(version));
  const auto nv = version + 1;
  const std::string at = cx.clock.now_text();
  const std::string why(reason);
  store::archive_row(cx.conn, t, id, nv, why, cx.who.uid, at);
  const auto seq = store::append_change(cx.conn, at, cx.who.uid, t.name, id, "archive", nv);
  add_history(cx, seq, t, id, "archived", "", std::nullopt, why);
  cx.audit.append(cx.conn, cx.clock.now_text(), cx.who.uid, "archive", {t.name, id, nv, seq}, Json{{"reason", why}});
  w.commit();
}

namespace {
/// The external_id a record to upsert names, if it names one other than the upsert's: its value.
std::optional<Json> other_external_id(const Json& j, const std::string& ext) {
  if (j.is_object() && j.contains("external_id") && j["external_id"] != Json(ext)) return j["external_id"];
  return std::nullopt;
}
std::optional<Json> other_external_id(const GivenRecord& r, const std::string& ext) {
  for (const auto& [key, given] : r)
    if (key == "external_id" && !(given.kind == Given::Kind::string && given.text == ext)) return to_json(given);
  return std::nullopt;
}

/// upsert_record() of a record given as JSON or as CSV cells (decode() has both).
template <class Record>
Upserted upsert_from(Context& cx, std::string_view type, std::string_view external_id, const Record& r, Warnings* warnings) {
  const auto& t = cx.type(type);
  cx.access.require_active(cx);
  const std::string ext(external_id);
  if (!valid_utf8(ext))
    throw ValidationError(std::vector<FieldError>{{t.name, "external_id", nullptr, "type", "external_id is not valid UTF-8"}});
  if (ext.empty() || utf8_length(ext) > kMaxExternalId)
    throw ValidationError(std::vector<FieldError>{
        {t.name, "external_id", ext, "length", "external_id is a string of 1 to 200 characters"}});
  if (auto other = other_external_id(r, ext))
    throw ValidationError(std::vector<FieldError>{
        {t.name, "external_id", std::move(*other), "read_only", "the record's external_id must be the one the upsert names"}});
  // On the bulk path, a record that is not there yet is created like create_record's (joining
  // the batch); one that exists is updated within a savepoint of its own (an update compares and
  // may change nothing, and can fail after its first write).
  const bool join = cx.join_batch && cx.conn.in_transaction() && !store::find_by_external_id(cx.conn, t, ext);
  Write w(cx, join);
  const auto found = store::find_by_external_id(cx.conn, t, ext);
  // Creating needs create, changing the record found needs update (of that record): checked
  // inside the transaction, so the answer holds for the record actually written.
  if (!found) cx.access.require_scope(cx, t, "create");
  else cx.access.require_record(cx, t, "update", cx.access.require_scope(cx, t, "update"), *found);
  std::vector<FieldError> errors;
  if (!found) {
    Input in = decode(cx, t, r, true, nullptr, errors);
    apply_computed(cx, t, 0, nullptr, in, errors);
    check_rules(cx, t, in.fields, in.sections, 0, errors, warnings);
    if (!errors.empty()) throw ValidationError(std::move(errors));
    in.external_id = std::optional<std::string>(ext);
    const auto id = write_create(cx, t, in);
    w.commit();
    return {id, Upserted::Outcome::created};
  }
  const std::int64_t id = *found;
  const auto cur = store::read_record(cx.conn, t, id);
  if (!cur) throw StorageError(t.name + " " + std::to_string(id) + " vanished inside its write transaction");
  if (cur->archived) throw Conflict(t.name + " " + std::to_string(id) + " (external_id \"" + ext + "\") is archived");
  Input in = decode(cx, t, r, false, &*cur, errors);
  apply_computed(cx, t, id, &*cur, in, errors);
  stored_values_must_be_fixed(cx, t, *cur, in, errors);
  check_rules_merged(cx, t, *cur, in, id, errors, warnings);
  move_initial_date(cx, t, id, *cur, in, errors, false);
  if (!errors.empty()) throw ValidationError(std::move(errors));
  in.external_id.reset();
  const auto written = write_update(cx, t, id, *cur, in);
  move_initial_date(cx, t, id, *cur, in, errors, true);
  if (!written.changed) return {id, Upserted::Outcome::unchanged};
  w.commit();
  return {id, Upserted::Outcome::updated};
}
}  // namespace

Upserted upsert_record(Context& cx, std::string_view type, std::string_view external_id, const Json& j, Warnings* warnings) {
  return upsert_from(cx, type, external_id, j, warnings);
}

Upserted upsert_record(Context& cx, std::string_view type, std::string_view external_id, const GivenRecord& r,
                       Warnings* warnings) {
  return upsert_from(cx, type, external_id, r, warnings);
}

std::vector<std::string> defer_indexes(Context& cx, std::string_view type, bool automatic, bool after_load) {
  const auto& t = cx.type(type);
  if (!cx.conn.in_transaction()) throw Misuse("indexes are deferred only inside a bulk load's transaction");
  if (!after_load && !(automatic && store::row_count(cx.conn, t.name) <= kDeferIndexesUpTo)) return {};
  // What the checks of a new record read: the indexes of the unique_active fields and of the
  // possible-duplicate rules and of external_id.
  std::vector<std::string> keep;
  for (const auto& r : t.rules) {
    if (!r.section.empty()) continue;
    if (const auto* u = std::get_if<pack::rules::UniqueActive>(&r.check))
      for (const auto& f : u->fields) {
        keep.push_back(t.name + "_ix_" + f);
        keep.push_back(t.name + "_ux_" + f);
      }
  }
  for (const auto& d : store::dup_rules(t)) keep.push_back(d.index);
  keep.push_back(store::external_id_index(t));
  return store::drop_indexes(cx.conn, t.name, keep);
}

std::vector<std::string> defer_indexes_for(Context& cx, std::string_view type, std::uint64_t rows_to_come) {
  const auto rows = store::row_count(cx.conn, cx.type(type).name);
  if (static_cast<double>(rows_to_come) < kDeferIndexesFor * static_cast<double>(rows)) return {};
  return defer_indexes(cx, type, false, true);
}

void build_indexes(Context& cx, const std::vector<std::string>& ddl) { store::build_indexes(cx.conn, ddl); }

void export_started(Context& cx, std::string_view type, const Json& detail) {
  const auto& t = cx.type(type);
  cx.access.require_scope(cx, t, "read");
  cx.access.require_scope(cx, t, "export");
  store::WriteTransaction tx(cx.conn);
  Json d = detail.is_object() ? detail : Json::object();
  d["record_type"] = t.name;
  d["personal_data"] = cx.access.scope_of(cx, t, "read_personal") == pack::Scope::all ? "clear" : "masked";
  cx.audit.append(cx.conn, cx.clock.now_text(), cx.who.uid, "export", {}, d);
  tx.commit();
}

}  // namespace clmis::detail
