// Finding fingerprints: stable identities for baselines and SARIF partialFingerprints.
// They hash what a finding is about (rule id, resource address, native type), never
// where it is printed, so reformatting a file or moving unrelated lines keeps them.
#pragma once

#include "report.h"

#include <string>

namespace tenet::cli {

// 16 hex digits.
std::string finding_fingerprint(const CheckReport& report, const Finding& f);

} // namespace tenet::cli
