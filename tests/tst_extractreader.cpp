#include <QTest>

class ExtractreaderTest : public QObject
{
    Q_OBJECT
};

QTEST_GUILESS_MAIN(ExtractreaderTest)
#include "tst_extractreader.moc"
