// compile(): every source (the embedded standard library, the bundled policies when
// asked, the user's files) -> parse -> check -> lower. Each phase runs only when the
// previous one reported no error, so diagnostics never cascade across phases.
#include "tenet/compiler/compiler.h"

#include "tenet/compiler/lower.h"
#include "tenet/compiler/parser.h"
#include "tenet/stdlib/embedded.h"

namespace tenet {

CompileResult compile(SourceManager& sm, const std::vector<FileId>& files,
                      const CompileOptions& opts) {
    CompileResult result;
    auto checked = std::make_unique<CheckedProgram>();
    std::vector<FileId> all;
    if (opts.include_stdlib)
        for (const EmbeddedFile& f : embedded_stdlib())
            all.push_back(sm.add(std::string(f.path), std::string(f.text)));
    if (opts.include_policies)
        for (const EmbeddedFile& f : embedded_policies())
            all.push_back(sm.add(std::string(f.path), std::string(f.text)));
    all.insert(all.end(), files.begin(), files.end());

    for (FileId id : all) checked->files.push_back(parse_file(sm, id, result.diags));
    bool ok = !result.diags.has_errors() && check_program(*checked, sm, result.diags);
    if (ok) {
        try {
            result.program = lower_program(*checked, sm, result.diags);
        } catch (const std::exception& e) {
            result.diags.report(Diag::SyntaxError, SourceSpan{},
                                std::string("internal compiler error: ") + e.what());
        }
        if (result.diags.has_errors()) result.program.reset();
    }
    result.checked = std::move(checked);
    return result;
}

} // namespace tenet
