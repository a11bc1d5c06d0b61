// An evaluated template value, before it becomes a model Value: intrinsic functions
// compose these, and only the final tree is turned into Values (to_model.h), where
// each unknown gets its subject ("<address>.<path>") from where it ends up.
#pragma once

#include "tenet/common/source.h"
#include "tenet/model/model.h"

#include <string>
#include <utility>
#include <vector>

namespace tenet::cfn {

struct CVal {
    enum class Kind : uint8_t {
        Null,
        Bool,
        Number,
        String,
        List,
        Map,
        Unknown, // `text` is the reason, without subject ("known after deploy")
        Absent,  // AWS::NoValue: the property (or list item) is removed
    };
    Kind kind = Kind::Null;
    bool boolean = false;
    double number = 0;
    std::string text; // String payload; Number as written; Unknown reason
    std::vector<CVal> items;
    std::vector<std::pair<std::string, CVal>> members;

    SourceLoc loc;
    ValueState state = ValueState::Explicit;
    std::vector<std::string> refs; // "param.Env", "MyKey.Arn", "MyBucket"
    std::string pointer;           // "Fn::If IsProd=true", a construct path, "Mappings.M.a.b"

    bool is(Kind k) const { return kind == k; }
    bool is_scalar() const {
        return kind == Kind::Bool || kind == Kind::Number || kind == Kind::String;
    }

    static CVal unknown(std::string reason, SourceLoc loc, std::vector<std::string> refs = {}) {
        CVal v;
        v.kind = Kind::Unknown;
        v.text = std::move(reason);
        v.loc = loc;
        v.state = ValueState::Unknown;
        v.refs = std::move(refs);
        return v;
    }
    static CVal string(std::string s, SourceLoc loc, ValueState state = ValueState::Explicit) {
        CVal v;
        v.kind = Kind::String;
        v.text = std::move(s);
        v.loc = loc;
        v.state = state;
        return v;
    }
    static CVal absent(SourceLoc loc) {
        CVal v;
        v.kind = Kind::Absent;
        v.loc = loc;
        return v;
    }
    void add_refs(const std::vector<std::string>& more) {
        for (const std::string& r : more) add_ref(r);
    }
    void add_ref(const std::string& r) {
        for (const std::string& have : refs)
            if (have == r) return;
        refs.push_back(r);
    }
};

// The text CloudFormation would use for a scalar in Fn::Join, Fn::Sub and comparisons:
// strings as they are, numbers and booleans as written.
inline std::string scalar_text(const CVal& v) {
    if (v.is(CVal::Kind::Bool)) return v.boolean ? "true" : "false";
    return v.text;
}

} // namespace tenet::cfn
