#include "suppressions.h"

#include "cli_common.h"
#include "fingerprint.h"
#include "tenet/common/glob.h"
#include "tenet/common/json.h"
#include "tenet/common/yaml.h"

#include <cstdlib>
#include <ctime>
#include <fmt/format.h>
#include <re2/re2.h>
#include <set>
#include <unordered_map>

namespace tenet::cli {

const char* suppression_kind_name(Suppression::Kind k) {
    switch (k) {
    case Suppression::Kind::None:
        return "none";
    case Suppression::Kind::Inline:
        return "inline";
    case Suppression::Kind::Metadata:
        return "metadata";
    case Suppression::Kind::Waiver:
        return "waiver";
    case Suppression::Kind::Baseline:
        return "baseline";
    case Suppression::Kind::Override:
        return "override";
    }
    return "none";
}

std::string today_utc() {
    if (const char* e = std::getenv("TENET_TODAY")) return e;
    std::time_t t = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[16];
    std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
    return buf;
}

namespace {

bool valid_date(const std::string& d) {
    static const RE2 re(R"(\d{4}-\d{2}-\d{2})");
    return RE2::FullMatch(d, re);
}

const char* kExpiredId = "TNT-SUPPRESS-001";
const char* kNoReasonId = "TNT-SUPPRESS-002";

RuleInfo suppression_rule(const char* id) {
    RuleInfo r;
    r.id = id;
    r.package = "tenet";
    r.severity = Severity::Medium;
    r.level = Level::Hard;
    if (std::string_view(id) == kExpiredId) {
        r.name = "tenet.suppression_expired";
        r.title = "A suppression has expired";
        r.fix = "Fix the finding it covered, or renew the suppression with a new expiry date and a "
                "reason";
    } else {
        r.name = "tenet.suppression_without_reason";
        r.title = "A suppression has no reason";
        r.fix = "Add reason=\"...\" saying why the finding is acceptable";
    }
    r.message = r.title;
    return r;
}

// One candidate suppression for a finding.
struct Candidate {
    Suppression s;
    SourceLoc loc;    // where it is written
    std::string rule; // pattern
};

bool rule_matches(const std::string& pattern, const RuleInfo& rule) {
    return glob_match(pattern, rule.id) || glob_match(pattern, rule.name);
}

// `tenet:ignore RULE[,RULE...] reason="..." expires=YYYY-MM-DD` in a comment.
void parse_inline(std::string_view line, SourceLoc loc, const std::string& where,
                  std::vector<Candidate>& out) {
    static const RE2 head(R"(tenet:ignore\s+([^\s]+))");
    static const RE2 reason(R"re(reason\s*=\s*"([^"]*)")re");
    static const RE2 expires(R"(expires\s*=\s*([0-9-]+))");
    std::string rules;
    if (!RE2::PartialMatch(line, head, &rules)) return;
    Candidate c;
    c.s.kind = Suppression::Kind::Inline;
    c.s.where = where;
    c.loc = loc;
    RE2::PartialMatch(line, reason, &c.s.reason);
    RE2::PartialMatch(line, expires, &c.s.expires);
    size_t col = line.find("tenet:ignore");
    c.loc.column = static_cast<uint32_t>(col == std::string_view::npos ? 1 : col + 1);
    size_t start = 0;
    while (start <= rules.size()) {
        size_t comma = rules.find(',', start);
        std::string one =
            rules.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
        if (!one.empty()) {
            c.rule = one;
            out.push_back(c);
        }
        if (comma == std::string::npos) break;
        start = comma + 1;
    }
}

bool is_comment_line(std::string_view line) {
    size_t i = line.find_first_not_of(" \t");
    if (i == std::string_view::npos) return false;
    return line[i] == '#' || line.substr(i, 2) == "//" || line.substr(i, 2) == "/*" ||
           line[i] == '*';
}

// Inline comments: the resource's declaration line and the comment lines just above it.
std::vector<Candidate> inline_candidates(const CheckReport& r, const Resource& res) {
    std::vector<Candidate> out;
    const SourceLoc& loc = res.loc;
    if (!loc.valid() || loc.file == 0 || loc.file >= r.sources->size()) return out;
    const std::string& path = r.sources->path(loc.file);
    auto scan = [&](uint32_t line) {
        std::string_view text = r.sources->line_text(loc.file, line);
        parse_inline(text, SourceLoc{loc.file, line, 1}, fmt::format("{}:{}", path, line), out);
    };
    scan(loc.line);
    for (uint32_t line = loc.line; line-- > 1;) {
        if (!is_comment_line(r.sources->line_text(loc.file, line))) break;
        scan(line);
    }
    return out;
}

// CloudFormation: Metadata: {tenet: {ignore: [{rule, reason, expires}]}}.
std::vector<Candidate> metadata_candidates(const Model& m, const Resource& res) {
    std::vector<Candidate> out;
    if (!res.native.is(Kind::Map)) return out;
    const Value* meta = res.native.as_map()->find("Metadata");
    const Value* tenet = meta && meta->is(Kind::Map) ? meta->as_map()->find("tenet") : nullptr;
    const Value* ignore = tenet && tenet->is(Kind::Map) ? tenet->as_map()->find("ignore") : nullptr;
    if (!ignore || !ignore->is(Kind::List)) return out;
    for (const Value& item : ignore->as_list()->span()) {
        if (!item.is(Kind::Map)) continue;
        auto text = [&](const char* k) {
            const Value* v = item.as_map()->find(k);
            return v && v->is(Kind::String) ? std::string(v->as_view()) : std::string();
        };
        Candidate c;
        c.rule = text("rule");
        if (c.rule.empty()) c.rule = text("id");
        c.s.kind = Suppression::Kind::Metadata;
        c.s.reason = text("reason");
        c.s.expires = text("expires");
        c.loc = item.prov() ? m.prov(item.prov()).loc : res.loc;
        if (c.loc.valid() && m.sources && c.loc.file < m.sources->size())
            c.s.where = fmt::format("{}:{}", m.sources->path(c.loc.file), c.loc.line);
        if (!c.rule.empty()) out.push_back(c);
    }
    return out;
}

struct Applier {
    CheckReport& r;
    const SuppressionInputs& in;
    std::vector<Finding> extra;
    std::set<std::pair<std::string, uint32_t>> reported; // (where, rule) already reported

    uint32_t rule_index(const char* id) {
        for (size_t i = 0; i < r.extra_rules.size(); ++i)
            if (r.extra_rules[i].id == id)
                return static_cast<uint32_t>(r.program->rules.size() + i);
        r.extra_rules.push_back(suppression_rule(id));
        return static_cast<uint32_t>(r.program->rules.size() + r.extra_rules.size() - 1);
    }

    // A suppression that cannot be honoured becomes a finding of its own, once.
    void report_problem(const char* id, const Candidate& c, uint32_t resource,
                        const std::string& detail) {
        uint32_t rule = rule_index(id);
        if (!reported.insert({c.s.where + "|" + c.rule, rule}).second) return;
        Finding f;
        f.rule = rule;
        f.resource = resource;
        f.verdict = Verdict::Fail;
        f.loc = c.loc;
        f.message = detail;
        extra.push_back(std::move(f));
    }

    // Usable: has a reason and has not expired. Otherwise reports why.
    bool usable(const Candidate& c, uint32_t resource) {
        std::string what = fmt::format("{} suppression of {}{}", suppression_kind_name(c.s.kind),
                                       c.rule, c.s.where.empty() ? "" : " at " + c.s.where);
        if (c.s.reason.empty()) {
            report_problem(kNoReasonId, c, resource,
                           what + " has no reason, so it suppresses nothing");
            return false;
        }
        if (!c.s.expires.empty() && (!valid_date(c.s.expires) || c.s.expires < in.today)) {
            report_problem(kExpiredId, c, resource,
                           valid_date(c.s.expires)
                               ? fmt::format("{} expired on {}", what, c.s.expires)
                               : fmt::format("{} has an invalid expiry `{}` (want YYYY-MM-DD)",
                                             what, c.s.expires));
            return false;
        }
        return true;
    }

    void run() {
        r.suppressions.assign(r.findings.size(), Suppression{});
        std::unordered_map<uint32_t, std::vector<Candidate>> by_resource;
        for (size_t i = 0; i < r.findings.size(); ++i) {
            const Finding& f = r.findings[i];
            if (f.verdict == Verdict::Pass) continue;
            const RuleInfo& rule = r.rule(f);
            Suppression& s = r.suppressions[i];
            if (f.resource != kStackResource) {
                auto it = by_resource.find(f.resource);
                if (it == by_resource.end()) {
                    const Resource& res = r.model->resources[f.resource];
                    auto c = inline_candidates(r, res);
                    auto m = metadata_candidates(*r.model, res);
                    c.insert(c.end(), m.begin(), m.end());
                    it = by_resource.emplace(f.resource, std::move(c)).first;
                }
                for (const Candidate& c : it->second)
                    if (rule_matches(c.rule, rule) && usable(c, f.resource)) {
                        s = c.s;
                        break;
                    }
            }
            if (!s.active()) {
                std::string address = subject_name(r, f);
                std::string path = f.loc.valid() && f.loc.file < r.sources->size()
                                       ? r.sources->path(f.loc.file)
                                       : "";
                for (const Waiver& w : in.waivers) {
                    if (!rule_matches(w.rule, rule)) continue;
                    if (!w.resource.empty() && !glob_match(w.resource, address)) continue;
                    if (!w.path.empty() && !glob_match(w.path, path)) continue;
                    Candidate c;
                    c.rule = w.rule;
                    c.loc = w.loc;
                    c.s = Suppression{Suppression::Kind::Waiver, w.owner, w.reason, w.expires,
                                      w.where};
                    if (usable(c, f.resource)) {
                        s = c.s;
                        break;
                    }
                }
            }
            if (!s.active()) {
                for (const Override& o : in.overrides)
                    if ((o.rule == rule.id || o.rule == rule.name) && rule.level == Level::Soft) {
                        s = Suppression{Suppression::Kind::Override, "", o.reason, "",
                                        "--override"};
                        break;
                    }
            }
            if (!s.active() && !in.baseline.empty() && in.baseline.count(finding_fingerprint(r, f)))
                s = Suppression{Suppression::Kind::Baseline, "", "in the baseline", "",
                                in.baseline_file};
        }
        // Expired waivers are findings even when they no longer match anything.
        for (const Waiver& w : in.waivers) {
            Candidate c;
            c.rule = w.rule;
            c.loc = w.loc;
            c.s = Suppression{Suppression::Kind::Waiver, w.owner, w.reason, w.expires, w.where};
            usable(c, kStackResource);
        }
        for (Finding& f : extra) {
            r.findings.push_back(std::move(f));
            r.suppressions.push_back(Suppression{});
        }
    }
};

std::string node_text(const json::Node* n) {
    if (!n) return {};
    if (n->is(json::Type::String)) return n->string;
    if (n->is(json::Type::Number)) {
        std::string s;
        json::append_number(s, n->number);
        return s;
    }
    return {};
}

} // namespace

void apply_suppressions(CheckReport& report, const SuppressionInputs& in) {
    Applier a{report, in, {}, {}};
    a.run();
}

bool load_waivers(SourceManager& sm, const std::string& path, std::vector<Waiver>& out,
                  std::vector<std::string>& errors) {
    std::string text, error;
    if (!read_file(path, text, error)) {
        errors.push_back(error);
        return false;
    }
    FileId id = sm.add(path, std::move(text));
    json::Node doc;
    json::ParseError perr;
    if (!yaml::parse(sm.text(id), id, doc, perr)) {
        errors.push_back(
            fmt::format("{}:{}:{}: {}", path, perr.loc.line, perr.loc.column, perr.message));
        return false;
    }
    const json::Node* list = doc.get("waivers");
    if (!list || !list->is(json::Type::Array)) {
        errors.push_back(fmt::format("{}:{}:{}: expected a top-level `waivers:` list", path,
                                     doc.loc.line, doc.loc.column));
        return false;
    }
    bool ok = true;
    for (const json::Node& item : list->items) {
        auto located = [&](const std::string& m) {
            return fmt::format("{}:{}:{}: {}", path, item.loc.line, item.loc.column, m);
        };
        if (!item.is(json::Type::Object)) {
            errors.push_back(
                located("a waiver is a mapping with rule, reason, owner, expires, resource, path"));
            ok = false;
            continue;
        }
        Waiver w;
        w.rule = node_text(item.get("rule"));
        w.resource = node_text(item.get("resource"));
        w.path = node_text(item.get("path"));
        w.owner = node_text(item.get("owner"));
        w.reason = node_text(item.get("reason"));
        w.expires = node_text(item.get("expires"));
        w.loc = item.loc;
        w.where = fmt::format("{}:{}", path, item.loc.line);
        for (auto& [key, value] : item.members)
            if (key != "rule" && key != "resource" && key != "path" && key != "owner" &&
                key != "reason" && key != "expires") {
                errors.push_back(located(fmt::format("unknown waiver field `{}`", key)));
                ok = false;
            }
        if (w.rule.empty()) {
            errors.push_back(located("a waiver needs `rule` (a rule id, name or glob)"));
            ok = false;
            continue;
        }
        // A missing reason or owner is reported as a finding (TNT-SUPPRESS-002) by
        // apply_suppressions for reasons; an owner is required here.
        if (w.owner.empty()) {
            errors.push_back(located("a waiver needs `owner` (who accepted the risk)"));
            ok = false;
            continue;
        }
        out.push_back(std::move(w));
    }
    return ok;
}

bool load_baseline(const std::string& path, std::unordered_set<std::string>& out,
                   std::string& error) {
    std::string text;
    if (!read_file(path, text, error)) return false;
    json::Node doc;
    json::ParseError perr;
    if (!json::parse(text, 0, doc, perr)) {
        error = fmt::format("{}:{}:{}: {}", path, perr.loc.line, perr.loc.column, perr.message);
        return false;
    }
    const json::Node* format = doc.get("format");
    const json::Node* findings = doc.get("findings");
    if (!format || format->string != "tenet-baseline/1" || !findings ||
        !findings->is(json::Type::Array)) {
        error =
            path +
            ": not a tenet baseline (want \"format\": \"tenet-baseline/1\" and a findings list)";
        return false;
    }
    for (const json::Node& f : findings->items)
        if (const json::Node* fp = f.get("fingerprint"); fp && fp->is(json::Type::String))
            out.insert(fp->string);
    return true;
}

std::string write_baseline(const CheckReport& r) {
    json::Writer w;
    w.begin_object();
    w.key("format").value("tenet-baseline/1");
    w.key("findings").begin_array();
    for (const Finding& f : r.findings) {
        if (f.verdict != Verdict::Fail && f.verdict != Verdict::Unknown) continue;
        if (f.rule >= r.program->rules.size()) continue; // suppression problems are never baselined
        w.begin_object();
        w.key("fingerprint").value(finding_fingerprint(r, f));
        w.key("rule").value(r.rule(f).id);
        w.key("resource").value(subject_name(r, f));
        w.key("verdict").value(verdict_name(f.verdict));
        w.end_object();
    }
    w.end_array();
    w.end_object();
    return w.str() + "\n";
}

bool check_overrides(const Program& program, const std::vector<Override>& overrides,
                     std::string& error) {
    for (const Override& o : overrides) {
        const RuleInfo* found = nullptr;
        for (const RuleInfo& r : program.rules)
            if (r.id == o.rule || r.name == o.rule) found = &r;
        if (!found) {
            error = fmt::format("--override {}: no such rule", o.rule);
            return false;
        }
        if (o.reason.empty()) {
            error = fmt::format("--override {}: a reason is required (--override {}=\"why\")",
                                o.rule, o.rule);
            return false;
        }
        if (found->level == Level::Hard) {
            error = fmt::format("--override {}: {} is a hard rule; hard rules cannot be overridden "
                                "(waive a specific "
                                "finding with a reason and an expiry instead)",
                                o.rule, found->id);
            return false;
        }
    }
    return true;
}

} // namespace tenet::cli
