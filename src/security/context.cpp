#include "security/context.hpp"
#include "core/text.hpp"

#include "security/access.hpp"
#include "store/meta.hpp"

namespace clmis::detail {

const pack::RecordType& Context::type(std::string_view name) const {
  const auto* t = pack.record_type(name);
  if (!t) throw NotFound("no record type " + quoted(name));
  return *t;
}

void Context::refresh(bool force) {
  if (refreshed && !force) return;
  refreshed = true;
  // The bulk path of an import runs inside a batch, which looked when it took the write lock:
  // no other connection can have committed since.
  if (join_batch && conn.in_transaction()) return;
  if (!cache.stale(conn)) return;
  // Another connection wrote. If it upgraded the pack, this handle's declarations are stale:
  // refuse rather than validate against the old pack.
  if (store::meta_value(conn, "pack_hash") != pack.hash || store::meta_value(conn, "profile_hash") != profile.hash)
    throw VersionError(path + " was upgraded to another pack or profile by another program since it "
                       "was opened here; close and open it again");
  reload();
}

void Context::reload() {
  cache.load(conn);
  access.forget();
}

Write::Write(Context& cx, bool may_join)
    : tx_(cx.conn, may_join && cx.join_batch ? store::WriteTransaction::Nested::join
                                             : store::WriteTransaction::Nested::savepoint) {
  // A write joining the bulk path's transaction needs no check: the batch checked when it
  // began, and no other connection can write while it holds the lock.
  if (!tx_.joined()) cx.refresh(true);
}

}  // namespace clmis::detail
