// Where a Pulumi resource is written in its program: a resource state's `sourcePosition`
// (`project:///index.ts#12,5`: a path relative to the project root, the directory that
// holds Pulumi.yaml, and `line[,column]` in the fragment) resolved against the project
// root found at or above the document's folder. The program file is added to the
// SourceManager, so findings print its line and inline `tenet:ignore` comments above
// the resource are read from it. See docs/frontends/pulumi.md.
#pragma once

#include "tenet/common/source.h"

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace tenet::pulumi {

// A parsed `sourcePosition`: the project-relative path (percent-decoded), line and
// column (0 when absent). Empty for anything but `project:` URIs with a positive line.
struct SourcePosition {
    std::string path;
    uint32_t line = 0;
    uint32_t column = 0;
};
std::optional<SourcePosition> parse_source_position(std::string_view uri);

class ProgramSources {
  public:
    // `document` is the path of the Pulumi document being loaded.
    ProgramSources(SourceManager& sm, const std::string& document) : sm_(sm), document_(document) {}

    // The location of `uri` in the program of project `project` (the URN's project
    // name); nullopt when the position is malformed, no Pulumi.yaml of that project
    // is at or above the document's folder, the path leaves the project root, or the
    // file or line does not exist.
    std::optional<SourceLoc> locate(std::string_view uri, const std::string& project);

  private:
    const std::optional<std::filesystem::path>& root(const std::string& project);
    SourceManager& sm_;
    std::string document_;
    bool searched_ = false;
    std::optional<std::filesystem::path> root_; // absolute
    std::string root_project_;                  // its Pulumi.yaml's name
    struct File {
        FileId id = 0; // 0: unreadable
        uint32_t lines = 0;
    };
    std::map<std::string, File> files_; // by resolved path
};

} // namespace tenet::pulumi
