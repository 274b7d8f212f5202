#include "store/meta.hpp"

namespace clmis::store {

std::map<std::string, std::string> read_meta(Connection& c) {
  auto& s = c.prepare("SELECT key, value FROM clmis_meta");
  std::map<std::string, std::string> meta;
  while (s.step()) meta[s.text(0)] = s.text(1);
  s.reset();
  return meta;
}

std::string meta_value(Connection& c, const std::string& key) {
  auto& s = c.prepare("SELECT value FROM clmis_meta WHERE key = ?");
  s.bind(1, key);
  std::string v = s.step() ? s.text(0) : "";
  s.reset();
  return v;
}

void insert_meta(Connection& c, const std::string& key, const std::string& value) {
  c.prepare("INSERT INTO clmis_meta(key, value) VALUES (?, ?)").bind(1, key).bind(2, value).run();
}

void update_meta(Connection& c, const std::string& key, const std::string& value) {
  c.prepare("UPDATE clmis_meta SET value = ? WHERE key = ?").bind(1, value).bind(2, key).run();
}

StoredFiles read_pack_files(Connection& c) {
  StoredFiles out;
  auto& f = c.prepare("SELECT path, kind, content FROM clmis_pack_file");
  while (f.step()) {
    out.all[f.text(0)] = f.text(2);
    if (f.text(1) == "pack") out.pack[f.text(0)] = f.text(2);
  }
  f.reset();
  return out;
}

void write_pack_files(Connection& c, const pack::Pack& p, const pack::Profile& profile) {
  c.exec("DELETE FROM clmis_pack_file");
  auto file = [&](const char* kind, const std::string& rel, const std::string& content) {
    c.prepare("INSERT INTO clmis_pack_file(path, kind, content) VALUES (?, ?, ?)")
        .bind(1, rel).bind(2, kind).bind(3, content).run();
  };
  for (const auto& [rel, content] : p.files) file("pack", rel, content);
  for (const auto& [rel, content] : profile.files)
    if (!p.files.count(rel)) file("profile", rel, content);
}

std::vector<std::string> integrity_check(Connection& c) {
  std::vector<std::string> out;
  auto& s = c.prepare("PRAGMA integrity_check(100)");
  while (s.step()) out.push_back(s.text(0));
  s.reset();
  return out;
}

}  // namespace clmis::store
