// The data/ tree compiled into the library (see cmake/embed.cmake).
#include "pack/embedded_files.hpp"
#include "pack/pack.hpp"

namespace clmis::pack {

std::unique_ptr<DataSource> embedded_source() {
  std::map<std::string, std::string> files;
  for (size_t i = 0; i < detail::kEmbeddedFileCount; ++i) {
    const auto& f = detail::kEmbeddedFiles[i];
    files.emplace(f.path, std::string(reinterpret_cast<const char*>(f.data), f.size));
  }
  return memory_source(std::move(files), "embedded");
}

}  // namespace clmis::pack
