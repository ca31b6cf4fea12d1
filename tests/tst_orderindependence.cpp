#include <QTest>

class OrderindependenceTest : public QObject
{
    Q_OBJECT
};

QTEST_GUILESS_MAIN(OrderindependenceTest)
#include "tst_orderindependence.moc"
