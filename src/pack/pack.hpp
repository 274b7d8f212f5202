// Packs and country profiles: the declarations the engine runs on (DESIGN.md §2).
//
// A pack (data/packs/<name>/pack.json) declares code lists and record types. A country profile
// (data/countries/<ISO3>.json) supplies the code lists the pack leaves to the country (parishes),
// its currency and languages, and its legal parameters, each with a source and a verified flag.
// Both are checked strictly when loaded: a malformed file is rejected with a PackError naming the
// file, the JSON path and the reason.
#pragma once

#include "clmis/value.hpp"

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace clmis::pack {

/// Labels by language code ("en", "nl", "es"); English is the fallback.
struct Label {
  std::map<std::string, std::string> text;
  [[nodiscard]] const std::string& get(const std::string& lang) const;
  [[nodiscard]] Json to_json() const;
};

struct Field {
  std::string name;
  FieldType type = FieldType::text;
  Label label;
  std::string description;
  bool required = false;
  int max_length = 0;                  ///< text: maximum length in characters (required)
  std::string code_list;               ///< code: the list its codes come from
  std::optional<int> code_level;       ///< code: only codes of this level (e.g. ISIC class = 4)
  std::string target;                  ///< reference: the record type referred to
  int scale = 2;                       ///< decimal: decimal places
  std::vector<std::string> currencies; ///< money: allowed currencies (empty = any known one)
  std::optional<Decimal> min, max;     ///< integer/decimal: range (integers at scale 0)
  std::string pattern;                 ///< text: ECMAScript regular expression (whole value)
  std::string pattern_parameter;       ///< text: the pattern is this legal parameter of the profile
  std::string assigned_prefix;         ///< text assigned by clmis on create: prefix ...
  int assigned_digits = 0;             ///< ... and at least this many digits (0 = not assigned)
  Json default_value;                  ///< applied on create when the field is absent
  bool index = false;                  ///< create an index (references always get one)
  bool personal = false;               ///< personal data (masking, security issue)
  bool history = false;                ///< every change is a dated history row
  bool extension = false;              ///< a country extension field (x_<iso3>_<name>)

  [[nodiscard]] bool assigned() const { return assigned_digits > 0; }
  [[nodiscard]] ValueSpec spec() const { return ValueSpec{type, scale, currencies}; }
};

struct Section {
  std::string name;
  Label label;
  std::string description;
  int max_items = 100;
  std::vector<Field> fields;
  [[nodiscard]] const Field* field(std::string_view name) const;
};

/// A record-level validation rule (DESIGN.md §5: a fixed set, not an expression language).
/// Field-level rules (required, type, code_list, reference, range, pattern, length) are
/// properties of the Field; these relate several fields:
///   unique_active  {"kind": "unique_active", "fields": ["nis_number"]}
///                  no other record of the type that is not archived has the same values
///   date_order     {"kind": "date_order", "earlier": "from", "later": "to", "section": "experience"}
///                  earlier <= later (or < with "strict": true); either may be a date or datetime
///   range_order    {"kind": "range_order", "low": "wage_min", "high": "wage_max"}
///                  low <= high (integers, decimals, or money of one currency)
///   min_age_at     {"kind": "min_age_at", "birth": "date_of_birth", "at": "registration_date",
///                   "age": 16 | "age_parameter": "minimum_working_age"}
///                  the age in whole years at `at` (today when "at" is absent or empty) is at least
///   required_if    {"kind": "required_if", "field": "outcome", "when": "status", "in": ["closed"]}
///                  field has a value whenever `when` has one of the listed values
/// and one kind that warns instead of refusing:
///   possible_duplicate {"kind": "possible_duplicate", "fields": ["first_name", "family_name",
///                   "date_of_birth"]}: a record that is not archived has the same values (text
///                   compared without regard to ASCII case) → a warning naming its id
/// A rule with "section" applies to each entry of that section, naming its fields. Each rule
/// reports its error on one field (later, high, birth, field, the first of fields).
struct Rule {
  std::string kind;
  std::string section;
  std::vector<std::string> fields;
  std::string first, second;  ///< date_order: earlier/later; range_order: low/high; min_age_at: birth/at
  bool strict = false;
  std::optional<int> age;
  std::string age_parameter;
  std::string field, when;     ///< required_if
  std::vector<Json> in;        ///< required_if: values of `when` (JSON encoding)
  std::string message;         ///< optional message for people
};

/// A declared move of a record from one state to another (DESIGN.md §5: statuses of record
/// types with a workflow change only through transitions).
struct Transition {
  std::string name;
  Label label;
  std::vector<std::string> from;      ///< states it may start from
  std::string to;                     ///< the state it leads to
  std::vector<std::string> fields;    ///< fields it may set (besides the status)
  std::vector<std::string> requires_; ///< fields that must have a value after it
  std::vector<std::string> clears;    ///< fields it empties (e.g. an inactivity reason)
};

/// The state machine of a record type. The states are the codes of the status field's code
/// list. The workflow issue adds roles, deadlines and letters to transitions.
struct Workflow {
  std::string status_field;   ///< code field holding the state; set only by the engine
  std::string outcome_field;  ///< code field set only by transitions (the closing outcome)
  std::string initial;        ///< state of a new record
  std::string date_field;     ///< date field giving the initial state's effective date
  std::vector<std::string> states;
  std::vector<Transition> transitions;
  [[nodiscard]] const Transition* transition(std::string_view name) const;
};

struct RecordType {
  std::string name;
  Label label;
  std::string description;
  std::string source;  ///< where in the seed the record type comes from (form number...)
  /// The organisational section whose work the records are (employment_services...); empty for
  /// registers every section shares (employers, workplaces).
  std::string org_section;
  std::vector<Field> fields;
  std::vector<Section> sections;
  std::vector<Rule> rules;
  std::optional<Workflow> workflow;
  [[nodiscard]] const Field* field(std::string_view name) const;
  [[nodiscard]] const Section* section(std::string_view name) const;
};

struct Code {
  std::string code;
  std::string parent;
  int level = 1;
  Label label;
  bool active = true;  ///< false: deprecated by the pack (kept valid on old records)
};

struct CodeList {
  std::string name;
  Label label;
  std::string source;
  std::string attribution;
  bool provided_by_profile = false;  ///< the pack only names it; the profile supplies codes
  std::vector<Code> codes;
};

/// An organisational section of the Department of Labour (industrial relations, inspections...).
struct OrgSection {
  std::string name;
  Label label;
};

/// How far a grant reaches: the records a user created (own), the record types of the user's
/// section (section; shared registers count as everyone's section), or every record (all).
enum class Scope { none = 0, own = 1, section = 2, all = 3 };

/// Actions on records that grants name. "transition" allows every transition of a type;
/// "transition:<name>" one of them.
inline constexpr const char* kRecordActions[] = {"create", "read",   "read_personal", "update",
                                                  "archive", "export", "transition"};
/// Permissions that do not concern one record type.
inline constexpr const char* kSystemPermissions[] = {"users", "code_lists", "audit",
                                                      "service_keys"};

/// A grant of a role: actions on record types within a scope. Empty lists mean "every".
struct Grant {
  std::vector<std::string> record_types;
  std::vector<std::string> actions;
  Scope scope = Scope::all;
};

/// A role users hold (DESIGN.md §5: permissions are enforced by the library in every face).
struct Role {
  std::string name;
  Label label;
  std::string description;
  std::vector<std::string> system;  ///< permissions from kSystemPermissions
  std::vector<Grant> grants;
  /// Partner agencies see only their own agency's data series (the indicator issue's series);
  /// a role with an agency scope holds no record grants.
  bool agency = false;
};

/// Account rules of a country (profile "security"; defaults when absent).
struct SecurityPolicy {
  int password_min_length = 8;
  int password_history = 5;     ///< a new password may not be one of the last N
  int lockout_attempts = 5;     ///< consecutive failures that lock an account
  int lockout_minutes = 15;     ///< how long the lock lasts
};

struct LegalParameter {
  Json value;
  std::string unit;
  std::string source;
  bool verified = false;
  std::string note;
};

/// The Department of Labour as it appears on letterheads.
struct Department {
  Label name;
  std::vector<std::string> address;  ///< lines
  std::string telephone, email;
  std::string source;
  bool verified = false;
};

struct Profile {
  std::string iso3;
  Label name;
  std::string currency;
  std::vector<std::string> languages;
  std::string time_zone;
  std::map<std::string, LegalParameter> legal;
  std::vector<CodeList> code_lists;
  std::optional<Department> department;
  /// Country extension fields by record type, named x_<iso3 in lower case>_<name>.
  std::map<std::string, std::vector<Field>> extensions;
  /// Country roles (named x_<iso3>_<name>), added to the pack's.
  std::vector<Role> roles;
  SecurityPolicy security;
  std::string hash;                            ///< SHA-256 over the profile's files
  std::map<std::string, std::string> files;    ///< relative path → content
};

struct Pack {
  std::string name;
  std::string version;
  Label title;
  std::vector<CodeList> code_lists;
  std::vector<RecordType> record_types;
  std::vector<OrgSection> sections;          ///< organisational sections
  std::vector<Role> roles;
  std::string hash;                          ///< SHA-256 over the pack's files
  std::map<std::string, std::string> files;  ///< relative path → content

  [[nodiscard]] const RecordType* record_type(std::string_view name) const;
  [[nodiscard]] const CodeList* code_list(std::string_view name) const;
  [[nodiscard]] const Role* role(std::string_view name) const;
  [[nodiscard]] bool has_section(std::string_view name) const;
};

/// Where pack and profile files come from, by path relative to the data root
/// ("packs/standard/pack.json", "countries/KNA.json", "classifications/isic4.csv").
class DataSource {
 public:
  virtual ~DataSource() = default;
  /// The file's content, or nullopt if there is none.
  [[nodiscard]] virtual std::optional<std::string> read(const std::string& rel) const = 0;
  /// How to name the file in messages.
  [[nodiscard]] virtual std::string describe(const std::string& rel) const = 0;
};

/// The data/ tree embedded in the library at build time.
std::unique_ptr<DataSource> embedded_source();
/// A directory laid out like data/.
std::unique_ptr<DataSource> directory_source(std::string root);
/// Files held in memory (e.g. the copies stored in a database).
std::unique_ptr<DataSource> memory_source(std::map<std::string, std::string> files,
                                          std::string label);

/// The pack as a country uses it: the profile's extension fields appended to their record types
/// and its roles added.
Pack with_extensions(Pack pack, const Profile& profile);

/// Compares two semantic versions "MAJOR.MINOR.PATCH": negative, zero or positive.
int compare_versions(const std::string& a, const std::string& b);

/// The names of the country profiles a source has (ISO3 codes).
std::vector<std::string> list_profiles(const DataSource& src);

/// Loads and checks a pack. Throws PackError (file, JSON path, reason) or NotFound.
Pack load_pack(const DataSource& src, const std::string& name = "standard");
/// Loads and checks a country profile against the pack it will be used with.
Profile load_profile(const DataSource& src, const std::string& iso3, const Pack& pack);

/// True for names usable as SQL identifiers and JSON keys: [a-z][a-z0-9_]*, no "__", not
/// starting with "clmis_" or "sqlite_", at most 48 characters.
bool valid_name(std::string_view s);

}  // namespace clmis::pack
