// Source files and positions shared by every phase.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tenet {

// Index into a SourceManager; 0 means "no file".
using FileId = uint32_t;

// 1-based line and column (columns count bytes). line == 0 means "unknown".
struct SourceLoc {
    FileId file = 0;
    uint32_t line = 0;
    uint32_t column = 0;
    bool valid() const { return line != 0; }
};

// A half-open range [begin, end) on one file; end may equal begin for a point.
struct SourceSpan {
    SourceLoc begin;
    SourceLoc end;
};

// Owns the text of every file a run reads, so that diagnostics and findings can
// print the offending line. Ids are stable for the whole run.
class SourceManager {
  public:
    SourceManager();
    FileId add(std::string path, std::string text);
    const std::string& path(FileId id) const { return files_[id].path; }
    const std::string& text(FileId id) const { return files_[id].text; }
    // The text of 1-based line `line` without its newline; empty if out of range.
    std::string_view line_text(FileId id, uint32_t line) const;
    size_t size() const { return files_.size(); }

  private:
    struct File {
        std::string path;
        std::string text;
        std::vector<uint32_t> line_starts;
    };
    std::vector<File> files_;
};

} // namespace tenet
