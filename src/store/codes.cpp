#include "store/codes.hpp"

namespace clmis::store {

namespace {
void insert_code_at(Connection& c, const std::string& list, const std::string& code, const std::string& parent,
                    int level, const std::string& labels, bool active, std::int64_t position) {
  auto& s = c.prepare("INSERT INTO clmis_code(list, code, parent, level, labels, active, position) "
                      "VALUES (?, ?, ?, ?, ?, ?, ?)");
  s.bind(1, list).bind(2, code);
  if (parent.empty()) s.bind(3, nullptr); else s.bind(3, parent);
  s.bind(4, static_cast<std::int64_t>(level)).bind(5, labels)
      .bind(6, static_cast<std::int64_t>(active ? 1 : 0)).bind(7, position).run();
}
}  // namespace

CodeIndex load_code_index(Connection& c) {
  CodeIndex codes;
  auto& l = c.prepare("SELECT name FROM clmis_code_list");
  while (l.step()) codes[l.text(0)];  // a declared list may be empty
  l.reset();
  auto& s = c.prepare("SELECT list, code, level, active FROM clmis_code");
  while (s.step()) codes[s.text(0)][s.text(1)] = CodeInfo{s.int64(3) != 0, static_cast<int>(s.int64(2))};
  s.reset();
  return codes;
}

void insert_code_list(Connection& c, const pack::CodeList& l, const char* provider) {
  c.prepare("INSERT INTO clmis_code_list(name, labels, source, attribution, provider) VALUES (?, ?, ?, ?, ?)")
      .bind(1, l.name).bind(2, l.label.to_json().dump()).bind(3, l.source).bind(4, l.attribution)
      .bind(5, provider).run();
  std::int64_t pos = 0;
  for (const auto& code : l.codes)
    insert_code_at(c, l.name, code.code, code.parent, code.level, code.label.to_json().dump(), code.active, pos++);
}

void update_code_list(Connection& c, const pack::CodeList& l) {
  c.prepare("UPDATE clmis_code_list SET labels = ?, source = ?, attribution = ? WHERE name = ?")
      .bind(1, l.label.to_json().dump()).bind(2, l.source).bind(3, l.attribution).bind(4, l.name).run();
}

void insert_code(Connection& c, const std::string& list, const std::string& code, const std::string& parent,
                 int level, const std::string& labels, bool active) {
  auto& pos = c.prepare("SELECT coalesce(max(position), -1) + 1 FROM clmis_code WHERE list = ?");
  pos.bind(1, list);
  pos.step();
  const auto position = pos.int64(0);
  pos.reset();
  insert_code_at(c, list, code, parent, level, labels, active, position);
}

namespace {
CodeRow code_row(Stmt& s) {
  CodeRow r;
  r.code = s.text(0);
  if (!s.is_null(1)) r.parent = s.text(1);
  r.level = static_cast<int>(s.int64(2));
  r.labels = Json::parse(s.text(3));
  r.active = s.int64(4) != 0;
  return r;
}
}  // namespace

std::optional<CodeRow> read_code(Connection& c, const std::string& list, const std::string& code) {
  auto& s = c.prepare("SELECT code, parent, level, labels, active FROM clmis_code WHERE list = ? AND code = ?");
  s.bind(1, list).bind(2, code);
  std::optional<CodeRow> r;
  if (s.step()) r = code_row(s);
  s.reset();
  return r;
}

std::vector<CodeRow> list_codes(Connection& c, const std::string& list) {
  auto& s = c.prepare("SELECT code, parent, level, labels, active FROM clmis_code WHERE list = ? ORDER BY position");
  s.bind(1, list);
  std::vector<CodeRow> out;
  while (s.step()) out.push_back(code_row(s));
  s.reset();
  return out;
}

void update_code(Connection& c, const std::string& list, const std::string& code, const Json& labels, bool active) {
  c.prepare("UPDATE clmis_code SET labels = ?, active = ? WHERE list = ? AND code = ?")
      .bind(1, labels.dump()).bind(2, static_cast<std::int64_t>(active ? 1 : 0)).bind(3, list).bind(4, code).run();
}

void update_code_labels(Connection& c, const std::string& list, const std::string& code, const Json& labels) {
  c.prepare("UPDATE clmis_code SET labels = ? WHERE list = ? AND code = ?")
      .bind(1, labels.dump()).bind(2, list).bind(3, code).run();
}

void set_code_active(Connection& c, const std::string& list, const std::string& code, bool active) {
  c.prepare("UPDATE clmis_code SET active = ? WHERE list = ? AND code = ?")
      .bind(1, static_cast<std::int64_t>(active ? 1 : 0)).bind(2, list).bind(3, code).run();
}

void delete_code(Connection& c, const std::string& list, const std::string& code) {
  c.prepare("DELETE FROM clmis_code WHERE list = ? AND code = ?").bind(1, list).bind(2, code).run();
}

std::optional<std::string> first_child(Connection& c, const std::string& list, const std::string& code) {
  auto& s = c.prepare("SELECT code FROM clmis_code WHERE list = ? AND parent = ? LIMIT 1");
  s.bind(1, list).bind(2, code);
  std::optional<std::string> child;
  if (s.step()) child = s.text(0);
  s.reset();
  return child;
}

std::vector<CodeListRow> code_lists(Connection& c) {
  auto& s = c.prepare(
      "SELECT l.name, l.labels, l.source, l.attribution, l.provider, "
      "(SELECT count(*) FROM clmis_code c WHERE c.list = l.name AND c.active = 1) "
      "FROM clmis_code_list l ORDER BY l.name");
  std::vector<CodeListRow> out;
  while (s.step()) out.push_back({s.text(0), Json::parse(s.text(1)), s.text(2), s.text(3), s.text(4), s.int64(5)});
  s.reset();
  return out;
}

}  // namespace clmis::store
