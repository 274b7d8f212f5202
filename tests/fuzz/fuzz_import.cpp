// Fuzz target: CSV and JSON Lines import (the first byte chooses) of job seekers, with rows
// skipped or the whole file refused. Any clmis::Error is an answer; anything else a finding.
#include "clmis/io.hpp"
#include "fuzz_support.hpp"

#include <cstdint>
#include <cstdlib>
#include <sstream>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static fuzz::Db db(500);
  db.tick();
  if (size == 0) return 0;
  clmis::ImportOptions o;
  o.format = data[0] & 1 ? "jsonl" : "csv";
  o.on_error = data[0] & 2 ? clmis::OnError::skip : clmis::OnError::abort;
  if (data[0] & 4) o.date_format = "D/M/YYYY";
  if (data[0] & 8) o.delimiter = ';';
  static const char* types[] = {"job_seeker", "employer"};
  std::istringstream in(std::string(reinterpret_cast<const char*>(data + 1), size - 1));
  try {
    const auto r = clmis::import_records(db.session(), types[(data[0] >> 4) & 1], in, o);
    if (r.refused > r.rows) std::abort();
  } catch (const clmis::Error&) {
  }
  return 0;
}
