// Code lists and codes (clmis_code_list, clmis_code): what Table Maintenance, validation and
// migrations read and write, and the in-memory index validation looks codes up in.
#pragma once

#include "clmis/value.hpp"
#include "pack/pack.hpp"
#include "store/sqlite.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace clmis::store {

struct CodeInfo {
  bool active = true;
  int level = 1;
};
/// list → code → its level and whether it is active. Every declared list is present, even empty.
using CodeIndex = std::unordered_map<std::string, std::unordered_map<std::string, CodeInfo>>;
CodeIndex load_code_index(Connection& c);

/// Inserts a declared list and its codes (provider: "pack" or "profile").
void insert_code_list(Connection& c, const pack::CodeList& l, const char* provider);
/// Updates a list's labels, source and attribution from its declaration.
void update_code_list(Connection& c, const pack::CodeList& l);
/// Appends a code at the end of its list. labels: JSON text by language.
void insert_code(Connection& c, const std::string& list, const std::string& code, const std::string& parent,
                 int level, const std::string& labels, bool active);

struct CodeRow {
  std::string code;
  std::optional<std::string> parent;
  int level = 1;
  Json labels;  ///< by language
  bool active = true;
};
/// One code (nullopt if the list has no such code).
std::optional<CodeRow> read_code(Connection& c, const std::string& list, const std::string& code);
/// The codes of a list in their order.
std::vector<CodeRow> list_codes(Connection& c, const std::string& list);
void update_code(Connection& c, const std::string& list, const std::string& code, const Json& labels, bool active);
void update_code_labels(Connection& c, const std::string& list, const std::string& code, const Json& labels);
void set_code_active(Connection& c, const std::string& list, const std::string& code, bool active);
void delete_code(Connection& c, const std::string& list, const std::string& code);
/// A sub-code of a code (the first found), if it has any.
std::optional<std::string> first_child(Connection& c, const std::string& list, const std::string& code);

struct CodeListRow {
  std::string name;
  Json labels;
  std::string source, attribution, provider;
  std::int64_t active_codes = 0;
};
/// Every list, by name, with its number of active codes.
std::vector<CodeListRow> code_lists(Connection& c);

}  // namespace clmis::store
