#pragma once

#include <cstddef>
#include <string_view>

namespace pv {

/// The length (1 to 4) of the UTF-8 sequence that text starts with, judged on the bytes text has: longer
/// than text when text ends inside the sequence; 0 when the bytes are not UTF-8 (a stray continuation byte,
/// an overlong form, a surrogate, a code point past U+10FFFF) or text is empty.
size_t utf8SequenceLength(std::string_view text);

} // namespace pv
