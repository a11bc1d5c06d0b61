// The VM's hottest paths, inline for every file that runs rules: string equality,
// comparisons on the usual operands, FIELD with its per-site cache, and the whole-function
// shapes of vm_code.h. The engine's evaluation loop calls run1() for each rule x resource
// pair, so the shapes run there without a call.
#pragma once

#include "vm.h"
#include "vm_code.h"

namespace tenet {

// String equality as values_equal has it, without the call for the usual case: two
// interned strings are equal exactly when they are the same object.
inline bool strings_equal(const StrObj* a, const StrObj* b) {
    if (a == b) return true;
    if (a->interned && b->interned) return false;
    return a->hash == b->hash && a->view() == b->view();
}

// compare() for the usual operands (two numbers, two strings for EQ/NE, two values of
// different known kinds for EQ/NE), without the call. False: not one of those; call
// compare().
inline bool compare_fast(Op op, const Value& a, const Value& b, Value& out) {
    if (a.is(Kind::Number) && b.is(Kind::Number))
        return number_op(op, a.as_number(), b.as_number(), out);
    if (op != Op::EQ && op != Op::NE) return false;
    bool equal;
    if (a.is(Kind::String) && b.is(Kind::String))
        equal = strings_equal(a.as_string(), b.as_string());
    else if (a.is_unknown() || b.is_unknown())
        return false;
    else if (a.kind() != b.kind())
        equal = false;
    else if (a.is(Kind::Null))
        equal = true;
    else if (a.is(Kind::Bool))
        equal = a.as_bool() == b.as_bool();
    else
        return false;
    out = Value::boolean(equal == (op == Op::EQ));
    return true;
}

// FIELD on a map or a resource's attributes, trying first the entry where this
// instruction last found its name (resources of one type share their attribute maps'
// layout), then looking the name up as field() does.
inline bool Vm::field_cached(const Value& obj, Ins& ins, Value& out) {
    const Value* attrs = &obj;
    if (obj.is(Kind::Resource) && model_ &&
        obj.resource_index() * sizeof(Resource) < resources_bytes()) {
        const Resource& r = model_->resources.data()[obj.resource_index()];
        attrs = obj.resource_view() == View::Canonical ? &r.canonical : &r.native;
        if (!attrs->is(Kind::Map)) return out = Value::null(), true;
    } else if (!obj.is(Kind::Map)) {
        return field(obj, ins.k.as_string(), out);
    }
    const MapObj* m = attrs->as_map();
    const MapEntry* e = m->entries();
    if (ins.hint < m->size && e[ins.hint].key == ins.k.as_string())
        return out = e[ins.hint].value, true;
    return field_search(m, ins, out);
}

inline bool Vm::run_shape(const DecodedFunction& fn, const Value& arg, Value& result) {
    Value v;
    if (!field_cached(arg, const_cast<Ins&>(fn.code[0]), v)) {
        executed_ += 2; // LOAD, FIELD
        return false;
    }
    if (fn.shape == Shape::FieldHas) {
        v = Value::boolean(!v.is_null());
    } else if (fn.shape == Shape::FieldCompare) {
        const Ins& c = fn.code[1];
        Op op = static_cast<Op>(static_cast<int>(Op::EQ) + (c.op - X_EQ_K));
        Value r;
        if (!compare_fast(op, v, c.k, r) && !compare(static_cast<int>(op), v, c.k, r)) {
            executed_ += 4u + c.folded; // LOAD, FIELD, the literal, the comparison
            return false;
        }
        v = r;
    }
    if (!truth(v, result)) {
        executed_ += fn.instructions - 1; // all but the RETURN
        return false;
    }
    executed_ += fn.instructions;
    return true;
}

} // namespace tenet
