// Automated letters (issue 15): rendered letters equal expected files written by hand
// (tests/fixtures/letters/, with the working in its README), values holding markup or mustache
// syntax come out as text, amounts are exact, bad input is refused with nothing changed
// (DESIGN.md §5), and the pack refuses templates that do not parse or lack English.
#include <catch2/catch.hpp>

#include "clmis/error.hpp"
#include "pack/pack.hpp"
#include "support.hpp"
#include "workflow/letters.hpp"

#include <algorithm>
#include <chrono>
#include <fstream>
#include <sstream>

using clmis::Json;

namespace {

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE(in);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string expected(const std::string& name) { return read_file(CLMIS_TEST_FIXTURES "/letters/" + name); }

/// 2025-06-16T12:00:00Z: 16 June in Basseterre and in Paramaribo.
clmis::Clock fixed_clock() {
  return [] {
    return std::chrono::sys_seconds{date::sys_days{date::year{2025} / 6 / 16}.time_since_epoch() + std::chrono::hours{12}};
  };
}

struct Country {
  test::TempDir dir;
  std::string path = dir.file("nlad.db");
  clmis::Database db;
  clmis::Session admin;
  Country(const std::string& iso3, const std::string& data_dir = {})
      : db(init(iso3, data_dir)), admin(db.login("admin", test::kPassword)) {}
  clmis::Database init(const std::string& iso3, const std::string& data_dir) {
    clmis::InitOptions o;
    o.country = iso3;
    o.admin_password = test::kPassword;
    o.clock = fixed_clock();
    o.data_dir = data_dir;
    return clmis::Database::init(path, o);
  }
  clmis::Session user(const std::string& name, const std::string& role, const std::string& section = "industrial_relations") {
    Json spec = {{"name", name}, {"password", "pw-long-" + name}, {"roles", {role}}, {"must_change_password", false}};
    if (!section.empty()) spec["section"] = section;
    admin.user_create(spec);
    return db.login(name, "pw-long-" + name);
  }
  std::string documents() { return test::raw_scalar(path, "SELECT count(*) FROM clmis_document"); }
};

Json money(const char* amount, const char* currency) { return Json{{"amount", amount}, {"currency", currency}}; }

/// The KNA complaint of the English fixture.
std::int64_t kna_complaint(Country& c) {
  const auto employer =
      c.admin.create("employer", Json{{"name", "Sugar Bay Hotel & Spa"}, {"isic_class", "5510"}, {"parish", "KN-03"}});
  return c.admin.create("complaint", Json{{"date_received", "2025-03-05"},
                                          {"first_name", "Keisha"},
                                          {"family_name", "Liburd"},
                                          {"sex", "F"},
                                          {"address", "12 Cayon Street, Basseterre"},
                                          {"employer", employer},
                                          {"claims", Json::array({Json{{"category", "unpaid_wages"},
                                                                       {"amount_claimed", money("1234.56", "XCD")}}})}});
}

}  // namespace

TEST_CASE("Letters: the English acknowledgement equals the expected files and is stored with the case", "[letters]") {
  Country c("KNA");
  const auto id = kna_complaint(c);
  auto officer = c.user("k.richards", "officer");
  const Json html = officer.letter("complaint", id, "complaint.acknowledgement", "en", "html");
  CHECK(html["content"].get<std::string>() == expected("acknowledgement.en.html"));
  CHECK(html["name"] == "complaint.acknowledgement");
  CHECK(html["lang"] == "en");
  CHECK(html["format"] == "html");
  CHECK(html["media_type"] == "text/html; charset=utf-8");
  CHECK(html["size"] == html["content"].get<std::string>().size());
  const Json text = officer.letter("complaint", id, "complaint.acknowledgement", "", "text");
  CHECK(text["content"].get<std::string>() == expected("acknowledgement.en.txt"));
  CHECK(text["lang"] == "en");  // KNA's first language
  CHECK(text["media_type"] == "text/plain; charset=utf-8");

  // Both are stored with the case (content and checksum) and audited without their content.
  CHECK(c.documents() == "2");
  const auto doc = std::to_string(text["document_id"].get<std::int64_t>());
  CHECK(test::raw_scalar(c.path, "SELECT kind || ' ' || name || ' ' || lang || ' ' || record_type || ' ' || record_id "
                                 "FROM clmis_document WHERE id = " + doc) ==
        "letter complaint.acknowledgement en complaint " + std::to_string(id));
  CHECK(test::raw_scalar(c.path, "SELECT sha256 FROM clmis_document WHERE id = " + doc) == text["sha256"]);
  CHECK(test::raw_scalar(c.path, "SELECT CAST(content AS TEXT) = " + std::string("(SELECT CAST(content AS TEXT) FROM "
                                 "clmis_document WHERE id = ") + doc + ") FROM clmis_document WHERE id = " + doc) == "1");
  CHECK(test::raw_scalar(c.path, "SELECT length(content) FROM clmis_document WHERE id = " + doc) ==
        std::to_string(text["content"].get<std::string>().size()));
  const std::string detail = test::raw_scalar(c.path, "SELECT detail FROM clmis_audit WHERE action = 'letter' ORDER BY id DESC LIMIT 1");
  const Json d = Json::parse(detail);
  CHECK(d["letter"] == "complaint.acknowledgement");
  CHECK(d["format"] == "text");
  CHECK(d["lang"] == "en");
  CHECK(d["sha256"] == text["sha256"]);
  CHECK(d["document_id"] == text["document_id"]);
  CHECK(detail.find("Keisha") == std::string::npos);  // not the content
  CHECK(test::raw_scalar(c.path, "SELECT count(*) FROM clmis_audit WHERE action = 'letter'") == "2");
}

TEST_CASE("Letters: a Dutch settlement statement with exact amounts equals the expected files", "[letters]") {
  Country c("SUR");
  const auto id = c.admin.create(
      "complaint",
      Json{{"date_received", "2025-03-05"},
           {"first_name", "Sharmila"},
           {"family_name", "Ramdin"},
           {"sex", "F"},
           {"address", "Keizerstraat 12, Paramaribo"},
           {"employer_name", "Houthandel De Boer N.V."},
           {"claims", Json::array({Json{{"category", "unpaid_wages"}, {"amount_claimed", money("1234567.89", "SRD")},
                                        {"amount_recovered", money("1234567.89", "SRD")}},
                                   Json{{"category", "overtime"}, {"amount_claimed", money("0.10", "SRD")},
                                        {"amount_recovered", money("0.10", "SRD")}},
                                   Json{{"category", "holiday_pay"}, {"amount_claimed", money("0.20", "SRD")},
                                        {"amount_recovered", money("0.20", "SRD")}},
                                   Json{{"category", "notice_pay"}, {"amount_claimed", money("1500.00", "SRD")}}})}});
  c.admin.transition("complaint", id, 1, "close",
                     Json{{"effective_date", "2025-06-13"},
                          {"fields", {{"outcome", "settled"},
                                      {"closed_note", "Betaald <script>alert(1)</script> & {{title}} {{{x}}}"}}}});
  auto officer = c.user("r.pinas", "officer");
  // No language: Suriname's first language, Dutch.
  const Json html = officer.letter("complaint", id, "complaint.settlement_statement");
  CHECK(html["lang"] == "nl");
  CHECK(html["content"].get<std::string>() == expected("settlement_statement.nl.html"));
  const Json text = officer.letter("complaint", id, "complaint.settlement_statement", "nl", "text");
  CHECK(text["content"].get<std::string>() == expected("settlement_statement.nl.txt"));
  // The English one exists too, with English labels and separators.
  const Json en = officer.letter("complaint", id, "complaint.settlement_statement", "en", "text");
  const auto e = en["content"].get<std::string>();
  CHECK(e.find("Unpaid wages") != std::string::npos);
  CHECK(e.find("SRD 1,236,068.19") != std::string::npos);
  CHECK(e.find("SRD 1,234,568.19") != std::string::npos);
  CHECK(c.documents() == "3");
  // The schema lists the letters a frontend can offer.
  const Json schema = c.admin.schema();
  for (const auto& t : schema["record_types"]) {
    if (t["name"] == "dispute") {  // pack 1.6.0: the dispute's two letters, to all parties (no "to")
      REQUIRE(t["letters"].size() == 2);
      CHECK(t["letters"][0]["id"] == "dispute.conciliation_invitation");
      CHECK(t["letters"][0]["to"] == nullptr);
      CHECK(t["letters"][1]["languages"] == Json::array({"en", "nl"}));
      continue;
    }
    if (t["name"] != "complaint") continue;  // the industrial action's and redundancy's: their own tests
    REQUIRE(t["letters"].size() == 6);
    CHECK(t["letters"][3]["id"] == "complaint.settlement_statement");
    CHECK(t["letters"][3]["label"]["nl"] == "Verklaring van schikking");
    CHECK(t["letters"][3]["to"] == "complainant");
    CHECK(t["letters"][3]["languages"] == Json::array({"en", "nl"}));
  }
}

TEST_CASE("Letters: one invitation template serves the employer and the complainant", "[letters]") {
  Country c("KNA");
  const auto id = kna_complaint(c);
  c.admin.update("complaint", id, 1,
                 Json{{"next_hearing_date", "2025-06-20"}, {"next_hearing_time", "10:00"},
                      {"next_hearing_place", "Labour Department, Church Street, Basseterre"}});
  auto flat = [](std::string t) {
    std::replace(t.begin(), t.end(), '\n', ' ');
    return t;
  };
  const auto employer = flat(c.admin.letter("complaint", id, "complaint.hearing_invitation_employer", "en", "text")["content"].get<std::string>());
  CHECK(employer.find("Sugar Bay Hotel & Spa  Our reference: CP-000001") != std::string::npos);  // the address block
  CHECK(employer.find("Dear Sir or Madam,") != std::string::npos);
  CHECK(employer.find("Keisha Liburd has lodged a complaint against your organisation, received on 5 March 2025") !=
        std::string::npos);
  CHECK(employer.find("You are invited to a hearing on 20 June 2025 at 10:00. Place: Labour Department, Church Street, "
                      "Basseterre.") != std::string::npos);
  CHECK(employer.find("employment records, pay slips") != std::string::npos);
  CHECK(employer.find("proof of identity") == std::string::npos);
  const auto worker = flat(c.admin.letter("complaint", id, "complaint.hearing_invitation_complainant", "en", "text")["content"].get<std::string>());
  CHECK(worker.find("Keisha Liburd 12 Cayon Street, Basseterre  Our reference") != std::string::npos);
  CHECK(worker.find("Dear Keisha Liburd,") != std::string::npos);
  CHECK(worker.find("Your complaint against Sugar Bay Hotel & Spa, received on 5 March 2025") != std::string::npos);
  CHECK(worker.find("proof of identity") != std::string::npos);
  CHECK(worker.find("Dear Sir or Madam") == std::string::npos);
  const auto nl = flat(c.admin.letter("complaint", id, "complaint.hearing_invitation_employer", "nl", "text")["content"].get<std::string>());
  CHECK(nl.find("Geachte heer, mevrouw,") != std::string::npos);
  CHECK(nl.find("op 20 juni 2025 om 10:00 uur.") != std::string::npos);
}

TEST_CASE("Letters: dates and money are written out per language and exactly", "[letters]") {
  using clmis::detail::letter_date;
  using clmis::detail::letter_money;
  using clmis::detail::letter_number;
  const clmis::Date d = date::sys_days{date::year{2025} / 3 / 5};
  CHECK(letter_date(d, "en") == "5 March 2025");
  CHECK(letter_date(d, "nl") == "5 maart 2025");
  CHECK(letter_date(d, "es") == "5 de marzo de 2025");
  const clmis::Date leap = date::sys_days{date::year{2024} / 2 / 29};
  CHECK(letter_date(leap, "en") == "29 February 2024");
  CHECK(letter_date(leap, "nl") == "29 februari 2024");
  CHECK(letter_date(date::sys_days{date::year{2026} / 12 / 31}, "es") == "31 de diciembre de 2026");
  CHECK(letter_money(clmis::Money{123450, "XCD"}, "en") == "XCD 1,234.50");
  CHECK(letter_money(clmis::Money{123450, "SRD"}, "nl") == "SRD 1.234,50");
  CHECK(letter_money(clmis::Money{123456789, "XCD"}, "en") == "XCD 1,234,567.89");
  CHECK(letter_money(clmis::Money{30, "TTD"}, "en") == "TTD 0.30");
  CHECK(letter_money(clmis::Money{-5, "XCD"}, "en") == "XCD -0.05");
  CHECK(letter_money(clmis::Money{1234, "JPY"}, "en") == "JPY 1,234");        // no minor unit
  CHECK(letter_money(clmis::Money{1234567, "CLP"}, "nl") == "CLP 1.234.567");  // no minor unit
  CHECK(letter_money(clmis::Money{INT64_MAX, "USD"}, "en") == "USD 92,233,720,368,547,758.07");
  CHECK(letter_number("-1234567.891", "nl") == "-1.234.567,891");
  CHECK(letter_number("999", "en") == "999");
  CHECK(letter_number("1000", "en") == "1,000");

  // Ten claims of 0.10 and 0.20 each through a letter: the totals are exact.
  Country c("KNA");
  Json claims = Json::array();
  for (int i = 0; i < 10; ++i)
    claims.push_back(Json{{"category", "other"}, {"amount_claimed", money("0.10", "XCD")}, {"amount_recovered", money("0.20", "XCD")}});
  const auto id = c.admin.create("complaint", Json{{"date_received", "2025-03-05"}, {"first_name", "Ann"}, {"family_name", "Hodge"},
                                                   {"sex", "F"}, {"employer_name", "X"}, {"claims", claims}});
  const auto t = c.admin.letter("complaint", id, "complaint.status_statement", "en", "text")["content"].get<std::string>();
  // Widths 5, 8, 9 ("Recovered"): "Total" + 2 + "XCD 1.00" + 2 + " XCD 2.00". (In binary floating
  // point ten times 0.1 adds up to 0.9999999999999999.)
  CHECK(t.find("\nTotal  XCD 1.00   XCD 2.00\n") != std::string::npos);
}

TEST_CASE("Letters: text fields holding markup or mustache syntax come out as text", "[letters]") {
  Country c("KNA");
  const std::string nasty = "<script>alert('x')</script> & {{title}} {{{x}}} {{#record}}y{{/record}} {{=<% %>=}}";
  const auto id = c.admin.create("complaint", Json{{"date_received", "2025-03-05"},
                                                   {"first_name", "<b>Ann</b>"},
                                                   {"family_name", "O'Neil & Sons"},
                                                   {"sex", "F"},
                                                   {"employer_name", "| not | a | table |"},
                                                   {"summary", nasty}});
  c.admin.transition("complaint", id, 1, "close",
                     Json{{"effective_date", "2025-06-13"}, {"fields", {{"outcome", "referred_tribunal"}, {"closed_note", "# not a heading"}}}});
  const auto html = c.admin.letter("complaint", id, "complaint.referral", "en", "html")["content"].get<std::string>();
  CHECK(html.find("<script>") == std::string::npos);
  CHECK(html.find("<b>Ann") == std::string::npos);
  CHECK(html.find("Summary of the complaint: &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; {{title}} {{{x}}} "
                  "{{#record}}y{{/record}} {{=&lt;% %&gt;=}}</p>") != std::string::npos);
  CHECK(html.find("&lt;b&gt;Ann&lt;/b&gt; O&#39;Neil &amp; Sons") != std::string::npos);
  CHECK(html.find("against | not | a | table |, received") != std::string::npos);  // a value is never a table
  CHECK(html.find("Decision: Referred to the tribunal<br>\n# not a heading</p>") != std::string::npos);
  CHECK(html.find("<h1># not") == std::string::npos);
  // (Paragraphs are wrapped: compare with the line breaks as spaces.)
  auto text = c.admin.letter("complaint", id, "complaint.referral", "en", "text")["content"].get<std::string>();
  std::replace(text.begin(), text.end(), '\n', ' ');
  CHECK(text.find("Summary of the complaint: <script>alert('x')</script> & {{title}} {{{x}}}") != std::string::npos);
  CHECK(text.find("{{#record}}y{{/record}} {{=<% %>=}}") != std::string::npos);
  CHECK(text.find("<b>Ann</b> O'Neil & Sons") != std::string::npos);
  CHECK(text.find("&amp;") == std::string::npos);
  CHECK(text.find("<p>") == std::string::npos);
}

TEST_CASE("Letters: personal fields are empty for a user who may not read them", "[letters]") {
  test::TempDir tmp;
  const auto data = test::copy_data(tmp, "data", CLMIS_SOURCE_DIR "/data");
  test::edit_json(data + "/countries/KNA.json", [](Json& j) {
    j["roles"] = Json::array({Json{{"name", "x_kna_clerk"},
                                   {"label", "Letters clerk"},
                                   {"grants", Json::array({Json{{"record_types", "*"}, {"actions", {"read", "letter"}}, {"scope", "all"}}})}}});
  });
  Country c("KNA", data);
  const auto id = kna_complaint(c);
  auto clerk = c.user("clerk", "x_kna_clerk", "");
  const auto t = clerk.letter("complaint", id, "complaint.acknowledgement", "en", "text")["content"].get<std::string>();
  CHECK(t.find("Keisha") == std::string::npos);
  CHECK(t.find("Cayon") == std::string::npos);
  CHECK(t.find("received on 5 March 2025") != std::string::npos);
  const auto a = c.admin.letter("complaint", id, "complaint.acknowledgement", "en", "text")["content"].get<std::string>();
  CHECK(a.find("Dear Keisha Liburd,") != std::string::npos);
}

TEST_CASE("Letters: bad input is refused clearly and changes nothing", "[letters][errors]") {
  Country c("KNA");
  const auto id = kna_complaint(c);
  auto stranger = c.user("es1", "officer", "employment_services");  // another section: may not read complaints
  auto reader = c.user("ro1", "read_only", "");                     // reads, may not produce letters
  const auto archived = c.admin.create("complaint", Json{{"date_received", "2025-03-05"}, {"first_name", "Ann"},
                                                         {"family_name", "Hodge"}, {"sex", "F"}});
  c.admin.archive("complaint", archived, 1, "entered twice");
  const std::string h = test::db_hash(c.path);
  auto refused = [&](auto&& f) {
    f();
    CHECK(test::db_hash(c.path) == h);
    CHECK(c.documents() == "0");
  };
  refused([&] { CHECK_THROWS_AS(c.admin.letter("complaint", id, "complaint.reminder"), clmis::NotFound); });
  refused([&] {
    try {
      c.admin.letter("employer", 1, "complaint.acknowledgement");
      FAIL("a letter of another record type");
    } catch (const clmis::NotFound& e) {
      CHECK(std::string(e.what()).find("no letter \"complaint.acknowledgement\" for employer") != std::string::npos);
    }
  });
  refused([&] { CHECK_THROWS_AS(c.admin.letter("vacancy", 1, "complaint.acknowledgement"), clmis::NotFound); });
  refused([&] { CHECK_THROWS_AS(c.admin.letter("nonsense", 1, "complaint.acknowledgement"), clmis::NotFound); });
  refused([&] {
    try {
      c.admin.letter("complaint", id, "complaint.acknowledgement", "fr");
      FAIL("French");
    } catch (const clmis::ValidationError& e) {
      REQUIRE(e.errors().size() == 1);
      CHECK(e.errors()[0].path == "lang");
      CHECK(e.errors()[0].rule == "code_list");
      CHECK(e.errors()[0].message.find("en, nl") != std::string::npos);
    }
  });
  refused([&] { CHECK_THROWS_AS(c.admin.letter("complaint", id, "complaint.acknowledgement", "es"), clmis::ValidationError); });
  refused([&] {
    try {
      c.admin.letter("complaint", id, "complaint.acknowledgement", "en", "pdf");
      FAIL("pdf");
    } catch (const clmis::ValidationError& e) {
      REQUIRE(e.errors().size() == 1);
      CHECK(e.errors()[0].path == "format");
    }
  });
  refused([&] { CHECK_THROWS_AS(c.admin.letter("complaint", id, "complaint.acknowledgement", "en", "HTML"), clmis::ValidationError); });
  refused([&] { CHECK_THROWS_AS(stranger.letter("complaint", id, "complaint.acknowledgement"), clmis::PermissionDenied); });
  refused([&] { CHECK_THROWS_AS(reader.letter("complaint", id, "complaint.acknowledgement"), clmis::PermissionDenied); });
  refused([&] { CHECK_THROWS_AS(c.admin.letter("complaint", 999, "complaint.acknowledgement"), clmis::NotFound); });
  refused([&] {
    try {
      c.admin.letter("complaint", archived, "complaint.acknowledgement");
      FAIL("archived");
    } catch (const clmis::Conflict& e) {
      CHECK(std::string(e.what()).find("archived") != std::string::npos);
    }
  });
}

TEST_CASE("Letters: the pack refuses a template that does not parse and a letter without English", "[letters][pack]") {
  namespace pack = clmis::pack;
  auto expect_refused = [](const std::function<void(const std::string&)>& edit, const std::string& reason) {
    test::TempDir tmp;
    const auto data = test::copy_data(tmp, "data", CLMIS_SOURCE_DIR "/data");
    edit(data);
    try {
      pack::load_pack(*pack::directory_source(data));
      FAIL("accepted: " << reason);
    } catch (const clmis::PackError& e) {
      INFO(e.what());
      CHECK(std::string(e.what()).find(reason) != std::string::npos);
    }
  };
  const std::string ack_en = "/packs/standard/letters/complaint.acknowledgement.en.mustache";
  auto write = [](const std::string& path, const std::string& text) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << text;
  };
  auto letter_of = [](Json& j) -> Json& {
    for (auto& t : j["record_types"])
      if (t["name"] == "complaint") return t["letters"][0];
    FAIL("no complaint");
    throw;
  };
  expect_refused([&](const std::string& d) { write(d + ack_en, "Dear {{record.first_name}},\n{{#record.claims}}\nnever closed\n"); },
                 "line 2: {{#record.claims}} is not closed");
  expect_refused([&](const std::string& d) { write(d + ack_en, "{{#record.claims}}x{{/record.hearings}}"); },
                 "{{/record.hearings}} closes {{#record.claims}} of line 1");
  expect_refused([&](const std::string& d) { write(d + ack_en, "Dear {{record.first_name}"); }, "is not closed with }}");
  expect_refused([&](const std::string& d) { write(d + ack_en, "Pay: {{record.salary}}"); },
                 "complaint has no field or section \"salary\"");
  expect_refused([&](const std::string& d) { write(d + ack_en, "{{{record.summary}}}"); }, "clmis escapes every value");
  expect_refused([&](const std::string& d) { write(d + ack_en, "{{> header}}"); }, "partials");
  expect_refused([&](const std::string& d) { write(d + ack_en, "{{totals.claims.category}}"); }, "not one");
  expect_refused([&](const std::string& d) { write(d + ack_en, "{{secret}}"); }, "unknown name \"secret\"");
  expect_refused(
      [&](const std::string& d) {
        test::edit_json(d + "/packs/standard/pack.json", [&](Json& j) { letter_of(j)["templates"].erase("en"); });
      },
      "an English template (\"en\") is required");
  expect_refused(
      [&](const std::string& d) {
        test::edit_json(d + "/packs/standard/pack.json",
                        [&](Json& j) { letter_of(j)["templates"]["fr"] = "letters/complaint.acknowledgement.en.mustache"; });
      },
      "\"fr\" is not a language letters can be written in");
  expect_refused(
      [&](const std::string& d) {
        test::edit_json(d + "/packs/standard/pack.json",
                        [&](Json& j) { letter_of(j)["templates"]["nl"] = "letters/missing.nl.mustache"; });
      },
      "no such file");
  expect_refused(
      [&](const std::string& d) {
        test::edit_json(d + "/packs/standard/pack.json", [&](Json& j) { letter_of(j)["id"] = "employer.acknowledgement"; });
      },
      "a letter's id is \"complaint.<name>\"");
  // The templates are part of the pack: stored in the database and in its hash.
  auto p = pack::load_pack(*pack::embedded_source());
  CHECK(p.files.count("packs/standard/letters/complaint.acknowledgement.nl.mustache") == 1);
  REQUIRE(p.record_type("complaint")->letter("complaint.settlement_statement"));
  CHECK(p.record_type("complaint")->letter("complaint.settlement_statement")->templates.size() == 2);
}
