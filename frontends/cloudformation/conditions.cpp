// Conditions (Fn::Equals, Fn::Not, Fn::And, Fn::Or, Condition) in three-valued logic,
// and Fn::If, which keeps both branches: a decided condition picks its branch (the
// value's pointer says which), an undecided one gives an unknown naming the condition
// whose refs cover both branches.
#include "evaluator.h"

#include <algorithm>

namespace tenet::cfn {

namespace {

void add_refs(std::vector<std::string>& to, const std::vector<std::string>& from) {
    for (const std::string& r : from)
        if (std::find(to.begin(), to.end(), r) == to.end()) to.push_back(r);
}

// CloudFormation compares the values as strings; lists compare item by item.
bool same(const CVal& a, const CVal& b) {
    if (a.is_scalar() && b.is_scalar()) return scalar_text(a) == scalar_text(b);
    if (a.kind != b.kind) return false;
    if (a.is(CVal::Kind::List)) {
        if (a.items.size() != b.items.size()) return false;
        for (size_t i = 0; i < a.items.size(); ++i)
            if (!same(a.items[i], b.items[i])) return false;
        return true;
    }
    return a.is(CVal::Kind::Null);
}

} // namespace

Decision Evaluator::condition(std::string_view name, SourceLoc use) {
    std::string key(name);
    if (auto it = assumptions_.find(key); it != assumptions_.end())
        return Decision{it->second ? Truth::True : Truth::False, {"condition." + key}, {}};
    if (auto it = decided_.find(key); it != decided_.end()) return it->second;
    Decision d = compute_condition(name, use);
    decided_[key] = d;
    return d;
}

Decision Evaluator::compute_condition(std::string_view name, SourceLoc use) {
    std::string key(name);
    const Node* def = t_.conditions ? doc_.get(*t_.conditions, name) : nullptr;
    if (!def) {
        report(use, "no condition named `" + key + "` in Conditions");
        return Decision{Truth::Undecided, {}, "condition " + key + " is not defined"};
    }
    if (deciding_.count(key)) {
        report(use, "condition `" + key + "` depends on itself");
        return Decision{Truth::Undecided, {}, "condition " + key + " depends on itself"};
    }
    deciding_.insert(key);
    Decision d = truth(*def, false);
    deciding_.erase(key);
    if (std::find(d.refs.begin(), d.refs.end(), "condition." + key) == d.refs.end())
        d.refs.push_back("condition." + key);
    return d;
}

Decision Evaluator::truth(const Node& n, bool ignore_tag) {
    DepthGuard guard(depth_);
    if (depth_ > 600) {
        report(doc_.loc(n), "conditions nest too deeply");
        return Decision{Truth::Undecided, {}, "conditions nest too deeply"};
    }
    // Inside conditions, {"Condition": "Name"} refers to another condition.
    std::string_view tag = ignore_tag ? std::string_view() : doc_.tag(n);
    if (tag == "!Condition") return decide("Condition", n, doc_.loc(n));
    if (tag == "!Equals" || tag == "!Not" || tag == "!And" || tag == "!Or")
        return decide("Fn::" + std::string(tag.substr(1)), n, doc_.loc(n));
    if (!n.tagged() && n.is(NodeKind::Mapping) && n.count == 1) {
        const Member& m = doc_.members(n)[0];
        if (is_boolean_function(m.key)) return decide(m.key, *m.value, doc_.loc(n));
    }
    CVal v = eval_node(n, ignore_tag);
    if (v.is(CVal::Kind::Unknown)) return Decision{Truth::Undecided, v.refs, v.text};
    bool b = false;
    if (v.is(CVal::Kind::Bool))
        b = v.boolean;
    else if (v.is(CVal::Kind::String) && (v.text == "true" || v.text == "false"))
        b = v.text == "true";
    else {
        report(doc_.loc(n), "expected a condition (true or false)");
        return Decision{Truth::Undecided, v.refs, "not a condition"};
    }
    return Decision{b ? Truth::True : Truth::False, v.refs, {}};
}

Decision Evaluator::decide(std::string_view fn, const Node& arg, SourceLoc at) {
    if (fn == "Condition") {
        if (!arg.is(NodeKind::String)) {
            report(at, "Condition takes the name of a condition");
            return Decision{Truth::Undecided, {}, "invalid Condition"};
        }
        return condition(arg.text(), doc_.loc(arg));
    }
    std::vector<const Node*> args;
    size_t min = fn == "Fn::Not" ? 1 : 2, max = fn == "Fn::Not" ? 1 : fn == "Fn::Equals" ? 2 : 10;
    if (!list_args(arg, fn, min, max, at, args))
        return Decision{Truth::Undecided, {}, "invalid " + std::string(fn)};
    if (fn == "Fn::Equals") {
        CVal a = eval(*args[0]), b = eval(*args[1]);
        Decision d;
        collect_refs(a, d.refs);
        collect_refs(b, d.refs);
        for (const CVal* v : {&a, &b})
            if (v->is(CVal::Kind::Unknown)) {
                d.reason = v->text;
                return d;
            }
        d.truth = same(a, b) ? Truth::True : Truth::False;
        return d;
    }
    if (fn == "Fn::Not") {
        Decision d = truth(*args[0], false);
        if (d.truth != Truth::Undecided)
            d.truth = d.truth == Truth::True ? Truth::False : Truth::True;
        return d;
    }
    // Fn::And / Fn::Or in Kleene logic: a deciding operand wins over undecided ones.
    bool is_and = fn == "Fn::And";
    Truth decisive = is_and ? Truth::False : Truth::True;
    Decision out{is_and ? Truth::True : Truth::False, {}, {}};
    bool undecided = false;
    for (const Node* a : args) {
        Decision d = truth(*a, false);
        add_refs(out.refs, d.refs);
        if (d.truth == decisive) {
            out.truth = decisive;
            out.reason.clear();
            return out;
        }
        if (d.truth == Truth::Undecided && !undecided) {
            undecided = true;
            out.reason = d.reason;
        }
    }
    if (undecided) out.truth = Truth::Undecided;
    return out;
}

CVal Evaluator::fn_if(const Node& arg, bool, SourceLoc at) {
    std::vector<const Node*> args;
    if (!list_args(arg, "Fn::If", 3, 3, at, args)) return CVal::unknown("invalid Fn::If", at);
    if (!args[0]->is(NodeKind::String) || args[0]->tagged())
        return invalid(doc_.loc(*args[0]), "Fn::If: the first argument must be a condition name");
    std::string name(args[0]->text());
    Decision d = condition(name, doc_.loc(*args[0]));
    if (d.truth != Truth::Undecided) {
        bool yes = d.truth == Truth::True;
        CVal v = eval(*args[yes ? 1 : 2]);
        std::string note = "Fn::If " + name + (yes ? "=true" : "=false");
        v.pointer = v.pointer.empty() ? note : v.pointer + "; " + note;
        v.add_refs(d.refs);
        return v;
    }
    CVal yes = eval(*args[1]), no = eval(*args[2]);
    std::vector<std::string> refs = d.refs;
    collect_refs(yes, refs);
    collect_refs(no, refs);
    if (std::find(undecided_.begin(), undecided_.end(), name) == undecided_.end())
        undecided_.push_back(name);
    std::string reason = "depends on condition " + name;
    if (!d.reason.empty()) reason += " (" + d.reason + ")";
    CVal v = CVal::unknown(reason, at, std::move(refs));
    v.pointer = "Fn::If " + name;
    return v;
}

} // namespace tenet::cfn
