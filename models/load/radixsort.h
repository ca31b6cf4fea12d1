#pragma once

#include <QtGlobal>

#include <algorithm>
#include <array>
#include <bit>
#include <cstring>
#include <future>
#include <memory>
#include <type_traits>
#include <utility>
#include <vector>

namespace pv {

/// Sorts items by keyOf(item), an unsigned key below 2^keyBits, keeping equal keys in their order (an LSD
/// radix sort: a few linear passes instead of n log n comparisons; a load sorts millions of rows by user).
/// Large inputs are split in two halves, counted and scattered on two threads: the second core is idle
/// while a load sorts.
/// Scratch memory for radixSort(), kept between sorts of similar sizes: a fresh buffer of tens of MiB is
/// paid for in page faults on every sort.
template <typename T>
struct RadixScratch
{
    std::unique_ptr<T[]> items;
    size_t size = 0;

    T *reserve(size_t n)
    {
        if (n > size) {
            items.reset(new T[n]); // default-initialised: no pass of zeroes over memory about to be written
            size = n;
        }
        return items.get();
    }
};

template <typename T, typename KeyOf>
void radixSort(std::vector<T> &items, int keyBits, KeyOf keyOf, RadixScratch<T> &scratch)
{
    static_assert(std::is_trivially_copyable_v<T>);
    const size_t n = items.size();
    if (n < 2 || keyBits <= 0)
        return;
    // 16,384 counters a pass: two passes cover 28-bit keys (user ids of a 20M-user extract); the scatter
    // stays fast with that many destinations, and each pass saved is a read and write of every item.
    constexpr int maxDigitBits = 14;
    const int passes = (keyBits + maxDigitBits - 1) / maxDigitBits;
    const int digitBits = (keyBits + passes - 1) / passes;
    const quint64 digitMask = (quint64(1) << digitBits) - 1;
    const size_t half = n >= (size_t(1) << 20) ? n / 2 : n;
    // Both halves' work runs at once when there are two; the first half's items stay before the second's.
    auto forEachHalf = [half, n](auto &&work) {
        if (half == n) {
            work(0, size_t(0), n);
            return;
        }
        auto second = std::async(std::launch::async, [&] { work(1, half, n); });
        work(0, size_t(0), half);
        second.get();
    };

    T *from = items.data();
    T *to = scratch.reserve(n);
    std::array<std::vector<size_t>, 2> offsets{std::vector<size_t>(size_t(1) << digitBits),
                                               std::vector<size_t>(size_t(1) << digitBits)};
    for (int p = 0; p < passes; ++p) {
        const int shift = p * digitBits;
        auto digit = [&](const T &item) { return (keyOf(item) >> shift) & digitMask; };
        for (std::vector<size_t> &o : offsets)
            std::fill(o.begin(), o.end(), 0);
        forEachHalf([&](int h, size_t begin, size_t end) {
            for (size_t i = begin; i < end; ++i)
                ++offsets[h][digit(from[i])];
        });
        size_t next = 0;
        for (size_t d = 0; d < offsets[0].size(); ++d)
            for (std::vector<size_t> &o : offsets)
                next += std::exchange(o[d], next);
        forEachHalf([&](int h, size_t begin, size_t end) {
            std::vector<size_t> &o = offsets[h];
            for (size_t i = begin; i < end; ++i)
                to[o[digit(from[i])]++] = from[i];
        });
        std::swap(from, to);
    }
    if (from != items.data())
        std::memcpy(static_cast<void *>(items.data()), from, n * sizeof(T));
}

/// radixSort() with scratch memory of its own, for a one-off sort.
template <typename T, typename KeyOf>
void radixSort(std::vector<T> &items, int keyBits, KeyOf keyOf)
{
    RadixScratch<T> scratch;
    radixSort(items, keyBits, keyOf, scratch);
}

/// The number of bits a key from 0 to span needs.
inline int bitsFor(quint64 span)
{
    return static_cast<int>(std::bit_width(span));
}

} // namespace pv
