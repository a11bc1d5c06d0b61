// Bundles (.tnb): a compiled Program on disk. Format in docs/bundle.md: magic,
// format version, sections (strings, constants, regexes, functions with line tables,
// globals, rules, mappings, source file names), and a checksum over everything.
#pragma once

#include "tenet/runtime/program.h"

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace tenet {

constexpr uint32_t kBundleFormatVersion = 2;

std::vector<uint8_t> write_bundle(const Program& program);

// Decodes, then verifies (verify_program) and compiles the regexes. Any malformed,
// truncated, corrupted or hostile input is rejected with a message naming what is
// wrong and where ("function 3 (aws.s3.kms) at pc 17: jump target out of bounds");
// it never crashes and never returns a Program that has not been verified.
bool read_bundle(std::span<const uint8_t> bytes, Program& out, std::string& error);

} // namespace tenet
