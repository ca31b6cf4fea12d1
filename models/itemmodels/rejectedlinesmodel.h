#pragma once

#include "extract/extractreader.h"

#include <QAbstractTableModel>
#include <QList>

class QIODevice;

namespace pv {

class Warehouse;

/// The quarantined lines of one run (line, reason, raw text), fetched in line order in batches.
class RejectedLinesModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { Line, Reason, RawText, ColumnCount };

    explicit RejectedLinesModel(const Warehouse &warehouse, QObject *parent = nullptr);

    /// Shows the rejects of another run (0: none).
    void setRun(qint64 runId);
    qint64 runId() const { return m_runId; }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    bool canFetchMore(const QModelIndex &parent) const override;
    void fetchMore(const QModelIndex &parent) override;

    RejectedLine lineAt(int row) const;

    /// Writes every rejected line of the run as CSV (line,reason,raw) to path through a QSaveFile, so a
    /// failed export leaves no file. Returns the lines written, or -1 with *error "PATH: cannot write: REASON".
    qint64 exportCsv(const QString &path, QString *error) const;
    /// The same CSV to any device (for the clipboard and tests) through CsvWriter. Returns the lines
    /// written, or -1 with *error (when given) "cannot write: REASON".
    qint64 writeCsv(QIODevice *out, QString *error = nullptr) const;

    static constexpr int batchSize = 500;

private:
    const Warehouse &m_warehouse;
    qint64 m_runId = 0;
    QList<RejectedLine> m_lines;
    bool m_atEnd = true;
    bool m_fetching = false;
};

} // namespace pv
