// Source locations in the JSON model: the IaC files a model names, and locations
// written as {"file", "line", "column"} (read event by event, without building a
// map) or as "file:line:column". Internal to the model loader.
#pragma once

#include "tenet/common/source.h"

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace tenet::model_json {

// One FileId per file named in `$source` and `source`, registered in the
// SourceManager with the path resolved against the model file's folder (the text is
// left empty; reports read the line from disk when they need it).
class SourceFiles {
  public:
    SourceFiles(SourceManager& sm, FileId model_file);
    FileId id(std::string_view name);
    const std::vector<FileId>& named() const { return order_; }

  private:
    SourceManager& sm_;
    std::string dir_;
    std::unordered_map<std::string, FileId> ids_;
    std::vector<FileId> order_;
    std::string last_name_; // models name the same file many times in a row
    FileId last_id_ = 0;
};

class LocationReader {
  public:
    explicit LocationReader(SourceFiles& files) : files_(files) {}

    // "file:line:column" or "file:line" (the file name may itself contain `:`).
    bool from_string(std::string_view s, SourceLoc& out, std::string& message);

    // The object form, one event at a time.
    void begin();
    bool key(std::string_view k, std::string& message);
    bool string_value(std::string_view s, std::string& message);
    bool number_value(double n, std::string& message);
    bool end(SourceLoc& out, std::string& message);

  private:
    enum Field : uint8_t { None, File, Line, Column };
    SourceFiles& files_;
    Field field_ = None;
    uint8_t seen_ = 0;
    SourceLoc loc_;
};

} // namespace tenet::model_json
