#include "records/rules.hpp"

#include "core/dates.hpp"
#include "core/text.hpp"

#include <boost/multiprecision/cpp_int.hpp>

#include <algorithm>

namespace clmis::detail {

namespace {

/// A date or time as seconds since the epoch (a date is its midnight), or nullopt for no value.
std::optional<std::int64_t> instant(const Value& v) {
  if (auto* d = std::get_if<Date>(&v)) return DateTime{*d}.time_since_epoch().count();
  if (auto* t = std::get_if<DateTime>(&v)) return t->time_since_epoch().count();
  return std::nullopt;
}

/// An amount as (units, scale, currency) for range_order.
struct Amount {
  boost::multiprecision::int128_t units;
  int scale;
  std::string currency;
};
std::optional<Amount> amount(const Value& v) {
  if (auto* i = std::get_if<std::int64_t>(&v)) return Amount{*i, 0, ""};
  if (auto* d = std::get_if<Decimal>(&v)) return Amount{d->units, d->scale, ""};
  if (auto* m = std::get_if<Money>(&v)) return Amount{m->minor, 0, m->currency};
  return std::nullopt;
}

/// What one rule checks against: the record (or one entry of a section), where its errors go.
struct Scope {
  Context& cx;
  const pack::RecordType& t;
  const pack::Rule& rule;
  const Values& vals;
  const Values& record;  ///< the record's own values (vals itself for a record rule)
  std::string prefix;  ///< "" or "<section>[i]."
  std::int64_t self;
  std::vector<FieldError>& errors;
  Warnings* warnings;

  bool has_error(const std::string& field) const {
    if (errors.empty()) return false;  // most records: no path to build
    const std::string path = prefix + field;
    return std::any_of(errors.begin(), errors.end(), [&](const FieldError& e) { return e.path == path; });
  }
  void fail(const std::string& field, const std::string& message) const {
    errors.push_back({t.name, prefix + field, encode_value(value_of(vals, field)), std::string(rule.kind()),
                      rule.message.empty() ? message : rule.message});
  }
  /// The rule's key fields and their values, or nullopt when one has no value or an error (the
  /// rule then does not apply).
  std::optional<store::Match> key(const std::vector<std::string>& names) const {
    store::Match m;
    m.key = &rule;
    m.fields.reserve(names.size());
    m.values.reserve(names.size());
    for (const auto& name : names) {
      const Value& v = value_of(vals, name);
      if (is_null(v) || has_error(name)) return std::nullopt;
      m.fields.push_back(t.field(name));
      m.values.push_back(&v);
    }
    m.self = self;
    return m;
  }
};

void check(const Scope& s, const pack::rules::DateOrder& r) {
  const bool record_error =
      r.earlier_on_record && std::any_of(s.errors.begin(), s.errors.end(), [&](const FieldError& e) { return e.path == r.earlier; });
  if ((r.earlier_on_record ? record_error : s.has_error(r.earlier)) || s.has_error(r.later)) return;
  auto a = instant(value_of(r.earlier_on_record ? s.record : s.vals, r.earlier)), b = instant(value_of(s.vals, r.later));
  if (a && b && (r.strict ? !(*a < *b) : !(*a <= *b)))
    s.fail(r.later, r.later + " must be " + (r.strict ? "after " : "on or after ") +
                        (r.earlier_on_record ? "the " + s.t.name + "'s " + r.earlier : r.earlier));
}

void check(const Scope& s, const pack::rules::RangeOrder& r) {
  if (s.has_error(r.low) || s.has_error(r.high)) return;
  auto a = amount(value_of(s.vals, r.low)), b = amount(value_of(s.vals, r.high));
  if (!a || !b) return;
  if (a->currency != b->currency) {
    s.fail(r.high, r.low + " and " + r.high + " must be in the same currency");
    return;
  }
  // Bring both to one scale exactly (at most 18 + 18 digits: 128 bits cannot overflow).
  boost::multiprecision::int128_t x = a->units, y = b->units;
  for (int k = a->scale; k < b->scale; ++k) x *= 10;
  for (int k = b->scale; k < a->scale; ++k) y *= 10;
  if (r.strict ? !(x < y) : !(x <= y))
    s.fail(r.high, r.high + " must be " + (r.strict ? "more than " : "at least ") + r.low);
}

void check(const Scope& s, const pack::rules::MinAgeAt& r) {
  if (s.has_error(r.birth) || (!r.at.empty() && s.has_error(r.at))) return;
  const auto* birth = std::get_if<Date>(&value_of(s.vals, r.birth));
  if (!birth) return;
  std::optional<Date> at;
  if (r.at.empty()) {
    at = s.cx.clock.today();
  } else {
    const Value& v = value_of(s.vals, r.at);
    if (auto* d = std::get_if<Date>(&v)) at = *d;
    else if (auto* dt = std::get_if<DateTime>(&v)) at = date::floor<date::days>(*dt);
  }
  if (!at) return;
  int min_age = r.age.value_or(0);
  std::string source;
  const std::string where = r.at.empty() ? "today" : r.at;
  if (!r.age_parameter.empty()) {
    auto lp = s.cx.profile.legal.find(r.age_parameter);
    if (lp == s.cx.profile.legal.end()) {
      // The profile declares the age missing (docs/countries.md): no age is checked, and the
      // write says so rather than pretend a minimum was applied.
      if (*birth > *at) s.fail(r.birth, r.birth + " is after " + where);
      else if (s.warnings)
        s.warnings->push_back({s.t.name, s.prefix + r.birth, "min_age_at",
                               "the age at " + where + " is not checked: " + r.age_parameter + " of " +
                                   s.cx.profile.iso3 + " is missing from the country profile (clmis profile check)",
                               {}, r.age_parameter});
      return;
    }
    min_age = static_cast<int>(lp->second.value.get<std::int64_t>());
    source = " (" + r.age_parameter + " of " + s.cx.profile.iso3 + (lp->second.verified ? "" : ", not yet verified") + ")";
  }
  if (*birth > *at) s.fail(r.birth, r.birth + " is after " + where);
  else if (age_in_years(*birth, *at) < min_age)
    s.fail(r.birth, "must be at least " + std::to_string(min_age) + " years old at " + where + source);
}

void check(const Scope& s, const pack::rules::RequiredIf& r) {
  if (s.has_error(r.field) || s.has_error(r.when)) return;
  const Json when = encode_value(value_of(s.vals, r.when));
  if (std::find(r.in.begin(), r.in.end(), when) == r.in.end()) return;
  if (is_null(value_of(s.vals, r.field)))
    s.fail(r.field, r.field + " is required when " + r.when + " is " +
                        (when.is_string() ? when.get<std::string>() : when.dump()));
}

void check(const Scope& s, const pack::rules::PossibleDuplicate& r) {
  if (!s.warnings) return;
  auto m = s.key(r.fields);
  if (!m) return;
  m->ignore_case = true;
  m->limit = 10;
  if (s.prefix.empty()) {
    m->dup = &r;
    m->rule = &s.rule;
  }
  auto found = store::find_matching(s.cx.conn, s.t, *m);
  if (found.empty()) return;
  std::string message = s.rule.message;
  if (message.empty())
    message = "possible duplicate: " + s.t.name + " " + std::to_string(found.front()) + " has the same " + join(r.fields);
  s.warnings->push_back({s.t.name, r.fields.front(), "possible_duplicate", std::move(message), std::move(found), {}});
}

void check(const Scope& s, const pack::rules::UniqueActive& r) {
  // A closed record holds nothing: editing it after the person registered again is fine.
  const auto& wf = s.t.workflow;
  if (wf) {
    const auto* st = std::get_if<Code>(&value_of(s.vals, wf->status_field));
    if (st && st->value == "closed") return;
  }
  auto m = s.key(r.fields);
  if (!m) return;
  // With a workflow, a closed record is no longer active (a job seeker who found work may
  // register again).
  if (wf) m->closed_status_field = wf->status_field;
  if (s.prefix.empty()) m->rule = &s.rule;
  const auto found = store::find_matching(s.cx.conn, s.t, *m);
  if (!found.empty())
    s.fail(r.fields.front(), "another " + s.t.name + " (id " + std::to_string(found.front()) +
                                 ") that is not archived has the same " + join(r.fields));
}

}  // namespace

void check_rules(Context& cx, const pack::RecordType& t, const Values& fields, const Sections& sections,
                 std::int64_t self, std::vector<FieldError>& errors, Warnings* warnings) {
  for (const auto& rule : t.rules) {
    // The entries the rule looks at: the record itself, or each entry of its section.
    if (rule.section.empty()) {
      const Scope s{cx, t, rule, fields, fields, "", self, errors, warnings};
      std::visit([&](const auto& k) { check(s, k); }, rule.check);
    } else if (auto it = sections.find(rule.section); it != sections.end()) {
      for (size_t i = 0; i < it->second.size(); ++i) {
        const Scope s{cx, t, rule, it->second[i], fields, rule.section + "[" + std::to_string(i) + "].", self, errors,
                      warnings};
        std::visit([&](const auto& k) { check(s, k); }, rule.check);
      }
    }
  }
}

void check_rules_merged(Context& cx, const pack::RecordType& t, const store::StoredRecord& cur, const Input& in,
                        std::int64_t self, std::vector<FieldError>& errors, Warnings* warnings) {
  Values fields = cur.fields;
  for (const auto& [k, v] : in.fields) fields[k] = v;
  auto sections = cur.sections;
  for (const auto& [k, v] : in.sections) sections[k] = v;
  // Warn about possible duplicates only when a field they compare is being changed.
  bool touched = false;
  for (const auto& rule : t.rules)
    if (const auto* pd = std::get_if<pack::rules::PossibleDuplicate>(&rule.check))
      for (const auto& f : pd->fields) {
        auto given = in.fields.find(f);
        if (given != in.fields.end() && !(given->second == value_of(cur.fields, f))) touched = true;
      }
  check_rules(cx, t, fields, sections, self, errors, touched ? warnings : nullptr);
}

}  // namespace clmis::detail
