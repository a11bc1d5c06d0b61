// Engine set-up: globals (parameters with overrides, top-level lets) and normalization
// (applying the program's mappings to give resources canonical views). Rule
// evaluation is in engine_eval.cpp.
#include "engine_internal.h"
#include "tenet/model/interner.h"
#include "tenet/model/value_json.h"
#include "vm.h"

#include <fmt/format.h>
#include <unordered_map>

namespace tenet {

const char* verdict_name(Verdict v) {
    switch (v) {
    case Verdict::Pass:
        return "pass";
    case Verdict::Fail:
        return "fail";
    case Verdict::Unknown:
        return "unknown";
    case Verdict::Error:
        return "error";
    }
    return "?";
}

Engine::Engine(const Program& program, EngineOptions options)
    : impl_(new Impl), program_(program), options_(options) {}

Engine::~Engine() {
    delete impl_;
}

bool Engine::init_globals(const std::vector<ParamOverride>& overrides,
                          std::vector<std::string>& errors) {
    size_t errors_before = errors.size();
    Impl& im = *impl_;
    im.globals.clear();
    im.globals_arena.reset();

    // Overrides first, so every mistake in them is reported together.
    std::vector<int> overridden(program_.globals.size(), -1);
    for (size_t i = 0; i < overrides.size(); ++i) {
        std::string error;
        int g = resolve_param(program_, overrides[i].name, error);
        if (g < 0)
            errors.push_back(error);
        else
            overridden[g] = static_cast<int>(i);
    }

    Vm vm(program_, nullptr, &im.globals,
          VmLimits{options_.instruction_budget, options_.memory_cap});
    for (size_t g = 0; g < program_.globals.size(); ++g) {
        const GlobalInfo& info = program_.globals[g];
        Value value;
        std::string error;
        if (overridden[g] >= 0) {
            if (!parse_override(overrides[overridden[g]].json, info.type, im.globals_arena, value,
                                error))
                errors.push_back(fmt::format("--param {}: {}", info.name, error));
        } else if (info.scan) {
            // Computed per scan, on first use (ScanState, vm_scan.cpp).
        } else if (info.init_fn == kNoFunction) {
            errors.push_back(
                fmt::format("parameter `{}` ({}) has no default: give it with --param {}=VALUE",
                            info.name, info.type, info.name));
        } else if (errors.size() == errors_before) {
            // Initializers run only while everything so far is fine: after a bad or
            // missing parameter they would just report its consequences.
            vm.begin_evaluation();
            Value result;
            if (!vm.call(info.init_fn, {}, result))
                errors.push_back(fmt::format("initializing `{}`: {}", info.name, vm.error()));
            else if (!persist_value(result, im.globals_arena, value))
                errors.push_back(fmt::format("initializing `{}`: out of memory", info.name));
        }
        im.globals.push_back(value); // null after an error, so later initializers still run
    }
    // `at least NAME% of`: NAME must hold a percentage (a default was checked when
    // compiling; an override or a computed constant is checked here).
    for (const RuleInfo& rule : program_.rules) {
        if (rule.percent_global == kNoGlobal || rule.percent_global >= im.globals.size() ||
            errors.size() != errors_before)
            continue;
        const Value& v = im.globals[rule.percent_global];
        if (!v.is(Kind::Number) || !(v.as_number() >= 0 && v.as_number() <= 100))
            errors.push_back(fmt::format(
                "`{}` is the percentage of rule `{}`: it must be a number between 0 and 100, "
                "found {}",
                program_.globals[rule.percent_global].name, rule.name, value_to_display(v)));
    }
    im.globals_ready = true;
    return errors.size() == errors_before;
}

bool frontend_matches(std::string_view mapping, std::string_view resource) {
    if (mapping == resource) return true;
    if (mapping == "terraform") return resource == "cdktf";
    if (mapping == "cloudformation") return resource == "cdk";
    return false;
}

void Engine::normalize(Model& model) {
    if (!impl_->globals_ready) {
        std::vector<std::string> ignored; // the globals then read as null; init_globals reports why
        init_globals({}, ignored);
    }
    model.finalize(); // mappings follow references: the relation index must be current

    std::unordered_map<std::string_view, std::vector<size_t>> by_native;
    for (size_t m = 0; m < program_.mappings.size(); ++m)
        by_native[program_.mappings[m].native_type].push_back(m);

    // Views are computed first and assigned after, so no mapping sees another's output
    // and the result does not depend on resource order.
    struct MappedView {
        uint32_t resource;
        const StrObj* type;
        Value attributes;
    };
    std::vector<MappedView> views;
    Vm vm(program_, &model, &impl_->globals,
          VmLimits{options_.instruction_budget, options_.memory_cap});
    for (uint32_t i = 0; i < model.resources.size(); ++i) {
        const Resource& r = model.resources[i];
        if (!r.native_type) continue;
        auto it = by_native.find(r.native_type->view());
        const MappingInfo* mapping = nullptr;
        if (it != by_native.end())
            for (size_t m : it->second)
                if (r.frontend &&
                    frontend_matches(program_.mappings[m].frontend, r.frontend->view())) {
                    mapping = &program_.mappings[m];
                    break;
                }
        if (!mapping) {
            // A model resource that names its canonical type keeps its attributes as that view.
            if (r.canonical_type && !r.canonical.is(Kind::Map) && r.native.is(Kind::Map))
                views.push_back({i, r.canonical_type, r.native});
            continue;
        }
        std::vector<MapEntry> fields;
        Value self = Value::resource(i, View::Native);
        for (const MapFieldInfo& f : mapping->fields) {
            vm.begin_evaluation();
            Value result, kept;
            if (!vm.call(f.fn, std::span<const Value>(&self, 1), result))
                kept =
                    Value::unknown(intern(vm.error())); // a failing field is unknown, and says why
            else if (result.is_null())
                continue;
            else if (!persist_value(result, model.arena, kept))
                kept = Value::unknown(intern("out of memory while mapping"));
            fields.push_back({intern(f.name), kept});
        }
        const MapObj* m = model.arena.make_map(fields);
        views.push_back(
            {i, intern(mapping->canonical_type), m ? Value::map(m) : Value::map(empty_map())});
    }
    for (MappedView& v : views) {
        model.resources[v.resource].canonical_type = v.type;
        model.resources[v.resource].canonical = v.attributes;
    }
    model.finalize();
}

} // namespace tenet
