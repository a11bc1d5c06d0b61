// SAM's Globals section: the properties under Globals.Function (Api, HttpApi,
// SimpleTable, StateMachine, LayerVersion) apply to every resource of that
// AWS::Serverless:: type. As the SAM transform does: the resource's own value wins for
// scalars, mappings merge key by key, lists are the global items followed by the
// resource's. Merged values keep their provenance in Globals.
#pragma once

#include "evaluator.h"

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tenet::cfn {

void merge_sam_globals(Evaluator& ev, const Document& doc, const Node& globals,
                       std::string_view type,
                       std::vector<std::pair<std::string, CVal>>& properties);

} // namespace tenet::cfn
