// load_policy_paths: reads the .tenet files named on the command line, and every
// .tenet file under the folders named there (recursively, in sorted order).
#include "tenet/common/file.h"
#include "tenet/compiler/compiler.h"

#include <algorithm>
#include <filesystem>

namespace tenet {

namespace fs = std::filesystem;

std::vector<FileId> load_policy_paths(SourceManager& sm, const std::vector<std::string>& paths,
                                      DiagnosticBag& diags) {
    std::vector<FileId> ids;
    for (const std::string& path : paths) {
        std::error_code ec;
        std::vector<std::string> files;
        if (fs::is_directory(path, ec)) {
            fs::recursive_directory_iterator it(path, fs::directory_options::skip_permission_denied,
                                                ec),
                end;
            for (; !ec && it != end; it.increment(ec))
                if (it->path().extension() == ".tenet" && it->is_regular_file(ec))
                    files.push_back(it->path().string());
            if (ec) {
                diags.report(Diag::CannotRead, SourceSpan{}, path, ec.message());
                continue;
            }
            std::sort(files.begin(), files.end());
            if (files.empty()) {
                diags.report(Diag::NoPolicies, SourceSpan{}, path);
                continue;
            }
        } else if (!fs::exists(path, ec)) {
            diags.report(Diag::CannotRead, SourceSpan{}, path, "no such file or directory");
            continue;
        } else {
            files.push_back(path);
        }
        for (const std::string& f : files) {
            std::string text, error;
            if (!read_file(f, text, error)) {
                diags.report(Diag::CannotRead, SourceSpan{}, f, error);
                continue;
            }
            ids.push_back(sm.add(f, std::move(text)));
        }
    }
    return ids;
}

} // namespace tenet
