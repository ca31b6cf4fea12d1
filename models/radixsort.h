#pragma once

#include <QtGlobal>

#include <algorithm>
#include <array>
#include <bit>
#include <utility>
#include <vector>

namespace pv {

/// Sorts items by keyOf(item), an unsigned key below 2^keyBits, keeping equal keys in their order (an LSD
/// radix sort: a few linear passes instead of n log n comparisons; a load sorts millions of rows by user).
template <typename T, typename KeyOf>
void radixSort(std::vector<T> &items, int keyBits, KeyOf keyOf)
{
    if (items.size() < 2 || keyBits <= 0)
        return;
    // 16,384 counters a pass: two passes cover 28-bit keys (user ids of a 20M-user extract); the scatter
    // stays fast with that many destinations, and each pass saved is a read and write of every item.
    constexpr int maxDigitBits = 14;
    const int passes = (keyBits + maxDigitBits - 1) / maxDigitBits;
    const int digitBits = (keyBits + passes - 1) / passes;
    const quint64 digitMask = (quint64(1) << digitBits) - 1;

    // One read counts every pass's digits.
    std::vector<std::array<size_t, size_t(1) << maxDigitBits>> counts(static_cast<size_t>(passes));
    for (const T &item : items) {
        const quint64 key = keyOf(item);
        for (int p = 0; p < passes; ++p)
            ++counts[static_cast<size_t>(p)][(key >> (p * digitBits)) & digitMask];
    }
    std::vector<T> buffer(items.size());
    for (int p = 0; p < passes; ++p) {
        auto &offsets = counts[static_cast<size_t>(p)];
        size_t next = 0;
        for (size_t &count : offsets)
            next += std::exchange(count, next);
        for (const T &item : items)
            buffer[offsets[(keyOf(item) >> (p * digitBits)) & digitMask]++] = item;
        items.swap(buffer);
    }
}

/// The number of bits a key from 0 to span needs.
inline int bitsFor(quint64 span)
{
    return static_cast<int>(std::bit_width(span));
}

} // namespace pv
