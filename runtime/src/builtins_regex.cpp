// Regular-expression builtins (RE2: linear time, so a shared policy cannot hang a scan)
// and the per-thread pattern cache that MATCHES_DYN uses too.
#include "builtins_internal.h"

#include <fmt/format.h>
#include <memory>
#include <re2/re2.h>
#include <string>
#include <unordered_map>

namespace tenet {

namespace {

// Patterns built at run time are few (one per distinct attribute value at most), but a
// hostile model could make many: the cache is dropped whole when it grows past this.
constexpr size_t kCacheLimit = 512;

struct CachedRegex {
    std::unique_ptr<re2::RE2> re;
    std::string error; // empty when re compiled
};

} // namespace

const re2::RE2* cached_regex(std::string_view pattern, std::string& error) {
    thread_local std::unordered_map<std::string, CachedRegex> cache;
    auto it = cache.find(std::string(pattern));
    if (it == cache.end()) {
        if (cache.size() >= kCacheLimit) cache.clear();
        RE2::Options opts;
        opts.set_log_errors(false);
        opts.set_max_mem(8 << 20); // same cap as Program::compile_regexes
        CachedRegex entry;
        entry.re =
            std::make_unique<re2::RE2>(re2::StringPiece(pattern.data(), pattern.size()), opts);
        if (!entry.re->ok()) entry.error = entry.re->error();
        it = cache.emplace(std::string(pattern), std::move(entry)).first;
    }
    if (!it->second.error.empty()) {
        error = fmt::format("invalid regular expression `{}`: {}", pattern, it->second.error);
        return nullptr;
    }
    return it->second.re.get();
}

namespace {

// Checks (s, pattern) arguments: null s -> result null; bad kinds or pattern -> error.
const re2::RE2* regex_args(BuiltinContext& ctx, const char* fn, std::span<const Value> args,
                           Value& result) {
    for (const Value& a : args) {
        if (a.is(Kind::String)) continue;
        result = a.is_null() ? Value::null() : fail_type(ctx, fn, "a string", a);
        return nullptr;
    }
    std::string error;
    const re2::RE2* re = cached_regex(args[1].as_view(), error);
    if (!re) {
        ctx.fail(fmt::format("{}: {}", fn, error));
        result = Value::null();
    }
    return re;
}

re2::StringPiece piece(const Value& v) {
    return re2::StringPiece(v.as_view().data(), v.as_view().size());
}

} // namespace

Value builtin_matches(BuiltinContext& ctx, std::span<const Value> args) {
    Value result;
    const re2::RE2* re = regex_args(ctx, "matches", args, result);
    if (!re)
        return args[0].is_null() ? Value::boolean(false)
                                 : result; // like `s matches re`: null -> false
    return Value::boolean(RE2::PartialMatch(piece(args[0]), *re));
}

Value builtin_regex_find(BuiltinContext& ctx, std::span<const Value> args) {
    Value result;
    const re2::RE2* re = regex_args(ctx, "regex_find", args, result);
    if (!re) return result;
    re2::StringPiece groups[2];
    int n = re->NumberOfCapturingGroups() > 0 ? 2 : 1;
    re2::StringPiece text = piece(args[0]);
    if (!re->Match(text, 0, text.size(), RE2::UNANCHORED, groups, n)) return Value::null();
    re2::StringPiece found = groups[n - 1];
    if (found.data() == nullptr) return Value::null(); // the group did not take part in the match
    return make_string_value(ctx, std::string_view(found.data(), found.size()), args[0].prov());
}

Value builtin_regex_find_all(BuiltinContext& ctx, std::span<const Value> args) {
    Value result;
    const re2::RE2* re = regex_args(ctx, "regex_find_all", args, result);
    if (!re) return result;
    re2::StringPiece groups[2];
    int n = re->NumberOfCapturingGroups() > 0 ? 2 : 1;
    re2::StringPiece text = piece(args[0]);
    std::vector<Value> out;
    for (size_t at = 0; at <= text.size();) {
        if (!re->Match(text, at, text.size(), RE2::UNANCHORED, groups, n)) break;
        size_t end = static_cast<size_t>(groups[0].data() - text.data()) + groups[0].size();
        re2::StringPiece found = groups[n - 1];
        if (found.data() != nullptr) { // else the group took no part in this match
            Value s = make_string_value(ctx, std::string_view(found.data(), found.size()),
                                        args[0].prov());
            if (s.is_null()) return s; // the memory cap
            out.push_back(s);
        }
        at = end > at ? end : at + 1; // an empty match moves on by one byte
    }
    return make_list_value(ctx, out, args[0].prov());
}

Value builtin_regex_replace(BuiltinContext& ctx, std::span<const Value> args) {
    Value result;
    const re2::RE2* re = regex_args(ctx, "regex_replace", args, result);
    if (!re) return result;
    if (!args[2].is(Kind::String))
        return args[2].is_null() ? Value::null()
                                 : fail_type(ctx, "regex_replace", "a string", args[2]);
    std::string rewrite_error;
    if (!re->CheckRewriteString(piece(args[2]), &rewrite_error)) {
        ctx.fail("regex_replace: " + rewrite_error);
        return Value::null();
    }
    std::string out(args[0].as_view());
    RE2::GlobalReplace(&out, *re, piece(args[2]));
    return make_string_value(ctx, out, args[0].prov());
}

} // namespace tenet
