// Triple-quoted text blocks (the inline inputs of tests): raw text, no escapes, with
// the common indentation removed, and for every line where it starts in the source so
// that positions inside the text map back to the file it was written in.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace tenet {

struct DedentedText {
    std::string text;
    // Byte offset in `inner` where each line of `text` starts (after the removed indentation).
    std::vector<uint32_t> line_offsets;
};

// `inner` is the text between the opening and the closing `"""`.
//  - A first line that is blank (the text starts on the line after `"""`) is dropped, and
//    so is a last line that is blank (the closing `"""` on a line of its own: the text then
//    ends with a newline).
//  - The longest run of leading blanks (spaces and tabs, byte for byte) that every non-blank
//    line shares is removed; a text that starts on the opening line keeps that first line
//    as written and does not count it.
//  - Blank lines become empty; a `\r` before a newline is dropped.
DedentedText dedent_text_block(std::string_view inner);

} // namespace tenet
