// The project config file, `.tenet.yaml`, found by walking up from the first scanned
// path (or the working directory). Command-line flags win over it. Paths in it are
// relative to the file's folder.
//
//   policies: [policies/, ../shared/pack.tnb]
//   default_policies: true
//   params: {aws.naming.environment_suffix_min: 80}
//   fail_on: medium
//   unknown: warn
//   format: text
//   outputs: {sarif: tenet.sarif, junit: junit.xml}
//   exclude: ["examples/**", "**/fixtures/**"]
//   waivers: waivers.yaml
//   baseline: .tenet-baseline.json
//   jobs: 4
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace tenet::cli {

struct ConfigFile {
    std::string path; // empty: none found
    std::vector<std::string> policies;
    std::optional<bool> default_policies;
    std::vector<std::pair<std::string, std::string>> params; // name, JSON text
    std::optional<std::string> fail_on, unknown, format, waivers, baseline;
    std::vector<std::pair<std::string, std::string>> outputs; // format, file
    std::vector<std::string> exclude;
    std::optional<unsigned> jobs;
};

// The nearest .tenet.yaml at or above `start` (a file or folder); empty when none.
std::string find_config(const std::string& start);

// Reads `path`; problems are "file:line:col: message" in `errors` (unknown keys too).
bool load_config(const std::string& path, ConfigFile& out, std::vector<std::string>& errors);

} // namespace tenet::cli
