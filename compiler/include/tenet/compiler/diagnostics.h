// Compiler diagnostics: one catalog (diagnostics.def), collected in a bag, rendered
// rustc-style with the source line and a caret underline.
#pragma once

#include "tenet/common/source.h"

#include <fmt/format.h>
#include <string>
#include <vector>

namespace tenet {

enum class DiagSeverity : uint8_t { Error, Warning, Note };

enum class Diag : uint16_t {
#define DIAG(Name, Code, Sev, Msg) Name,
#include "tenet/compiler/diagnostics.def"
#undef DIAG
    Count_
};

struct DiagInfo {
    const char* name;
    const char* code;
    DiagSeverity severity;
    const char* format;
};
const DiagInfo& diag_info(Diag d);
// Lookup by public code ("E0303"); nullptr if none.
const DiagInfo* diag_by_code(std::string_view code);

struct DiagNote {
    SourceSpan span; // may be invalid: then the note has no location
    std::string message;
};

struct Diagnostic {
    Diag kind;
    SourceSpan span;
    std::string message;
    std::vector<DiagNote> notes;
    std::string help; // "did you mean `encryption`?"
    const char* code() const { return diag_info(kind).code; }
    DiagSeverity severity() const { return diag_info(kind).severity; }
};

class DiagnosticBag {
  public:
    template <typename... Args> Diagnostic& report(Diag d, SourceSpan span, Args&&... args) {
        Diagnostic diag{
            d, span, fmt::vformat(diag_info(d).format, fmt::make_format_args(args...)), {}, {}};
        items_.push_back(std::move(diag));
        return items_.back();
    }
    bool has_errors() const;
    size_t error_count() const;
    const std::vector<Diagnostic>& items() const { return items_; }
    // Sorted by file, line, column; stable for equal positions.
    void sort();
    void append(const DiagnosticBag& other);

  private:
    std::vector<Diagnostic> items_;
};

// rustc-style text:
//   error[E0303]: type `s3_bucket` has no field `encrpytion`
//     --> policies/s3.tenet:4:26
//      |
//    4 | pred kms(b: s3_bucket) = b.encrpytion.algorithm in allowed_sse
//      |                          ^^^^^^^^^^^^
//      = help: did you mean `encryption`?
std::string render_diagnostic(const Diagnostic& d, const SourceManager& sm, bool color);

// "did you mean" helper: the closest candidate within edit distance max(2, len/3), or "".
std::string closest_match(std::string_view word, const std::vector<std::string>& candidates);
// Levenshtein distance (bytes).
size_t edit_distance(std::string_view a, std::string_view b);

} // namespace tenet
