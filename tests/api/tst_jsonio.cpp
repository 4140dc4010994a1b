// The HTTP layer's JSON helpers: the hand-rolled ISO time formatter against Qt's, page parameters, and the
// field reader's collected problems.
#include "core/ids.h"
#include "http/jsonio.h"

#include <QJsonArray>
#include <QRandomGenerator>
#include <QTimeZone>
#include <QTest>

using namespace twinops;

class TestJsonIo final : public QObject
{
    Q_OBJECT
private slots:
    void isoTimeMatchesQt_data();
    void isoTimeMatchesQt();
    void isoTimeSweep();
    void fieldsCollectEveryProblem();
};

void TestJsonIo::isoTimeMatchesQt_data()
{
    QTest::addColumn<qint64>("msecs");
    QTest::newRow("epoch") << qint64(0);
    QTest::newRow("before epoch") << qint64(-1);
    QTest::newRow("1969-12-31 23:59:59.999") << qint64(-1);
    QTest::newRow("leap day 2024") << QDateTime(QDate(2024, 2, 29), QTime(23, 59, 59, 999), QTimeZone::utc()).toMSecsSinceEpoch();
    QTest::newRow("2000-03-01") << QDateTime(QDate(2000, 3, 1), QTime(0, 0), QTimeZone::utc()).toMSecsSinceEpoch();
    QTest::newRow("1900-03-01") << QDateTime(QDate(1900, 3, 1), QTime(12, 0), QTimeZone::utc()).toMSecsSinceEpoch();
    QTest::newRow("9999-12-31") << QDateTime(QDate(9999, 12, 31), QTime(23, 59, 59, 999), QTimeZone::utc()).toMSecsSinceEpoch();
    QTest::newRow("0001-01-01") << QDateTime(QDate(1, 1, 1), QTime(0, 0), QTimeZone::utc()).toMSecsSinceEpoch();
}

void TestJsonIo::isoTimeMatchesQt()
{
    QFETCH(qint64, msecs);
    const QDateTime time = utcFromMSecs(msecs);
    QCOMPARE(isoTime(time), time.toString(Qt::ISODateWithMs));
}

void TestJsonIo::isoTimeSweep()
{
    QRandomGenerator random(20261126);
    for (int i = 0; i < 20000; ++i) {
        const qint64 msecs = qint64(random.bounded(400'000.0) * 86'400'000.0) - 200'000LL * 86'400'000LL;
        const QDateTime time = utcFromMSecs(msecs);
        QCOMPARE(isoTime(time), time.toString(Qt::ISODateWithMs));
    }
    QVERIFY(isoTime(QDateTime()).isEmpty());
}

void TestJsonIo::fieldsCollectEveryProblem()
{
    JsonFields fields(QJsonObject{{QStringLiteral("name"), 3}, {QStringLiteral("count"), 1.5}, {QStringLiteral("tags"), QJsonArray{1}}});
    (void)fields.requiredString(QStringLiteral("name"));
    (void)fields.requiredString(QStringLiteral("missing"));
    (void)fields.optionalInt(QStringLiteral("count"));
    (void)fields.optionalStringList(QStringLiteral("tags"));
    const Status status = fields.status();
    QVERIFY(!status.ok());
    QCOMPARE(status.error().code, ErrorCode::ValidationFailed);
    QCOMPARE(status.error().details.size(), 4);
}

QTEST_GUILESS_MAIN(TestJsonIo)
#include "tst_jsonio.moc"
