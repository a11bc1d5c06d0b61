// Program -> bundle bytes. Deterministic: the same Program always gives the same
// bytes (strings are numbered in order of first use), so write(read(write(p))) is
// byte-identical to write(p).
#include "bundle_format.h"
#include "tenet/runtime/bundle.h"

#include <cstring>
#include <string>
#include <unordered_map>

namespace tenet {

namespace {

using bundle::Section;
using bundle::ValueTag;

class Writer {
  public:
    explicit Writer(const Program& p) : p_(p) {}

    std::vector<uint8_t> run() {
        // Sections other than the string table first, into their own buffers, so the
        // string table (which they fill) can go in front of them.
        std::vector<std::pair<Section, std::vector<uint8_t>>> sections;
        for (Section s : bundle::kSectionOrder) {
            if (s == Section::Strings) continue;
            out_.clear();
            section(s);
            sections.emplace_back(s, std::move(out_));
        }
        out_.clear();
        u32(static_cast<uint32_t>(strings_.size()));
        for (const std::string* s : strings_) {
            u32(static_cast<uint32_t>(s->size()));
            out_.insert(out_.end(), s->begin(), s->end());
        }
        std::vector<uint8_t> strings = std::move(out_);
        std::vector<uint8_t> payload;
        append_section(payload, Section::Strings, strings);
        for (auto& [s, bytes] : sections) append_section(payload, s, bytes);

        std::vector<uint8_t> file(bundle::kMagic, bundle::kMagic + 4);
        out_.clear();
        u32(kBundleFormatVersion);
        u32(static_cast<uint32_t>(payload.size()));
        u32(bundle::checksum(payload.data(), payload.size()));
        file.insert(file.end(), out_.begin(), out_.end());
        file.insert(file.end(), payload.begin(), payload.end());
        return file;
    }

  private:
    void u8(uint8_t v) { out_.push_back(v); }
    void u16(uint16_t v) {
        for (int i = 0; i < 2; ++i) out_.push_back(static_cast<uint8_t>(v >> (8 * i)));
    }
    void u32(uint32_t v) {
        for (int i = 0; i < 4; ++i) out_.push_back(static_cast<uint8_t>(v >> (8 * i)));
    }
    void f64(double d) {
        uint64_t bits;
        std::memcpy(&bits, &d, sizeof bits);
        for (int i = 0; i < 8; ++i) out_.push_back(static_cast<uint8_t>(bits >> (8 * i)));
    }
    void count(size_t n) { u32(static_cast<uint32_t>(n)); }
    // Strings are written as indices into the string table.
    void str(const std::string& s) { u32(string_index(s)); }
    void str(std::string_view s) { u32(string_index(std::string(s))); }
    void loc(const LineEntry& e) {
        u32(e.pc);
        u32(e.file);
        u32(e.line);
        u32(e.column);
    }

    uint32_t string_index(const std::string& s) {
        auto [it, fresh] = string_ids_.emplace(s, static_cast<uint32_t>(strings_.size()));
        if (fresh) strings_.push_back(&it->first);
        return it->second;
    }

    void append_section(std::vector<uint8_t>& payload, Section s,
                        const std::vector<uint8_t>& bytes) {
        out_.clear();
        u32(static_cast<uint32_t>(s));
        u32(static_cast<uint32_t>(bytes.size()));
        payload.insert(payload.end(), out_.begin(), out_.end());
        payload.insert(payload.end(), bytes.begin(), bytes.end());
    }

    void value(const Value& v) {
        switch (v.kind()) {
        case Kind::Null:
            u8(static_cast<uint8_t>(ValueTag::Null));
            return;
        case Kind::Bool:
            u8(static_cast<uint8_t>(v.as_bool() ? ValueTag::True : ValueTag::False));
            return;
        case Kind::Number:
            u8(static_cast<uint8_t>(ValueTag::Number));
            f64(v.as_number());
            return;
        case Kind::String:
            u8(static_cast<uint8_t>(ValueTag::String));
            str(v.as_view());
            return;
        case Kind::List:
            u8(static_cast<uint8_t>(ValueTag::List));
            count(v.as_list()->size);
            for (const Value& item : v.as_list()->span()) value(item);
            return;
        case Kind::Map:
            u8(static_cast<uint8_t>(ValueTag::Map));
            count(v.as_map()->size);
            for (const MapEntry& e : v.as_map()->span()) {
                str(e.key->view());
                value(e.value);
            }
            return;
        case Kind::Resource:
        case Kind::Unknown:
            // Never produced by lowering, rejected by the verifier; written as null so
            // the writer itself never fails.
            u8(static_cast<uint8_t>(ValueTag::Null));
            return;
        }
    }

    void section(Section s) {
        switch (s) {
        case Section::Strings:
            return;
        case Section::Constants:
            count(p_.constants.size());
            for (const Value& v : p_.constants) value(v);
            return;
        case Section::Regexes:
            count(p_.regex_sources.size());
            for (const std::string& r : p_.regex_sources) str(r);
            return;
        case Section::Files:
            count(p_.files.size());
            for (const std::string& f : p_.files) str(f);
            return;
        case Section::Functions:
            count(p_.functions.size());
            for (const Function& fn : p_.functions) {
                str(fn.name);
                u16(fn.arity);
                u16(fn.num_locals);
                count(fn.code.size());
                out_.insert(out_.end(), fn.code.begin(), fn.code.end());
                count(fn.lines.size());
                for (const LineEntry& e : fn.lines) loc(e);
            }
            return;
        case Section::Globals:
            count(p_.globals.size());
            for (const GlobalInfo& g : p_.globals) {
                str(g.name);
                u8(g.is_param ? 1 : g.scan ? 2 : 0);
                str(g.type);
                u32(g.init_fn);
                loc(g.loc);
            }
            return;
        case Section::Rules:
            count(p_.rules.size());
            for (const RuleInfo& r : p_.rules) {
                str(r.name);
                str(r.id);
                str(r.title);
                str(r.fix);
                str(r.package);
                count(r.controls.size());
                for (const std::string& c : r.controls) str(c);
                u8(static_cast<uint8_t>(r.severity));
                u8(static_cast<uint8_t>(r.level));
                u8(static_cast<uint8_t>(r.form));
                u8(static_cast<uint8_t>(r.target_kind));
                str(r.target_type);
                f64(r.percent);
                u32(r.percent_global);
                u32(r.where_fn);
                u32(r.requires_fn);
                u32(r.message_fn);
                str(r.message);
                loc(r.loc);
            }
            return;
        case Section::Mappings:
            count(p_.mappings.size());
            for (const MappingInfo& m : p_.mappings) {
                str(m.frontend);
                str(m.native_type);
                str(m.canonical_type);
                count(m.fields.size());
                for (const MapFieldInfo& f : m.fields) {
                    str(f.name);
                    u32(f.fn);
                }
            }
            return;
        }
    }

    const Program& p_;
    std::vector<uint8_t> out_;
    std::unordered_map<std::string, uint32_t> string_ids_;
    std::vector<const std::string*> strings_; // keys of string_ids_ (stable addresses)
};

} // namespace

std::vector<uint8_t> write_bundle(const Program& program) {
    return Writer(program).run();
}

} // namespace tenet
