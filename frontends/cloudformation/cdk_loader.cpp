// cdk.out: the cloud assembly's manifest.json lists the stacks (artifacts of type
// aws:cloudformation:stack with their templateFile) and, in each artifact's metadata,
// which construct path made which logical id. Nested assemblies (CDK stages, type
// cdk:cloud-assembly) are followed. Each template loads as CloudFormation with
// frontend "cdk"; with several stacks, addresses read "<artifactId>/<LogicalId>".
#include "template_loader.h"
#include "tenet/common/file.h"
#include "tenet/common/json.h"

#include <filesystem>
#include <fstream>
#include <sstream>

namespace tenet {

namespace {

namespace fs = std::filesystem;

struct StackArtifact {
    std::string id;
    fs::path template_path;
    SourceLoc declared; // the templateFile entry in the manifest
    std::vector<std::string> dependencies;
    std::unordered_map<std::string, std::string> construct_paths;
};

constexpr int kMaxAssemblyDepth = 8;

// Reads one manifest and collects its stacks (and those of nested assemblies).
void collect_stacks(SourceManager& sm, const fs::path& dir, std::vector<StackArtifact>& stacks,
                    std::vector<ModelError>& errors, int depth) {
    fs::path manifest = dir / "manifest.json";
    std::string text;
    if (!read_file(manifest, text)) {
        errors.push_back({SourceLoc{}, manifest.string() + ": cannot read the cdk.out manifest"});
        return;
    }
    FileId file = sm.add(manifest.string(), std::move(text));
    json::Node root;
    json::ParseError perr;
    if (!json::parse(sm.text(file), file, root, perr)) {
        errors.push_back({perr.loc, "JSON: " + perr.message});
        return;
    }
    const json::Node* artifacts = root.get("artifacts");
    if (!artifacts || !artifacts->is(json::Type::Object)) {
        errors.push_back({root.loc, "the cdk.out manifest has no artifacts"});
        return;
    }
    for (size_t i = 0; i < artifacts->members.size(); ++i) {
        const auto& [id, art] = artifacts->members[i];
        const json::Node* type = art.get("type");
        const json::Node* props = art.get("properties");
        if (!type || !type->is(json::Type::String)) continue;
        if (type->string == "cdk:cloud-assembly" && props) {
            const json::Node* sub = props->get("directoryName");
            if (!sub || !sub->is(json::Type::String)) continue;
            if (depth >= kMaxAssemblyDepth) {
                errors.push_back({sub->loc, "cloud assemblies nest more than 8 deep"});
                continue;
            }
            collect_stacks(sm, dir / sub->string, stacks, errors, depth + 1);
            continue;
        }
        if (type->string != "aws:cloudformation:stack") continue;
        const json::Node* tf = props ? props->get("templateFile") : nullptr;
        if (!tf || !tf->is(json::Type::String)) {
            errors.push_back(
                {artifacts->key_locs[i], "stack artifact `" + id + "` has no templateFile"});
            continue;
        }
        StackArtifact s{id, dir / tf->string, tf->loc, {}, {}};
        if (const json::Node* deps = art.get("dependencies"))
            for (const json::Node& d : deps->items)
                if (d.is(json::Type::String)) s.dependencies.push_back(d.string);
        if (const json::Node* meta = art.get("metadata"); meta && meta->is(json::Type::Object))
            for (const auto& [path, entries] : meta->members)
                for (const json::Node& e : entries.items) {
                    const json::Node* kind = e.get("type");
                    const json::Node* data = e.get("data");
                    if (kind && kind->is(json::Type::String) &&
                        kind->string == "aws:cdk:logicalId" && data && data->is(json::Type::String))
                        s.construct_paths[data->string] =
                            path.starts_with("/") ? path.substr(1) : path;
                }
        stacks.push_back(std::move(s));
    }
}

// Stacks a stack depends on load first, so that its Fn::ImportValues find their exports.
// Manifest order is kept otherwise; a dependency cycle keeps the rest in manifest order.
void order_by_dependencies(std::vector<StackArtifact>& stacks) {
    std::vector<StackArtifact> ordered;
    std::vector<bool> done(stacks.size(), false);
    auto loaded = [&](const std::string& id) -> bool {
        for (size_t i = 0; i < stacks.size(); ++i)
            if (stacks[i].id == id) return done[i];
        return true; // not a stack (an asset manifest): nothing to wait for
    };
    bool progress = true;
    while (ordered.size() < stacks.size() && progress) {
        progress = false;
        for (size_t i = 0; i < stacks.size(); ++i) {
            if (done[i]) continue;
            bool ready = true;
            for (const std::string& d : stacks[i].dependencies) ready &= loaded(d);
            if (!ready) continue;
            done[i] = true;
            ordered.push_back(stacks[i]);
            progress = true;
        }
    }
    for (size_t i = 0; i < stacks.size(); ++i)
        if (!done[i]) ordered.push_back(stacks[i]);
    stacks = std::move(ordered);
}

} // namespace

bool load_cdk_out(SourceManager& sm, const std::string& dir, ModelBuilder& b,
                  std::vector<ModelError>& errors, const FrontendOptions& opts) {
    fs::path root(dir);
    std::error_code ec;
    if (!fs::exists(root / "manifest.json", ec) &&
        fs::exists(root / "cdk.out" / "manifest.json", ec))
        root /= "cdk.out";
    std::vector<StackArtifact> stacks;
    size_t errors_before = errors.size();
    collect_stacks(sm, root, stacks, errors, 0);
    bool ok = errors.size() == errors_before;
    order_by_dependencies(stacks);
    cfn::ExportTable exports;
    for (const StackArtifact& s : stacks) {
        std::string text;
        if (!read_file(s.template_path, text)) {
            errors.push_back(
                {s.declared, "cannot read the template `" + s.template_path.string() + "`"});
            ok = false;
            continue;
        }
        FileId file = sm.add(s.template_path.string(), std::move(text));
        cfn::TemplateContext ctx;
        ctx.kind = FrontendKind::Cdk;
        ctx.address_prefix = stacks.size() > 1 ? s.id + "/" : "";
        ctx.construct_paths = s.construct_paths;
        ctx.exports = &exports;
        ok &= cfn::load_template(sm, file, b, errors, opts, ctx);
    }
    b.stack_field("frontend", b.str(frontend_name(FrontendKind::Cdk)));
    return ok;
}

} // namespace tenet
