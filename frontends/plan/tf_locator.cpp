#include "tf_locator.h"

#include "json_values.h"
#include "tenet/common/file.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <re2/re2.h>
#include <sstream>
#include <vector>

namespace tenet::plan {

namespace fs = std::filesystem;

namespace {

// `.rule[3].x` -> `.rule[*].x`: the form recorded for blocks a `dynamic` block generates.
std::string any_index(std::string_view path) {
    std::string out;
    for (size_t i = 0; i < path.size(); ++i) {
        if (path[i] == '[' && i + 1 < path.size() && path[i + 1] >= '0' && path[i + 1] <= '9') {
            size_t close = path.find(']', i);
            if (close != std::string_view::npos) {
                out += "[*]";
                i = close;
                continue;
            }
        }
        out += path[i];
    }
    return out;
}

} // namespace

SourceLoc BlockLocations::lookup(std::string_view path) const {
    std::string_view p = path;
    while (!p.empty()) {
        auto it = attributes.find(std::string(p));
        if (it == attributes.end()) it = attributes.find(any_index(p));
        if (it != attributes.end()) return it->second;
        size_t cut = std::string_view::npos;
        for (size_t i = p.size(); i-- > 0;)
            if (p[i] == '.' || p[i] == '[') {
                cut = i;
                break;
            }
        if (cut == std::string_view::npos) break;
        // A `[` inside a quoted key (`["a.b"]`) is not a step boundary; the map is
        // keyed by whole steps, so a wrong cut only costs one more lookup.
        p = p.substr(0, cut);
    }
    return block;
}

namespace {

// Line starts of a text, for offset -> line:column.
class LineIndex {
  public:
    explicit LineIndex(std::string_view text) {
        starts_.push_back(0);
        for (size_t i = 0; i < text.size(); ++i)
            if (text[i] == '\n') starts_.push_back(i + 1);
    }
    SourceLoc at(FileId file, size_t offset) const {
        auto it = std::upper_bound(starts_.begin(), starts_.end(), offset);
        size_t line = static_cast<size_t>(it - starts_.begin());
        return SourceLoc{file, static_cast<uint32_t>(line),
                         static_cast<uint32_t>(offset - starts_[line - 1] + 1)};
    }

  private:
    std::vector<size_t> starts_;
};

// Follows one block body from just after its `{` to its closing `}` and records
// where attributes, nested blocks and object keys start.
class BodyScanner {
  public:
    BodyScanner(std::string_view text, FileId file, const LineIndex& lines, BlockLocations& out)
        : text_(text), file_(file), lines_(lines), out_(out) {}

    // Returns the offset just past the closing brace (text size if unterminated).
    size_t run(size_t pos);

  private:
    enum class Kind { Block, Object, Other };
    struct Frame {
        Kind kind;
        std::string path;
        bool to_string = false; // a `${ }` inside a string: closing it resumes the string
        bool dynamic = false;   // a `dynamic "x"` block: its `content` is the generated block
        std::map<std::string, int> block_counts;
    };

    void record(const std::string& path, size_t offset) {
        out_.attributes.emplace(path, lines_.at(file_, offset));
    }
    size_t statement(size_t pos);
    size_t skip_string(size_t pos);
    size_t skip_heredoc(size_t pos);
    void open(Kind kind, std::string path, bool to_string = false, bool dynamic = false) {
        frames_.push_back(Frame{kind, std::move(path), to_string, dynamic, {}});
    }

    std::string_view text_;
    FileId file_;
    const LineIndex& lines_;
    BlockLocations& out_;
    std::vector<Frame> frames_;
    std::string pending_object_; // path for the next `{` when it directly follows `key =`
    bool in_string_ = false;
};

size_t BodyScanner::run(size_t pos) {
    open(Kind::Block, "");
    bool at_statement = true;
    while (pos < text_.size() && !frames_.empty()) {
        if (in_string_) {
            pos = skip_string(pos);
            continue;
        }
        char c = text_[pos];
        if (c == '\n') {
            at_statement = true;
            ++pos;
            continue;
        }
        if (c == ' ' || c == '\t' || c == '\r') {
            ++pos;
            continue;
        }
        if (at_statement && frames_.back().kind != Kind::Other) {
            at_statement = false;
            size_t next = statement(pos);
            if (next != pos) {
                pos = next;
                continue;
            }
        }
        at_statement = false;
        if (c == '#' || (c == '/' && pos + 1 < text_.size() && text_[pos + 1] == '/')) {
            while (pos < text_.size() && text_[pos] != '\n') ++pos;
            continue;
        }
        if (c == '/' && pos + 1 < text_.size() && text_[pos + 1] == '*') {
            size_t end = text_.find("*/", pos + 2);
            pos = end == std::string_view::npos ? text_.size() : end + 2;
            continue;
        }
        if (c == '<' && text_.substr(pos).starts_with("<<")) {
            size_t next = skip_heredoc(pos);
            if (next != pos) {
                pos = next;
                at_statement = true;
                continue;
            }
        }
        if (c == '"') {
            in_string_ = true;
            ++pos;
            continue;
        }
        if (c == '{' || c == '[' || c == '(') {
            if (c == '{' && !pending_object_.empty()) {
                open(Kind::Object, pending_object_);
                at_statement = true;
            } else {
                open(Kind::Other, frames_.back().path);
            }
            pending_object_.clear();
            ++pos;
            continue;
        }
        pending_object_.clear();
        if (c == '}' || c == ']' || c == ')') {
            bool resume_string = frames_.back().to_string;
            frames_.pop_back();
            in_string_ = resume_string;
            ++pos;
            continue;
        }
        if (c == ',' && frames_.back().kind == Kind::Object) at_statement = true;
        ++pos;
    }
    return pos;
}

// At the start of a statement in a block or object literal: an attribute, a nested
// block header, or an object key. Returns the position after what it consumed (the
// key and `=` or `:`, or the block header's `{`), or `pos` when nothing matched.
size_t BodyScanner::statement(size_t pos) {
    static const RE2 attribute(R"(([A-Za-z_][A-Za-z0-9_-]*)[ \t]*(?:=[^=>]|:[^:]))");
    static const RE2 quoted_key(R"re("((?:[^"\\\n]|\\.)*)"[ \t]*(?:=[^=>]|:[^:]))re");
    static const RE2 block_header(R"re(([A-Za-z_][A-Za-z0-9_-]*)((?:[ \t]+"[^"\n]*")*)[ \t]*\{)re");
    Frame& top = frames_.back();
    re2::StringPiece input(text_.data() + pos, text_.size() - pos);
    re2::StringPiece groups[3];
    std::string key;
    if (top.kind == Kind::Block &&
        block_header.Match(input, 0, input.size(), RE2::ANCHOR_START, groups, 3)) {
        std::string block(groups[1].data(), groups[1].size());
        std::string path = top.path;
        if (block == "content" && top.dynamic) {
            open(Kind::Block, path);
        } else if (block == "dynamic") {
            static const RE2 label(R"re("([^"]*)")re");
            std::string dyn;
            RE2::PartialMatch(groups[2], label, &dyn);
            append_path_key(path, dyn);
            record(path, pos);
            path += "[*]";
            record(path, pos);
            open(Kind::Block, path, false, true);
        } else {
            int index = top.block_counts[block]++;
            std::string base = path;
            append_path_key(base, block);
            std::string indexed = base;
            append_path_index(indexed, static_cast<size_t>(index));
            record(indexed, pos);
            if (index == 0) record(base, pos);
            open(Kind::Block, indexed);
        }
        return pos + groups[0].size();
    }
    bool matched = attribute.Match(input, 0, input.size(), RE2::ANCHOR_START, groups, 2);
    if (matched)
        key.assign(groups[1].data(), groups[1].size());
    else if (top.kind == Kind::Object &&
             quoted_key.Match(input, 0, input.size(), RE2::ANCHOR_START, groups, 2))
        key.assign(groups[1].data(), groups[1].size()), matched = true;
    if (!matched) return pos;
    std::string path = top.path;
    append_path_key(path, key);
    record(path, pos);
    pending_object_ = path;
    // Leave the character after `=` / `:` to the main loop (it may open an object).
    return pos + groups[0].size() - 1;
}

size_t BodyScanner::skip_string(size_t pos) {
    while (pos < text_.size()) {
        char c = text_[pos];
        if (c == '\\') {
            pos += 2;
            continue;
        }
        if (c == '"' || c == '\n') { // an unterminated string ends at the line's end
            in_string_ = false;
            return pos + 1;
        }
        if ((c == '$' || c == '%') && pos + 1 < text_.size() && text_[pos + 1] == '{') {
            if (pos > 0 && text_[pos - 1] == c) { // `$${` and `%%{` are literals
                pos += 2;
                continue;
            }
            in_string_ = false;
            open(Kind::Other, frames_.back().path, true);
            return pos + 2;
        }
        ++pos;
    }
    in_string_ = false;
    return pos;
}

// `<<EOF` or `<<-EOF` up to the line that holds only the delimiter.
size_t BodyScanner::skip_heredoc(size_t pos) {
    static const RE2 opener(R"(<<-?([A-Za-z_][A-Za-z0-9_]*)[ \t]*\r?\n)");
    re2::StringPiece input(text_.data() + pos, text_.size() - pos);
    re2::StringPiece groups[2];
    if (!opener.Match(input, 0, input.size(), RE2::ANCHOR_START, groups, 2)) return pos;
    std::string delimiter(groups[1].data(), groups[1].size());
    size_t line = pos + groups[0].size();
    while (line < text_.size()) {
        size_t end = text_.find('\n', line);
        if (end == std::string_view::npos) end = text_.size();
        std::string_view l = text_.substr(line, end - line);
        size_t a = l.find_first_not_of(" \t");
        size_t b = l.find_last_not_of(" \t\r");
        if (a != std::string_view::npos && l.substr(a, b - a + 1) == delimiter) return end;
        line = end + 1;
    }
    return text_.size();
}

} // namespace

void scan_tf_blocks(std::string_view text, FileId file,
                    std::map<std::string, BlockLocations>& out) {
    // Two labels: resource "TYPE" "NAME", data "TYPE" "NAME"; one label: variable,
    // output, module "NAME". Block ids join the keyword and labels with dots.
    static const RE2 two_labels(
        R"re((?m)^[ \t]*(resource|data)[ \t]+"([^"\n]+)"[ \t]+"([^"\n]+)"[ \t]*\{)re");
    static const RE2 one_label(
        R"re((?m)^[ \t]*(variable|output|module)[ \t]+"([^"\n]+)"[ \t]*\{)re");
    LineIndex lines(text);
    re2::StringPiece input(text.data(), text.size());
    for (auto [header, n] : {std::pair{&two_labels, 4}, std::pair{&one_label, 3}}) {
        re2::StringPiece groups[4];
        size_t pos = 0;
        while (pos < text.size() &&
               header->Match(input, pos, input.size(), RE2::UNANCHORED, groups, n)) {
            size_t start = static_cast<size_t>(groups[0].data() - text.data());
            size_t keyword = static_cast<size_t>(groups[1].data() - text.data());
            std::string id(groups[1].data(), groups[1].size());
            for (int g = 2; g < n; ++g) id += "." + std::string(groups[g].data(), groups[g].size());
            BlockLocations locs;
            locs.block = lines.at(file, keyword);
            BodyScanner scanner(text, file, lines, locs);
            size_t end = scanner.run(start + groups[0].size());
            out.emplace(id, std::move(locs)); // the first block of a name wins, as in Terraform
            pos = std::max(end, start + groups[0].size());
        }
    }
}

const TfLocator::Directory& TfLocator::scan(const std::string& dir) {
    auto it = dirs_.find(dir);
    if (it != dirs_.end()) return *it->second;
    auto d = std::make_unique<Directory>();
    std::error_code ec;
    std::vector<fs::path> files;
    for (auto& e : fs::directory_iterator(dir, ec))
        if (e.is_regular_file(ec) && e.path().extension() == ".tf") files.push_back(e.path());
    std::sort(files.begin(), files.end());
    for (auto& f : files) {
        std::string text;
        read_file(f, text); // an unreadable file has no blocks to locate
        FileId id = sm_.add(f.lexically_normal().string(), std::move(text));
        scan_tf_blocks(sm_.text(id), id, d->blocks);
    }
    return *dirs_.emplace(dir, std::move(d)).first->second;
}

const BlockLocations* TfLocator::find(const std::string& dir, std::string_view mode,
                                      std::string_view type, std::string_view name) {
    if (dir.empty()) return nullptr;
    const Directory& d = scan(dir);
    std::string id = std::string(mode) + "." + std::string(type) + "." + std::string(name);
    auto it = d.blocks.find(id);
    return it == d.blocks.end() ? nullptr : &it->second;
}

const BlockLocations* TfLocator::find_named(const std::string& dir, std::string_view kind,
                                            std::string_view name) {
    if (dir.empty()) return nullptr;
    const Directory& d = scan(dir);
    auto it = d.blocks.find(std::string(kind) + "." + std::string(name));
    return it == d.blocks.end() ? nullptr : &it->second;
}

} // namespace tenet::plan
