#include "tenet/common/file.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace tenet {

bool read_file(const std::filesystem::path& path, std::string& out, std::string& why) {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) {
        why = "it is a directory";
        return false;
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        why = std::strerror(errno);
        return false;
    }
    std::ostringstream ss;
    ss << in.rdbuf();
    if (in.bad()) {
        why = "read error";
        return false;
    }
    out = std::move(ss).str();
    return true;
}

} // namespace tenet
