#include "core/hash.hpp"

#include "clmis/error.hpp"

#include <sodium.h>

#include <cstring>

namespace clmis {

static_assert(sizeof(crypto_hash_sha256_state) <= 208, "state buffer too small");

void sodium_ready() {
  static const int rc = sodium_init();
  if (rc < 0) throw Error(Errc::generic, "libsodium could not be initialised");
}

Sha256::Sha256() {
  sodium_ready();
  crypto_hash_sha256_init(reinterpret_cast<crypto_hash_sha256_state*>(state_));
}

void Sha256::update(std::string_view bytes) {
  crypto_hash_sha256_update(reinterpret_cast<crypto_hash_sha256_state*>(state_),
                            reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
}

void Sha256::update_item(std::string_view bytes) {
  std::string len = std::to_string(bytes.size()) + ":";
  update(len);
  update(bytes);
}

std::string Sha256::hex() {
  unsigned char out[crypto_hash_sha256_BYTES];
  crypto_hash_sha256_final(reinterpret_cast<crypto_hash_sha256_state*>(state_), out);
  char hex[crypto_hash_sha256_BYTES * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, out, sizeof out);
  return hex;
}

}  // namespace clmis
