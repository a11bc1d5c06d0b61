// Bundle bytes -> verified Program. Every read is bounds-checked; the first problem
// ends decoding with a message naming the section and byte offset. Nothing read here
// is trusted until verify_program() has accepted the whole Program.
#include "bundle_format.h"
#include "tenet/model/arena.h"
#include "tenet/model/interner.h"
#include "tenet/runtime/bundle.h"
#include "tenet/runtime/verifier.h"

#include <cmath>
#include <cstring>
#include <fmt/format.h>
#include <optional>

namespace tenet {

namespace {

using bundle::Section;
using bundle::ValueTag;

// Thrown inside the reader only; read_bundle turns it into its error message.
struct Malformed {
    std::string message;
};

class Reader {
  public:
    Reader(std::span<const uint8_t> bytes, Program& out) : bytes_(bytes), p_(out) {}

    void run() {
        if (bytes_.size() < bundle::kHeaderSize)
            fail(fmt::format("too short for a bundle header ({} bytes, need {})", bytes_.size(),
                             bundle::kHeaderSize));
        if (std::memcmp(bytes_.data(), bundle::kMagic, 4) != 0)
            fail("not a Tenet bundle (bad magic; expected TNTB)");
        pos_ = 4;
        end_ = bytes_.size();
        uint32_t version = u32();
        if (version != kBundleFormatVersion)
            fail(fmt::format("unsupported bundle format version {} (this tenet reads version {})",
                             version, kBundleFormatVersion));
        uint32_t size = u32();
        uint32_t sum = u32();
        if (size != bytes_.size() - bundle::kHeaderSize)
            fail(fmt::format(
                "payload size {} in the header, but {} bytes follow it (truncated or padded)", size,
                bytes_.size() - bundle::kHeaderSize));
        if (bundle::checksum(bytes_.data() + bundle::kHeaderSize, size) != sum)
            fail("checksum mismatch: the bundle is corrupted");
        for (Section s : bundle::kSectionOrder) read_section(s);
        if (pos_ != bytes_.size()) fail("unexpected bytes after the last section");
    }

  private:
    [[noreturn]] void fail(const std::string& what) {
        std::string where =
            section_ ? fmt::format("section {} at byte {}: ", section_, pos_) : std::string();
        throw Malformed{where + what};
    }

    void need(size_t n) {
        if (n > end_ - pos_)
            fail(fmt::format("truncated: needs {} more byte(s), {} left", n, end_ - pos_));
    }
    uint8_t u8() {
        need(1);
        return bytes_[pos_++];
    }
    uint16_t u16() {
        need(2);
        uint16_t v = static_cast<uint16_t>(bytes_[pos_] | (bytes_[pos_ + 1] << 8));
        pos_ += 2;
        return v;
    }
    uint32_t u32() {
        need(4);
        uint32_t v = 0;
        for (int i = 0; i < 4; ++i) v |= static_cast<uint32_t>(bytes_[pos_ + i]) << (8 * i);
        pos_ += 4;
        return v;
    }
    double f64() {
        need(8);
        uint64_t bits = 0;
        for (int i = 0; i < 8; ++i) bits |= static_cast<uint64_t>(bytes_[pos_ + i]) << (8 * i);
        pos_ += 8;
        double d;
        std::memcpy(&d, &bits, sizeof d);
        return d;
    }
    // A count of items that each take at least `min_size` bytes: larger counts cannot
    // fit in what is left, so they are rejected before anything is allocated.
    uint32_t count(size_t min_size) {
        uint32_t n = u32();
        if (static_cast<uint64_t>(n) * min_size > end_ - pos_)
            fail(fmt::format("count {} does not fit in the {} byte(s) left", n, end_ - pos_));
        return n;
    }
    const std::string& str() {
        uint32_t i = u32();
        if (i >= strings_.size())
            fail(fmt::format("string {} out of bounds ({} strings)", i, strings_.size()));
        return strings_[i];
    }
    LineEntry loc() {
        LineEntry e;
        e.pc = u32();
        e.file = u32();
        e.line = u32();
        e.column = u32();
        return e;
    }
    template <typename E> E enum_u8(uint8_t max, const char* what) {
        uint8_t v = u8();
        if (v > max) fail(fmt::format("invalid {} {}", what, v));
        return static_cast<E>(v);
    }

    void read_section(Section s) {
        section_ = nullptr;
        auto tag = static_cast<Section>(u32());
        if (tag != s)
            fail(fmt::format("expected section {}, found tag 0x{:08x}", bundle::section_name(s),
                             static_cast<uint32_t>(tag)));
        uint32_t size = u32();
        section_ = bundle::section_name(s);
        if (size > bytes_.size() - pos_)
            fail(fmt::format("section size {} runs past the end", size));
        size_t saved_end = end_;
        end_ = pos_ + size;
        body(s);
        if (pos_ != end_)
            fail(fmt::format("{} unread byte(s) at the end of the section", end_ - pos_));
        end_ = saved_end;
        section_ = nullptr;
    }

    Value value(int depth) {
        if (depth > bundle::kMaxValueDepth) fail("constant nested too deeply");
        uint8_t tag = u8();
        switch (static_cast<ValueTag>(tag)) {
        case ValueTag::Null:
            return Value::null();
        case ValueTag::False:
            return Value::boolean(false);
        case ValueTag::True:
            return Value::boolean(true);
        case ValueTag::Number:
            return Value::number(f64());
        case ValueTag::String:
            return Value::string(intern(str()));
        case ValueTag::List: {
            uint32_t n = count(1);
            std::vector<Value> items;
            for (uint32_t i = 0; i < n; ++i) items.push_back(value(depth + 1));
            const ListObj* l = p_.arena.make_list(items);
            if (!l) fail("out of memory");
            return Value::list(l);
        }
        case ValueTag::Map: {
            uint32_t n = count(5);
            std::vector<MapEntry> entries;
            for (uint32_t i = 0; i < n; ++i) {
                const StrObj* key = intern(str());
                entries.push_back({key, value(depth + 1)});
            }
            const MapObj* m = p_.arena.make_map(entries);
            if (!m) fail("out of memory");
            if (m->size != n) fail("map constant with a duplicate key");
            return Value::map(m);
        }
        }
        fail(fmt::format("invalid constant tag {}", tag));
    }

    void body(Section s) {
        switch (s) {
        case Section::Strings: {
            uint32_t n = count(4);
            for (uint32_t i = 0; i < n; ++i) {
                uint32_t len = u32();
                need(len);
                strings_.emplace_back(reinterpret_cast<const char*>(bytes_.data() + pos_), len);
                pos_ += len;
            }
            return;
        }
        case Section::Constants: {
            uint32_t n = count(1);
            for (uint32_t i = 0; i < n; ++i) p_.constants.push_back(value(0));
            return;
        }
        case Section::Regexes: {
            uint32_t n = count(4);
            for (uint32_t i = 0; i < n; ++i) p_.regex_sources.push_back(str());
            return;
        }
        case Section::Files: {
            uint32_t n = count(4);
            for (uint32_t i = 0; i < n; ++i) p_.files.push_back(str());
            return;
        }
        case Section::Functions: {
            uint32_t n = count(16);
            for (uint32_t i = 0; i < n; ++i) {
                Function fn;
                fn.name = str();
                fn.arity = u16();
                fn.num_locals = u16();
                uint32_t size = count(1);
                fn.code.assign(bytes_.begin() + static_cast<std::ptrdiff_t>(pos_),
                               bytes_.begin() + static_cast<std::ptrdiff_t>(pos_ + size));
                pos_ += size;
                uint32_t lines = count(16);
                for (uint32_t k = 0; k < lines; ++k) fn.lines.push_back(loc());
                p_.functions.push_back(std::move(fn));
            }
            return;
        }
        case Section::Globals: {
            uint32_t n = count(29);
            for (uint32_t i = 0; i < n; ++i) {
                GlobalInfo g;
                g.name = str();
                uint8_t kind = u8(); // 0 let, 1 param, 2 scan-level let
                if (kind > 2) fail(fmt::format("invalid global kind {}", kind));
                g.is_param = kind == 1;
                g.scan = kind == 2;
                g.type = str();
                g.init_fn = u32();
                g.loc = loc();
                p_.globals.push_back(std::move(g));
            }
            return;
        }
        case Section::Rules: {
            uint32_t n = count(76);
            for (uint32_t i = 0; i < n; ++i) {
                RuleInfo r;
                r.name = str();
                r.id = str();
                r.title = str();
                r.fix = str();
                r.package = str();
                uint32_t controls = count(4);
                for (uint32_t k = 0; k < controls; ++k) r.controls.push_back(str());
                r.severity =
                    enum_u8<Severity>(static_cast<uint8_t>(Severity::Critical), "severity");
                r.level = enum_u8<Level>(static_cast<uint8_t>(Level::Hard), "level");
                r.form = enum_u8<RuleForm>(static_cast<uint8_t>(RuleForm::AtLeast), "rule form");
                r.target_kind =
                    enum_u8<TargetKind>(static_cast<uint8_t>(TargetKind::Native), "target kind");
                r.target_type = str();
                r.percent = f64();
                r.percent_global = u32();
                r.where_fn = u32();
                r.requires_fn = u32();
                r.message_fn = u32();
                r.message = str();
                r.loc = loc();
                p_.rules.push_back(std::move(r));
            }
            return;
        }
        case Section::Mappings: {
            uint32_t n = count(16);
            for (uint32_t i = 0; i < n; ++i) {
                MappingInfo m;
                m.frontend = str();
                m.native_type = str();
                m.canonical_type = str();
                uint32_t fields = count(8);
                for (uint32_t k = 0; k < fields; ++k) {
                    MapFieldInfo f;
                    f.name = str();
                    f.fn = u32();
                    m.fields.push_back(std::move(f));
                }
                p_.mappings.push_back(std::move(m));
            }
            return;
        }
        }
    }

    std::span<const uint8_t> bytes_;
    Program& p_;
    size_t pos_ = 0;
    size_t end_ = 0;
    const char* section_ = nullptr;
    std::vector<std::string> strings_;
};

} // namespace

bool read_bundle(std::span<const uint8_t> bytes, Program& out, std::string& error) {
    Program program;
    try {
        Reader(bytes, program).run();
    } catch (const Malformed& m) {
        error = "invalid bundle: " + m.message;
        return false;
    }
    std::string why;
    if (!verify_program(program, why)) {
        error = "invalid bundle: " + why;
        return false;
    }
    if (!program.compile_regexes(&why)) {
        error = "invalid bundle: " + why;
        return false;
    }
    out = std::move(program);
    return true;
}

} // namespace tenet
