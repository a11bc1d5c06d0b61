// The VM's trace mode (Vm::trace1): re-running one function to find the model value that
// decided its result. The dispatch loop's Trace instantiation (vm.cpp) carries
// provenance along; this file holds the entry point and the reads it treats specially.
#include "engine_internal.h"
#include "vm.h"

namespace tenet {

bool Vm::trace1(uint32_t fn, const Value& arg, Value& result) {
    if (fn >= program_.functions.size() || decoded(fn)->arity != 1) {
        fail("internal: bad trace of function " + std::to_string(fn));
        return false;
    }
    slots_[0] = arg; // slots_ never shrinks below its initial size
    return execute<true>(*decoded(fn), 0, 0, result);
}

Value Vm::traced_field(const Value& obj, const StrObj* name, const Value& read) {
    // Only a scalar a mapping computed (it has no provenance of its own) is traced back.
    if (trace_level_ > 0 || read.prov() != 0 || !obj.is(Kind::Resource) ||
        obj.resource_view() != View::Canonical || !model_ ||
        obj.resource_index() >= model_->resources.size() ||
        !(read.is(Kind::Bool) || read.is(Kind::Number) || read.is(Kind::String)))
        return read;
    auto [cached, fresh] = traced_fields_.try_emplace({obj.resource_index(), name}, 0);
    if (!fresh) return cached->second ? read.with_prov(cached->second) : read;
    const Resource& r = model_->resources[obj.resource_index()];
    if (!r.native_type || !r.frontend) return read;
    uint32_t fn = kNoFunction;
    for (const MappingInfo& m : program_.mappings) {
        if (m.native_type != r.native_type->view() ||
            !frontend_matches(m.frontend, r.frontend->view()))
            continue;
        for (const MapFieldInfo& f : m.fields)
            if (f.name == name->view()) fn = f.fn;
        break; // the first mapping that applies is the one normalize() used
    }
    if (fn == kNoFunction) return read;
    if (!mapping_tracer_) {
        mapping_tracer_ = std::make_unique<Vm>(program_, model_, globals_, limits_);
        mapping_tracer_->scan_ = scan_;
        mapping_tracer_->trace_level_ = trace_level_ + 1;
    }
    Vm& t = *mapping_tracer_;
    t.begin_evaluation();
    Value computed;
    // The trace must compute what normalize() stored; anything else says nothing.
    if (!t.trace1(fn, Value::resource(obj.resource_index(), View::Native), computed) ||
        computed.prov() == 0 || computed.kind() != read.kind() || !values_equal(computed, read))
        return read;
    cached->second = computed.prov();
    return read.with_prov(computed.prov());
}

void Vm::traced_in(Value& r, const Value& x, const Value& coll) {
    if (r.prov() == 0 && r.is(Kind::Bool) && r.as_bool() && coll.is(Kind::List))
        for (const Value& e : coll.as_list()->span())
            if (e.prov() && !e.is_unknown() && values_equal(x, e)) {
                r = r.with_prov(e.prov());
                return;
            }
    borrow(r, x, coll);
}

} // namespace tenet
