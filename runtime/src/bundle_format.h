// Constants of the bundle format shared by the writer and the reader (docs/bundle.md
// describes the format byte by byte).
#pragma once

#include <cstddef>
#include <cstdint>

namespace tenet::bundle {

constexpr uint8_t kMagic[4] = {'T', 'N', 'T', 'B'};
constexpr size_t kHeaderSize = 16; // magic, format version, payload size, checksum

// Section tags, in the order the sections appear (each exactly once).
enum class Section : uint32_t {
    Strings = 0x53525453,   // "STRS"
    Constants = 0x54534E43, // "CNST"
    Regexes = 0x58454752,   // "RGEX"
    Files = 0x454C4946,     // "FILE"
    Functions = 0x434E5546, // "FUNC"
    Globals = 0x424F4C47,   // "GLOB"
    Rules = 0x454C5552,     // "RULE"
    Mappings = 0x5350414D,  // "MAPS"
};
constexpr Section kSectionOrder[] = {Section::Strings, Section::Constants, Section::Regexes,
                                     Section::Files,   Section::Functions, Section::Globals,
                                     Section::Rules,   Section::Mappings};

inline const char* section_name(Section s) {
    switch (s) {
    case Section::Strings:
        return "STRS";
    case Section::Constants:
        return "CNST";
    case Section::Regexes:
        return "RGEX";
    case Section::Files:
        return "FILE";
    case Section::Functions:
        return "FUNC";
    case Section::Globals:
        return "GLOB";
    case Section::Rules:
        return "RULE";
    case Section::Mappings:
        return "MAPS";
    }
    return "????";
}

// Tags of encoded constant values.
enum class ValueTag : uint8_t {
    Null = 0,
    False = 1,
    True = 2,
    Number = 3,
    String = 4,
    List = 5,
    Map = 6
};

// Constant lists and maps nest at most this deep (the parser stops at 200).
constexpr int kMaxValueDepth = 256;

// FNV-1a, 32 bits, over the payload (everything after the header).
inline uint32_t checksum(const uint8_t* data, size_t size) {
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < size; ++i) {
        h ^= data[i];
        h *= 16777619u;
    }
    return h;
}

} // namespace tenet::bundle
