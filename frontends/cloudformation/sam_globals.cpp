#include "sam_globals.h"

#include <algorithm>

namespace tenet::cfn {

namespace {

void merge_into(CVal& own, const CVal& global) {
    if (own.is(CVal::Kind::Map) && global.is(CVal::Kind::Map)) {
        for (const auto& [key, value] : global.members) {
            auto it = std::find_if(own.members.begin(), own.members.end(),
                                   [&](auto& m) { return m.first == key; });
            if (it == own.members.end())
                own.members.emplace_back(key, value);
            else
                merge_into(it->second, value);
        }
    } else if (own.is(CVal::Kind::List) && global.is(CVal::Kind::List)) {
        own.items.insert(own.items.begin(), global.items.begin(), global.items.end());
    }
    // Otherwise the resource's own value stands.
}

} // namespace

void merge_sam_globals(Evaluator& ev, const Document& doc, const Node& globals,
                       std::string_view type,
                       std::vector<std::pair<std::string, CVal>>& properties) {
    constexpr std::string_view prefix = "AWS::Serverless::";
    if (!type.starts_with(prefix)) return;
    const Node* section = doc.get(globals, type.substr(prefix.size()));
    if (!section || !section->is(NodeKind::Mapping)) return;
    CVal global = ev.eval(*section);
    if (!global.is(CVal::Kind::Map)) return;
    CVal own;
    own.kind = CVal::Kind::Map;
    own.members = std::move(properties);
    merge_into(own, global);
    properties = std::move(own.members);
}

} // namespace tenet::cfn
