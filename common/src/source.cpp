#include "tenet/common/source.h"

#include <cstring>

namespace tenet {

SourceManager::SourceManager() {
    files_.push_back(File{"<none>", "", {0}});
}

FileId SourceManager::add(std::string path, std::string text) {
    File f{std::move(path), std::move(text), {0}};
    // memchr finds the newlines word-at-a-time: large inputs are indexed at memory speed.
    const char* begin = f.text.data();
    const char* end = begin + f.text.size();
    for (const char* p = begin; p < end;) {
        const void* nl = std::memchr(p, '\n', static_cast<size_t>(end - p));
        if (!nl) break;
        p = static_cast<const char*>(nl) + 1;
        f.line_starts.push_back(static_cast<uint32_t>(p - begin));
    }
    files_.push_back(std::move(f));
    return static_cast<FileId>(files_.size() - 1);
}

std::string_view SourceManager::line_text(FileId id, uint32_t line) const {
    if (id >= files_.size() || line == 0) return {};
    const File& f = files_[id];
    if (line > f.line_starts.size()) return {};
    uint32_t b = f.line_starts[line - 1];
    uint32_t e = line < f.line_starts.size() ? f.line_starts[line] - 1 : f.text.size();
    if (e > b && f.text[e - 1] == '\r') --e;
    return std::string_view(f.text).substr(b, e - b);
}

} // namespace tenet
