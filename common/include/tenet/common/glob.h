// Shell-style globs for paths and addresses: `*` matches a run of characters without
// `/`, `**` any run, `?` one character other than `/`. Iterative, linear in practice.
#pragma once

#include <string_view>

namespace tenet {

bool glob_match(std::string_view pattern, std::string_view text);

} // namespace tenet
