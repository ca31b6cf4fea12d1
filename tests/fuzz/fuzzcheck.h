// What the two fuzz targets (docs/fuzzing.md) share: how a broken invariant stops the process, and the rule
// for a reason shown to an operator.
#pragma once

#include <QString>

#include <cstdio>
#include <string>
#include <string_view>

namespace pvfuzz {

// Reports which invariant broke (the stack follows from the trap), then stops: libFuzzer keeps the input.
[[noreturn]] inline void broken(const char *what, const std::string &detail = std::string())
{
    std::fprintf(stderr, "\n*** invariant broken: %s%s%s\n", what, detail.empty() ? "" : ": ", detail.c_str());
    std::fflush(stderr);
    __builtin_trap();
}

#define PV_CHECK(condition, detail)                                                                               \
    do {                                                                                                          \
        if (!(condition))                                                                                         \
            ::pvfuzz::broken(#condition, detail);                                                                 \
    } while (false)

inline std::string str(const QString &text)
{
    return text.toStdString();
}

// A reason shows the value it quotes without control characters (a NUL as \x00): only tab and line feed stay.
inline void checkShown(const QString &reason, std::string_view text)
{
    for (const QChar c : reason) {
        PV_CHECK(c.unicode() >= 0x20 || c == u'\t' || c == u'\n',
                 "a control character in the reason for '" + std::string(text) + "': " + str(reason));
    }
}

} // namespace pvfuzz
