// Values of the Terraform evaluator: immutable trees shared by pointer, each node with
// where it was written and what it derives from (refs: "var.env", "local.x",
// "aws_kms_key.main.arn"). Unknown values carry the reason; an unknown that stands
// for an evaluation error (a missing key, a type mismatch) is flagged so that try()
// and can() can tell it from a value that is merely known after apply.
#pragma once

#include "tenet/common/source.h"
#include "tenet/model/value.h"

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tenet::tf {

enum class VKind : uint8_t { Null, Bool, Number, String, List, Map, Unknown };

struct Val;
using ValPtr = std::shared_ptr<const Val>;

// What a value derives from ("var.env", "aws_kms_key.main.arn"): interned text, so that
// refs are copied, merged and compared without allocating; ordered by the text.
struct Ref {
    const StrObj* s = nullptr;
    Ref() = default;
    explicit Ref(std::string_view text);
    std::string_view view() const { return s->view(); }
    bool operator==(const Ref& o) const { return s == o.s; }
    bool operator<(const Ref& o) const { return s != o.s && view() < o.view(); }
};
using Refs = std::vector<Ref>;                               // sorted, unique
using Members = std::vector<std::pair<std::string, ValPtr>>; // sorted by key, unique

struct Val {
    VKind kind = VKind::Null;
    bool boolean = false;
    bool computed = false; // derived by an operator, function or template rather than written
    bool error = false;    // Unknown: an evaluation error, not a value known later
    SourceLoc loc;         // here, beside the flags, it takes no padding
    double number = 0;
    std::string text; // String; Unknown: the reason
    std::vector<ValPtr> items;
    Members members;
    Refs refs;
    // A resource's attributes (and its nested blocks): a missing attribute is known
    // after apply rather than an error. Holds the address prefix ("aws_s3_bucket.b"),
    // shared by the copies with_refs and with_loc make. Null for every other value.
    std::shared_ptr<const std::string> open;

    bool is(VKind k) const { return kind == k; }
    bool unknown() const { return kind == VKind::Unknown; }
    const ValPtr* find(std::string_view key) const;
};

// A new value node (from the thread's pool of value blocks), empty or a copy.
std::shared_ptr<Val> new_val();
std::shared_ptr<Val> new_val(const Val& copy);

ValPtr v_null(SourceLoc loc = {});
ValPtr v_bool(bool b, SourceLoc loc = {});
ValPtr v_num(double n, SourceLoc loc = {});
ValPtr v_str(std::string s, SourceLoc loc = {});
ValPtr v_list(std::vector<ValPtr> items, SourceLoc loc = {});
// Sorts by key; a repeated key keeps the last value.
ValPtr v_map(Members members, SourceLoc loc = {});
// What v_map does to its members: sorted by key, the last of equal keys kept.
void sort_members(Members& members);
ValPtr v_unknown(std::string reason, SourceLoc loc = {}, Refs refs = {});
ValPtr v_error(std::string reason, SourceLoc loc = {});

// A shallow copy with changes (children are shared).
ValPtr with_refs(const ValPtr& v, const Refs& extra);
ValPtr with_loc(const ValPtr& v, SourceLoc loc);
ValPtr as_computed(const ValPtr& v, SourceLoc loc, const Refs& refs);

void merge_refs(Refs& into, const Refs& from);
void add_ref(Refs& into, std::string_view ref);
// Every ref in the tree.
void collect_refs(const ValPtr& v, Refs& out);
// The first unknown anywhere in the tree, or nullptr.
const Val* find_unknown(const ValPtr& v);

bool equal(const Val& a, const Val& b); // structural; callers handle unknown first
const char* type_name(const Val& v);    // "string", "number", "list", "object", ...

// Template text of a primitive: numbers shortest round-trip, bools true/false.
// False for null, collections and unknown.
bool to_text(const Val& v, std::string& out);
// Compact JSON (jsonencode): keys sorted. Unknown never reaches it (callers check).
void to_json(const Val& v, std::string& out);
// Human-readable, for messages.
std::string display(const Val& v);

// Conversions used by functions and the type constraints of variables.
bool to_number(const Val& v, double& out);
bool to_bool(const Val& v, bool& out);

} // namespace tenet::tf
