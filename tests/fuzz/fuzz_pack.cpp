// Fuzz target: pack and profile loading. The input replaces the standard pack.json (first byte
// even) or the KNA profile (odd); the rest of the data tree is the embedded one. Loading either
// succeeds or throws PackError/NotFound; anything else is a finding.
#include "clmis/error.hpp"
#include "pack/pack.hpp"

#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>

namespace {

class Overlay final : public clmis::pack::DataSource {
 public:
  Overlay(std::string rel, std::string text) : rel_(std::move(rel)), text_(std::move(text)) {}
  std::optional<std::string> read(const std::string& rel) const override {
    if (rel == rel_) return text_;
    return base_->read(rel);
  }
  std::string describe(const std::string& rel) const override { return "fuzz:" + rel; }

 private:
  std::unique_ptr<clmis::pack::DataSource> base_ = clmis::pack::embedded_source();
  std::string rel_, text_;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const bool profile = data[0] & 1;
  Overlay src(profile ? "countries/KNA.json" : "packs/standard/pack.json",
              std::string(reinterpret_cast<const char*>(data + 1), size - 1));
  try {
    const auto pack = clmis::pack::load_pack(src);
    const auto prof = clmis::pack::load_profile(src, "KNA", pack);
    (void)clmis::pack::with_extensions(pack, prof);
  } catch (const clmis::PackError&) {
  } catch (const clmis::NotFound&) {
  }
  return 0;
}
