// The diagnostics catalog, the bag that collects diagnostics, the rustc-style renderer
// and the "did you mean" helper.
#include "tenet/compiler/diagnostics.h"

#include <algorithm>
#include <fmt/color.h>

namespace tenet {
namespace {

const DiagInfo kCatalog[] = {
#define DIAG(Name, Code, Sev, Msg) {#Name, Code, DiagSeverity::Sev, Msg},
#include "tenet/compiler/diagnostics.def"
#undef DIAG
};

bool before(const SourceLoc& a, const SourceLoc& b) {
    if (a.file != b.file) return a.file < b.file;
    if (a.line != b.line) return a.line < b.line;
    return a.column < b.column;
}

const char* severity_word(DiagSeverity s) {
    switch (s) {
    case DiagSeverity::Error:
        return "error";
    case DiagSeverity::Warning:
        return "warning";
    default:
        return "note";
    }
}

} // namespace

const DiagInfo& diag_info(Diag d) {
    size_t i = static_cast<size_t>(d);
    if (i >= std::size(kCatalog)) i = 0;
    return kCatalog[i];
}

const DiagInfo* diag_by_code(std::string_view code) {
    for (const DiagInfo& info : kCatalog)
        if (code == info.code) return &info;
    return nullptr;
}

bool DiagnosticBag::has_errors() const {
    return error_count() != 0;
}

size_t DiagnosticBag::error_count() const {
    return static_cast<size_t>(std::count_if(items_.begin(), items_.end(), [](const Diagnostic& d) {
        return d.severity() == DiagSeverity::Error;
    }));
}

void DiagnosticBag::sort() {
    std::stable_sort(items_.begin(), items_.end(), [](const Diagnostic& a, const Diagnostic& b) {
        return before(a.span.begin, b.span.begin);
    });
}

void DiagnosticBag::append(const DiagnosticBag& other) {
    items_.insert(items_.end(), other.items_.begin(), other.items_.end());
}

std::string render_diagnostic(const Diagnostic& d, const SourceManager& sm, bool color) {
    auto style = [&](fmt::text_style st, std::string_view s) {
        return color ? fmt::format(st, "{}", s) : std::string(s);
    };
    const auto sev = d.severity();
    fmt::text_style sev_style =
        fmt::emphasis::bold |
        fmt::fg(sev == DiagSeverity::Error     ? fmt::terminal_color::bright_red
                : sev == DiagSeverity::Warning ? fmt::terminal_color::bright_yellow
                                               : fmt::terminal_color::bright_cyan);
    fmt::text_style gutter_style = fmt::emphasis::bold | fmt::fg(fmt::terminal_color::bright_blue);

    std::string out = style(sev_style, fmt::format("{}[{}]", severity_word(sev), d.code()));
    out += style(fmt::emphasis::bold, fmt::format(": {}", d.message));
    out += '\n';

    const SourceLoc& b = d.span.begin;
    bool has_file = b.file != 0 && b.file < sm.size();
    std::string line_no = has_file && b.valid() ? std::to_string(b.line) : "";
    // As in the header's example: the gutter is one space wider than the line number.
    if (!line_no.empty()) line_no = " " + line_no;
    std::string pad(line_no.empty() ? 1 : line_no.size(), ' ');
    if (has_file) {
        out += fmt::format("{}{} {}", pad, style(gutter_style, "-->"), sm.path(b.file));
        if (b.valid()) out += fmt::format(":{}:{}", b.line, b.column);
        out += '\n';
    }
    std::string_view line =
        has_file && b.valid() ? sm.line_text(b.file, b.line) : std::string_view{};
    if (has_file && b.valid()) {
        out += fmt::format("{} {}\n", pad, style(gutter_style, "|"));
        out +=
            fmt::format("{} {} {}\n", style(gutter_style, line_no), style(gutter_style, "|"), line);
        // Underline: keep tabs so the carets line up under the source.
        size_t start = b.column > 0 ? b.column - 1 : 0;
        start = std::min(start, line.size());
        size_t end = line.size();
        const SourceLoc& e = d.span.end;
        if (e.file == b.file && e.line == b.line && e.column > b.column)
            end = std::min<size_t>(e.column - 1, line.size());
        if (e.line == b.line && e.column <= b.column) end = start;
        size_t width = end > start ? end - start : 1;
        std::string lead;
        for (size_t i = 0; i < start; ++i) lead += line[i] == '\t' ? '\t' : ' ';
        out += fmt::format("{} {} {}{}\n", pad, style(gutter_style, "|"), lead,
                           style(sev_style, std::string(width, '^')));
    }
    for (const DiagNote& n : d.notes) {
        out += fmt::format("{} {} note: {}", pad, style(gutter_style, "="), n.message);
        if (n.span.begin.valid() && n.span.begin.file != 0 && n.span.begin.file < sm.size())
            out += fmt::format(" ({}:{}:{})", sm.path(n.span.begin.file), n.span.begin.line,
                               n.span.begin.column);
        out += '\n';
    }
    if (!d.help.empty())
        out += fmt::format("{} {} help: {}\n", pad, style(gutter_style, "="), d.help);
    return out;
}

size_t edit_distance(std::string_view a, std::string_view b) {
    // Two rows of the Levenshtein table.
    std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
    for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
    for (size_t i = 1; i <= a.size(); ++i) {
        cur[0] = i;
        for (size_t j = 1; j <= b.size(); ++j)
            cur[j] = std::min(
                {prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
        std::swap(prev, cur);
    }
    return prev[b.size()];
}

std::string closest_match(std::string_view word, const std::vector<std::string>& candidates) {
    size_t limit = std::max<size_t>(2, word.size() / 3);
    std::string best;
    size_t best_dist = limit + 1;
    for (const std::string& c : candidates) {
        if (c == word) continue;
        size_t diff = c.size() > word.size() ? c.size() - word.size() : word.size() - c.size();
        if (diff > limit) continue;
        size_t dist = edit_distance(word, c);
        if (dist < best_dist) {
            best_dist = dist;
            best = c;
        }
    }
    return best;
}

} // namespace tenet
