// Fuzz target: query documents (filters, sorts, limits, cursors) through the C API on a database
// with records. Every input gives a status code; CLMIS_ERROR is a finding.
#include "fuzz_support.hpp"

#include <cstdint>
#include <cstdlib>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static fuzz::Db db(1000000);  // queries write nothing
  if (size == 0) return 0;
  static const char* types[] = {"employer", "job_seeker", "vacancy", "organisation"};
  const std::string q(reinterpret_cast<const char*>(data + 1), size - 1);
  char* out = nullptr;
  const int rc = clmis_record_query(&out, db.c_session(), types[data[0] % 4], q.c_str());
  if (rc == CLMIS_ERROR) std::abort();
  clmis_free(out);
  return 0;
}
