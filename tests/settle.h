#pragma once

// Waiting for the desktop's screens to finish reading: every screen and dialog queries the warehouse on
// its own QueryThread, so what a test or screenshot checks is there only once those threads are idle.
#include "query/querythread.h"

#include <QObject>
#include <QTest>

#include <algorithm>

/// Waits until no QueryThread under root has a request outstanding, and none follows within a moment (as
/// a view's fetchMore after a batch would). False after timeoutMs.
inline bool waitUntilRead(const QObject &root, int timeoutMs = 20000)
{
    const auto idle = [&root] {
        const QList<pv::QueryThread *> threads = root.findChildren<pv::QueryThread *>();
        return std::none_of(threads.begin(), threads.end(), [](const pv::QueryThread *q) { return q->isBusy(); });
    };
    return QTest::qWaitFor([&] { return idle() && (QTest::qWait(30), idle()); }, timeoutMs);
}
