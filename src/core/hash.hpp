// SHA-256 (libsodium) for content hashes of packs and databases.
#pragma once

#include <string>
#include <string_view>

namespace clmis {

/// Incremental SHA-256; hex() returns the lowercase hex digest.
class Sha256 {
 public:
  Sha256();
  void update(std::string_view bytes);
  /// Feeds a length-prefixed item so that ("ab","c") and ("a","bc") hash differently.
  void update_item(std::string_view bytes);
  std::string hex();

 private:
  alignas(16) unsigned char state_[208];
};

/// Makes sure libsodium is initialised (thread-safe, idempotent).
void sodium_ready();

}  // namespace clmis
