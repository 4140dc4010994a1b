// The HTTP layer's JSON helpers: the hand-rolled ISO time formatter and JSON writer against Qt's, page
// parameters, and the field reader's collected problems.
#include "core/ids.h"
#include "http/jsonio.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QRandomGenerator>
#include <QSet>
#include <QTest>
#include <QTimeZone>

using namespace twinops;

class TestJsonIo final : public QObject
{
    Q_OBJECT
private slots:
    void isoTimeMatchesQt_data();
    void isoTimeMatchesQt();
    void isoTimeSweep();
    void fieldsCollectEveryProblem();
    void fieldsRefuseTextADatabaseCannotStore();
    void writerMatchesQt_data();
    void writerMatchesQt();
    void writerStringSweep();
};

void TestJsonIo::isoTimeMatchesQt_data()
{
    QTest::addColumn<qint64>("msecs");
    QTest::newRow("epoch") << qint64(0);
    QTest::newRow("before epoch") << qint64(-1);
    QTest::newRow("1969-12-31 23:59:59.999") << qint64(-1);
    QTest::newRow("leap day 2024")
        << QDateTime(QDate(2024, 2, 29), QTime(23, 59, 59, 999), QTimeZone::utc()).toMSecsSinceEpoch();
    QTest::newRow("2000-03-01") << QDateTime(QDate(2000, 3, 1), QTime(0, 0), QTimeZone::utc()).toMSecsSinceEpoch();
    QTest::newRow("1900-03-01") << QDateTime(QDate(1900, 3, 1), QTime(12, 0), QTimeZone::utc()).toMSecsSinceEpoch();
    QTest::newRow("9999-12-31")
        << QDateTime(QDate(9999, 12, 31), QTime(23, 59, 59, 999), QTimeZone::utc()).toMSecsSinceEpoch();
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
    JsonFields fields(QJsonObject{
        {QStringLiteral("name"), 3}, {QStringLiteral("count"), 1.5}, {QStringLiteral("tags"), QJsonArray{1}}});
    (void)fields.requiredString(QStringLiteral("name"));
    (void)fields.requiredString(QStringLiteral("missing"));
    (void)fields.optionalInt(QStringLiteral("count"));
    (void)fields.optionalStringList(QStringLiteral("tags"));
    const Status status = fields.status();
    QVERIFY(!status.ok());
    QCOMPARE(status.error().code, ErrorCode::ValidationFailed);
    QCOMPARE(status.error().details.size(), 4);
}

void TestJsonIo::fieldsRefuseTextADatabaseCannotStore()
{
    // U+0000 (PostgreSQL's text and jsonb refuse it) and half a surrogate pair (no UTF-8 form), in every kind of
    // field that carries text, including keys and values deep inside an object.
    const QString nul = QStringLiteral("a") + QChar(0) + QStringLiteral("b");
    const QString loneSurrogate = QStringLiteral("a") + QChar(0xd800) + QStringLiteral("b");
    const QJsonObject object{
        {QStringLiteral("name"), nul},
        {QStringLiteral("note"), loneSurrogate},
        {QStringLiteral("tags"), QJsonArray{QStringLiteral("fine"), nul}},
        {QStringLiteral("settings"), QJsonObject{{QStringLiteral("k"), QJsonArray{1, QJsonObject{{nul, 2}}}}}},
        {QStringLiteral("meta"),
         QJsonObject{{QStringLiteral("deep"), QJsonObject{{QStringLiteral("v"), loneSurrogate}}}}},
        {QStringLiteral("ok"), QString::fromUtf8("plain text, caf\xc3\xa9 and a pair: \xf0\x9f\x98\x80")},
    };
    JsonFields fields(object);
    QVERIFY(!fields.requiredString(QStringLiteral("name")).contains(QChar(0)));
    QVERIFY(!fields.optionalString(QStringLiteral("note")).has_value());
    QVERIFY(!fields.optionalStringList(QStringLiteral("tags")).has_value());
    QVERIFY(!fields.optionalObject(QStringLiteral("settings")).has_value());
    QVERIFY(!fields.optionalObject(QStringLiteral("meta")).has_value());
    QCOMPARE(fields.requiredString(QStringLiteral("ok")), object.value(QStringLiteral("ok")).toString());
    const Status status = fields.status();
    QVERIFY(!status.ok());
    QCOMPARE(status.error().code, ErrorCode::ValidationFailed);
    QCOMPARE(QSet<QString>(status.error().details.keyBegin(), status.error().details.keyEnd()),
             (QSet<QString>{QStringLiteral("name"), QStringLiteral("note"), QStringLiteral("tags"),
                            QStringLiteral("settings"), QStringLiteral("meta")}));
    QVERIFY2(status.error().details.value(QStringLiteral("name")).contains(QLatin1String("U+0000")),
             qPrintable(status.error().details.value(QStringLiteral("name"))));

    // requiredStringList, which goes through optionalStringList.
    JsonFields list(QJsonObject{{QStringLiteral("ids"), QJsonArray{nul}}});
    (void)list.requiredStringList(QStringLiteral("ids"));
    QVERIFY(!list.status().ok());
    QVERIFY(list.status().error().details.contains(QStringLiteral("ids")));
}

void TestJsonIo::writerMatchesQt_data()
{
    QTest::addColumn<QString>("text");
    QTest::newRow("empty") << QString();
    QTest::newRow("plain") << QStringLiteral("Twin 7 of tenant 3");
    QTest::newRow("quotes and backslashes") << QStringLiteral("say \"hi\" \\ C:\\path /slash");
    QTest::newRow("short escapes") << QStringLiteral("a\bb\fc\nd\re\tf");
    QTest::newRow("other controls") << QString(QString(QChar(0)) + QChar(1) + QChar(0x1f) + QChar(0x7f));
    QTest::newRow("two-byte UTF-8") << QStringLiteral("Zürich, Ångström, ñ");
    QTest::newRow("three-byte UTF-8") << QString::fromUtf16(u"\u20ac \u4e2d\u6587 \u2028\u2029 \ufeff \uffff");
    QTest::newRow("surrogate pair") << QString::fromUtf16(u"\U0001F600 \U0010FFFF");
    QTest::newRow("lone high surrogate") << QString(QString(QChar(0xd83d)) + u'x');
    QTest::newRow("lone low surrogate") << QString(QStringLiteral("x") + QChar(0xde00));
    QTest::newRow("high surrogate at the end") << QString(QStringLiteral("x") + QChar(0xd83d));
}

// Byte for byte what QJsonDocument writes, so that moving a resource to JsonObjectWriter changes no body.
void TestJsonIo::writerMatchesQt()
{
    QFETCH(QString, text);
    const QJsonObject object{{QStringLiteral("a"), text},
                             {QStringLiteral("b"), QJsonArray{text, text}},
                             {QStringLiteral("c"), qint64(-9007199254740991)},
                             {QStringLiteral("d"), true},
                             {QStringLiteral("e"), QJsonValue()},
                             {QStringLiteral("f"), QJsonObject{{QStringLiteral("g"), text}}},
                             {QStringLiteral("h"), QJsonObject()},
                             {QStringLiteral("i"), QJsonArray()},
                             {QStringLiteral("j"), QJsonArray{QJsonObject{{QStringLiteral("k"), 1}}}}};
    const JsonObjectWriter writer = JsonObjectWriter()
                                        .insert("a", text)
                                        .insert("b", QStringList{text, text})
                                        .insert("c", qint64(-9007199254740991))
                                        .insert("d", true)
                                        .insert("e", std::optional<QString>())
                                        .insert("f", JsonObjectWriter().insert("g", text))
                                        .insert("h", QJsonObject())
                                        .insert("i", QJsonArray())
                                        .insert("j", QList<JsonObjectWriter>{JsonObjectWriter().insert("k", 1)});
    QCOMPARE(writer.toJson(), QJsonDocument(object).toJson(QJsonDocument::Compact));
}

void TestJsonIo::writerStringSweep()
{
    QRandomGenerator random(20261126);
    for (int i = 0; i < 20000; ++i) {
        QString text(int(random.bounded(12)), Qt::Uninitialized);
        for (QChar &c : text) {
            // Mostly the interesting ranges: controls, ASCII, Latin-1, BMP, surrogates.
            static const int ranges[][2]
                = {{0, 0x20}, {0x20, 0x80}, {0x80, 0x800}, {0x800, 0xd800}, {0xd800, 0xe000}, {0xe000, 0x10000}};
            const auto &range = ranges[random.bounded(6)];
            c = QChar(char16_t(range[0] + random.bounded(range[1] - range[0])));
        }
        QCOMPARE(JsonObjectWriter().insert("s", text).toJson(),
                 QJsonDocument(QJsonObject{{QStringLiteral("s"), text}}).toJson(QJsonDocument::Compact));
    }
}

QTEST_GUILESS_MAIN(TestJsonIo)
#include "tst_jsonio.moc"
