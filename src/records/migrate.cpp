#include "records/migrate.hpp"

#include "security/audit.hpp"
#include "store/codes.hpp"
#include "store/meta.hpp"
#include "store/rows.hpp"
#include "store/schema.hpp"

#include <algorithm>
#include <map>
#include <set>

namespace clmis::detail {

namespace {

[[noreturn]] void refuse(const std::string& what) {
  throw PackError("cannot migrate: " + what + " (only additive changes migrate by themselves)");
}

std::string join_names(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

/// Storage-relevant identity of a field: changes here would reinterpret stored values.
void same_storage(const std::string& where, const pack::Field& a, const pack::Field& b) {
  if (a.type != b.type) refuse(where + " changes type");
  if (a.type == FieldType::decimal && a.scale != b.scale) refuse(where + " changes scale");
  if (a.code_list != b.code_list) refuse(where + " changes code list");
  if (a.target != b.target) refuse(where + " changes target");
  if (a.assigned() != b.assigned()) refuse(where + " changes whether clmis assigns it");
}

}  // namespace

bool migrate(Context& cx, const pack::Pack& to_pack, const pack::Profile& to_profile, const std::string& from_version) {
  auto& c = cx.conn;
  // Decided again inside the write transaction: another program may have upgraded meanwhile.
  {
    auto meta = store::read_meta(c);
    if (meta["pack_name"] != to_pack.name)
      refuse("the database holds pack \"" + meta["pack_name"] + "\", not \"" + to_pack.name + "\"");
    if (meta["pack_hash"] == to_pack.hash && meta["profile_hash"] == to_profile.hash) return false;
    if (meta["pack_hash"] != cx.pack.hash || meta["profile_hash"] != cx.profile.hash)
      throw Conflict("the database's pack changed while it was being opened; open it again");
  }
  const pack::Pack& from = cx.pack;  // with the stored profile's extensions
  const pack::Pack to = pack::with_extensions(to_pack, to_profile);
  Json steps = Json::array();
  std::vector<std::string> ddl;

  auto add_fields = [&](const std::string& table, const std::string& where, const std::vector<pack::Field>& old_fields,
                        const std::vector<pack::Field>& new_fields) {
    for (const auto& of : old_fields) {
      auto nf = std::find_if(new_fields.begin(), new_fields.end(), [&](const pack::Field& f) { return f.name == of.name; });
      if (nf == new_fields.end()) refuse(where + "." + of.name + " is removed");
      same_storage(where + "." + of.name, of, *nf);
    }
    for (const auto& nf : new_fields) {
      if (std::any_of(old_fields.begin(), old_fields.end(), [&](const pack::Field& f) { return f.name == nf.name; }))
        continue;
      if (nf.assigned() && store::has_rows(c, table))
        refuse("adding the assigned field " + where + "." + nf.name + " to existing records");
      auto d = store::add_field_ddl(table, nf);
      ddl.insert(ddl.end(), d.begin(), d.end());
      steps.push_back("add field " + where + "." + nf.name);
    }
  };

  for (const auto& ot : from.record_types) {
    const auto* nt = to.record_type(ot.name);
    if (!nt) refuse("record type " + ot.name + " is removed");
    add_fields(ot.name, ot.name, ot.fields, nt->fields);
    // possible_duplicate rules: a new one gets its key column (unless an earlier rule on the
    // same fields left it), computed from the stored rows, and its index; a removed one's index
    // goes and its column is emptied (a key no write keeps up to date must not be read later).
    const auto old_dups = store::dup_rules(ot), new_dups = store::dup_rules(*nt);
    auto has = [](const std::vector<store::DupRule>& in, const store::DupRule& d) {
      return std::any_of(in.begin(), in.end(), [&](const store::DupRule& x) { return x.column == d.column; });
    };
    for (const auto& d : new_dups) {
      if (has(old_dups, d)) continue;
      if (!store::has_column(c, ot.name, d.column))
        ddl.push_back("ALTER TABLE " + store::quote(ot.name) + " ADD COLUMN " + store::quote(d.column) + " INTEGER");
      ddl.push_back("UPDATE " + store::quote(ot.name) + " SET " + store::quote(d.column) + " = " + store::dup_key_sql(*nt, d));
      ddl.push_back(d.index_ddl(*nt));
      steps.push_back("add the possible-duplicate key of " + ot.name + " on " + join_names(d.rule->fields));
    }
    for (const auto& d : old_dups) {
      if (has(new_dups, d)) continue;
      ddl.push_back("DROP INDEX IF EXISTS " + store::quote(d.index));
      ddl.push_back("UPDATE " + store::quote(ot.name) + " SET " + store::quote(d.column) + " = NULL");
      steps.push_back("remove the possible-duplicate key of " + ot.name + " on " + join_names(d.rule->fields));
    }
    for (const auto& os : ot.sections) {
      const auto* ns = nt->section(os.name);
      if (!ns) refuse("section " + ot.name + "." + os.name + " is removed");
      add_fields(store::section_table(ot, os), ot.name + "." + os.name, os.fields, ns->fields);
    }
    for (const auto& ns : nt->sections)
      if (!ot.section(ns.name)) {
        auto d = store::section_ddl(*nt, ns);
        ddl.insert(ddl.end(), d.begin(), d.end());
        steps.push_back("add section " + ot.name + "." + ns.name);
      }
    if (ot.workflow && !nt->workflow) refuse("the workflow of " + ot.name + " is removed");
    if (!ot.workflow && nt->workflow && store::has_rows(c, ot.name))
      refuse("adding a workflow to " + ot.name + ", which has records, needs a declared step");
    if (!ot.workflow && nt->workflow) {
      auto d = store::status_table_ddl(*nt);
      ddl.insert(ddl.end(), d.begin(), d.end());
      steps.push_back("add the status history of " + ot.name);
    }
    if (ot.workflow && nt->workflow) {
      if (ot.workflow->status_field != nt->workflow->status_field) refuse("the status field of " + ot.name + " changes");
      for (const auto& st : ot.workflow->states)
        if (std::find(nt->workflow->states.begin(), nt->workflow->states.end(), st) == nt->workflow->states.end())
          refuse("state " + st + " of " + ot.name + " is removed");
    }
  }
  for (const auto& nt : to.record_types)
    if (!from.record_type(nt.name)) {
      auto d = store::record_type_ddl(nt);
      ddl.insert(ddl.end(), d.begin(), d.end());
      steps.push_back("add record type " + nt.name);
    }

  // Code lists: the pack's own, then the profile's. Codes a country added through Table
  // Maintenance are not in either declaration and are left alone.
  struct ListChange {
    const pack::CodeList* from;
    const pack::CodeList* to;
    const char* provider;
  };
  std::vector<ListChange> lists;
  for (const auto& nl : to_pack.code_lists) {
    if (nl.provided_by_profile) continue;
    const auto* ol = from.code_list(nl.name);
    lists.push_back({ol && !ol->provided_by_profile ? ol : nullptr, &nl, "pack"});
  }
  for (const auto& ol : from.code_lists)
    if (!ol.provided_by_profile && !to_pack.code_list(ol.name)) refuse("code list " + ol.name + " is removed");
  for (const auto& nl : to_profile.code_lists) {
    auto ol = std::find_if(cx.profile.code_lists.begin(), cx.profile.code_lists.end(),
                           [&](const pack::CodeList& l) { return l.name == nl.name; });
    lists.push_back({ol == cx.profile.code_lists.end() ? nullptr : &*ol, &nl, "profile"});
  }
  for (const auto& lc : lists) {
    if (!lc.from) continue;
    for (const auto& oc : lc.from->codes) {
      auto nc = std::find_if(lc.to->codes.begin(), lc.to->codes.end(), [&](const pack::Code& x) { return x.code == oc.code; });
      if (nc == lc.to->codes.end())
        refuse("code " + oc.code + " of " + lc.to->name + " is removed; deprecate it with \"active\": false instead");
      // Levels restrict fields (ISIC class = level 4): moving a code would reinterpret records.
      if (nc->parent != oc.parent || nc->level != oc.level)
        refuse("code " + oc.code + " of " + lc.to->name + " changes its parent or level");
    }
  }

  // Every check has passed: now write. Any failure below rolls the whole transaction back.
  if (!ddl.empty()) {
    auto d = store::views_ddl(to);
    ddl.insert(ddl.end(), d.begin(), d.end());
  }
  store::apply_ddl(c, ddl);
  for (const auto& lc : lists) {
    const auto& nl = *lc.to;
    if (!lc.from && !cx.cache.codes.count(nl.name)) {
      pack::CodeList header = nl;
      header.codes.clear();  // the codes follow one by one below
      store::insert_code_list(c, header, lc.provider);
      steps.push_back("add code list " + nl.name);
    } else {
      store::update_code_list(c, nl);
    }
    for (const auto& code : nl.codes) {
      const pack::Code* old = nullptr;
      if (lc.from)
        for (const auto& oc : lc.from->codes)
          if (oc.code == code.code) old = &oc;
      if (!old) {
        auto lit = cx.cache.codes.find(nl.name);
        if (lit != cx.cache.codes.end() && lit->second.count(code.code)) continue;  // added locally
        store::insert_code(c, nl.name, code.code, code.parent, code.level, code.label.to_json().dump(), code.active);
        steps.push_back("add code " + nl.name + "." + code.code);
        continue;
      }
      if (old->label.text != code.label.text) {
        // Only the languages the pack changed: a country's own labels in other languages (Table
        // Maintenance) stay.
        const auto row = store::read_code(c, nl.name, code.code);
        Json labels = row ? row->labels : Json::object();
        std::set<std::string> langs;
        for (const auto& [lang, _] : old->label.text) langs.insert(lang);
        for (const auto& [lang, _] : code.label.text) langs.insert(lang);
        for (const auto& lang : langs) {
          auto o = old->label.text.find(lang);
          auto n = code.label.text.find(lang);
          const bool had = o != old->label.text.end(), has = n != code.label.text.end();
          if (had && has && o->second == n->second) continue;
          if (has) labels[lang] = n->second;
          else labels.erase(lang);
        }
        store::update_code_labels(c, nl.name, code.code, labels);
        steps.push_back("relabel code " + nl.name + "." + code.code);
      }
      if (old->active != code.active) {
        store::set_code_active(c, nl.name, code.code, code.active);
        steps.push_back(std::string(code.active ? "reactivate" : "deprecate") + " code " + nl.name + "." + code.code);
      }
    }
  }
  store::write_pack_files(c, to_pack, to_profile);
  store::update_meta(c, "pack_version", to_pack.version);
  store::update_meta(c, "pack_hash", to_pack.hash);
  store::update_meta(c, "profile_hash", to_profile.hash);
  // No session exists yet: the migration's audit entry has no actor.
  cx.audit.append(c, cx.clock.now_text(), std::nullopt, "migrate", {},
                  Json{{"pack", to_pack.name}, {"from_version", from_version}, {"to_version", to_pack.version},
                       {"pack_hash", to_pack.hash}, {"profile_hash", to_profile.hash}, {"steps", steps}});
  return true;
}

}  // namespace clmis::detail
