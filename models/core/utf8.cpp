#include "core/utf8.h"

namespace pv {

size_t utf8SequenceLength(std::string_view text)
{
    if (text.empty())
        return 0;
    const auto c = static_cast<unsigned char>(text[0]);
    if (c < 0x80)
        return 1;
    size_t length = 0;
    unsigned char low = 0x80; // the range of the second byte; the others are 0x80 to 0xBF
    unsigned char high = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
        length = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
        length = 3;
        if (c == 0xE0)
            low = 0xA0; // overlong
        else if (c == 0xED)
            high = 0x9F; // surrogates
    } else if (c >= 0xF0 && c <= 0xF4) {
        length = 4;
        if (c == 0xF0)
            low = 0x90; // overlong
        else if (c == 0xF4)
            high = 0x8F; // past U+10FFFF
    } else {
        return 0;
    }
    for (size_t k = 1; k < length && k < text.size(); ++k) {
        const auto next = static_cast<unsigned char>(text[k]);
        if (next < (k == 1 ? low : 0x80) || next > (k == 1 ? high : 0xBF))
            return 0;
    }
    return length;
}

} // namespace pv
