// Program: a compiled, immutable policy set. Produced by the compiler (lowering) or
// loaded from a bundle (then verified), shared read-only by all worker threads.
#pragma once

#include "tenet/common/source.h"
#include "tenet/model/arena.h"
#include "tenet/model/value.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace re2 {
class RE2;
}

namespace tenet {

// pc -> source position, sorted by pc; the entry with the greatest pc <= x applies.
struct LineEntry {
    uint32_t pc;
    uint32_t file; // index into Program::files
    uint32_t line;
    uint32_t column;
};

struct Function {
    std::string name;   // pkg.pred, rule:NAME/where, map:terraform:aws_s3_bucket/encryption, ...
    uint16_t arity = 0; // arguments occupy locals[0..arity)
    uint16_t num_locals = 0;
    uint16_t max_stack = 0; // computed by the verifier when loading; by lowering when compiling
    std::vector<uint8_t> code;
    std::vector<LineEntry> lines;
};

enum class Severity : uint8_t { Info, Low, Medium, High, Critical };
enum class Level : uint8_t { Advisory, Soft, Hard };
enum class RuleForm : uint8_t { Every, No, Exists, AtLeast };
enum class TargetKind : uint8_t { Any, Canonical, Native };

const char* severity_name(Severity s);
const char* level_name(Level l);

constexpr uint32_t kNoFunction = 0xFFFFFFFF;
constexpr uint32_t kNoGlobal = 0xFFFFFFFF;

struct RuleInfo {
    std::string name; // qualified: aws.s3.s3_kms_and_tls
    std::string id;   // TNT-S3-001
    std::string title;
    std::string fix;
    std::string package;
    std::vector<std::string> controls;
    Severity severity = Severity::Medium;
    Level level = Level::Hard;
    RuleForm form = RuleForm::Every;
    TargetKind target_kind = TargetKind::Any;
    std::string target_type;             // canonical or native type name; empty for Any
    double percent = 100;                // AtLeast
    uint32_t percent_global = kNoGlobal; // AtLeast with `NAME%`: the global giving it
    uint32_t where_fn = kNoFunction;     // (resource) -> truth
    uint32_t requires_fn = kNoFunction;  // (resource) -> truth; for No: the condition
    uint32_t message_fn = kNoFunction;   // (resource) -> string
    std::string message;                 // the message template as written (for docs)
    LineEntry loc{};                     // where the rule is declared
};

struct MapFieldInfo {
    std::string name;
    uint32_t fn; // (native resource) -> value
};

struct MappingInfo {
    std::string frontend;
    std::string native_type;
    std::string canonical_type;
    std::vector<MapFieldInfo> fields;
};

// A global slot: a parameter (overridable) or a top-level let.
struct GlobalInfo {
    std::string name; // qualified: aws.s3.allowed_sse
    bool is_param = false;
    // A scan-level let: it reads the model, so it is computed per scan, on first use
    // (SCAN), not when the globals are initialized; only SCAN reads it.
    bool scan = false;
    std::string type;               // the declared type, as text: list<string>
    uint32_t init_fn = kNoFunction; // () -> value; kNoFunction: a param without default
    LineEntry loc{};
};

struct Program {
    std::vector<std::string> files; // source paths referenced by LineEntry::file
    Arena arena;                    // owns constant strings, lists and maps
    std::vector<Value> constants;
    std::vector<std::string> regex_sources;
    std::vector<std::unique_ptr<re2::RE2>> regexes; // compiled from regex_sources at load
    std::vector<Function> functions;
    std::vector<GlobalInfo> globals; // in initialization order
    std::vector<RuleInfo> rules;
    std::vector<MappingInfo> mappings;

    Program();
    ~Program();
    Program(Program&&) noexcept;
    Program& operator=(Program&&) noexcept;
    // Compiles regex_sources into regexes; returns false with a message on failure.
    bool compile_regexes(std::string* error);
};

} // namespace tenet
