// The builtin table. Bundles store builtin indices, so entries are only ever appended:
// never reorder or remove one (a format version bump would be needed).
#include "builtins_internal.h"
#include "tenet/model/arena.h"

#include <algorithm>
#include <string_view>
#include <vector>

namespace tenet {

namespace {

using R = BuiltinResult;
constexpr bool kPropagate = true;
constexpr bool kSeesUnknown = false;

const BuiltinInfo kBuiltins[] = {
    // general
    {"len", 1, 1, R::Number, kPropagate, builtin_len,
     "number of elements of a list or map, or characters of a string; null has 0"},
    {"has", 1, 1, R::Bool, kSeesUnknown, builtin_has,
     "whether a value is present (not null); an unknown value counts as present"},
    {"type_of", 1, 1, R::String, kPropagate, builtin_type_of,
     "the kind of a value: null, bool, number, string, list, map or resource"},
    {"is_unknown", 1, 1, R::Bool, kSeesUnknown, builtin_is_unknown,
     "whether a value is known only after apply"},
    {"default", 2, 2, R::SameAsArg0, kSeesUnknown, builtin_default,
     "default(x, d): d when x is null, else x (an unknown x stays unknown)"},
    {"to_string", 1, 1, R::String, kPropagate, builtin_to_string,
     "the string form of a value, as in message templates"},
    // strings
    {"lower", 1, 1, R::String, kPropagate, builtin_lower, "lower-case (ASCII letters)"},
    {"upper", 1, 1, R::String, kPropagate, builtin_upper, "upper-case (ASCII letters)"},
    {"trim", 1, 1, R::String, kPropagate, builtin_trim, "strip leading and trailing whitespace"},
    {"starts_with", 2, 2, R::Bool, kPropagate, builtin_starts_with, "starts_with(s, prefix)"},
    {"ends_with", 2, 2, R::Bool, kPropagate, builtin_ends_with, "ends_with(s, suffix)"},
    {"contains", 2, 2, R::Bool, kPropagate, builtin_contains,
     "contains(s, sub): substring test; on a list, element test"},
    {"split", 2, 2, R::ListString, kPropagate, builtin_split,
     "split(s, sep): the pieces between separators (sep \"\" splits characters)"},
    {"join", 2, 2, R::String, kPropagate, builtin_join,
     "join(list, sep): the elements' string forms separated by sep"},
    {"replace", 3, 3, R::String, kPropagate, builtin_replace,
     "replace(s, old, new): every occurrence of old replaced by new"},
    {"substr", 2, 3, R::String, kPropagate, builtin_substr,
     "substr(s, start[, length]): characters from start (0-based), clamped"},
    {"format", 1, 16, R::String, kPropagate, builtin_format,
     "format(f, args...): f with each {} replaced by the next argument ({{ and }} are braces)"},
    // regular expressions (RE2)
    {"matches", 2, 2, R::Bool, kPropagate, builtin_matches,
     "matches(s, re): whether RE2 pattern re matches somewhere in s"},
    {"regex_find", 2, 2, R::String, kPropagate, builtin_regex_find,
     "regex_find(s, re): the first match (its first group if re has one), or null"},
    {"regex_replace", 3, 3, R::String, kPropagate, builtin_regex_replace,
     "regex_replace(s, re, by): every match replaced (\\1 names a group)"},
    // numbers
    {"abs", 1, 1, R::Number, kPropagate, builtin_abs, "absolute value"},
    {"min", 1, 16, R::Number, kPropagate, builtin_min,
     "min(a, b, ...) or min(list): the smallest number (null for an empty list)"},
    {"max", 1, 16, R::Number, kPropagate, builtin_max,
     "max(a, b, ...) or max(list): the largest number (null for an empty list)"},
    {"floor", 1, 1, R::Number, kPropagate, builtin_floor, "round down to an integer"},
    {"ceil", 1, 1, R::Number, kPropagate, builtin_ceil, "round up to an integer"},
    {"to_number", 1, 1, R::Number, kPropagate, builtin_to_number,
     "a number, or a string holding one, as a number"},
    // lists and maps
    {"keys", 1, 1, R::ListString, kPropagate, builtin_keys, "the keys of a map, sorted"},
    {"values", 1, 1, R::ElemOfArg0, kPropagate, builtin_values,
     "the values of a map, in key order"},
    {"flatten", 1, 1, R::ListAny, kPropagate, builtin_flatten,
     "nested lists flattened into one list"},
    {"distinct", 1, 1, R::SameAsArg0, kPropagate, builtin_distinct,
     "a list without repeated elements (first occurrences kept)"},
    {"sort", 1, 1, R::SameAsArg0, kPropagate, builtin_sort,
     "a list of numbers or of strings in ascending order"},
    {"first", 1, 1, R::ElemOfArg0, kPropagate, builtin_first,
     "the first element of a list, or null when empty"},
    {"last", 1, 1, R::ElemOfArg0, kPropagate, builtin_last,
     "the last element of a list, or null when empty"},
    {"sum", 1, 1, R::Number, kPropagate, builtin_sum,
     "the sum of a list of numbers (0 when empty)"},
    {"any_true", 1, 1, R::Bool, kPropagate, builtin_any_true,
     "whether some element of a list of truths is true (three-valued)"},
    {"all_true", 1, 1, R::Bool, kPropagate, builtin_all_true,
     "whether every element of a list of truths is true (three-valued)"},
    // JSON
    {"json_decode", 1, 1, R::Any, kPropagate, builtin_json_decode, "parse JSON text"},
    {"json_encode", 1, 1, R::String, kPropagate, builtin_json_encode,
     "compact JSON text of a value, keys sorted"},
    // network
    {"cidr_contains", 2, 2, R::Bool, kPropagate, builtin_cidr_contains,
     "cidr_contains(cidr, ip_or_cidr): whether the address or range lies inside cidr"},
    {"cidr_is_public", 1, 1, R::Bool, kPropagate, builtin_cidr_is_public,
     "whether a CIDR reaches beyond private, loopback, link-local, CGNAT and ULA ranges"},
    {"cidr_prefix", 1, 1, R::Number, kPropagate, builtin_cidr_prefix,
     "the prefix length of a CIDR"},
    {"is_ip", 1, 1, R::Bool, kPropagate, builtin_is_ip,
     "whether a value is an IPv4 or IPv6 address"},
    {"is_cidr", 1, 1, R::Bool, kPropagate, builtin_is_cidr,
     "whether a value is an IPv4 or IPv6 CIDR block"},
    {"port_in_range", 3, 3, R::Bool, kPropagate, builtin_port_in_range,
     "port_in_range(port, from, to): from <= port <= to"},
    // IAM
    {"iam_document", 1, 1, R::Any, kPropagate, builtin_iam_document,
     "an IAM policy (JSON text or object) in std.iam's iam_policy shape"},
    // messages: the parser turns `{resource}` into `address(it)`; a resource's string form is its
    // address.
    {"address", 1, 1, R::String, kPropagate, builtin_to_string,
     "address(r): the resource's address, as `{resource}` shows it in messages"},
    // references: provenance is static, so unknown values are looked into
    {"referenced", 1, 16, R::ListAny, kSeesUnknown, builtin_referenced,
     "referenced(v, T...): the resources v derives from by reference (of native or canonical "
     "type T, when given)"},
    // what the model records about a resource or a value beyond the value itself
    {"native_type", 1, 1, R::String, kPropagate, builtin_native_type,
     "native_type(r): the resource's frontend type (aws_s3_bucket, AWS::S3::Bucket, ...)"},
    {"attributes", 1, 1, R::MapAny, kPropagate, builtin_attributes,
     "attributes(r): the resource's native attributes, also when it is seen through a "
     "canonical view"},
    {"value_state", 1, 1, R::String, kSeesUnknown, builtin_value_state,
     "value_state(v): how v came to be: explicit, default, computed or unknown (null when "
     "the model records nothing)"},
    {"refs", 1, 1, R::ListString, kSeesUnknown, builtin_refs,
     "refs(v): what v (or a value inside it) derives from: var.x, param.X, resources' "
     "attributes, URNs"},
    {"resources_of", 1, 16, R::ListAny, kPropagate, builtin_resources_of,
     "resources_of(T...): every resource of native or canonical type T"},
    // appended: map comprehensions lower to it
    {"from_entries", 1, 1, R::MapAny, kPropagate, builtin_from_entries,
     "from_entries(pairs): the map of a list of [key, value] pairs (a later key replaces an "
     "earlier one)"},
    {"regex_find_all", 2, 2, R::ListString, kPropagate, builtin_regex_find_all,
     "regex_find_all(s, re): every match, left to right, without overlaps (its first group "
     "if re has one; matches where the group took no part are left out)"},
    {"unknown", 1, 1, R::Any, kPropagate, builtin_unknown,
     "unknown(reason): a value not known from the inputs, with the reason its verdicts give "
     "(for what the stack cannot tell, such as a resource outside it)"},
};

constexpr int kCount = static_cast<int>(sizeof(kBuiltins) / sizeof(kBuiltins[0]));

} // namespace

int builtin_count() {
    return kCount;
}

const BuiltinInfo& builtin_info(int index) {
    return kBuiltins[index];
}

int find_builtin(std::string_view name) {
    // Sorted once; the checker looks names up for every call it sees.
    static const std::vector<std::pair<std::string_view, int>> by_name = [] {
        std::vector<std::pair<std::string_view, int>> v;
        for (int i = 0; i < kCount; ++i) v.emplace_back(kBuiltins[i].name, i);
        std::sort(v.begin(), v.end());
        return v;
    }();
    auto it = std::lower_bound(by_name.begin(), by_name.end(),
                               std::pair<std::string_view, int>(name, -1));
    return it != by_name.end() && it->first == name ? it->second : -1;
}

const StrObj* BuiltinContext::make_string(std::string_view s) {
    return arena().make_string(s);
}

} // namespace tenet
