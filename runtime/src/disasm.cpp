// The disassembler: a stable, readable listing of a Program. The format is used by
// `tenet disasm` and by golden tests, so it only changes on purpose:
//
//   globals:
//     g0  aws.s3.allowed_sse: list<string>  param  init=f3  (s3.tenet:4:7)
//   rules:
//     r0  aws.s3.kms_tls  id=TNT-S3-001  every s3_bucket (canonical)  severity=high level=hard
//         where=-  requires=f5  message=f6  (s3.tenet:9:6)
//   mappings:
//     m0  terraform aws_s3_bucket -> s3_bucket  name=f7 encryption=f8
//   f2  aws.s3.kms  arity=1 locals=1 stack=2
//        0  LOAD           0                         ; s3.tenet:6:26
//        3  FIELD          "encryption"
//        8  JUMP_IF_FALSE  -> 20
//
// Instructions that cannot be decoded (only in programs that were not verified) end
// the function's listing with a `<bad ...>` line instead of being guessed at.
#include "tenet/runtime/disasm.h"

#include "tenet/model/value.h"
#include "tenet/runtime/builtins.h"
#include "tenet/runtime/bytecode.h"

#include <cmath>
#include <fmt/format.h>

namespace tenet {

namespace {

constexpr size_t kMaxConstantText = 60;

void quote(std::string& out, std::string_view s) {
    out += '"';
    for (char c : s) {
        auto u = static_cast<unsigned char>(c);
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (c == '\n') {
            out += "\\n";
        } else if (c == '\t') {
            out += "\\t";
        } else if (u < 0x20 || u == 0x7f) {
            out += fmt::format("\\u{{{:x}}}", u);
        } else {
            out += c;
        }
    }
    out += '"';
}

void number_text(std::string& out, double n) {
    if (std::isfinite(n) && n == std::floor(n) && std::fabs(n) < 1e15)
        out += fmt::format("{}", static_cast<int64_t>(n));
    else
        out += fmt::format("{}", n);
}

// Constants as Tenet literals; long ones are cut with `...`.
void value_text(std::string& out, const Value& v, int depth = 0) {
    if (out.size() > kMaxConstantText) return;
    switch (v.kind()) {
    case Kind::Null:
        out += "null";
        return;
    case Kind::Bool:
        out += v.as_bool() ? "true" : "false";
        return;
    case Kind::Number:
        number_text(out, v.as_number());
        return;
    case Kind::String:
        quote(out, v.as_view());
        return;
    case Kind::List: {
        out += '[';
        bool first = true;
        for (const Value& item : v.as_list()->span()) {
            if (!first) out += ", ";
            first = false;
            if (out.size() > kMaxConstantText || depth > 8) {
                out += "...";
                break;
            }
            value_text(out, item, depth + 1);
        }
        out += ']';
        return;
    }
    case Kind::Map: {
        out += '{';
        bool first = true;
        for (const MapEntry& e : v.as_map()->span()) {
            if (!first) out += ", ";
            first = false;
            if (out.size() > kMaxConstantText || depth > 8) {
                out += "...";
                break;
            }
            quote(out, e.key->view());
            out += ": ";
            value_text(out, e.value, depth + 1);
        }
        out += '}';
        return;
    }
    case Kind::Resource:
        out += fmt::format("<resource {}>", v.resource_index());
        return;
    case Kind::Unknown:
        out += "<unknown>";
        return;
    }
}

std::string constant_text(const Program& p, uint32_t index) {
    if (index >= p.constants.size()) return fmt::format("<constant {}?>", index);
    std::string out;
    value_text(out, p.constants[index]);
    if (out.size() > kMaxConstantText) out = out.substr(0, kMaxConstantText) + "...";
    return out;
}

std::string fn_ref(uint32_t fn) {
    return fn == kNoFunction ? "-" : fmt::format("f{}", fn);
}

std::string loc_text(const Program& p, const LineEntry& e) {
    if (e.line == 0) return "?";
    std::string file = e.file < p.files.size() ? p.files[e.file] : fmt::format("<file {}>", e.file);
    return fmt::format("{}:{}:{}", file, e.line, e.column);
}

const char* form_text(RuleForm f) {
    switch (f) {
    case RuleForm::Every:
        return "every";
    case RuleForm::No:
        return "no";
    case RuleForm::Exists:
        return "exists";
    case RuleForm::AtLeast:
        return "at least";
    }
    return "?";
}

std::string target_text(const RuleInfo& r) {
    switch (r.target_kind) {
    case TargetKind::Any:
        return "resource";
    case TargetKind::Canonical:
        return r.target_type + " (canonical)";
    case TargetKind::Native:
        return r.target_type + " (native)";
    }
    return "?";
}

std::string operand_text(const Program& p, OperandKind k, uint32_t v, uint32_t end) {
    switch (k) {
    case OperandKind::NONE:
        return {};
    case OperandKind::CONST:
    case OperandKind::STR:
        return constant_text(p, v);
    case OperandKind::LOCAL:
        return fmt::format("{}", v);
    case OperandKind::GLOBAL:
        return v < p.globals.size() ? fmt::format("g{} {}", v, p.globals[v].name)
                                    : fmt::format("g{}", v);
    case OperandKind::FUNC:
        return v < p.functions.size() ? fmt::format("f{} {}", v, p.functions[v].name)
                                      : fmt::format("f{}", v);
    case OperandKind::BUILTIN:
        return static_cast<int64_t>(v) < builtin_count()
                   ? fmt::format("{}", builtin_info(static_cast<int>(v)).name)
                   : fmt::format("builtin#{}", v);
    case OperandKind::REGEX: {
        if (v >= p.regex_sources.size()) return fmt::format("regex#{}", v);
        std::string out = "/";
        out += p.regex_sources[v];
        out += '/';
        return out;
    }
    case OperandKind::COUNT:
        return fmt::format("#{}", v);
    case OperandKind::JUMP:
        return fmt::format("-> {}", static_cast<int64_t>(end) + static_cast<int32_t>(v));
    }
    return {};
}

void function_text(std::string& out, const Program& p, uint32_t index) {
    const Function& fn = p.functions[index];
    out += fmt::format("\nf{}  {}  arity={} locals={} stack={}\n", index, fn.name, fn.arity,
                       fn.num_locals, fn.max_stack);
    size_t line = 0;
    uint32_t pc = 0;
    while (pc < fn.code.size()) {
        uint8_t byte = fn.code[pc];
        if (byte >= kOpCount) {
            out += fmt::format("  {:5}  <bad opcode {}>\n", pc, byte);
            return;
        }
        const OpInfo& info = op_info(static_cast<Op>(byte));
        if (pc + static_cast<size_t>(info.size) > fn.code.size()) {
            out += fmt::format("  {:5}  <truncated {}>\n", pc, info.name);
            return;
        }
        uint32_t end = pc + static_cast<uint32_t>(info.size);
        std::string operands;
        uint32_t at = pc + 1;
        for (OperandKind k : info.operands) {
            int n = operand_size(k);
            uint32_t v = 0;
            for (int i = 0; i < n; ++i) v |= static_cast<uint32_t>(fn.code[at + i]) << (8 * i);
            at += n;
            if (k == OperandKind::NONE) continue;
            if (!operands.empty()) operands += ", ";
            operands += operand_text(p, k, v, end);
        }
        std::string text = fmt::format("  {:5}  {:<15} {}", pc, info.name, operands);
        // The source position of the line-table entry starting here, if any.
        while (line < fn.lines.size() && fn.lines[line].pc < pc) ++line;
        if (line < fn.lines.size() && fn.lines[line].pc == pc) {
            if (text.size() < 56) text.resize(56, ' ');
            text += "  ; " + loc_text(p, fn.lines[line]);
        }
        while (!text.empty() && text.back() == ' ') text.pop_back();
        out += text + '\n';
        pc = end;
    }
}

} // namespace

std::string disassemble(const Program& p) {
    std::string out;
    out += fmt::format(
        "; tenet program: {} files, {} constants, {} regexes, {} functions, {} globals, {} rules, "
        "{} mappings\n",
        p.files.size(), p.constants.size(), p.regex_sources.size(), p.functions.size(),
        p.globals.size(), p.rules.size(), p.mappings.size());
    if (!p.globals.empty()) out += "globals:\n";
    for (size_t i = 0; i < p.globals.size(); ++i) {
        const GlobalInfo& g = p.globals[i];
        out += fmt::format("  g{}  {}: {}  {}  init={}  ({})\n", i, g.name, g.type,
                           g.is_param ? "param"
                           : g.scan   ? "scan let"
                                      : "let",
                           fn_ref(g.init_fn), loc_text(p, g.loc));
    }
    if (!p.rules.empty()) out += "rules:\n";
    for (size_t i = 0; i < p.rules.size(); ++i) {
        const RuleInfo& r = p.rules[i];
        std::string form = form_text(r.form);
        if (r.form == RuleForm::AtLeast) {
            std::string pct;
            number_text(pct, r.percent);
            if (r.percent_global != kNoGlobal)
                pct = r.percent_global < p.globals.size() ? p.globals[r.percent_global].name
                                                          : "g" + std::to_string(r.percent_global);
            form += " " + pct + "% of";
        }
        out += fmt::format("  r{}  {}  id={}  {} {}  severity={} level={}\n", i, r.name, r.id, form,
                           target_text(r), severity_name(r.severity), level_name(r.level));
        out += fmt::format("      where={}  requires={}  message={}  ({})\n", fn_ref(r.where_fn),
                           fn_ref(r.requires_fn), fn_ref(r.message_fn), loc_text(p, r.loc));
        if (!r.title.empty()) {
            out += "      title=";
            quote(out, r.title);
            out += '\n';
        }
        if (!r.message.empty()) {
            out += "      message=";
            quote(out, r.message);
            out += '\n';
        }
        if (!r.controls.empty()) {
            out += "      controls=";
            for (size_t c = 0; c < r.controls.size(); ++c) {
                if (c) out += ',';
                out += r.controls[c];
            }
            out += '\n';
        }
    }
    if (!p.mappings.empty()) out += "mappings:\n";
    for (size_t i = 0; i < p.mappings.size(); ++i) {
        const MappingInfo& m = p.mappings[i];
        out += fmt::format("  m{}  {} {} -> {}", i, m.frontend, m.native_type, m.canonical_type);
        for (const MapFieldInfo& f : m.fields) out += fmt::format(" {}={}", f.name, fn_ref(f.fn));
        out += '\n';
    }
    if (!p.regex_sources.empty()) out += "regexes:\n";
    for (size_t i = 0; i < p.regex_sources.size(); ++i)
        out += fmt::format("  x{}  /{}/\n", i, p.regex_sources[i]);
    for (uint32_t i = 0; i < p.functions.size(); ++i) function_text(out, p, i);
    return out;
}

} // namespace tenet
