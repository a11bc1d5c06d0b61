// The standard library and bundled policy packs, embedded at build time.
#pragma once

#include <string_view>
#include <vector>

namespace tenet {

struct EmbeddedFile {
    std::string_view path; // relative to the source tree: stdlib/aws/s3.tenet
    std::string_view text;
};

const std::vector<EmbeddedFile>& embedded_stdlib();
const std::vector<EmbeddedFile>& embedded_policies();

} // namespace tenet
