// Where a finding points (report.h: finding_span): the value that decided the verdict
// when the engine located it in the resource's file, else the resource's declaration;
// and how far the span to underline goes on that line.
#include "report.h"

#include <fstream>

namespace tenet::cli {

std::string source_line(SourceManager& sm, const SourceLoc& loc) {
    if (!loc.valid() || loc.file == 0 || loc.file >= sm.size()) return {};
    std::string_view line = sm.line_text(loc.file, loc.line);
    if (!line.empty() || !sm.text(loc.file).empty()) return std::string(line);
    // The model named a file that was not loaded (a plan's configuration): read it.
    std::ifstream in(sm.path(loc.file));
    std::string text;
    for (uint32_t i = 0; i < loc.line && std::getline(in, text); ++i) {
    }
    return in ? text : std::string();
}

namespace {

bool blank(char c) {
    return c == ' ' || c == '\t' || c == '\r';
}

// The line's end with trailing blanks dropped.
size_t trimmed_end(std::string_view line) {
    size_t end = line.size();
    while (end > 0 && blank(line[end - 1])) --end;
    return end;
}

// From the quote at `at`: the index after its closing quote, or npos. Backslash escapes
// in double quotes (HCL, JSON, YAML); a doubled quote in YAML's single quotes.
size_t after_string(std::string_view line, size_t at) {
    char q = line[at];
    for (size_t i = at + 1; i < line.size(); ++i) {
        if (q == '"' && line[i] == '\\') {
            ++i;
        } else if (line[i] == q) {
            if (q == '\'' && i + 1 < line.size() && line[i + 1] == '\'') {
                ++i;
                continue;
            }
            return i + 1;
        }
    }
    return std::string_view::npos;
}

// From the bracket at `at`: the index after the bracket that closes it, or npos.
size_t after_brackets(std::string_view line, size_t at) {
    int depth = 0;
    for (size_t i = at; i < line.size(); ++i) {
        char c = line[i];
        if (c == '"' || c == '\'') {
            size_t end = after_string(line, i);
            if (end == std::string_view::npos) return end;
            i = end - 1;
        } else if (c == '[' || c == '{' || c == '(') {
            ++depth;
        } else if ((c == ']' || c == '}' || c == ')') && --depth == 0) {
            return i + 1;
        }
    }
    return std::string_view::npos;
}

} // namespace

uint32_t value_end_column(std::string_view line, uint32_t column) {
    if (column == 0 || column > line.size()) return 0;
    size_t at = column - 1, end = std::string_view::npos;
    char c = line[at];
    if (c == '"' || c == '\'')
        end = after_string(line, at);
    else if (c == '[' || c == '{' || c == '(')
        end = after_brackets(line, at);
    else if (line.substr(at, 2) == "<<")
        end = trimmed_end(line); // a heredoc: its first line
    if (end == std::string_view::npos &&
        (c == '"' || c == '\'' || c == '[' || c == '{' || c == '('))
        end = trimmed_end(line); // continues on the next lines: to the end of this one
    if (end == std::string_view::npos) {
        // A bare token: a number, a boolean, a reference, a YAML plain scalar (a tag such
        // as `!Ref` with its operand).
        end = at;
        auto token = [&] {
            while (end < line.size() && !blank(line[end]) && line[end] != ',' && line[end] != ']' &&
                   line[end] != '}' && line[end] != '#')
                ++end;
        };
        token();
        if (c == '!' && end < line.size() && line[end] == ' ') {
            ++end;
            token();
        }
    }
    if (end <= at) end = at + 1;
    return static_cast<uint32_t>(end + 1);
}

uint32_t value_start_column(std::string_view line, uint32_t column) {
    if (column == 0 || column > line.size()) return column;
    size_t at = column - 1;
    for (size_t i = 0; i < at; ++i)
        if (!blank(line[i])) return column; // not the first word of the line
    size_t i = at;
    auto word = [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '_' || c == '-';
    };
    while (i < line.size() && word(line[i])) ++i;
    if (i == at) return column;
    while (i < line.size() && blank(line[i])) ++i;
    if (i >= line.size() || line[i] != '=' || (i + 1 < line.size() && line[i + 1] == '='))
        return column;
    ++i;
    while (i < line.size() && blank(line[i])) ++i;
    return i < line.size() ? static_cast<uint32_t>(i + 1) : column;
}

FindingSpan finding_span(const CheckReport& r, const Finding& f) {
    FindingSpan s;
    SourceLoc v = f.value_loc;
    if (v.valid() && f.loc.valid() && v.file == f.loc.file && v.file < r.sources->size()) {
        std::string line = source_line(*r.sources, v);
        v.column = value_start_column(line, v.column);
        if (uint32_t end = value_end_column(line, v.column)) {
            s.loc = v;
            s.end_column = end;
            s.value = true;
            return s;
        }
    }
    s.loc = f.loc;
    if (!f.loc.valid() || f.loc.file >= r.sources->size()) return s;
    // The declaration: its first word (`resource`, a logical id).
    std::string line = source_line(*r.sources, f.loc);
    if (f.loc.column >= 1 && f.loc.column <= line.size() + 1) {
        size_t end = f.loc.column - 1;
        while (end < line.size() && line[end] != ' ' && line[end] != '\t') ++end;
        s.end_column = static_cast<uint32_t>(std::max<size_t>(end, f.loc.column) + 1);
    }
    return s;
}

} // namespace tenet::cli
