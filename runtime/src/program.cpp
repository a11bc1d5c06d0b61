#include "tenet/runtime/program.h"

#include <re2/re2.h>

namespace tenet {

const char* severity_name(Severity s) {
    switch (s) {
    case Severity::Info:
        return "info";
    case Severity::Low:
        return "low";
    case Severity::Medium:
        return "medium";
    case Severity::High:
        return "high";
    case Severity::Critical:
        return "critical";
    }
    return "?";
}

const char* level_name(Level l) {
    switch (l) {
    case Level::Advisory:
        return "advisory";
    case Level::Soft:
        return "soft";
    case Level::Hard:
        return "hard";
    }
    return "?";
}

Program::Program() = default;
Program::~Program() = default;
Program::Program(Program&&) noexcept = default;
Program& Program::operator=(Program&&) noexcept = default;

bool Program::compile_regexes(std::string* error) {
    regexes.clear();
    RE2::Options opts;
    opts.set_log_errors(false);
    // A cap on the compiled program size keeps hostile patterns from using much memory.
    opts.set_max_mem(8 << 20);
    for (auto& src : regex_sources) {
        auto re = std::make_unique<re2::RE2>(src, opts);
        if (!re->ok()) {
            if (error) *error = "invalid regular expression `" + src + "`: " + re->error();
            return false;
        }
        regexes.push_back(std::move(re));
    }
    return true;
}

} // namespace tenet
