// The source_index job on both backends: the chunker's boundaries (table tests), and the handler run directly
// in a transaction as a worker would: chunk rows, status and health checks, retrieval through FTS5 / tsvector
// with tenant scoping, idempotent re-runs, skipped and missing sources, and rejection removing chunks.
#include "auth/crypto.h"
#include "core/ids.h"
#include "jobs/jobqueue.h"
#include "knowledge/chunker.h"
#include "knowledge/retriever.h"
#include "knowledge/sourceindexhandler.h"
#include "knowledge/sourcerepository.h"
#include "tenancy/tenantrepository.h"
#include "tenancy/twinrepository.h"
#include "testdatabase.h"

#include <QJsonArray>
#include <QSet>
#include <QTest>

using namespace twinops;
using namespace twinops::test;

namespace {

// A paragraph of `sentences` numbered sentences, so every chunk's text is recognisable.
QString paragraph(const QString &topic, int index, int sentences)
{
    QStringList out;
    for (int i = 0; i < sentences; ++i)
        out << QStringLiteral("The %1 report number %2 line %3 describes how the team keeps the schedule steady.")
                   .arg(topic)
                   .arg(index)
                   .arg(i);
    return out.join(u' ');
}

// Letters and digits without any space or punctuation, as in a base64 dump.
QString blob(int length)
{
    static const QString alphabet = QStringLiteral("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789");
    QString out;
    for (int i = 0; i < length; ++i)
        out += alphabet.at((i * 7 + i / 13) % alphabet.size());
    return out;
}

QStringList words(const QString &text)
{
    return text.split(QRegularExpression(QStringLiteral("\\s+")), Qt::SkipEmptyParts);
}

const QString kLighthouse = QStringLiteral(
    "The lighthouse keeper polishes the Fresnel lens every Tuesday morning before the supply boat arrives. "
    "She records the weather, the visibility and the state of the lamp in a leather logbook.\n\n"
    "In winter the storms close the harbour for days. The keeper then rations paraffin and checks the fog horn "
    "twice a night, because ships rely on it when the beam cannot reach them.\n\n"
    "Visitors may climb the spiral staircase on Saturdays. The gallery at the top gives a view of the whole bay, "
    "from the old customs house to the seal colony on the northern rocks.");

} // namespace

class TestSourceIndex final : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase_data() { addBackendRows(); }
    void init();
    void cleanup();

    void chunker_data();
    void chunker();
    void chunkerIsDeterministicAndConfigurable();

    void indexesApprovedSource();
    void retrievalIsScopedToTenantAndTwin();
    void rerunReplacesChunks();
    void reindexKeepsSearchInSync();
    void duplicateContentWithinTwinOnly();
    void anomaliesAndFailedExtraction();
    void changedContentHashIsSkipped();
    void missingSourceIsNotFound();
    void rejectedSourceLosesChunks();

private:
    struct Fixture
    {
        QString tenantId;
        QString twinId;
    };
    Fixture makeTwin(const QString &tenantName, const QString &twinName = QStringLiteral("Keeper"));
    QString addTwin(const QString &tenantId, const QString &name);
    QString addSource(const Fixture &f, const QString &filename, const QString &content);
    Job approve(const Fixture &f, const QString &sourceId);
    Result<QJsonObject> runJob(const Job &job, const ChunkerConfig &config = {});
    Source source(const Fixture &f, const QString &id);
    QStringList chunkTexts(const QString &sourceId);
    QSet<QString> chunkIds(const QString &sourceId);
    QJsonObject checkNamed(const Source &source, const QString &name);

    std::unique_ptr<TestDatabase> m_testDb;
    std::unique_ptr<Database> m_db;
};

#define REQUIRE_DB()                                                                                                   \
    if (!m_db)                                                                                                         \
        QSKIP("no database for this backend");

void TestSourceIndex::init()
{
    if (!QByteArray(QTest::currentTestFunction()).startsWith("chunker"))
        m_testDb = TestDatabase::create(currentDialect());
    if (!m_testDb)
        return;
    m_db = m_testDb->connectMigrated();
    QVERIFY(m_db);
}

void TestSourceIndex::cleanup()
{
    m_db.reset();
    m_testDb.reset();
}

// ----- chunker ----------------------------------------------------------------------------------------------

void TestSourceIndex::chunker_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("mimeType");
    QTest::addColumn<int>("chunkCount"); // -1: not checked
    QTest::addColumn<int>("forcedCount");
    QTest::addColumn<bool>("wordsKept"); // the chunks hold exactly the words of the normalised text, none cut
    QTest::addColumn<QStringList>("endings"); // every chunk ends with one of these (empty: not checked)
    QTest::addColumn<QStringList>("together"); // each appears whole inside one chunk
    QTest::addColumn<QStringList>("absent"); // appears in no chunk

    const QString plain = QStringLiteral("text/plain");
    const QString markdown = QStringLiteral("text/markdown");

    {
        QStringList paragraphs;
        for (int i = 0; i < 6; ++i)
            paragraphs << paragraph(QStringLiteral("harbour"), i, 4);
        QString text = paragraphs.join(QStringLiteral("\r\n\r\n\r\n"));
        text.replace(QStringLiteral("keeps the"), QStringLiteral("keeps\t the  "));
        QStringList endings;
        for (int i = 0; i < 6; ++i)
            endings
                << QStringLiteral("report number %1 line 3 describes how the team keeps the schedule steady.").arg(i);
        QTest::newRow("paragraphs") << text << plain << -1 << 0 << true << endings << QStringList()
                                    << QStringList{QStringLiteral("\t"), QStringLiteral("  ")};
    }
    {
        QStringList sentences;
        for (int i = 0; i < 30; ++i)
            sentences << QStringLiteral(
                             "At meeting %1 Dr. Smith and Mr. Jones reviewed the numbers, e.g. revenue and churn, "
                             "i.e. the figures J. R. Tolkien would call precious, at 9 a.m. Monday.")
                             .arg(i);
        QTest::newRow("sentences with abbreviations")
            << sentences.join(u' ') << plain << -1 << 0 << true << QStringList{QStringLiteral("Monday.")}
            << QStringList{QStringLiteral("Dr. Smith"),     QStringLiteral("Mr. Jones"),
                           QStringLiteral("e.g. revenue"),  QStringLiteral("i.e. the"),
                           QStringLiteral("J. R. Tolkien"), QStringLiteral("9 a.m. Monday.")}
            << QStringList();
    }
    QTest::newRow("word-less blob") << blob(5000) << plain << 4 << 3 << false << QStringList() << QStringList()
                                    << QStringList();
    QTest::newRow("blob between sentences")
        << QStringLiteral("A short introduction comes first. ") + blob(3200)
            + QStringLiteral(" And a closing remark follows it.")
        << plain << -1 << 2 << false << QStringList()
        << QStringList{QStringLiteral("A short introduction comes first.")} << QStringList();
    {
        QStringList words;
        for (int i = 0; i < 600; ++i)
            words << QStringLiteral("word%1").arg(i);
        QTest::newRow("no sentence ends")
            << words.join(u' ') << plain << -1 << 0 << true << QStringList() << QStringList() << QStringList();
    }
    {
        const QString text = QStringLiteral("# Installation\n\n") + paragraph(QStringLiteral("install"), 0, 7)
            + QStringLiteral("\n\n## Configuration ##\n\n") + paragraph(QStringLiteral("config"), 1, 7)
            + QStringLiteral("\n\nTroubleshooting\n---------------\n") + paragraph(QStringLiteral("trouble"), 2, 7)
            + QStringLiteral("\n\n> Quoted advice from\n> the support desk.\n\n- first item\n* second item\n\n"
                             "1. Step one\n2. Step two\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n"
                             "```bash\n# not a heading\nmake   install\n```\n\n***\n\nThe end.");
        QTest::newRow("markdown headings")
            << text << markdown << -1 << 0 << true << QStringList()
            << QStringList{QStringLiteral("Installation\nThe install report number 0 line 0"),
                           QStringLiteral("Configuration\nThe config report number 1 line 0"),
                           QStringLiteral("Troubleshooting\nThe trouble report number 2 line 0"),
                           QStringLiteral("Quoted advice from the support desk."),
                           QStringLiteral("first item\nsecond item"),
                           QStringLiteral("1. Step one\n2. Step two"),
                           QStringLiteral("| a | b |\n| 1 | 2 |"),
                           QStringLiteral("# not a heading\nmake install")}
            << QStringList{QStringLiteral("```"),     QStringLiteral("## "), QStringLiteral("> "),
                           QStringLiteral("- first"), QStringLiteral("---"), QStringLiteral("***")};
    }
    {
        // Many short sections: a chunk may end only with a paragraph, never with the heading of the next one.
        QString text;
        for (int i = 0; i < 20; ++i)
            text += QStringLiteral("## Section %1\n\n").arg(i) + paragraph(QStringLiteral("section"), i, 2)
                + QStringLiteral("\n\n");
        QTest::newRow("markdown many sections")
            << text << markdown << -1 << 0 << true << QStringList{QStringLiteral("steady.")}
            << QStringList{QStringLiteral("Section 7\nThe section report number 7")}
            << QStringList{QStringLiteral("#")};
    }
    QTest::newRow("plain text keeps markdown characters")
        << QStringLiteral("# Not a heading\n\n- a dash item\n> not a quote") << plain << 1 << 0 << true << QStringList()
        << QStringList{QStringLiteral("# Not a heading"), QStringLiteral("- a dash item\n> not a quote")}
        << QStringList();
    {
        QString cjk;
        for (int i = 0; i < 150; ++i)
            cjk += QStringLiteral("東京は日本の首都で人口が多い都市です%1。").arg(i);
        QTest::newRow("unicode cjk") << cjk << plain << -1 << 0 << false << QStringList{QStringLiteral("。")}
                                     << QStringList() << QStringList();
    }
    {
        QString emoji;
        for (int i = 0; i < 1000; ++i)
            emoji += QStringLiteral("\U0001F600");
        QTest::newRow("unicode emoji blob")
            << emoji << plain << 2 << 1 << false << QStringList() << QStringList() << QStringList();
    }
    QTest::newRow("unicode accents and spaces")
        << QStringLiteral(
               "Cafe\u0301 cre\u0300me bru\u0302le\u0301e\u00a0for\u2003everyone.\u200b Zoë says «très bien».")
        << plain << 1 << 0 << true << QStringList() << QStringList{QStringLiteral("Café crème brûlée for everyone.")}
        << QStringList{QStringLiteral("\u00a0"), QStringLiteral("\u200b")};
    QTest::newRow("empty") << QString() << plain << 0 << 0 << true << QStringList() << QStringList() << QStringList();
    QTest::newRow("whitespace only") << QStringLiteral(" \n\t \r\n \u200b ") << plain << 0 << 0 << true << QStringList()
                                     << QStringList() << QStringList();
    QTest::newRow("markdown syntax only") << QStringLiteral("---\n\n```\n```\n#\n") << markdown << 0 << 0 << true
                                          << QStringList() << QStringList() << QStringList();
}

void TestSourceIndex::chunker()
{
    QFETCH(QString, text);
    QFETCH(QString, mimeType);
    QFETCH(int, chunkCount);
    QFETCH(int, forcedCount);
    QFETCH(bool, wordsKept);
    QFETCH(QStringList, endings);
    QFETCH(QStringList, together);
    QFETCH(QStringList, absent);

    const Chunker chunker;
    const ChunkerConfig &config = chunker.config();
    const QList<Chunk> chunks = chunker.split(text, mimeType);
    if (chunkCount >= 0)
        QCOMPARE(int(chunks.size()), chunkCount);
    int forced = 0;
    QString joined;
    for (qsizetype i = 0; i < chunks.size(); ++i) {
        const Chunk &chunk = chunks.at(i);
        QCOMPARE(chunk.ordinal, int(i));
        QVERIFY(!chunk.text.isEmpty());
        QVERIFY2(chunk.text.size() <= config.maxChars, qPrintable(QString::number(chunk.text.size())));
        QCOMPARE(chunk.text, chunk.text.trimmed());
        QVERIFY2(chunk.text.isValidUtf16(), "a surrogate pair was cut");
        QCOMPARE(chunk.tokenCount, int(words(chunk.text).size()));
        if (chunk.forcedSplit) {
            ++forced;
            QCOMPARE(int(chunk.text.size()), config.maxChars);
        }
        if (!endings.isEmpty()) {
            const bool endsWell = std::any_of(endings.cbegin(), endings.cend(),
                                              [&](const QString &e) { return chunk.text.endsWith(e); });
            QVERIFY2(endsWell, qPrintable(QStringLiteral("chunk %1 ends with: %2").arg(i).arg(chunk.text.right(60))));
        }
        for (const QString &a : absent)
            QVERIFY2(!chunk.text.contains(a), qPrintable(QStringLiteral("chunk %1 contains %2").arg(i).arg(a)));
        joined += (chunk.forcedSplit || joined.isEmpty() ? QString() : QStringLiteral(" ")) + chunk.text;
    }
    QCOMPARE(forced, forcedCount);
    for (const QString &t : together) {
        const bool found
            = std::any_of(chunks.cbegin(), chunks.cend(), [&](const Chunk &c) { return c.text.contains(t); });
        QVERIFY2(found, qPrintable(QStringLiteral("no chunk contains: ") + t));
    }
    const QString normalised = Chunker::normalise(text, mimeType == QLatin1String("text/markdown"));
    if (wordsKept)
        QCOMPARE(words(joined), words(normalised));
    if (forcedCount > 0 && !normalised.contains(u' ')) {
        // Forced pieces join back without a gap: nothing was lost at a forced cut.
        QString glued;
        for (const Chunk &chunk : chunks)
            glued += chunk.text;
        QCOMPARE(glued, normalised);
    }
}

void TestSourceIndex::chunkerIsDeterministicAndConfigurable()
{
    QStringList paragraphs;
    for (int i = 0; i < 20; ++i)
        paragraphs << paragraph(QStringLiteral("audit"), i, 3 + i % 5);
    const QString text = paragraphs.join(QStringLiteral("\n\n"));
    const QList<Chunk> first = Chunker().split(text, QStringLiteral("text/plain"));
    const QList<Chunk> second = Chunker().split(text, QStringLiteral("text/plain"));
    QCOMPARE(first.size(), second.size());
    for (qsizetype i = 0; i < first.size(); ++i)
        QCOMPARE(first.at(i).text, second.at(i).text);
    int total = 0;
    for (const Chunk &chunk : first) {
        total += int(chunk.text.size());
        QVERIFY2(chunk.text.size() >= 200, "a chunk far below the target");
    }
    QVERIFY(first.size() >= total / 1500);

    const QList<Chunk> small = Chunker(ChunkerConfig{200, 400, 20}).split(text, QStringLiteral("text/plain"));
    QVERIFY(small.size() > first.size());
    for (const Chunk &chunk : small)
        QVERIFY(chunk.text.size() <= 400);
}

// ----- handler ----------------------------------------------------------------------------------------------

TestSourceIndex::Fixture TestSourceIndex::makeTwin(const QString &tenantName, const QString &twinName)
{
    auto tenant = TenantRepository(*m_db).create(tenantName);
    if (!tenant.ok()) {
        QTest::qFail(qPrintable(tenant.error().message), __FILE__, __LINE__);
        return {};
    }
    return {tenant->id, addTwin(tenant->id, twinName)};
}

QString TestSourceIndex::addTwin(const QString &tenantId, const QString &name)
{
    auto twin = TwinRepository(*m_db).create(tenantId, {name, {}, {}});
    if (!twin.ok()) {
        QTest::qFail(qPrintable(twin.error().message), __FILE__, __LINE__);
        return {};
    }
    return twin->id;
}

QString TestSourceIndex::addSource(const Fixture &f, const QString &filename, const QString &content)
{
    auto source = SourceRepository(*m_db).create(f.tenantId, f.twinId, {filename, content, {}, {}});
    if (!source.ok()) {
        QTest::qFail(qPrintable(source.error().message), __FILE__, __LINE__);
        return {};
    }
    return source->id;
}

Job TestSourceIndex::approve(const Fixture &f, const QString &sourceId)
{
    auto approval = SourceRepository(*m_db).approve(f.tenantId, sourceId);
    if (!approval.ok()) {
        QTest::qFail(qPrintable(approval.error().message), __FILE__, __LINE__);
        return {};
    }
    auto job = JobQueue(*m_db).get(f.tenantId, approval->job.id);
    if (!job.ok()) {
        QTest::qFail(qPrintable(job.error().message), __FILE__, __LINE__);
        return {};
    }
    return *job;
}

// As a worker runs a job: in a transaction that commits only when the handler succeeded.
Result<QJsonObject> TestSourceIndex::runJob(const Job &job, const ChunkerConfig &config)
{
    auto tx = Transaction::begin(*m_db);
    if (!tx.ok())
        return tx.error();
    JobContext ctx(*m_db, job);
    auto result = SourceIndexHandler(config).run(ctx);
    if (!result.ok())
        return result;
    if (ctx.lines().isEmpty())
        return Error::internal(QStringLiteral("the handler logged nothing"));
    if (auto committed = tx->commit(); !committed.ok())
        return committed.error();
    return result;
}

Source TestSourceIndex::source(const Fixture &f, const QString &id)
{
    auto s = SourceRepository(*m_db).get(f.tenantId, id);
    if (!s.ok()) {
        QTest::qFail(qPrintable(s.error().message), __FILE__, __LINE__);
        return {};
    }
    return *s;
}

QStringList TestSourceIndex::chunkTexts(const QString &sourceId)
{
    auto rows
        = m_db->query(QStringLiteral("SELECT content FROM chunks WHERE source_id = $1 ORDER BY ordinal"), {sourceId});
    QStringList texts;
    if (rows.ok()) {
        for (const Row row : *rows)
            texts << row.text(0);
    }
    return texts;
}

QSet<QString> TestSourceIndex::chunkIds(const QString &sourceId)
{
    auto rows = m_db->query(QStringLiteral("SELECT id FROM chunks WHERE source_id = $1"), {sourceId});
    QSet<QString> ids;
    if (rows.ok()) {
        for (const Row row : *rows)
            ids.insert(row.text(0));
    }
    return ids;
}

QJsonObject TestSourceIndex::checkNamed(const Source &s, const QString &name)
{
    for (const QJsonValue &value : s.healthChecks) {
        if (value.toObject().value(QStringLiteral("name")).toString() == name)
            return value.toObject();
    }
    return {};
}

void TestSourceIndex::indexesApprovedSource()
{
    REQUIRE_DB();
    const Fixture f = makeTwin(QStringLiteral("Harbour"));
    QStringList paragraphs{kLighthouse};
    for (int i = 0; i < 5; ++i)
        paragraphs << paragraph(QStringLiteral("maintenance"), i, 6);
    const QString content = paragraphs.join(QStringLiteral("\n\n"));
    const QString id = addSource(f, QStringLiteral("keeper.md"), content);
    const Job job = approve(f, id);
    QCOMPARE(job.type, jobtypes::sourceIndex);
    QCOMPARE(job.payload.value(QStringLiteral("source_id")).toString(), id);

    auto result = runJob(job);
    TWINOPS_VERIFY_OK(result);
    const QList<Chunk> expected = Chunker().split(content, QStringLiteral("text/markdown"));
    QVERIFY(expected.size() >= 3);
    QCOMPARE(result->value(QStringLiteral("chunks")).toInt(), int(expected.size()));
    QCOMPARE(result->value(QStringLiteral("health")).toString(), QStringLiteral("healthy"));

    auto rows
        = m_db->query(QStringLiteral("SELECT ordinal, content, token_count, twin_id, tenant_id, created_at FROM chunks "
                                     "WHERE tenant_id = $1 AND source_id = $2 ORDER BY ordinal"),
                      {f.tenantId, id});
    TWINOPS_VERIFY_OK(rows);
    QCOMPARE(rows->size(), int(expected.size()));
    for (int i = 0; i < rows->size(); ++i) {
        const Row row = rows->at(i);
        QCOMPARE(row.integer(0), qint64(i));
        QCOMPARE(row.text(1), expected.at(i).text);
        QCOMPARE(row.integer(2), qint64(expected.at(i).tokenCount));
        QCOMPARE(row.text(3), f.twinId);
        QCOMPARE(row.text(4), f.tenantId);
        QVERIFY(row.time(5).isValid());
    }

    const Source s = source(f, id);
    QCOMPARE(s.status, SourceStatus::Indexed);
    QCOMPARE(s.health, QStringLiteral("healthy"));
    QCOMPARE(s.chunkCount, int(expected.size()));
    QVERIFY(s.lastError.isEmpty());
    QVERIFY(s.indexedAt.isValid());
    QCOMPARE(s.healthChecks.size(), 3);
    for (const char *name : {"extraction", "duplicate_content", "chunk_anomalies"}) {
        const QJsonObject c = checkNamed(s, QLatin1String(name));
        QCOMPARE(c.value(QStringLiteral("status")).toString(), QStringLiteral("pass"));
        QVERIFY(!c.value(QStringLiteral("message")).toString().isEmpty());
    }
}

void TestSourceIndex::retrievalIsScopedToTenantAndTwin()
{
    REQUIRE_DB();
    const Fixture a = makeTwin(QStringLiteral("Harbour"));
    const Fixture b = makeTwin(QStringLiteral("Other harbour"));
    const QString otherTwin = addTwin(a.tenantId, QStringLiteral("Second twin"));
    const QString sourceA = addSource(a, QStringLiteral("keeper.txt"), kLighthouse);
    TWINOPS_VERIFY_OK(runJob(approve(a, sourceA)));
    const QString sourceB = addSource(b, QStringLiteral("keeper.txt"), kLighthouse);
    TWINOPS_VERIFY_OK(runJob(approve(b, sourceB)));

    Retriever retriever(*m_db);
    auto found = retriever.search(a.tenantId, a.twinId, QStringLiteral("How often is the Fresnel lens polished?"));
    TWINOPS_VERIFY_OK(found);
    QVERIFY(!found->isEmpty());
    QCOMPARE(found->first().sourceId, sourceA);
    QVERIFY(found->first().text.contains(QStringLiteral("Fresnel lens")));
    QCOMPARE(found->first().filename, QStringLiteral("keeper.txt"));
    for (const Passage &p : *found)
        QCOMPARE(p.sourceId, sourceA);

    // Stemming on both backends: "storms" in the text, "storm" in the question.
    auto stemmed = retriever.search(a.tenantId, a.twinId, QStringLiteral("what happens in a storm at the harbour"));
    TWINOPS_VERIFY_OK(stemmed);
    QVERIFY(!stemmed->isEmpty());
    QVERIFY(stemmed->first().text.contains(QStringLiteral("storms")));

    auto foreign = retriever.search(b.tenantId, a.twinId, QStringLiteral("Fresnel lens"));
    TWINOPS_VERIFY_OK(foreign);
    QVERIFY(foreign->isEmpty());
    auto wrongTwin = retriever.search(a.tenantId, otherTwin, QStringLiteral("Fresnel lens"));
    TWINOPS_VERIFY_OK(wrongTwin);
    QVERIFY(wrongTwin->isEmpty());
    auto own = retriever.search(b.tenantId, b.twinId, QStringLiteral("Fresnel lens"));
    TWINOPS_VERIFY_OK(own);
    QVERIFY(!own->isEmpty());
    QCOMPARE(own->first().sourceId, sourceB);
}

void TestSourceIndex::rerunReplacesChunks()
{
    REQUIRE_DB();
    const Fixture f = makeTwin(QStringLiteral("Harbour"));
    QStringList paragraphs;
    for (int i = 0; i < 8; ++i)
        paragraphs << paragraph(QStringLiteral("ferry"), i, 5);
    const QString id = addSource(f, QStringLiteral("ferry.txt"), paragraphs.join(QStringLiteral("\n\n")));
    const Job job = approve(f, id);
    TWINOPS_VERIFY_OK(runJob(job));
    const QStringList first = chunkTexts(id);
    const QSet<QString> firstIds = chunkIds(id);
    QVERIFY(first.size() >= 2);
    const QDateTime firstIndexed = source(f, id).indexedAt;

    auto again = runJob(job);
    TWINOPS_VERIFY_OK(again);
    QCOMPARE(again->value(QStringLiteral("chunks")).toInt(), int(first.size()));
    QCOMPARE(chunkTexts(id), first);
    const QSet<QString> secondIds = chunkIds(id);
    QCOMPARE(secondIds.size(), first.size());
    QVERIFY(!secondIds.intersects(firstIds)); // replaced, not added to
    auto total = m_db->query(QStringLiteral("SELECT COUNT(*) FROM chunks WHERE tenant_id = $1"), {f.tenantId});
    TWINOPS_VERIFY_OK(total);
    QCOMPARE(total->first().integer(0), qint64(first.size()));
    const Source s = source(f, id);
    QCOMPARE(s.status, SourceStatus::Indexed);
    QCOMPARE(s.chunkCount, int(first.size()));
    QVERIFY(s.indexedAt >= firstIndexed);

    // Each passage once, and only current chunks: the index holds no leftovers of the first run.
    auto found = Retriever(*m_db).search(f.tenantId, f.twinId, QStringLiteral("ferry schedule"), 50);
    TWINOPS_VERIFY_OK(found);
    QCOMPARE(found->size(), first.size());
    for (const Passage &p : *found)
        QVERIFY(secondIds.contains(p.chunkId));
}

void TestSourceIndex::reindexKeepsSearchInSync()
{
    REQUIRE_DB();
    const Fixture f = makeTwin(QStringLiteral("Harbour"));
    QStringList paragraphs{kLighthouse};
    for (int i = 0; i < 4; ++i)
        paragraphs << paragraph(QStringLiteral("beacon"), i, 6);
    const QString id = addSource(f, QStringLiteral("beacon.txt"), paragraphs.join(QStringLiteral("\n\n")));
    const Job job = approve(f, id);
    TWINOPS_VERIFY_OK(runJob(job));
    const int coarse = int(chunkTexts(id).size());
    // A re-index with finer chunks (as after a chunker change) must leave the index matching the new rows.
    auto fine = runJob(job, ChunkerConfig{200, 400, 20});
    TWINOPS_VERIFY_OK(fine);
    const QSet<QString> ids = chunkIds(id);
    QVERIFY(ids.size() > coarse);
    QCOMPARE(source(f, id).chunkCount, int(ids.size()));
    auto found = Retriever(*m_db).search(f.tenantId, f.twinId, QStringLiteral("beacon schedule"), 100);
    TWINOPS_VERIFY_OK(found);
    const QStringList texts = chunkTexts(id);
    const auto mentions = std::count_if(texts.cbegin(), texts.cend(), [](const QString &t) {
        return t.contains(QStringLiteral("beacon")) || t.contains(QStringLiteral("schedule"));
    });
    QVERIFY(mentions > coarse);
    QCOMPARE(found->size(), qsizetype(mentions));
    for (const Passage &p : *found)
        QVERIFY(ids.contains(p.chunkId));
    auto lens = Retriever(*m_db).search(f.tenantId, f.twinId, QStringLiteral("Fresnel"));
    TWINOPS_VERIFY_OK(lens);
    QCOMPARE(lens->size(), qsizetype(1));
    if (m_db->dialect() == Dialect::Sqlite) {
        // FTS5 reports an external-content index that disagrees with its table.
        TWINOPS_VERIFY_OK(
            m_db->query(QStringLiteral("INSERT INTO chunks_fts (chunks_fts) VALUES ('integrity-check')")));
    }
}

void TestSourceIndex::duplicateContentWithinTwinOnly()
{
    REQUIRE_DB();
    const Fixture f = makeTwin(QStringLiteral("Harbour"));
    const QString first = addSource(f, QStringLiteral("keeper.txt"), kLighthouse);
    const QString second = addSource(f, QStringLiteral("keeper copy.txt"), kLighthouse);
    const Fixture otherTwin{f.tenantId, addTwin(f.tenantId, QStringLiteral("Second twin"))};
    const QString elsewhere = addSource(otherTwin, QStringLiteral("keeper.txt"), kLighthouse);
    const Job firstJob = approve(f, first);
    TWINOPS_VERIFY_OK(runJob(approve(otherTwin, elsewhere)));
    QCOMPARE(source(f, elsewhere).health, QStringLiteral("healthy"));

    TWINOPS_VERIFY_OK(runJob(firstJob));
    // The copy is still pending, and will be indexed too: it counts as a duplicate already.
    Source s = source(f, first);
    QCOMPARE(s.health, QStringLiteral("needs_attention"));
    QCOMPARE(checkNamed(s, QStringLiteral("duplicate_content")).value(QStringLiteral("status")).toString(),
             QStringLiteral("warn"));

    auto result = runJob(approve(f, second));
    TWINOPS_VERIFY_OK(result);
    QCOMPARE(result->value(QStringLiteral("health")).toString(), QStringLiteral("needs_attention"));
    s = source(f, second);
    QCOMPARE(s.status, SourceStatus::Indexed); // a duplicate is still indexed; it only needs attention
    QCOMPARE(s.health, QStringLiteral("needs_attention"));
    const QJsonObject duplicate = checkNamed(s, QStringLiteral("duplicate_content"));
    QCOMPARE(duplicate.value(QStringLiteral("status")).toString(), QStringLiteral("warn"));
    const QString message = duplicate.value(QStringLiteral("message")).toString();
    QVERIFY2(message.contains(first) && message.contains(QStringLiteral("keeper.txt")), qPrintable(message));
    QVERIFY(!message.contains(elsewhere));
    QCOMPARE(checkNamed(s, QStringLiteral("extraction")).value(QStringLiteral("status")).toString(),
             QStringLiteral("pass"));

    // Once the copy is rejected the original is unique again.
    QVERIFY(SourceRepository(*m_db).reject(f.tenantId, second).ok());
    TWINOPS_VERIFY_OK(runJob(firstJob));
    QCOMPARE(source(f, first).health, QStringLiteral("healthy"));
}

void TestSourceIndex::anomaliesAndFailedExtraction()
{
    REQUIRE_DB();
    const Fixture f = makeTwin(QStringLiteral("Harbour"));
    const QString dump = addSource(f, QStringLiteral("dump.txt"), kLighthouse + QStringLiteral("\n\n") + blob(5000));
    TWINOPS_VERIFY_OK(runJob(approve(f, dump)));
    Source s = source(f, dump);
    QCOMPARE(s.status, SourceStatus::Indexed);
    QCOMPARE(s.health, QStringLiteral("needs_attention"));
    QJsonObject anomalies = checkNamed(s, QStringLiteral("chunk_anomalies"));
    QCOMPARE(anomalies.value(QStringLiteral("status")).toString(), QStringLiteral("warn"));
    QVERIFY2(anomalies.value(QStringLiteral("message")).toString().contains(QStringLiteral("no word boundary")),
             qPrintable(anomalies.value(QStringLiteral("message")).toString()));

    QString symbols;
    for (int i = 0; i < 40; ++i)
        symbols += QStringLiteral("§±© ®¶¤ ");
    const QString noisy = addSource(f, QStringLiteral("noisy.txt"), kLighthouse + QStringLiteral("\n\n") + symbols);
    TWINOPS_VERIFY_OK(runJob(approve(f, noisy)));
    anomalies = checkNamed(source(f, noisy), QStringLiteral("chunk_anomalies"));
    QCOMPARE(anomalies.value(QStringLiteral("status")).toString(), QStringLiteral("warn"));
    QVERIFY2(anomalies.value(QStringLiteral("message")).toString().contains(QStringLiteral("non-text")),
             qPrintable(anomalies.value(QStringLiteral("message")).toString()));

    const QString tiny = addSource(f, QStringLiteral("tiny.txt"), QStringLiteral("Open at nine."));
    TWINOPS_VERIFY_OK(runJob(approve(f, tiny)));
    s = source(f, tiny);
    QCOMPARE(s.health, QStringLiteral("needs_attention"));
    QVERIFY(checkNamed(s, QStringLiteral("chunk_anomalies"))
                .value(QStringLiteral("message"))
                .toString()
                .contains(QStringLiteral("shorter")));

    // Non-empty to the upload check, empty once the Markdown rules and invisible characters are gone.
    const QString empty = addSource(f, QStringLiteral("empty.md"), QStringLiteral("---\n\n```\n```\n\u200b\n"));
    auto result = runJob(approve(f, empty));
    TWINOPS_VERIFY_OK(result);
    QCOMPARE(result->value(QStringLiteral("chunks")).toInt(), 0);
    QCOMPARE(result->value(QStringLiteral("health")).toString(), QStringLiteral("failed"));
    s = source(f, empty);
    QCOMPARE(s.status, SourceStatus::Failed);
    QCOMPARE(s.health, QStringLiteral("failed"));
    QCOMPARE(s.chunkCount, 0);
    QVERIFY(!s.lastError.isEmpty());
    QVERIFY(!s.indexedAt.isValid());
    QCOMPARE(checkNamed(s, QStringLiteral("extraction")).value(QStringLiteral("status")).toString(),
             QStringLiteral("fail"));
    QVERIFY(chunkTexts(empty).isEmpty());
}

void TestSourceIndex::changedContentHashIsSkipped()
{
    REQUIRE_DB();
    const Fixture f = makeTwin(QStringLiteral("Harbour"));
    const QString id = addSource(f, QStringLiteral("keeper.txt"), kLighthouse);
    Job job = approve(f, id);
    const Source before = source(f, id);
    job.payload.insert(QStringLiteral("content_hash"), crypto::sha256Hex("older content"));
    auto result = runJob(job);
    TWINOPS_VERIFY_OK(result);
    QVERIFY(result->value(QStringLiteral("skipped")).toBool());
    QVERIFY(!result->value(QStringLiteral("reason")).toString().isEmpty());
    const Source after = source(f, id);
    QCOMPARE(after.status, SourceStatus::Approved);
    QCOMPARE(after.health, QStringLiteral("unknown"));
    QCOMPARE(after.updatedAt, before.updatedAt);
    QVERIFY(chunkTexts(id).isEmpty());

    // A pending source has not been approved: nothing to index yet.
    const QString pending = addSource(f, QStringLiteral("pending.txt"), kLighthouse);
    Job early = job;
    early.payload = QJsonObject{{QStringLiteral("source_id"), pending},
                                {QStringLiteral("content_hash"), source(f, pending).contentHash}};
    auto skipped = runJob(early);
    TWINOPS_VERIFY_OK(skipped);
    QVERIFY(skipped->value(QStringLiteral("skipped")).toBool());
    QCOMPARE(source(f, pending).status, SourceStatus::Pending);
}

void TestSourceIndex::missingSourceIsNotFound()
{
    REQUIRE_DB();
    const Fixture f = makeTwin(QStringLiteral("Harbour"));
    const Fixture other = makeTwin(QStringLiteral("Other"));
    const QString id = addSource(f, QStringLiteral("keeper.txt"), kLighthouse);
    const Job job = approve(f, id);

    Job missing = job;
    missing.payload.insert(QStringLiteral("source_id"), newId());
    auto result = runJob(missing);
    QVERIFY(!result.ok());
    QCOMPARE(result.error().code, ErrorCode::NotFound);
    QVERIFY(isPermanentFailure(result.error()));

    // The job's tenant scopes the lookup: another tenant's job never reaches this source.
    Job foreign = job;
    foreign.tenantId = other.tenantId;
    QCOMPARE(runJob(foreign).error().code, ErrorCode::NotFound);

    Job malformed = job;
    malformed.payload.insert(QStringLiteral("source_id"), QStringLiteral("not-a-uuid"));
    QCOMPARE(runJob(malformed).error().code, ErrorCode::NotFound);
    malformed.payload = QJsonObject{};
    QVERIFY(isPermanentFailure(runJob(malformed).error()));

    QVERIFY(SourceRepository(*m_db).remove(f.tenantId, id).ok());
    QCOMPARE(runJob(job).error().code, ErrorCode::NotFound);
}

void TestSourceIndex::rejectedSourceLosesChunks()
{
    REQUIRE_DB();
    const Fixture f = makeTwin(QStringLiteral("Harbour"));
    const QString id = addSource(f, QStringLiteral("keeper.txt"), kLighthouse);
    const Job job = approve(f, id);
    TWINOPS_VERIFY_OK(runJob(job));
    Retriever retriever(*m_db);
    QVERIFY(!retriever.search(f.tenantId, f.twinId, QStringLiteral("Fresnel lens"))->isEmpty());

    auto rejected = SourceRepository(*m_db).reject(f.tenantId, id);
    TWINOPS_VERIFY_OK(rejected);
    QVERIFY(chunkTexts(id).isEmpty());
    auto found = retriever.search(f.tenantId, f.twinId, QStringLiteral("Fresnel lens"));
    TWINOPS_VERIFY_OK(found);
    QVERIFY(found->isEmpty());

    // A late or repeated run of the old job must not bring the rejected source back.
    auto late = runJob(job);
    TWINOPS_VERIFY_OK(late);
    QVERIFY(late->value(QStringLiteral("skipped")).toBool());
    QVERIFY(chunkTexts(id).isEmpty());
    QCOMPARE(source(f, id).status, SourceStatus::Rejected);
    QVERIFY(retriever.search(f.tenantId, f.twinId, QStringLiteral("Fresnel lens"))->isEmpty());
}

QTEST_GUILESS_MAIN(TestSourceIndex)
#include "tst_sourceindex.moc"
