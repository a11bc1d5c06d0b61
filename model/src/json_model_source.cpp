// Source locations in the JSON model.
#include "json_model_source.h"

#include <charconv>

namespace tenet::model_json {

SourceFiles::SourceFiles(SourceManager& sm, FileId model_file) : sm_(sm) {
    const std::string& path = sm.path(model_file);
    size_t slash = path.rfind('/');
    if (slash != std::string::npos) dir_ = path.substr(0, slash + 1);
}

FileId SourceFiles::id(std::string_view name) {
    if (last_id_ != 0 && name == last_name_) return last_id_;
    std::string key(name);
    auto it = ids_.find(key);
    FileId id;
    if (it != ids_.end()) {
        id = it->second;
    } else {
        id = sm_.add((!name.empty() && name[0] == '/') ? key : dir_ + key, "");
        ids_.emplace(key, id);
        order_.push_back(id);
    }
    last_name_ = std::move(key);
    last_id_ = id;
    return id;
}

namespace {

constexpr const char* kExpected =
    "expected \"file:line:column\" or {\"file\", \"line\", \"column\"}";

bool whole_number(double n, uint32_t& out) {
    if (!(n >= 1 && n <= 4294967295.0) || n != static_cast<double>(static_cast<uint32_t>(n)))
        return false;
    out = static_cast<uint32_t>(n);
    return true;
}

} // namespace

bool LocationReader::from_string(std::string_view s, SourceLoc& out, std::string& message) {
    uint32_t nums[2] = {0, 0};
    int count = 0;
    while (count < 2) {
        size_t colon = s.rfind(':');
        if (colon == std::string_view::npos) break;
        std::string_view tail = s.substr(colon + 1);
        uint32_t n = 0;
        auto r = std::from_chars(tail.data(), tail.data() + tail.size(), n);
        if (tail.empty() || r.ec != std::errc() || r.ptr != tail.data() + tail.size() || n == 0)
            break;
        nums[count++] = n;
        s = s.substr(0, colon);
    }
    if (count == 0 || s.empty()) {
        message = kExpected;
        return false;
    }
    out = SourceLoc{files_.id(s), count == 2 ? nums[1] : nums[0], count == 2 ? nums[0] : 1};
    return true;
}

void LocationReader::begin() {
    field_ = None;
    seen_ = 0;
    loc_ = SourceLoc{0, 0, 1}; // column defaults to 1
}

bool LocationReader::key(std::string_view k, std::string& message) {
    if (k == "file")
        field_ = File;
    else if (k == "line")
        field_ = Line;
    else if (k == "column")
        field_ = Column;
    else {
        message = "unexpected key `" + std::string(k) + "` (expected file, line, column)";
        return false;
    }
    seen_ |= static_cast<uint8_t>(1u << field_);
    return true;
}

bool LocationReader::string_value(std::string_view s, std::string& message) {
    if (field_ != File || s.empty()) {
        message = field_ == File ? "`file` must be a non-empty string"
                                 : "`line` and `column` must be whole numbers of at least 1";
        return false;
    }
    loc_.file = files_.id(s);
    return true;
}

bool LocationReader::number_value(double n, std::string& message) {
    uint32_t v = 0;
    if (field_ == File || !whole_number(n, v)) {
        message = field_ == File ? "`file` must be a non-empty string"
                                 : "`" + std::string(field_ == Line ? "line" : "column") +
                                       "` must be a whole number of at least 1";
        return false;
    }
    (field_ == Line ? loc_.line : loc_.column) = v;
    return true;
}

bool LocationReader::end(SourceLoc& out, std::string& message) {
    if (!(seen_ & (1u << File))) {
        message = "`file` must be a non-empty string";
        return false;
    }
    if (!(seen_ & (1u << Line))) {
        message = "`line` must be a whole number of at least 1";
        return false;
    }
    out = loc_;
    return true;
}

} // namespace tenet::model_json
