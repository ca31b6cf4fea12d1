#include <QTest>

class ExtractgeneratorTest : public QObject
{
    Q_OBJECT
};

QTEST_GUILESS_MAIN(ExtractgeneratorTest)
#include "tst_extractgenerator.moc"
