// Reading a whole file into memory: the one way every phase does it.
#pragma once

#include <filesystem>
#include <string>

namespace tenet {

// Reads the file at `path` into `out`. On failure returns false and sets `why` to the
// reason ("it is a directory", the system's "No such file or directory", "read error"),
// for the caller to put in its own message.
bool read_file(const std::filesystem::path& path, std::string& out, std::string& why);

// As above, for callers that report failures in their own words.
inline bool read_file(const std::filesystem::path& path, std::string& out) {
    std::string why;
    return read_file(path, out, why);
}

} // namespace tenet
