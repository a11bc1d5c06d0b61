#include "program_source.h"

#include "tenet/common/file.h"
#include "tenet/common/json.h"
#include "tenet/common/yaml.h"

#include <fstream>
#include <re2/re2.h>
#include <sstream>

namespace tenet::pulumi {

namespace fs = std::filesystem;

namespace {

int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

// %XX escapes of a URI path; false on a broken escape or an encoded NUL.
bool percent_decode(std::string_view in, std::string& out) {
    out.clear();
    for (size_t i = 0; i < in.size(); ++i) {
        if (in[i] != '%') {
            out += in[i];
            continue;
        }
        int hi = i + 2 < in.size() ? hex_digit(in[i + 1]) : -1;
        int lo = i + 2 < in.size() ? hex_digit(in[i + 2]) : -1;
        if (hi < 0 || lo < 0 || (hi == 0 && lo == 0)) return false;
        out += static_cast<char>(hi * 16 + lo);
        i += 2;
    }
    return true;
}

// The `name:` of a Pulumi.yaml; empty when it has none or does not parse.
std::string project_name(const fs::path& file) {
    std::string text;
    if (!read_file(file, text)) return {};
    json::Node doc;
    json::ParseError err;
    if (!yaml::parse(text, 0, doc, err)) return {};
    const json::Node* name = doc.get("name");
    return name && name->is(json::Type::String) ? name->string : std::string();
}

} // namespace

std::optional<SourcePosition> parse_source_position(std::string_view uri) {
    // project:///PATH#LINE[,COLUMN]: no authority, a path below the project root.
    static const RE2 form(R"(project:///([^#?]+)#([0-9]{1,9})(?:,([0-9]{1,9}))?)");
    std::string path, line, column;
    if (!RE2::FullMatch(uri, form, &path, &line, &column)) return std::nullopt;
    SourcePosition pos;
    if (!percent_decode(path, pos.path) || pos.path.empty()) return std::nullopt;
    pos.line = static_cast<uint32_t>(std::stoul(line));
    pos.column = column.empty() ? 0 : static_cast<uint32_t>(std::stoul(column));
    if (pos.line == 0) return std::nullopt;
    return pos;
}

const std::optional<fs::path>& ProgramSources::root(const std::string& project) {
    if (!searched_) {
        searched_ = true;
        std::error_code ec;
        fs::path dir = fs::absolute(fs::path(document_), ec).lexically_normal().parent_path();
        for (; !ec && !dir.empty(); dir = dir.parent_path()) {
            for (const char* name : {"Pulumi.yaml", "Pulumi.yml"})
                if (std::error_code missing; fs::is_regular_file(dir / name, missing)) {
                    root_ = dir;
                    root_project_ = project_name(dir / name);
                    break;
                }
            if (root_ || dir == dir.root_path()) break;
        }
    }
    // A Pulumi.yaml of another project is not this stack's program.
    static const std::optional<fs::path> none;
    if (root_ && !root_project_.empty() && !project.empty() && root_project_ != project)
        return none;
    return root_;
}

std::optional<SourceLoc> ProgramSources::locate(std::string_view uri, const std::string& project) {
    std::optional<SourcePosition> pos = parse_source_position(uri);
    if (!pos) return std::nullopt;
    const std::optional<fs::path>& base = root(project);
    if (!base) return std::nullopt;
    fs::path full = (*base / fs::path(pos->path).relative_path()).lexically_normal();
    fs::path inside = full.lexically_relative(*base);
    if (inside.empty() || *inside.begin() == "..") return std::nullopt; // outside the project
    std::string key = full.string();
    auto it = files_.find(key);
    if (it == files_.end()) {
        std::string text;
        File f;
        if (read_file(full, text)) {
            f.lines = 1;
            for (char c : text) f.lines += c == '\n';
            if (!text.empty() && text.back() == '\n') --f.lines;
            // Shown as the document was given: relative to the working folder when it was.
            std::error_code ec;
            fs::path shown = full;
            if (fs::path(document_).is_relative()) {
                fs::path rel = full.lexically_relative(fs::current_path(ec));
                if (!ec && !rel.empty()) shown = rel;
            }
            f.id = sm_.add(shown.string(), std::move(text));
        }
        it = files_.emplace(key, f).first;
    }
    const File& f = it->second;
    if (f.id == 0 || pos->line > f.lines) return std::nullopt;
    std::string_view line = sm_.line_text(f.id, pos->line);
    uint32_t column = pos->column;
    if (column == 0 || column > line.size()) { // no column (Python): the statement's start
        size_t first = line.find_first_not_of(" \t");
        column = first == std::string_view::npos ? 1 : static_cast<uint32_t>(first + 1);
    }
    return SourceLoc{f.id, pos->line, column};
}

} // namespace tenet::pulumi
