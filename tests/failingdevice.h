#pragma once

#include <QByteArray>
#include <QIODevice>

#include <algorithm>

/// A device like a file on a disk that fills up after capacity bytes: the write that crosses the limit takes
/// what still fits, every later one fails with "No space left on device".
class FailingDevice : public QIODevice
{
public:
    explicit FailingDevice(qint64 capacity)
        : m_capacity(capacity)
    {
        open(QIODevice::WriteOnly);
    }

    /// What was written before the device filled up.
    const QByteArray &written() const { return m_written; }

protected:
    qint64 readData(char *, qint64) override { return -1; }
    qint64 writeData(const char *data, qint64 size) override
    {
        const qint64 room = std::min(size, m_capacity - m_written.size());
        if (room <= 0) {
            setErrorString(QStringLiteral("No space left on device"));
            return -1;
        }
        m_written.append(data, room);
        return room;
    }

private:
    qint64 m_capacity;
    QByteArray m_written;
};
