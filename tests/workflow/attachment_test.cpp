// Attachments of records (issue 15; docs/workflows.md, "Attachments"): attach, list, read back
// byte for byte, the media type recognised from the content, the limits of the pack and of a
// country profile, names, permissions by scope, withdrawal, the timeline — and every refusal
// changes nothing (test::db_hash: the domain tables, history, change sequence and audit trail).
//
// The expected SHA-256 digests were computed apart from clmis, with coreutils:
//   printf '%%PDF-1.4\n%%\342\343\317\323\n1 0 obj\n<<>>\nendobj\n%%%%EOF\n' | sha256sum
//     → 441951ea5854835cb13c71193b6224811eaf111c51ad13c353f0f1c48c302fa7 (41 bytes)
//   printf '\211PNG\r\n\032\n\000\000\000\rIHDR\000\000\000\001\000\000\000\001\010\006\000\000\000' | sha256sum
//     → 71fde3856a298a052c6edb5155638d8422114e55bf0e28374d90dea8be99ef6c (29 bytes)
#include <catch2/catch.hpp>

#include "errors.hpp"
#include "workflow/office.hpp"

#include <string>

using clmis::Json;
using test::errors_of;
using test::Errs;

namespace {

const std::string kPdf("%PDF-1.4\n%\xE2\xE3\xCF\xD3\n1 0 obj\n<<>>\nendobj\n%%EOF\n", 41);
const std::string kPdfSha = "441951ea5854835cb13c71193b6224811eaf111c51ad13c353f0f1c48c302fa7";
// A PNG's signature and the start of its header chunk: NUL bytes inside.
const std::string kPng("\x89PNG\r\n\x1A\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0", 29);
const std::string kPngSha = "71fde3856a298a052c6edb5155638d8422114e55bf0e28374d90dea8be99ef6c";

const std::string kDocx = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
const std::string kXlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

struct Office : test::Office {
  std::int64_t a = 0;
  Office() {
    for (const auto& [name, role, section] : std::vector<std::tuple<std::string, std::string, std::string>>{
             {"sup", "supervisor", "industrial_relations"},
             {"off1", "officer", "industrial_relations"},
             {"insp", "officer", "inspections"},
             {"clerk", "data_entry", "industrial_relations"},
             {"reader", "read_only", ""}}) {
      Json spec = {{"name", name}, {"password", "pw-long-" + name}, {"roles", {role}}, {"must_change_password", false}};
      if (!section.empty()) spec["section"] = section;
      admin.user_create(spec);
    }
    a = complaint("2025-03-03");
  }
  clmis::Session as(const std::string& name) { return db.login(name, "pw-long-" + name); }
};

/// The messages of a call's validation errors, joined.
template <class F>
std::string messages_of(F&& f) {
  try {
    f();
  } catch (const clmis::ValidationError& e) {
    std::string out;
    for (const auto& fe : e.errors()) out += fe.message + "\n";
    return out;
  }
  FAIL("no ValidationError");
  return {};
}

}  // namespace

TEST_CASE("Attach a PDF to a complaint: stored with type size and SHA-256 and audited without its content",
          "[attachment]") {
  Office o;
  auto off1 = o.as("off1");
  const std::string h0 = test::db_hash(o.path);
  const Json d = off1.attach("complaint", o.a, "payslips march.pdf", kPdf, "", "from the complainant");
  CHECK(d["id"].get<std::int64_t>() > 0);
  CHECK(d["record_type"] == "complaint");
  CHECK(d["record_id"] == o.a);
  CHECK(d["kind"] == "attachment");
  CHECK(d["name"] == "payslips march.pdf");
  CHECK(d["media_type"] == "application/pdf");
  CHECK(d["size"] == 41);
  CHECK(d["sha256"] == kPdfSha);
  CHECK(d["note"] == "from the complainant");
  CHECK(d["by"] == "off1");
  CHECK(d["at"].get<std::string>().size() == 20);  // YYYY-MM-DDThh:mm:ssZ
  CHECK(d["withdrawn"] == false);
  CHECK(test::db_hash(o.path) != h0);
  // Listed as attached, without content.
  const Json list = off1.documents("complaint", o.a);
  REQUIRE(list.size() == 1);
  CHECK(list[0] == d);
  CHECK_FALSE(list[0].contains("content"));
  // Read back byte for byte; the table holds what the SHA-256 says.
  CHECK(off1.document_content(d["id"]) == kPdf);
  CHECK(test::raw_scalar(o.path, "SELECT substr(hex(content), 1, 10) || ' ' || length(content) FROM clmis_document") ==
        "255044462D 41");
  // The audit entry: action attach on the complaint, with name, type, size, digest and id — not the bytes.
  const std::string detail = test::raw_scalar(o.path, "SELECT detail FROM clmis_audit WHERE action = 'attach'");
  CHECK(Json::parse(detail) == Json{{"document", d["id"]}, {"name", "payslips march.pdf"}, {"media_type", "application/pdf"},
                                    {"size", 41}, {"sha256", kPdfSha}});
  CHECK(test::raw_scalar(o.path, "SELECT record_type || ' ' || record_id FROM clmis_audit WHERE action = 'attach'") ==
        "complaint " + std::to_string(o.a));
  // Any record type, not only cases: a registered employer's certificate.
  const Json e = o.admin.attach("employer", o.employer, "registration.png", kPng);
  CHECK(e["media_type"] == "image/png");
  CHECK(e["sha256"] == kPngSha);
  CHECK(e["size"] == 29);
  CHECK(e["note"] == nullptr);
  CHECK(o.admin.document_content(e["id"]) == kPng);  // the NUL bytes survive
  CHECK(o.admin.documents("employer", o.employer).size() == 1);
  CHECK(o.admin.documents("complaint", o.a).size() == 1);
}

TEST_CASE("The media type is recognised from the content", "[attachment]") {
  Office o;
  auto& s = o.admin;
  auto type_of = [&](const std::string& name, const std::string& bytes, const std::string& declared = {}) {
    return s.attach("complaint", o.a, name, bytes, declared)["media_type"].get<std::string>();
  };
  CHECK(type_of("scan.bin", kPdf) == "application/pdf");  // the name does not matter
  CHECK(type_of("photo.jpg", std::string("\xFF\xD8\xFF\xE0\0\x10JFIF\0", 11)) == "image/jpeg");
  CHECK(type_of("p.png", kPng) == "image/png");
  CHECK(type_of("intel.tif", std::string("II*\0\x08\0\0\0", 8)) == "image/tiff");
  CHECK(type_of("motorola.tiff", std::string("MM\0*\0\0\0\x08", 8)) == "image/tiff");
  const std::string zip("PK\x03\x04\x14\0\0\0\x08\0", 10);
  CHECK(type_of("letter.docx", zip) == kDocx);
  CHECK(type_of("WAGES.XLSX", zip) == kXlsx);
  CHECK(type_of("notes.odt", zip) == "application/vnd.oasis.opendocument.text");
  CHECK(type_of("sheet.ods", zip) == "application/vnd.oasis.opendocument.spreadsheet");
  CHECK(type_of("statement.txt", "Received from Mr. Liburd: EC$ 1 234,56 — café\n") == "text/plain");
  // Declared types that agree, whatever their case and parameters.
  CHECK(type_of("a.pdf", kPdf, "Application/PDF") == "application/pdf");
  CHECK(type_of("a.txt", "plain", "text/plain; charset=utf-8") == "text/plain");
  CHECK(s.documents("complaint", o.a).size() == 12);

  const std::string h = test::db_hash(o.path);
  // A zip that is no office document, bytes that are no known type, text with a NUL, text that is
  // not UTF-8: refused, naming what is accepted.
  CHECK(errors_of([&] { type_of("archive.zip", zip); }) == Errs{{"media_type", "code_list"}});
  CHECK(messages_of([&] { type_of("archive.zip", zip); }).find("documents of type application/zip are not accepted; "
                                                              "accepted: application/pdf, image/jpeg, image/png") == 0);
  CHECK(errors_of([&] { type_of("x.exe", std::string("MZ\x90\0\x03\0", 6)); }) == Errs{{"media_type", "code_list"}});
  CHECK(messages_of([&] { type_of("x.exe", std::string("MZ\x90\0\x03\0", 6)); }).find("application/octet-stream") !=
        std::string::npos);
  CHECK(errors_of([&] { type_of("nul.txt", std::string("a\0b", 3)); }) == Errs{{"media_type", "code_list"}});
  CHECK(errors_of([&] { type_of("latin1.txt", "caf\xE9"); }) == Errs{{"media_type", "code_list"}});
  // A declared type the content contradicts: a PNG said to be a PDF, a PDF named .docx.
  CHECK(errors_of([&] { type_of("scan.pdf", kPng, "application/pdf"); }) == Errs{{"media_type", "type"}});
  CHECK(messages_of([&] { type_of("scan.pdf", kPng, "application/pdf"); }) ==
        "the content is image/png, not \"application/pdf\"\n");
  CHECK(errors_of([&] { type_of("x.docx", kPdf, kDocx); }) == Errs{{"media_type", "type"}});
  CHECK(errors_of([&] { type_of("x.txt", "text", "image/png"); }) == Errs{{"media_type", "type"}});
  CHECK(test::db_hash(o.path) == h);
  CHECK(s.documents("complaint", o.a).size() == 12);
}

TEST_CASE("Names notes and empty files are refused and change nothing", "[attachment]") {
  Office o;
  auto& s = o.admin;
  const std::string h = test::db_hash(o.path);
  auto attach = [&](const std::string& name, const std::string& bytes = kPdf, const std::string& note = {}) {
    (void)s.attach("complaint", o.a, name, bytes, "", note);
  };
  CHECK(errors_of([&] { attach("scans/payslip.pdf"); }) == Errs{{"name", "pattern"}});
  CHECK(errors_of([&] { attach("..\\payslip.pdf"); }) == Errs{{"name", "pattern"}});
  CHECK(errors_of([&] { attach("../../etc/passwd"); }) == Errs{{"name", "pattern"}});
  CHECK(errors_of([&] { attach(".."); }) == Errs{{"name", "pattern"}});
  CHECK(errors_of([&] { attach("."); }) == Errs{{"name", "pattern"}});
  CHECK(errors_of([&] { attach("pay\nslip.pdf"); }) == Errs{{"name", "pattern"}});
  CHECK(errors_of([&] { attach("pay\tslip.pdf"); }) == Errs{{"name", "pattern"}});
  CHECK(errors_of([&] { attach("\x1B[31mred.pdf"); }) == Errs{{"name", "pattern"}});
  CHECK(errors_of([&] { attach("c1\xC2\x85.pdf"); }) == Errs{{"name", "pattern"}});  // U+0085 NEXT LINE
  CHECK(errors_of([&] { attach(std::string("nul\0.pdf", 8)); }) == Errs{{"name", "pattern"}});
  CHECK(errors_of([&] { attach("bad\xFF.pdf"); }) == Errs{{"name", "type"}});
  CHECK(errors_of([&] { attach(""); }) == Errs{{"name", "required"}});
  CHECK(errors_of([&] { attach(std::string(252, 'a') + ".pdf"); }) == Errs{{"name", "length"}});  // 256 bytes
  CHECK(errors_of([&] { attach("ok.pdf", kPdf, std::string(1001, 'n')); }) == Errs{{"note", "length"}});
  CHECK(errors_of([&] { attach("ok.pdf", kPdf, "\xC3"); }) == Errs{{"note", "type"}});
  // An empty file.
  CHECK(errors_of([&] { attach("empty.pdf", ""); }) == Errs{{"content", "range"}});
  CHECK(messages_of([&] { attach("empty.pdf", ""); }) == "the file is empty\n");
  // Every problem at once.
  CHECK(errors_of([&] { attach("a/b", "", std::string(1001, 'n')); }) ==
        Errs{{"name", "pattern"}, {"note", "length"}, {"content", "range"}});
  CHECK(test::db_hash(o.path) == h);
  CHECK(s.documents("complaint", o.a).empty());
  // 255 bytes, UTF-8 beyond ASCII, spaces and dots inside: accepted.
  const std::string longest = std::string(247, 'a') + "ñ" + ".pdf" + "\xC3\xA9";  // 247 + 2 + 4 + 2 = 255
  REQUIRE(longest.size() == 255);
  CHECK(s.attach("complaint", o.a, longest, kPdf)["name"] == longest);
  CHECK(s.attach("complaint", o.a, "a..b v2.pdf", kPdf)["name"] == "a..b v2.pdf");
}

TEST_CASE("The size limit: the default and a country's own limit and types", "[attachment]") {
  SECTION("The pack's default: 10 MiB") {
    Office o;
    CHECK(o.db.schema()["attachments"]["max_size"] == 10485760);
    CHECK(o.db.schema()["attachments"]["media_types"].size() == 9);
    CHECK(o.db.schema()["attachments"]["from_profile"] == false);
    const std::string h = test::db_hash(o.path);
    std::string big = kPdf;
    big.resize(10 * 1024 * 1024 + 1, ' ');
    CHECK(errors_of([&] { (void)o.admin.attach("complaint", o.a, "big.pdf", big); }) == Errs{{"content", "range"}});
    CHECK(messages_of([&] { (void)o.admin.attach("complaint", o.a, "big.pdf", big); }) ==
          "the file is 10485761 bytes; the largest accepted is 10485760 bytes (10 MiB)\n");
    CHECK(test::db_hash(o.path) == h);
    big.pop_back();
    CHECK(o.admin.attach("complaint", o.a, "big.pdf", big)["size"] == 10485760);
    CHECK(o.admin.document_content(o.admin.documents("complaint", o.a)[0]["id"]) == big);
  }
  SECTION("A profile's override: 64 bytes and PDF or text only") {
    test::TempDir dir;
    const std::string data = test::copy_data(dir, "data", CLMIS_SOURCE_DIR "/data");
    test::edit_json(data + "/countries/KNA.json", [](Json& c) {
      c["attachments"] = {{"max_size", 64},
                          {"media_types", {"application/pdf", "text/plain"}},
                          {"source", "test fixture: a country that accepts small PDFs and text only"}};
    });
    clmis::InitOptions io;
    io.country = "KNA";
    io.admin_password = test::kPassword;
    io.data_dir = data;
    const std::string path = dir.file("small.db");
    auto db = clmis::Database::init(path, io);
    auto s = db.login("admin", test::kPassword);
    const auto emp = s.create("employer", Json{{"name", "Sugar Bay Hotel"}, {"isic_class", "5510"}, {"parish", "KN-03"}});
    // The schema tells a form what it may send.
    CHECK(db.schema()["attachments"] == Json{{"max_size", 64},
                                             {"media_types", {"application/pdf", "text/plain"}},
                                             {"source", "test fixture: a country that accepts small PDFs and text only"},
                                             {"from_profile", true}});
    const std::string h = test::db_hash(path);
    std::string text(65, 'x');
    CHECK(errors_of([&] { (void)s.attach("employer", emp, "t.txt", text); }) == Errs{{"content", "range"}});
    CHECK(messages_of([&] { (void)s.attach("employer", emp, "t.txt", text); }) ==
          "the file is 65 bytes; the largest accepted is 64 bytes (64 bytes)\n");
    CHECK(errors_of([&] { (void)s.attach("employer", emp, "p.png", kPng); }) == Errs{{"media_type", "code_list"}});
    CHECK(messages_of([&] { (void)s.attach("employer", emp, "p.png", kPng); }) ==
          "documents of type image/png are not accepted; accepted: application/pdf, text/plain\n");
    CHECK(test::db_hash(path) == h);
    text.pop_back();  // exactly 64
    CHECK(s.attach("employer", emp, "t.txt", text)["size"] == 64);
    CHECK(s.attach("employer", emp, "a.pdf", kPdf)["media_type"] == "application/pdf");
  }
}

TEST_CASE("A profile's attachments override is checked when it loads", "[attachment][pack]") {
  test::TempDir dir;
  const std::string data = test::copy_data(dir, "data", CLMIS_SOURCE_DIR "/data");
  auto init_with = [&](const Json& attachments, const std::string& name) {
    test::edit_json(data + "/countries/KNA.json", [&](Json& c) { c["attachments"] = attachments; });
    clmis::InitOptions io;
    io.country = "KNA";
    io.admin_password = test::kPassword;
    io.data_dir = data;
    (void)clmis::Database::init(dir.file(name), io);
  };
  CHECK_THROWS_WITH(init_with(Json{{"max_size", 64}}, "1.db"), Catch::Contains("/attachments: missing required key \"source\""));
  CHECK_THROWS_WITH(init_with(Json{{"media_types", {"application/x-msdownload"}}, {"source", "x"}}, "2.db"),
                    Catch::Contains("/attachments/media_types/0: clmis does not recognise \"application/x-msdownload\""));
  CHECK_THROWS_WITH(init_with(Json{{"max_size", 0}, {"source", "x"}}, "3.db"),
                    Catch::Contains("/attachments/max_size: must be between 1 and 104857600"));
  CHECK_THROWS_WITH(init_with(Json{{"max_bytes", 10}, {"source", "x"}}, "4.db"),
                    Catch::Contains("unknown key \"max_bytes\""));
  CHECK_THROWS_AS(init_with(Json{{"media_types", Json::array()}, {"source", "x"}}, "5.db"), clmis::PackError);
}

TEST_CASE("Documents are read and written under the record's permissions and scope", "[attachment][security]") {
  Office o;
  auto off1 = o.as("off1");
  auto insp = o.as("insp");
  auto clerk = o.as("clerk");
  auto reader = o.as("reader");
  auto sup = o.as("sup");
  const auto doc = off1.attach("complaint", o.a, "p.pdf", kPdf)["id"].get<std::int64_t>();
  const std::string h = test::db_hash(o.path);
  // An officer of another section: neither attach nor list nor read (as for the complaint itself).
  CHECK_THROWS_AS(insp.get("complaint", o.a), clmis::PermissionDenied);
  CHECK_THROWS_AS(insp.attach("complaint", o.a, "x.pdf", kPdf), clmis::PermissionDenied);
  CHECK_THROWS_AS(insp.documents("complaint", o.a), clmis::PermissionDenied);
  CHECK_THROWS_AS(insp.document_content(doc), clmis::PermissionDenied);
  // A data-entry clerk (own scope) who neither entered the complaint nor has it assigned.
  CHECK_THROWS_AS(clerk.attach("complaint", o.a, "x.pdf", kPdf), clmis::PermissionDenied);
  CHECK_THROWS_AS(clerk.documents("complaint", o.a), clmis::PermissionDenied);
  CHECK_THROWS_AS(clerk.document_content(doc), clmis::PermissionDenied);
  // A reader reads, but attaches nothing; an officer does not withdraw (archive is the supervisor's).
  CHECK(reader.documents("complaint", o.a).size() == 1);
  CHECK(reader.document_content(doc) == kPdf);
  CHECK_THROWS_AS(reader.attach("complaint", o.a, "x.pdf", kPdf), clmis::PermissionDenied);
  CHECK_THROWS_AS(off1.withdraw_document(doc, "wrong file"), clmis::PermissionDenied);
  // Unknown ids: NotFound, for a record and for a document.
  CHECK_THROWS_AS(off1.attach("complaint", 999, "x.pdf", kPdf), clmis::NotFound);
  CHECK_THROWS_AS(off1.documents("complaint", 999), clmis::NotFound);
  CHECK_THROWS_AS(off1.attach("no_such_type", 1, "x.pdf", kPdf), clmis::NotFound);
  CHECK_THROWS_AS(off1.document_content(doc + 100), clmis::NotFound);
  CHECK_THROWS_AS(sup.withdraw_document(doc + 100, "x"), clmis::NotFound);
  CHECK_THROWS_AS(clerk.attach("complaint", 999, "x.pdf", kPdf), clmis::NotFound);
  CHECK(test::db_hash(o.path) == h);
  // Assigned to the clerk, the case is theirs to read and to add to.
  sup.assign("complaint", o.a, "clerk");
  CHECK(clerk.documents("complaint", o.a).size() == 1);
  CHECK(clerk.document_content(doc) == kPdf);
  CHECK(clerk.attach("complaint", o.a, "statement.txt", "The employer says the wages were paid.")["by"] == "clerk");
  // A clerk's own record: the employer they enter.
  const auto emp = clerk.create("employer", Json{{"name", "Clerk's Bakery"}, {"isic_class", "1071"}, {"parish", "KN-01"}});
  CHECK(clerk.attach("employer", emp, "licence.pdf", kPdf)["record_type"] == "employer");
}

TEST_CASE("Archived records take no documents and withdrawal keeps the bytes", "[attachment]") {
  Office o;
  auto sup = o.as("sup");
  const auto d1 = o.admin.attach("complaint", o.a, "wrong case.pdf", kPdf)["id"].get<std::int64_t>();
  std::string h = test::db_hash(o.path);
  CHECK(errors_of([&] { (void)sup.withdraw_document(d1, ""); }) == Errs{{"reason", "required"}});
  CHECK(errors_of([&] { (void)sup.withdraw_document(d1, std::string(1001, 'r')); }) == Errs{{"reason", "length"}});
  CHECK(test::db_hash(o.path) == h);
  const Json w = sup.withdraw_document(d1, "filed on the wrong case");
  CHECK(w["withdrawn"] == true);
  CHECK(w["withdrawn_by"] == "sup");
  CHECK(w["withdrawn_reason"] == "filed on the wrong case");
  CHECK(w["withdrawn_at"].is_string());
  CHECK(test::raw_scalar(o.path, "SELECT count(*) FROM clmis_audit WHERE action = 'withdraw_document'") == "1");
  // Listed and readable still.
  const Json list = o.admin.documents("complaint", o.a);
  REQUIRE(list.size() == 1);
  CHECK(list[0] == w);
  CHECK(o.admin.document_content(d1) == kPdf);
  // Twice: Conflict, nothing changed.
  h = test::db_hash(o.path);
  CHECK_THROWS_WITH(sup.withdraw_document(d1, "again"), Catch::Contains("was already withdrawn"));
  CHECK_THROWS_AS(sup.withdraw_document(d1, "again"), clmis::Conflict);
  CHECK(test::db_hash(o.path) == h);
  // An archived complaint: nothing attached, nothing withdrawn.
  const auto d2 = o.admin.attach("complaint", o.a, "kept.pdf", kPdf)["id"].get<std::int64_t>();
  o.admin.archive("complaint", o.a, 1, "entered twice");
  h = test::db_hash(o.path);
  CHECK_THROWS_AS(o.admin.attach("complaint", o.a, "late.pdf", kPdf), clmis::Conflict);
  CHECK_THROWS_AS(sup.withdraw_document(d2, "tidy up"), clmis::Conflict);
  CHECK(test::db_hash(o.path) == h);
  CHECK(o.admin.documents("complaint", o.a).size() == 2);  // still read
}

TEST_CASE("Documents in the case timeline: attached and letters and withdrawn in order", "[attachment][timeline]") {
  Office o;
  auto sup = o.as("sup");
  sup.assign("complaint", o.a, "off1", "first case");
  const auto d = o.admin.attach("complaint", o.a, "payslip.png", kPng, "image/png", "copy")["id"].get<std::int64_t>();
  // A letter, as the letters module stores it (same table, kind letter).
  test::raw_exec(o.path,
                 "INSERT INTO clmis_document(record_type, record_id, kind, name, media_type, size, sha256, lang, by, at, seq, "
                 "content) SELECT 'complaint', " + std::to_string(o.a) + ", 'letter', 'acknowledgement', "
                 "'text/html; charset=utf-8', 3, '" + std::string(64, '0') + "', 'nl', 1, at, seq, x'616263' "
                 "FROM clmis_document WHERE id = " + std::to_string(d));
  sup.withdraw_document(d, "illegible");
  const Json tl = o.admin.timeline("complaint", o.a);
  std::vector<std::string> events;
  for (const auto& e : tl) events.push_back(e["event"]);
  CHECK(events == std::vector<std::string>{"created", "initial", "deadline start", "deadline start", "assigned", "attached",
                                           "letter", "document withdrawn"});
  const Json& at = tl[5];
  CHECK(at["document"] == d);
  CHECK(at["name"] == "payslip.png");
  CHECK(at["media_type"] == "image/png");
  CHECK(at["size"] == 29);
  CHECK(at["sha256"] == kPngSha);
  CHECK(at["note"] == "copy");
  CHECK(at["by"] == "admin");
  CHECK(tl[6]["name"] == "acknowledgement");
  CHECK(tl[6]["lang"] == "nl");
  CHECK(tl[6]["at"] == at["at"]);
  CHECK_FALSE(tl[6].contains("sha256"));
  CHECK(tl[7]["document"] == d);
  CHECK(tl[7]["reason"] == "illegible");
  CHECK(tl[7]["by"] == "sup");
  // documents() lists the letter too.
  const Json list = o.admin.documents("complaint", o.a);
  REQUIRE(list.size() == 2);
  CHECK(list[1]["kind"] == "letter");
  CHECK(list[1]["lang"] == "nl");
}
