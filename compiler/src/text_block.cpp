// dedent_text_block and TextBlock::map: the text of a test's inline input, and the way
// back from a position in it to the test file.
#include "tenet/compiler/text_block.h"

#include "tenet/compiler/ast.h"

#include <algorithm>

namespace tenet {

namespace {

bool is_blank(char c) {
    return c == ' ' || c == '\t';
}

bool blank_line(std::string_view s) {
    return std::all_of(s.begin(), s.end(), [](char c) { return is_blank(c) || c == '\r'; });
}

struct Line {
    uint32_t offset;
    std::string_view text;
};

} // namespace

DedentedText dedent_text_block(std::string_view inner) {
    std::vector<Line> lines;
    size_t start = 0;
    while (true) {
        size_t nl = inner.find('\n', start);
        std::string_view line = inner.substr(start, nl == std::string_view::npos ? nl : nl - start);
        if (!line.empty() && line.back() == '\r' && nl != std::string_view::npos)
            line.remove_suffix(1);
        lines.push_back({static_cast<uint32_t>(start), line});
        if (nl == std::string_view::npos) break;
        start = nl + 1;
    }
    bool multi_line = lines.size() > 1;
    bool first_on_opening_line = true;
    if (multi_line && blank_line(lines.front().text)) {
        lines.erase(lines.begin());
        first_on_opening_line = false;
    }
    bool ends_with_newline = false;
    if (multi_line && !lines.empty() && blank_line(lines.back().text)) {
        lines.pop_back();
        ends_with_newline = true;
    }

    // The common indentation of the non-blank lines (not counting a first line written
    // on the opening line).
    std::string_view indent;
    bool have_indent = false;
    for (size_t i = first_on_opening_line ? 1 : 0; i < lines.size(); ++i) {
        std::string_view t = lines[i].text;
        if (blank_line(t)) continue;
        size_t n = 0;
        while (n < t.size() && is_blank(t[n])) ++n;
        if (!have_indent) {
            indent = t.substr(0, n);
            have_indent = true;
            continue;
        }
        size_t k = 0;
        while (k < indent.size() && k < n && indent[k] == t[k]) ++k;
        indent = indent.substr(0, k);
    }

    DedentedText out;
    for (size_t i = 0; i < lines.size(); ++i) {
        Line line = lines[i];
        bool keep_as_is = i == 0 && first_on_opening_line;
        if (blank_line(line.text)) {
            line.text = {};
        } else if (!keep_as_is) {
            line.offset += static_cast<uint32_t>(indent.size());
            line.text.remove_prefix(indent.size());
        }
        if (i) out.text += '\n';
        out.text += line.text;
        out.line_offsets.push_back(line.offset);
    }
    if (ends_with_newline && !lines.empty()) out.text += '\n';
    if (out.text.find_first_not_of('\n') == std::string::npos) out.text.clear(); // all blank
    return out;
}

namespace ast {

SourceLoc TextBlock::map(uint32_t line, uint32_t column) const {
    if (line_locs.empty()) return {};
    if (line == 0) line = 1;
    if (line > line_locs.size()) line = static_cast<uint32_t>(line_locs.size());
    SourceLoc loc = line_locs[line - 1];
    if (column > 0) loc.column += column - 1;
    return loc;
}

} // namespace ast

} // namespace tenet
