// Migrations: bringing a database from the pack and profile stored in it to newer ones.
//
// The new declarations are compared with the stored ones (DESIGN.md §4: "the pack travels with
// the data"). Additive changes are made in the caller's transaction: new record types and
// sections (CREATE TABLE), new fields and country extension fields (ALTER TABLE ADD COLUMN), new
// code lists and codes, relabelled and deprecated ("active": false) codes. Anything that would
// lose or reinterpret data — removing a record type, field, section or code, changing a field's
// type, scale, code list or target — is refused with PackError before anything is written;
// such changes need a declared migration step, which no pack has needed yet.
#include "records/engine.hpp"

#include <algorithm>
#include <map>
#include <set>

namespace clmis::detail {

namespace {

[[noreturn]] void refuse(const std::string& what) {
  throw PackError("cannot migrate: " + what + " (only additive changes migrate by themselves)");
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

bool Engine::migrate(const pack::Pack& to_pack, const pack::Profile& to_profile,
                     const std::string& from_version) {
  auto& c = conn();
  // Decided again inside the write transaction: another program may have upgraded meanwhile.
  {
    std::map<std::string, std::string> meta;
    auto& m = c.prepare("SELECT key, value FROM clmis_meta WHERE key IN ('pack_name', 'pack_hash', 'profile_hash')");
    while (m.step()) meta[m.text(0)] = m.text(1);
    m.reset();
    if (meta["pack_name"] != to_pack.name)
      refuse("the database holds pack \"" + meta["pack_name"] + "\", not \"" + to_pack.name + "\"");
    if (meta["pack_hash"] == to_pack.hash && meta["profile_hash"] == to_profile.hash) return false;
    if (meta["pack_hash"] != pack_.hash || meta["profile_hash"] != profile_.hash)
      throw Conflict("the database's pack changed while it was being opened; open it again");
  }
  const pack::Pack& from = pack_;  // with the stored profile's extensions
  const pack::Pack to = pack::with_extensions(to_pack, to_profile);
  Json steps = Json::array();
  std::vector<std::string> ddl;

  auto has_rows = [&](const std::string& table) {
    auto& s = c.prepare("SELECT EXISTS (SELECT 1 FROM " + store::quote(table) + ")");
    s.step();
    const bool any = s.int64(0) != 0;
    s.reset();
    return any;
  };
  auto add_fields = [&](const std::string& table, const std::string& where,
                        const std::vector<pack::Field>& old_fields,
                        const std::vector<pack::Field>& new_fields) {
    for (const auto& of : old_fields) {
      auto nf = std::find_if(new_fields.begin(), new_fields.end(),
                             [&](const pack::Field& f) { return f.name == of.name; });
      if (nf == new_fields.end()) refuse(where + "." + of.name + " is removed");
      same_storage(where + "." + of.name, of, *nf);
    }
    for (const auto& nf : new_fields) {
      if (std::any_of(old_fields.begin(), old_fields.end(),
                      [&](const pack::Field& f) { return f.name == nf.name; }))
        continue;
      if (nf.assigned() && has_rows(table))
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
    if (!ot.workflow && nt->workflow && has_rows(ot.name))
      refuse("adding a workflow to " + ot.name + ", which has records, needs a declared step");
    if (ot.workflow && nt->workflow) {
      if (ot.workflow->status_field != nt->workflow->status_field)
        refuse("the status field of " + ot.name + " changes");
      for (const auto& st : ot.workflow->states)
        if (std::find(nt->workflow->states.begin(), nt->workflow->states.end(), st) ==
            nt->workflow->states.end())
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
    auto ol = std::find_if(profile_.code_lists.begin(), profile_.code_lists.end(),
                           [&](const pack::CodeList& l) { return l.name == nl.name; });
    lists.push_back({ol == profile_.code_lists.end() ? nullptr : &*ol, &nl, "profile"});
  }
  for (const auto& lc : lists) {
    if (!lc.from) continue;
    for (const auto& oc : lc.from->codes) {
      auto nc = std::find_if(lc.to->codes.begin(), lc.to->codes.end(),
                             [&](const pack::Code& x) { return x.code == oc.code; });
      if (nc == lc.to->codes.end())
        refuse("code " + oc.code + " of " + lc.to->name +
               " is removed; deprecate it with \"active\": false instead");
      // Levels restrict fields (ISIC class = level 4): moving a code would reinterpret records.
      if (nc->parent != oc.parent || nc->level != oc.level)
        refuse("code " + oc.code + " of " + lc.to->name + " changes its parent or level");
    }
  }

  // Every check has passed: now write. Any failure below rolls the whole transaction back.
  for (const auto& sql : ddl) c.exec(sql);
  for (const auto& lc : lists) {
    const auto& nl = *lc.to;
    if (!lc.from && !codes_.count(nl.name)) {
      c.prepare("INSERT INTO clmis_code_list(name, labels, source, attribution, provider) "
                "VALUES (?, ?, ?, ?, ?)")
          .bind(1, nl.name).bind(2, nl.label.to_json().dump()).bind(3, nl.source)
          .bind(4, nl.attribution).bind(5, lc.provider).run();
      steps.push_back("add code list " + nl.name);
    } else {
      c.prepare("UPDATE clmis_code_list SET labels = ?, source = ?, attribution = ? WHERE name = ?")
          .bind(1, nl.label.to_json().dump()).bind(2, nl.source).bind(3, nl.attribution)
          .bind(4, nl.name).run();
    }
    for (const auto& code : nl.codes) {
      const pack::Code* old = nullptr;
      if (lc.from)
        for (const auto& oc : lc.from->codes)
          if (oc.code == code.code) old = &oc;
      if (!old) {
        auto lit = codes_.find(nl.name);
        if (lit != codes_.end() && lit->second.count(code.code)) continue;  // added locally
        auto& pos = c.prepare("SELECT coalesce(max(position), -1) + 1 FROM clmis_code WHERE list = ?");
        pos.bind(1, nl.name);
        pos.step();
        const auto position = pos.int64(0);
        pos.reset();
        auto& s = c.prepare("INSERT INTO clmis_code(list, code, parent, level, labels, active, "
                            "position) VALUES (?, ?, ?, ?, ?, ?, ?)");
        s.bind(1, nl.name).bind(2, code.code);
        if (code.parent.empty()) s.bind(3, nullptr); else s.bind(3, code.parent);
        s.bind(4, static_cast<std::int64_t>(code.level)).bind(5, code.label.to_json().dump())
            .bind(6, static_cast<std::int64_t>(code.active ? 1 : 0)).bind(7, position).run();
        steps.push_back("add code " + nl.name + "." + code.code);
        continue;
      }
      if (old->label.text != code.label.text) {
        // Only the languages the pack changed: a country's own labels in other languages (Table
        // Maintenance) stay.
        auto& r = c.prepare("SELECT labels FROM clmis_code WHERE list = ? AND code = ?");
        r.bind(1, nl.name).bind(2, code.code);
        Json labels = r.step() ? Json::parse(r.text(0)) : Json::object();
        r.reset();
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
        c.prepare("UPDATE clmis_code SET labels = ? WHERE list = ? AND code = ?")
            .bind(1, labels.dump()).bind(2, nl.name).bind(3, code.code).run();
        steps.push_back("relabel code " + nl.name + "." + code.code);
      }
      if (old->active != code.active) {
        c.prepare("UPDATE clmis_code SET active = ? WHERE list = ? AND code = ?")
            .bind(1, static_cast<std::int64_t>(code.active ? 1 : 0)).bind(2, nl.name)
            .bind(3, code.code).run();
        steps.push_back(std::string(code.active ? "reactivate" : "deprecate") + " code " +
                        nl.name + "." + code.code);
      }
    }
  }
  c.exec("DELETE FROM clmis_pack_file");
  auto file = [&](const char* kind, const std::string& rel, const std::string& content) {
    c.prepare("INSERT INTO clmis_pack_file(path, kind, content) VALUES (?, ?, ?)")
        .bind(1, rel).bind(2, kind).bind(3, content).run();
  };
  for (const auto& [rel, content] : to_pack.files) file("pack", rel, content);
  for (const auto& [rel, content] : to_profile.files)
    if (!to_pack.files.count(rel)) file("profile", rel, content);
  auto meta = [&](const char* k, const std::string& v) {
    c.prepare("UPDATE clmis_meta SET value = ? WHERE key = ?").bind(1, v).bind(2, k).run();
  };
  meta("pack_version", to_pack.version);
  meta("pack_hash", to_pack.hash);
  meta("profile_hash", to_profile.hash);
  // No session exists yet: the migration's audit entry has no actor.
  audit(std::nullopt, "migrate", "", 0, 0, 0,
        Json{{"pack", to_pack.name}, {"from_version", from_version}, {"to_version", to_pack.version},
             {"pack_hash", to_pack.hash}, {"profile_hash", to_profile.hash}, {"steps", steps}});
  return true;
}

}  // namespace clmis::detail
