#include "core/loadfeedback.h"

#include <QDateTime>

namespace pv {

LoadFeedback::LoadFeedback(QObject *parent)
    : QObject(parent)
{
}

void LoadFeedback::setStage(const QString &stage, qint64 total)
{
    m_stage = stage;
    m_total = total;
    m_done = 0;
    m_lastEmitMs = QDateTime::currentMSecsSinceEpoch();
    emit stageChanged(stage, total);
    emit progressChanged(0, total);
}

void LoadFeedback::tell(const QString &text)
{
    emit notice(text);
}

void LoadFeedback::setProgress(qint64 done)
{
    m_done = done;
    const qint64 now = QDateTime::currentMSecsSinceEpoch();
    if (now - m_lastEmitMs >= 100 || (m_total > 0 && done >= m_total)) {
        m_lastEmitMs = now;
        emit progressChanged(done, m_total);
    }
}

} // namespace pv
