// The graph extractor's lexicon: the one built into the binary loads and holds every list the extractor uses, and
// a missing, empty, malformed or unknown list is an error that names it, never an empty list.
#include "graph/lexicon.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace twinops;
using namespace twinops::graphtext;

namespace {

QJsonObject builtInJson()
{
    QFile file(QStringLiteral(":/graph/lexicon.json"));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(file.readAll()).object();
}

QByteArray toJson(const QJsonObject &object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

} // namespace

class TestLexicon : public QObject
{
    Q_OBJECT

private slots:
    void builtInHoldsEveryList();
    void builtInIsLoadedOnce();
    void brokenListIsAnError_data();
    void brokenListIsAnError();
    void everyListIsRequired();
};

void TestLexicon::builtInHoldsEveryList()
{
    const auto loaded = Lexicon::loadBuiltIn();
    QVERIFY2(loaded.ok(), qPrintable(loaded.ok() ? QString() : loaded.error().message));

    QStringList keys = builtInJson().keys();
    QStringList names = Lexicon::listNames();
    keys.sort();
    names.sort();
    QCOMPARE(keys, names);

    // A word from each end of the file, and a multi-word name (spaces, as GraphExtractor::normalise writes them).
    QVERIFY(loaded->stopwords.contains(QStringLiteral("the")));
    QVERIFY(loaded->stopwords.contains(QStringLiteral("couldn't")));
    QVERIFY(loaded->knownPlaces.contains(QStringLiteral("new york")));
    QVERIFY(loaded->knownOrganisations.contains(QStringLiteral("linux foundation")));
    QVERIFY(loaded->determiners.contains(QStringLiteral("their")));
}

void TestLexicon::builtInIsLoadedOnce()
{
    const Lexicon &first = Lexicon::builtIn();
    QCOMPARE(&Lexicon::builtIn(), &first);
    QCOMPARE(first.softAbbreviations, Lexicon::loadBuiltIn()->softAbbreviations);
}

void TestLexicon::brokenListIsAnError_data()
{
    QTest::addColumn<QJsonValue>("stopwords");
    QTest::addColumn<QString>("problem");

    QTest::newRow("empty") << QJsonValue(QJsonArray{}) << QStringLiteral("stopwords must be a non-empty array");
    QTest::newRow("not an array") << QJsonValue(QStringLiteral("a an the"))
                                  << QStringLiteral("stopwords must be a non-empty array");
    QTest::newRow("not a string") << QJsonValue(QJsonArray{QStringLiteral("a"), 1})
                                  << QStringLiteral("stopwords holds something other than a string");
    QTest::newRow("empty word") << QJsonValue(QJsonArray{QStringLiteral("a"), QString()})
                                << QStringLiteral("stopwords holds \"\"");
    QTest::newRow("capitals") << QJsonValue(QJsonArray{QStringLiteral("The")})
                              << QStringLiteral("stopwords holds \"The\"");
    QTest::newRow("outer space") << QJsonValue(QJsonArray{QStringLiteral("the ")})
                                 << QStringLiteral("stopwords holds \"the \"");
    QTest::newRow("twice") << QJsonValue(QJsonArray{QStringLiteral("a"), QStringLiteral("a")})
                           << QStringLiteral("stopwords holds a twice");
}

void TestLexicon::brokenListIsAnError()
{
    QFETCH(QJsonValue, stopwords);
    QFETCH(QString, problem);

    QJsonObject json = builtInJson();
    json.insert(QStringLiteral("stopwords"), stopwords);
    const auto lexicon = Lexicon::fromJson(toJson(json));
    QVERIFY(!lexicon.ok());
    QVERIFY2(lexicon.error().message.contains(problem), qPrintable(lexicon.error().message));
}

void TestLexicon::everyListIsRequired()
{
    const QJsonObject complete = builtInJson();
    QVERIFY(Lexicon::fromJson(toJson(complete)).ok());
    for (const QString &name : Lexicon::listNames()) {
        QJsonObject json = complete;
        json.remove(name);
        const auto lexicon = Lexicon::fromJson(toJson(json));
        QVERIFY2(!lexicon.ok(), qPrintable(name));
        QCOMPARE(lexicon.error().message, QStringLiteral("graph lexicon: the list %1 is missing").arg(name));
    }

    QJsonObject unknown = complete;
    unknown.insert(QStringLiteral("colours"), QJsonArray{QStringLiteral("red")});
    const auto withUnknown = Lexicon::fromJson(toJson(unknown));
    QVERIFY(!withUnknown.ok());
    QVERIFY2(withUnknown.error().message.contains(QStringLiteral("unknown list colours")),
             qPrintable(withUnknown.error().message));

    const auto notJson = Lexicon::fromJson("[\"the\"]");
    QVERIFY(!notJson.ok());
    QVERIFY2(notJson.error().message.contains(QStringLiteral("not a JSON object")),
             qPrintable(notJson.error().message));
}

QTEST_GUILESS_MAIN(TestLexicon)
#include "tst_lexicon.moc"
