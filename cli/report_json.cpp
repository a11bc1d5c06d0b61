// The JSON report, schema "tenet-findings/1" (documented in docs/ci.md). Field order
// is fixed so that reports diff cleanly between runs.
#include "report.h"
#include "tenet/common/json.h"

namespace tenet::cli {

namespace {

// `end_column` (exclusive) when the location is a deciding value's span.
void write_location(json::Writer& w, const CheckReport& r, const SourceLoc& loc,
                    uint32_t end_column = 0) {
    if (!loc.valid() || loc.file >= r.sources->size()) {
        w.null();
        return;
    }
    w.begin_object();
    w.key("file").value(r.sources->path(loc.file));
    w.key("line").value(static_cast<int64_t>(loc.line));
    w.key("column").value(static_cast<int64_t>(loc.column));
    if (end_column) w.key("end_column").value(static_cast<int64_t>(end_column));
    w.end_object();
}

void write_rule(json::Writer& w, const RuleInfo& rule) {
    w.begin_object();
    w.key("id").value(rule.id);
    w.key("name").value(rule.name);
    w.key("title").value(rule.title);
    w.key("severity").value(severity_name(rule.severity));
    w.key("level").value(level_name(rule.level));
    w.key("controls").begin_array();
    for (auto& c : rule.controls) w.value(c);
    w.end_array();
    w.key("fix").value(rule.fix);
    w.end_object();
}

} // namespace

std::string render_json(const CheckReport& r) {
    json::Writer w;
    w.begin_object();
    w.key("format").value("tenet-findings/1");
    w.key("input_errors").begin_array();
    for (auto& e : r.input_errors) w.value(e);
    w.end_array();
    w.key("findings").begin_array();
    size_t counts[4] = {0, 0, 0, 0};
    size_t blocking = 0, suppressed = 0;
    for (size_t i = 0; i < r.findings.size(); ++i) {
        const Finding& f = r.findings[i];
        counts[static_cast<int>(f.verdict)]++;
        if (r.blocking[i]) ++blocking;
        if (r.suppression(i).active()) ++suppressed;
        w.begin_object();
        w.key("rule");
        write_rule(w, r.rule(f));
        w.key("verdict").value(verdict_name(f.verdict));
        w.key("blocking").value(static_cast<bool>(r.blocking[i]));
        w.key("resource").value(subject_name(r, f));
        if (f.resource != kStackResource) {
            const Resource& res = r.model->resources[f.resource];
            w.key("native_type")
                .value(res.native_type ? res.native_type->view() : std::string_view());
        }
        w.key("message").value(f.message);
        w.key("reason").value(f.reason);
        // Where to look: the deciding value when located, else the declaration.
        const FindingSpan span = finding_span(r, f);
        w.key("location");
        write_location(w, r, span.loc, span.value ? span.end_column : 0);
        w.key("resource_location");
        write_location(w, r, f.loc);
        const Suppression& sup = r.suppression(i);
        w.key("suppression");
        if (sup.active()) {
            w.begin_object();
            w.key("kind").value(suppression_kind_name(sup.kind));
            w.key("by").value(sup.by);
            w.key("reason").value(sup.reason);
            w.key("expires").value(sup.expires);
            w.key("where").value(sup.where);
            w.end_object();
        } else {
            w.null();
        }
        w.key("related").begin_array();
        for (uint32_t rel : f.related) w.value(r.model->resources[rel].address->view());
        w.end_array();
        w.end_object();
    }
    w.end_array();
    w.key("summary").begin_object();
    w.key("failed").value(static_cast<int64_t>(counts[static_cast<int>(Verdict::Fail)]));
    w.key("unknown").value(static_cast<int64_t>(counts[static_cast<int>(Verdict::Unknown)]));
    w.key("errors").value(static_cast<int64_t>(counts[static_cast<int>(Verdict::Error)]));
    w.key("passed").value(static_cast<int64_t>(r.passes));
    w.key("suppressed").value(static_cast<int64_t>(suppressed));
    w.key("blocking").value(static_cast<int64_t>(blocking));
    w.end_object();
    w.end_object();
    return w.str() + "\n";
}

} // namespace tenet::cli
