#include "tenet/model/model_writer.h"

#include "tenet/common/json.h"
#include "tenet/model/arena.h"

#include <algorithm>

namespace tenet {

namespace {

class ModelWriter {
  public:
    ModelWriter(const Model& m, const ModelWriteOptions& o) : m_(m), o_(o) {}

    std::string run() {
        w_.begin_object();
        w_.key("format").value("tenet-model/1");
        w_.key("stack");
        value(m_.stack, false);
        w_.key("resources").begin_array();
        for (const Resource& r : m_.resources) resource(r);
        w_.end_array();
        w_.end_object();
        return w_.str() + "\n";
    }

  private:
    void location(const SourceLoc& loc) {
        w_.begin_object();
        w_.key("file").value(
            m_.sources && loc.file < m_.sources->size() ? m_.sources->path(loc.file) : "");
        w_.key("line").value(static_cast<int64_t>(loc.line));
        w_.key("column").value(static_cast<int64_t>(loc.column));
        w_.end_object();
    }

    void resource(const Resource& r) {
        w_.begin_object();
        w_.key("address").value(r.address ? r.address->view() : "");
        w_.key("native_type").value(r.native_type ? r.native_type->view() : "");
        if (r.canonical_type) w_.key("type").value(r.canonical_type->view());
        w_.key("frontend").value(r.frontend ? r.frontend->view() : "model");
        if (r.provider) w_.key("provider").value(r.provider->view());
        if (r.loc.valid()) {
            w_.key("source");
            location(r.loc);
        }
        // The attribute maps themselves are written plain (their members carry the
        // annotations): the loader reads `attributes` as an object of attributes.
        w_.key("attributes");
        plain(r.native.is(Kind::Map) ? r.native : Value::map(empty_map()), o_.provenance);
        if (o_.canonical && r.canonical.is(Kind::Map)) {
            w_.key("canonical");
            plain(r.canonical, o_.provenance);
        }
        uint32_t index = static_cast<uint32_t>(&r - m_.resources.data());
        w_.key("references").begin_array();
        for (const ReferenceEdge& e : m_.edges) {
            if (e.from != index) continue;
            w_.begin_object();
            w_.key("attribute").value(e.attribute->view());
            w_.key("target").value(m_.resources[e.to].address->view());
            w_.end_object();
        }
        w_.end_array();
        w_.end_object();
    }

    bool worth_annotating(const Provenance& p) const {
        return p.loc.valid() || p.refs_count || p.state != ValueState::Explicit;
    }

    void value(const Value& v, bool annotate) {
        const Provenance* p =
            annotate && v.prov() && v.prov() < m_.provenance.size() ? &m_.prov(v.prov()) : nullptr;
        if (p && !worth_annotating(*p)) p = nullptr;
        if (p || v.is_unknown()) {
            w_.begin_object();
            if (v.is_unknown()) {
                w_.key("$unknown").value(v.unknown_reason() ? v.unknown_reason()->view() : "");
            } else {
                w_.key("$value");
                plain(v, annotate);
            }
            if (p) {
                if (p->loc.valid()) {
                    w_.key("$source");
                    location(p->loc);
                }
                if (p->state != ValueState::Explicit && !v.is_unknown())
                    w_.key("$state").value(value_state_name(p->state));
                if (p->refs_count) {
                    w_.key("$refs").begin_array();
                    for (const StrObj* r : m_.refs(*p)) w_.value(r->view());
                    w_.end_array();
                }
                if (p->pointer) w_.key("$pointer").value(p->pointer->view());
            }
            w_.end_object();
            return;
        }
        plain(v, annotate);
    }

    void plain(const Value& v, bool annotate) {
        switch (v.kind()) {
        case Kind::Null:
            w_.null();
            break;
        case Kind::Bool:
            w_.value(v.as_bool());
            break;
        case Kind::Number:
            w_.value(v.as_number());
            break;
        case Kind::String:
            w_.value(v.as_view());
            break;
        case Kind::List:
            w_.begin_array();
            for (const Value& item : v.as_list()->span()) value(item, annotate);
            w_.end_array();
            break;
        case Kind::Map: {
            // Map entries are stored in hash order; print them by name.
            std::vector<const MapEntry*> entries;
            for (const MapEntry& e : v.as_map()->span()) entries.push_back(&e);
            std::sort(entries.begin(), entries.end(), [](const MapEntry* a, const MapEntry* b) {
                return a->key->view() < b->key->view();
            });
            w_.begin_object();
            for (const MapEntry* e : entries) {
                w_.key(e->key->view());
                value(e->value, annotate);
            }
            w_.end_object();
            break;
        }
        case Kind::Resource:
            w_.value(m_.resources[v.resource_index()].address->view());
            break;
        case Kind::Unknown:
            w_.null();
            break; // handled by value()
        }
    }

    const Model& m_;
    const ModelWriteOptions& o_;
    json::Writer w_;
};

} // namespace

std::string write_json_model(const Model& model, const ModelWriteOptions& opts) {
    return ModelWriter(model, opts).run();
}

} // namespace tenet
