#include "store/cache.hpp"

#include "store/accounts.hpp"

namespace clmis::store {

void Cache::load(Connection& c) {
  c.forget_texts();
  data_version = c.data_version();
  codes = load_code_index(c);
  user_names.clear();
}

const std::string& Cache::user_name(Connection& c, std::int64_t uid) {
  auto it = user_names.find(uid);
  if (it != user_names.end()) return it->second;
  return user_names[uid] = store::user_name(c, uid);
}

}  // namespace clmis::store
