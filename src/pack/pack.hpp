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
#include <regex>
#include <string>
#include <variant>
#include <vector>

namespace clmis::pack {

/// Labels by language code ("en", "nl", "es"); English is the fallback.
struct Label {
  std::map<std::string, std::string> text;
  [[nodiscard]] const std::string& get(const std::string& lang) const;
  [[nodiscard]] Json to_json() const;
};

/// The scale of a money field's min and max: 4 decimal places, enough for every ISO 4217
/// currency's minor unit (at most 4).
inline constexpr int kMoneyBoundScale = 4;

/// A money bound as people write it: "0", "12.5" (trailing zeros of the 4 places dropped).
inline std::string money_bound_text(const Decimal& d) {
  std::string s = d.str();
  if (s.find('.') != std::string::npos) {
    while (s.back() == '0') s.pop_back();
    if (s.back() == '.') s.pop_back();
  }
  return s;
}

/// A field clmis computes (pack "computed", docs/workflows.md "Computed fields"): a function of
/// the workflow layer over other fields of the record — or, for a section's field, of its entry —
/// stored with the record and computed again by every write that changes an input. A user does
/// not set it; an officer may override a record's computed field with a reason (audited), and
/// clear the override to have it computed again. The functions (kComputedFunctions) and their
/// arguments are a fixed set, checked when the pack is loaded:
///   working_days_times_workers  {"from": date, "to": date, "workers": [integer...]} → integer:
///       the workers' sum times the working days from..to inclusive on the country's calendar
///       (weekends, public holidays and proclaimed days off excluded); none while to is unknown
///   sum_fields  {"fields": [integer...]} → integer: their sum (a missing value counts 0)
///   count       {"section": s} → integer: the entries of the section
///   sum         {"section": s, "field": f} → integer or money: f over the section's entries
///   severance   (a section's field) {"years": integer, "months": integer?, "weekly_pay": money}
///       → money: the profile's legal parameter "severance" applied to the entry
struct Computed {
  std::string function;
  std::map<std::string, std::string> args;                ///< argument → a field or section name
  std::map<std::string, std::vector<std::string>> lists;  ///< argument → field names (workers, fields)
  std::vector<std::string> inputs;  ///< every field and section it reads, for "what changed"
  bool calendar = false;            ///< reads the country calendar (proclaimed days change it)
  std::string parameter;            ///< the profile's legal parameter it applies ("" for none)
};

/// A computed field's function as the pack may name it: its arguments, what it gives.
struct ComputedFunction {
  struct Arg {
    std::string name;
    /// What the argument names: a field of these types (of the record, or of the entry for an
    /// entry function), or a section of the record.
    std::vector<FieldType> types;
    bool section = false;
    bool list = false;      ///< several fields (a JSON array of names)
    bool optional = false;
    bool of_section = false;  ///< a field of the section named by the argument "section"
  };
  std::string name;
  bool entry = false;  ///< computed per entry of a section (the field is a section's)
  std::vector<Arg> args;
  std::vector<FieldType> results;
  bool calendar = false;
  std::string parameter;  ///< the profile's legal parameter it applies
  [[nodiscard]] const Arg* arg(std::string_view n) const {
    for (const auto& a : args)
      if (a.name == n) return &a;
    return nullptr;
  }
  [[nodiscard]] std::string results_text() const;
};
/// The functions of computed fields (docs/workflows.md, "Computed fields").
extern const std::vector<ComputedFunction> kComputedFunctions;
/// The function of that name, or nullptr.
[[nodiscard]] const ComputedFunction* computed_function(std::string_view name);

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
  std::optional<Decimal> min, max;     ///< integer/decimal/money: range (integers at scale 0,
                                       ///< money in units of its currency at scale 4)
  std::optional<Date> min_date, max_date;  ///< date: the earliest and latest date allowed
  std::string pattern;                 ///< text: ECMAScript regular expression (whole value)
  std::string pattern_parameter;       ///< text: the pattern is this legal parameter of the profile
  std::string assigned_prefix;         ///< text assigned by clmis on create: prefix ...
  int assigned_digits = 0;             ///< ... and at least this many digits (0 = not assigned)
  Json default_value;                  ///< applied on create when the field is absent
  bool index = false;                  ///< create an index (references always get one)
  bool personal = false;               ///< personal data (masking, security issue)
  bool history = false;                ///< every change is a dated history row
  bool extension = false;              ///< a country extension field (x_<iso3>_<name>)
  std::optional<Computed> computed;    ///< computed by clmis (see Computed)
  /// The compiled pattern (of `pattern`, or of the profile's `pattern_parameter` once the pack
  /// is combined with a profile by with_extensions); null when the field has none.
  std::shared_ptr<const std::regex> regex;

  [[nodiscard]] bool assigned() const { return assigned_digits > 0; }
  [[nodiscard]] ValueSpec spec() const { return ValueSpec{type, scale, currencies}; }
  /// The names of the columns the field is stored in: its name, or <name>_minor and
  /// <name>_currency for money, or <name>_e<scale> for a decimal (the scale in the name, so a
  /// change of scale can never reinterpret stored units). The one place this naming lives.
  [[nodiscard]] std::vector<std::string> columns() const;
};

/// A column every record has, set by clmis (DESIGN.md §5 "Records"). Declared once, here: the
/// pack refuses fields named like them, the store creates them, the record API sets them and
/// schema() lists them ("system_fields").
struct SystemField {
  const char* name;
  FieldType type;     ///< as the record JSON shows it (created_by: the user's name, text)
  bool user;          ///< stored as a user id, shown as the user's name
  bool nullable;      ///< may be null
  bool queryable;     ///< a query may filter and sort on it
  const char* description;
};
inline constexpr SystemField kSystemFields[] = {
    {"id", FieldType::integer, false, false, true, "the record's number, never reused"},
    {"version", FieldType::integer, false, false, true,
     "1 when created, one more at every change; updates name the version they read"},
    {"created_at", FieldType::datetime, false, false, true, "when the record was created (UTC)"},
    {"created_by", FieldType::text, true, false, false, "the user who created it"},
    {"updated_at", FieldType::datetime, false, false, true, "when it last changed (UTC)"},
    {"updated_by", FieldType::text, true, false, false, "the user who last changed it"},
    {"external_id", FieldType::text, false, true, true,
     "the record's key in another system, unique per record type (upsert)"},
    {"archived", FieldType::boolean, false, false, false,
     "archived (the seed's Delete): kept, but left out of queries unless include_archived"},
    {"archive_reason", FieldType::text, false, true, false, "why it was archived"},
};
/// The system columns of a section's table, besides its id.
inline constexpr const char* kSectionSystemColumns[] = {"parent_id", "item_no"};
/// True for the names of kSystemFields and kSectionSystemColumns.
bool is_system_name(std::string_view name);
/// The system field of that name, or null.
const SystemField* system_field(std::string_view name);

struct Section {
  std::string name;
  Label label;
  std::string description;
  int max_items = 100;
  /// The fewest entries a record has (a dispute names at least one union): 0, or up to
  /// max_items. Checked when a record is created and whenever the section is given.
  int min_items = 0;
  std::vector<Field> fields;
  [[nodiscard]] const Field* field(std::string_view name) const;
};

/// The record-level validation rules (DESIGN.md §5: a fixed set, not an expression language),
/// one type per kind. Field-level rules (required, type, code_list, reference, range, pattern,
/// length) are properties of the Field; these relate several fields. Each reports its error on
/// one field (later, high, birth, field, the first of fields).
namespace rules {
/// {"kind": "unique_active", "fields": ["nis_number"]}: no other record of the type that is not
/// archived (nor closed, with a workflow) has the same values.
struct UniqueActive {
  std::vector<std::string> fields;
};
/// {"kind": "possible_duplicate", "fields": ["first_name", "family_name", "date_of_birth"]}: a
/// record that is not archived has the same values (text compared without regard to ASCII
/// case) → a warning naming its id, never a refusal.
struct PossibleDuplicate {
  std::vector<std::string> fields;
};
/// {"kind": "date_order", "earlier": "from", "later": "to"}: earlier <= later (< with "strict":
/// true); either may be a date or datetime. In a rule of a section, "earlier" may name a field
/// of the record when the section has none of that name: each entry's date is then on or after
/// the record's (a hearing not before the complaint was received).
struct DateOrder {
  std::string earlier, later;
  bool strict = false;
  bool earlier_on_record = false;  ///< earlier is the record's field, later the entry's
};
/// {"kind": "range_order", "low": "wage_min", "high": "wage_max"}: low <= high (integers,
/// decimals, or money of one currency).
struct RangeOrder {
  std::string low, high;
  bool strict = false;
};
/// {"kind": "min_age_at", "birth": "date_of_birth", "at": "registration_date", "age": 16 |
/// "age_parameter": "minimum_working_age"}: the age in whole years at `at` (today when absent)
/// is at least the age.
struct MinAgeAt {
  std::string birth, at;
  std::optional<int> age;
  std::string age_parameter;
};
/// {"kind": "required_if", "field": "outcome", "when": "status", "in": ["closed"]}: field has a
/// value whenever `when` has one of the listed values (JSON encoding).
struct RequiredIf {
  std::string field, when;
  std::vector<Json> in;
};
}  // namespace rules

/// A declared rule: its kind (one of the types above), and where it applies. A rule with
/// "section" applies to each entry of that section, naming its fields.
struct Rule {
  std::variant<rules::UniqueActive, rules::PossibleDuplicate, rules::DateOrder, rules::RangeOrder,
               rules::MinAgeAt, rules::RequiredIf>
      check;
  std::string section;
  std::string message;  ///< optional message for people
  /// The kind's name in packs: "unique_active", "date_order"...
  [[nodiscard]] std::string_view kind() const;
};

/// A declared move of a record from one state to another (DESIGN.md §5: statuses of record
/// types with a workflow change only through transitions).
/// What a transition does besides moving the state and setting its fields, in the same
/// transaction (docs/workflows.md, "Effects"): "assign": "actor" — the case goes to the user who
/// takes the transition when nobody has it; "pause", "resume", "clear": "<deadline id>" — that
/// deadline of the case, when it is running (a pause or clear keeps "transition <name>" as its
/// reason); "letter": "<letter id>" — that letter of the record type, rendered as HTML in the
/// country's first language it is written in and stored with the case.
struct Effect {
  enum class Kind { assign, pause, resume, clear, letter } kind = Kind::assign;
  std::string target;  ///< "actor" (assign), a deadline id, or a letter id
};

struct Transition {
  std::string name;
  Label label;
  std::vector<std::string> from;      ///< states it may start from
  std::string to;                     ///< the state it leads to
  std::vector<std::string> fields;    ///< fields it may set (besides the status)
  std::vector<std::string> requires_; ///< fields that must have a value after it
  std::vector<std::string> clears;    ///< fields it empties (e.g. an inactivity reason)
  std::vector<Effect> effects;        ///< in the order declared
};

/// A statutory time limit of a case (docs/workflows.md): started by an event, met by another,
/// counted in working or calendar days on the country's calendar. Events: "created" (the
/// record, on its workflow date field), a transition's name (on its effective date),
/// "field:<date field>" (the date entered in that field), "section:<section>.<date field>" (an
/// entry added to the section, on its date). The pack's length is a permissive default; a
/// country profile overrides it ("deadlines" in the profile) with its legal source.
/// {"field": "workers_affected", "at_least": 5}: a deadline that binds only while an integer
/// field of the record holds at least that number (a statute's threshold).
struct DeadlineCondition {
  std::string field;
  std::int64_t at_least = 0;
};

struct Deadline {
  std::string id;  ///< "<record type>.<name>", e.g. complaint.acknowledge
  Label label;
  std::vector<std::string> starts;  ///< events that start it (again, once met or cleared)
  std::vector<std::string> met_by;  ///< events that meet it
  /// months: only for a deadline counted back from a date ("before").
  enum class Unit { working_days, calendar_days, months } unit = Unit::working_days;
  int length = 0;
  std::string source;
  bool verified = false;
  std::string note;
  bool from_profile = false;  ///< the length, unit and source are the country profile's
  /// A date field of the record the deadline is counted back from: it falls `length` units
  /// before that date (a notice given a month before a redundancy takes effect). Such a
  /// deadline is never paused or extended; when the date changes, it is counted again.
  std::string before;
  /// Declared by the pack without a length: it runs only in a country whose profile gives one.
  bool per_profile = false;
  /// When present, the deadline starts (and keeps running) only while the condition holds.
  std::optional<DeadlineCondition> applies_when;
  /// Whether it runs in this country: not a per_profile deadline the profile left out.
  [[nodiscard]] bool active() const { return !per_profile || from_profile; }
  /// "working_days", "calendar_days" or "months", as packs write it.
  [[nodiscard]] const char* unit_name() const {
    return unit == Unit::working_days ? "working_days" : unit == Unit::calendar_days ? "calendar_days" : "months";
  }
};

/// Limits on the documents attached to records (docs/workflows.md, "Attachments"): the largest
/// size and the media types accepted, each recognised from the content (never from the name
/// alone). Declared in the pack ("attachments"); a country profile may override them with its
/// source. A pack that declares none has these defaults.
struct AttachmentLimits {
  static constexpr std::int64_t kDefaultMaxSize = std::int64_t{10} * 1024 * 1024;  ///< 10 MiB
  static constexpr std::int64_t kLargestMaxSize = std::int64_t{100} * 1024 * 1024;  ///< 100 MiB
  std::int64_t max_size = kDefaultMaxSize;
  std::vector<std::string> media_types = {"application/pdf", "image/jpeg", "image/png", "image/tiff", "text/plain"};
  std::string source;         ///< who set them (the pack's note, or the country's decision)
  std::string note;
  bool from_profile = false;  ///< the country profile's
};

/// The media types clmis recognises from a document's content (workflow/documents.cpp), in the
/// order they are documented; the only ones a pack or profile may allow.
const std::vector<std::string>& recognised_media_types();

/// The state machine of a record type. The states are the codes of the status field's code
/// list. The workflow issue adds roles, deadlines and letters to transitions.
struct Workflow {
  std::string status_field;   ///< code field holding the state; set only by the engine
  std::string outcome_field;  ///< code field set only by transitions (the closing outcome)
  std::string initial;        ///< state of a new record
  std::string date_field;     ///< date field giving the initial state's effective date
  std::vector<std::string> states;
  std::vector<Transition> transitions;
  std::vector<Deadline> deadlines;
  [[nodiscard]] const Transition* transition(std::string_view name) const;
  [[nodiscard]] const Deadline* deadline(std::string_view id) const;
};

/// The languages letters can be written in: those whose dates and amounts clmis can write out
/// (workflow/letters.cpp). English is required of every letter.
inline constexpr const char* kLetterLanguages[] = {"en", "nl", "es"};
/// Who a letter is addressed to, for templates shared by several letters ({{#to.employer}}).
inline constexpr const char* kLetterAddressees[] = {"complainant", "employer"};

/// A letter a record type declares (docs/workflows.md, "Letters"): one mustache template per
/// language, each producing both the HTML and the plain-text document.
struct Letter {
  std::string id;  ///< "<record type>.<name>", e.g. complaint.acknowledgement
  Label label;
  std::string to;  ///< the addressee (kLetterAddressees) or "" — {{#to.<addressee>}} in templates
  std::map<std::string, std::string> templates;  ///< language → template text
  std::map<std::string, std::string> files;      ///< language → file (relative to data/)
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
  std::vector<Letter> letters;
  [[nodiscard]] const Field* field(std::string_view name) const;
  [[nodiscard]] const Letter* letter(std::string_view id) const;
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
/// "transition:<name>" one of them. "letter" produces a record's letters (with read).
inline constexpr const char* kRecordActions[] = {"create", "read",   "read_personal", "update", "archive",
                                                  "export", "transition", "assign", "letter"};
/// Permissions that do not concern one record type.
inline constexpr const char* kSystemPermissions[] = {"users", "code_lists", "audit",
                                                      "service_keys", "backup",
                                                      "series"};  // every agency's data series (issue 17)

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
  std::string paper = "A4";  ///< the letters' paper: "A4" or "letter" (the HTML's @page size)
  std::string source;
  bool verified = false;
};

/// A country's public holidays, for counting working days (profile "calendar": a file under
/// data/calendars/; docs/calendars.md). The rule kinds are fixed here; a country declares its
/// rules, each with its legal source.
namespace calendar {

/// Days of the week, Monday = 0 ... Sunday = 6.
enum class Weekday : unsigned { mon = 0, tue, wed, thu, fri, sat, sun };
/// "Mon".."Sun".
[[nodiscard]] const char* weekday_name(Weekday w) noexcept;

enum class Kind {
  fixed,                ///< month, day
  easter,               ///< offset days from Western Easter Sunday
  nth_weekday,          ///< the n-th weekday of month (n = -1: the last), plus offset_days
  weekday_on_or_after,  ///< the first weekday on or after month/day
  relative,             ///< offset days from another rule's date that year (to)
  proclaimed,           ///< a date fixed each year by notice: none can be computed
  conditional,          ///< a holiday that depends on an event (proclaimed when it happens)
  inactive,             ///< in the statute, not observed: produces no date
};
[[nodiscard]] const char* kind_name(Kind k) noexcept;

/// What the law makes of a rule.
enum class Status {
  statutory,                  ///< in the law's schedule
  proclaimed_annually,        ///< not in the schedule, proclaimed every year
  statutory_date_proclaimed,  ///< in the law, with the date set by a yearly notice
  statutory_conditional,      ///< in the law, dependent on an event
  customary,                  ///< not a holiday in law, but widely closed
  inactive,                   ///< in the statute, not observed
};
[[nodiscard]] const char* status_name(Status s) noexcept;

struct NameOverTime {
  int from_year = -32768, to_year = 32767;  ///< inclusive
  Label name;
};

struct Rule {
  std::string id;
  Label name;
  std::vector<NameOverTime> names_over_time;
  Kind kind = Kind::fixed;
  Status status = Status::statutory;
  unsigned month = 0, day = 0;
  int offset = 0;        ///< easter, relative: days
  int n = 0;             ///< nth_weekday: 1..5, or -1 for the last
  int offset_days = 0;   ///< nth_weekday: days after the n-th weekday
  Weekday weekday = Weekday::mon;
  std::string to;        ///< relative: the rule it follows
  std::string calendar;  ///< proclaimed: the calendar its date follows (islamic_lunar...), informative
  /// The years the rule applies in: [from, to] ranges (empty: every year).
  std::vector<std::pair<int, int>> periods;
  std::map<int, Date> year_overrides;  ///< dates moved by a past proclamation, by year
  std::map<int, Date> estimates;       ///< proclaimed: estimated dates by year, until proclaimed
  /// Substitution in "shift" calendars: weekday → days to the substitute (e.g. Sun → 1).
  std::map<Weekday, int> observed_shift;
  int observed_from_year = -32768;
  std::string source;
  bool verified = false;
  std::string note;

  /// True in a year of its validity.
  [[nodiscard]] bool valid_in(int year) const;
  /// The rule's name in a year (names_over_time), in lang with English as fallback.
  [[nodiscard]] const std::string& name_in(int year, const std::string& lang) const;
  /// True when its date must come from a notice each year (an estimate until then).
  [[nodiscard]] bool needs_proclamation() const {
    return status == Status::proclaimed_annually || status == Status::statutory_date_proclaimed ||
           kind == Kind::proclaimed;
  }
  /// True when it makes days off by law (customary days only if the calendar says so).
  [[nodiscard]] bool statutory() const { return status != Status::customary; }
};

/// A date the profile ships as proclaimed (a notice already seen).
struct Proclamation {
  std::string rule;
  Date date{};
  std::string source;
};

/// A one-off day off (an election victory, a state funeral...).
struct OneOff {
  Date date{};
  Label name;
  std::string source;
};

/// A flag of the calendar with its legal source.
struct Setting {
  bool value = false;
  std::string source;
  bool verified = false;
};

struct Calendar {
  std::vector<Weekday> weekend;
  /// How a holiday on a rest day or on another holiday moves: "shift" (each rule's
  /// observed_shift, no cascade) or "next_free_day" (every statutory holiday on a Sunday, and
  /// each one coinciding with another, gives the next day that is not a Sunday nor a holiday:
  /// Trinidad and Tobago's Act).
  enum class Substitution { shift, next_free_day } substitution = Substitution::shift;
  std::string substitution_summary, substitution_source;
  bool substitution_verified = false;
  Setting customary_days_off;      ///< customary days count as days off
  Setting deadlines_roll_forward;  ///< a deadline on a non-working day moves to the next working day
  std::vector<std::pair<std::string, std::string>> sources;  ///< (title, url)
  std::vector<Rule> rules;
  std::vector<Proclamation> proclaimed;
  std::vector<OneOff> one_off;
  std::string file;  ///< the file it was read from ("calendars/KNA.json")

  [[nodiscard]] const Rule* rule(std::string_view id) const;
};

}  // namespace calendar

struct Profile {
  std::string iso3;
  Label name;
  std::string currency;
  std::vector<std::string> languages;
  std::string time_zone;
  std::map<std::string, LegalParameter> legal;
  /// Legal parameters the profile declares missing ({"missing": true, "note": "..."}): no value
  /// is known and none is guessed (docs/countries.md, "Generic profiles"). They are not in
  /// `legal`, so the engine treats each as absent: a min_age_at rule on it is skipped with a
  /// warning, a pattern_parameter is not checked, a computed field on it is not computed.
  /// Name → note.
  std::map<std::string, std::string> missing_legal;
  std::vector<CodeList> code_lists;
  std::optional<Department> department;
  /// Country extension fields by record type, named x_<iso3 in lower case>_<name>.
  std::map<std::string, std::vector<Field>> extensions;
  /// Country roles (named x_<iso3>_<name>), added to the pack's.
  std::vector<Role> roles;
  SecurityPolicy security;
  /// Deadline overrides by id: the country's length, unit and legal source (docs/workflows.md).
  struct DeadlineOverride {
    Deadline::Unit unit = Deadline::Unit::working_days;
    int length = 0;
    std::string source, note;
    bool verified = false;
    std::optional<DeadlineCondition> applies_when;  ///< replaces the pack's when given
  };
  std::map<std::string, DeadlineOverride> deadlines;
  /// The country's limits on attachments, replacing the pack's (with its source).
  std::optional<AttachmentLimits> attachments;
  /// The country's own indicator definitions ("indicators": a list, checked against the pack
  /// when the profile loads): one with a pack indicator's id replaces it, others are added.
  Json indicators;
  /// The country's public holidays; absent when the profile declares none.
  std::shared_ptr<const calendar::Calendar> calendar;
  /// The profile declares its calendar missing ("calendar": {"missing": true, "note": "..."}):
  /// its note. calendar is then null: deadlines in working days count Saturday and Sunday only
  /// as days off, and the calendar operations are NotFound (docs/architecture.md §10).
  std::optional<std::string> calendar_missing;
  std::string hash;                            ///< SHA-256 over the profile's files
  std::map<std::string, std::string> files;    ///< relative path → content
};

struct IndicatorPackage;  // pack/indicators.hpp

struct Pack {
  std::string name;
  std::string version;
  Label title;
  std::vector<CodeList> code_lists;
  std::vector<RecordType> record_types;
  std::vector<OrgSection> sections;          ///< organisational sections
  std::vector<Role> roles;
  AttachmentLimits attachments;              ///< after with_extensions: the profile's, if any
  /// The indicator definitions (pack/indicators.hpp; the pack's "indicators" file), with the
  /// profile's after with_extensions; null for a pack that declares none.
  std::shared_ptr<const IndicatorPackage> indicators;
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
