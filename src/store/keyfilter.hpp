// A filter of the keys a record table holds, so that a long write (an import) does not search an
// index for every record when most keys are new (docs/architecture.md, "Issue 13: the lookups
// a key filter answers").
//
// KeyFilter is a split-block Bloom filter of 64-bit keys: each key sets one bit in each of the
// eight 32-bit words of one 32-byte block chosen by the key, so a query reads one cache line. It
// never answers "absent" for a key that was added; it answers "maybe" for a key that was not with
// a small probability (about 0.5 % at its capacity, 16 bits a key, and less below it). A lookup
// it answers "absent" skips the SQL query; a "maybe" runs the query, which decides exactly.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <vector>

namespace clmis::store {

class KeyFilter {
 public:
  /// A filter for up to `capacity` keys at its designed rate (more keys raise the rate, never
  /// lose one).
  explicit KeyFilter(std::size_t capacity) : capacity_(capacity < 1024 ? 1024 : capacity) {
    blocks_.resize((capacity_ * 16 / 256) + 1);
  }
  void add(std::uint64_t key) noexcept {
    const std::uint64_t h = mix(key);
    auto& b = blocks_[block_of(h)];
    const auto low = static_cast<std::uint32_t>(h);
    for (std::size_t i = 0; i < 8; ++i) b[i] |= bit(low, i);
    ++count_;
  }
  [[nodiscard]] bool may_contain(std::uint64_t key) const noexcept {
    const std::uint64_t h = mix(key);
    const auto& b = blocks_[block_of(h)];
    const auto low = static_cast<std::uint32_t>(h);
    for (std::size_t i = 0; i < 8; ++i)
      if ((b[i] & bit(low, i)) == 0) return false;
    return true;
  }
  /// Keys added (a key added twice counts twice).
  [[nodiscard]] std::size_t count() const noexcept { return count_; }
  [[nodiscard]] std::size_t capacity() const noexcept { return capacity_; }
  [[nodiscard]] std::size_t bytes() const noexcept { return blocks_.size() * sizeof(Block); }

 private:
  using Block = std::array<std::uint32_t, 8>;
  // The keys are FNV-1a hashes (DupKey), whose low bits mix poorly: a 64-bit finaliser first.
  static std::uint64_t mix(std::uint64_t x) noexcept {
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    x ^= x >> 33;
    return x;
  }
  [[nodiscard]] std::size_t block_of(std::uint64_t h) const noexcept {
    // The high 32 bits scaled to the number of blocks (no modulo).
    return static_cast<std::size_t>(((h >> 32) * static_cast<std::uint64_t>(blocks_.size())) >> 32);
  }
  // One bit of word i, chosen by the low 32 bits times an odd constant per word (the top 5 bits).
  static std::uint32_t bit(std::uint32_t low, std::size_t i) noexcept {
    static constexpr std::array<std::uint32_t, 8> kSalt = {0x47b6137bU, 0x44974d91U, 0x8824ad5bU, 0xa2b7289dU,
                                                          0x705495c7U, 0x2df1424bU, 0x9efc4947U, 0x5c6bfb31U};
    return std::uint32_t{1} << ((low * kSalt[i]) >> 27);
  }
  std::size_t capacity_;
  std::size_t count_ = 0;
  std::vector<Block> blocks_;
};

/// The key filters of one write transaction, per lookup (the rule a lookup checks: the key is
/// the rule's address). Only the store uses them (store/rows.cpp): a filter is made once a
/// transaction has run enough lookups of a rule to pay for reading the table's keys, every row
/// the transaction inserts or whose key it changes adds its key, and they are all forgotten when
/// the transaction ends (another connection may write next) and when a savepoint rolls back (a
/// filter made inside it may lack a key the rollback puts back, one an update had changed).
struct KeyFilters {
  struct Slot {
    const void* table = nullptr;         ///< the record type whose rows the keys are
    std::uint64_t lookups = 0;           ///< lookups of the rule in this transaction
    std::uint64_t next_check = 2048;     ///< when to weigh making the filter again
    std::unique_ptr<KeyFilter> filter;   ///< null until made
    std::uint64_t asked = 0, spared = 0; ///< lookups since it was made; those it answered
  };
  std::map<const void*, Slot> slots;
  void clear() { slots.clear(); }
};

}  // namespace clmis::store
