#include "store/backup.hpp"

#include "clmis/error.hpp"

#include <sqlite3.h>

namespace clmis::store {

int copy_database(Connection& src, const std::string& dest_path) {
  Connection dest(dest_path, true);
  dest.set_busy_timeout_ms(src.busy_timeout_ms());
  sqlite3_backup* b = sqlite3_backup_init(dest.raw(), "main", src.raw(), "main");
  if (!b) dest.fail(sqlite3_errcode(dest.raw()), "cannot start the backup");
  // -1: every page in one step, under one read lock of the source (a consistent snapshot; a
  // step-by-step copy would restart each time another connection writes).
  int rc = sqlite3_backup_step(b, -1);
  const int pages = sqlite3_backup_pagecount(b);
  const int finish = sqlite3_backup_finish(b);
  if (rc != SQLITE_DONE) dest.fail(rc, "backup");
  if (finish != SQLITE_OK) dest.fail(finish, "backup");
  // The copy's own journal mode is the source's (WAL); make sure its pages are on disk.
  dest.exec("PRAGMA wal_checkpoint(TRUNCATE)");
  return pages;
}

}  // namespace clmis::store
