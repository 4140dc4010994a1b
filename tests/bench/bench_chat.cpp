// Time to first token of the grounded chat on both backends: a twin with 10,000 indexed chunks of synthetic text
// (seeded, so every run searches the same corpus), then 500 chats through ChatService, each one storing its
// question, retrieving with the database's full-text ranking, streaming the answer and storing it with its graph
// job. Prints p50/p95/max of TTFT and of the whole turn. Target: p95 TTFT < 20 ms.
// A program, not a test: `ctest -L bench` (starts PostgreSQL), or directly with TWINOPS_TEST_PG_DSN set.
// BENCH_CHUNKS and BENCH_CHATS override the sizes.
#include "core/ids.h"
#include "knowledge/chatservice.h"
#include "knowledge/chatsettings.h"
#include "knowledge/retriever.h"
#include "metrics/metricsregistry.h"
#include "storage/database.h"
#include "tenancy/tenantrepository.h"
#include "tenancy/twinrepository.h"
#include "testdatabase.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QRandomGenerator>
#include <QSet>
#include <QTextStream>

#include <algorithm>
#include <cmath>
#include <cstdio>

using namespace twinops;

namespace {

constexpr int kChunksPerSource = 500;

[[noreturn]] void fail(const QString &what, const Error &error)
{
    std::fprintf(stderr, "bench_chat: %s: %s\n", qPrintable(what), qPrintable(error.message));
    std::exit(1);
}

// Made-up content words with Zipf frequencies, as what is left of English once the retriever has dropped its
// stop words: p(rank r) ~ 1 / (r + kZipfOffset), so the most common word is about 0.3 % of the text and most
// words are rare. (A head much heavier than that would make every question match nearly every chunk.)
class TextGenerator
{
public:
    static constexpr int kVocabulary = 20'000;
    static constexpr double kZipfOffset = 50;

    explicit TextGenerator(quint32 seed)
        : m_random(seed)
    {
        static const char *const syllables[] = {"ka",  "lo",  "mi",  "ren", "ta",  "vo", "sul", "dri", "ne",  "pa",
                                                "zor", "qui", "bel", "fa",  "gon", "hu", "ix",  "jor", "wen", "yat"};
        QSet<QString> seen;
        while (m_words.size() < kVocabulary) {
            QString word;
            const int length = 2 + int(m_random.bounded(3));
            for (int s = 0; s < length; ++s)
                word += QLatin1String(syllables[m_random.bounded(20)]);
            if (!seen.contains(word)) {
                seen.insert(word);
                m_words.append(word);
            }
        }
    }

    QString word()
    {
        // The inverse of the (continuous) Zipf CDF ln((r + q) / q) / ln((V + q) / q).
        const double q = kZipfOffset;
        const double rank = q * std::pow((kVocabulary + q) / q, m_random.generateDouble()) - q;
        return m_words.at(std::clamp<qsizetype>(qsizetype(rank), 0, m_words.size() - 1));
    }
    QString sentence(int minWords, int maxWords)
    {
        const int count = minWords + int(m_random.bounded(maxWords - minWords + 1));
        QStringList words;
        for (int i = 0; i < count; ++i)
            words << word();
        words.first()[0] = words.first().at(0).toUpper();
        return words.join(u' ') + u'.';
    }
    QString chunk()
    {
        QStringList sentences;
        const int count = 3 + int(m_random.bounded(4));
        for (int i = 0; i < count; ++i)
            sentences << sentence(8, 15);
        return sentences.join(u' ');
    }
    QString question()
    {
        // One in ten asks about something the corpus never mentions.
        if (m_random.bounded(10) == 0)
            return QStringLiteral("What about unheardof%1 and neverseen%1?").arg(m_random.bounded(1000));
        QStringList words;
        const int count = 2 + int(m_random.bounded(4));
        for (int i = 0; i < count; ++i)
            words << word();
        return QStringLiteral("What do you know about %1?").arg(words.join(u' '));
    }
    quint32 bounded(quint32 limit) { return m_random.bounded(limit); }

private:
    QRandomGenerator m_random;
    QStringList m_words;
};

struct Stats
{
    double p50 = 0, p95 = 0, max = 0;
};

Stats stats(QList<double> values)
{
    std::sort(values.begin(), values.end());
    auto at = [&](double q) {
        return values.at(std::min<qsizetype>(qsizetype(std::ceil(q * double(values.size()))) - 1, values.size() - 1));
    };
    return {at(0.50), at(0.95), values.last()};
}

// One transaction: the sources (indexed) and their chunks, as the source_index job would leave them.
void seed(Database &db, const QString &tenantId, const QString &twinId, int chunks, TextGenerator &text)
{
    auto transaction = Transaction::begin(db);
    if (!transaction.ok())
        fail(QStringLiteral("begin"), transaction.error());
    const QDateTime now = nowUtc();
    for (int made = 0, source = 0; made < chunks; ++source) {
        const QString sourceId = newId();
        const int count = std::min(kChunksPerSource, chunks - made);
        auto inserted = db.query(
            QStringLiteral("INSERT INTO sources (id, tenant_id, twin_id, filename, mime_type, content, "
                           "content_hash, size_bytes, status, health, chunk_count, indexed_at, created_at, "
                           "updated_at) VALUES ($1, $2, $3, $4, 'text/plain', '', $5, 0, 'indexed', 'healthy', "
                           "$6, $7, $7, $7)"),
            {sourceId, tenantId, twinId, QStringLiteral("corpus-%1.txt").arg(source), sourceId, count, now});
        if (!inserted.ok())
            fail(QStringLiteral("insert source"), inserted.error());
        for (int ordinal = 0; ordinal < count; ++ordinal, ++made) {
            const QString content = text.chunk();
            auto chunk
                = db.query(QStringLiteral("INSERT INTO chunks (id, tenant_id, twin_id, source_id, ordinal, content, "
                                          "token_count, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"),
                           {newId(), tenantId, twinId, sourceId, ordinal, content, int(content.count(u' ') + 1), now});
            if (!chunk.ok())
                fail(QStringLiteral("insert chunk"), chunk.error());
        }
    }
    if (auto committed = transaction->commit(); !committed.ok())
        fail(QStringLiteral("commit"), committed.error());
    (void)db.executeScript(QStringLiteral("ANALYZE"));
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    const int chunks
        = qEnvironmentVariableIntValue("BENCH_CHUNKS") > 0 ? qEnvironmentVariableIntValue("BENCH_CHUNKS") : 10'000;
    const int chats
        = qEnvironmentVariableIntValue("BENCH_CHATS") > 0 ? qEnvironmentVariableIntValue("BENCH_CHATS") : 500;
    QTextStream out(stdout);
    out << "bench_chat: " << chunks << " indexed chunks, " << chats << " chats, grounded provider\n";
    out << QStringLiteral("%1 %2 %3 %4 %5 %6 %7 %8 %9 %10 %11\n")
               .arg(QStringLiteral("backend"), -9)
               .arg(QStringLiteral("seed s"), 7)
               .arg(QStringLiteral("ttft p50"), 9)
               .arg(QStringLiteral("p95"), 7)
               .arg(QStringLiteral("max"), 7)
               .arg(QStringLiteral("turn p50"), 9)
               .arg(QStringLiteral("p95"), 7)
               .arg(QStringLiteral("max"), 7)
               .arg(QStringLiteral("search p50"), 9)
               .arg(QStringLiteral("p95"), 7)
               .arg(QStringLiteral("max ms"), 7);
    bool slow = false;
    for (Dialect dialect : {Dialect::Sqlite, Dialect::Postgres}) {
        auto testDb = test::TestDatabase::create(dialect);
        if (!testDb) {
            std::fprintf(stderr, "bench_chat: no database\n");
            return 1;
        }
        auto db = testDb->connectMigrated();
        if (!db)
            return 1;
        auto tenant = TenantRepository(*db).create(QStringLiteral("bench"));
        if (!tenant.ok())
            fail(QStringLiteral("tenant"), tenant.error());
        auto twin = TwinRepository(*db).create(tenant->id,
                                               {QStringLiteral("Bench"), QStringLiteral("A twin that read a lot"), {}});
        if (!twin.ok())
            fail(QStringLiteral("twin"), twin.error());

        TextGenerator text(20'260'101);
        QElapsedTimer seeding;
        seeding.start();
        seed(*db, tenant->id, twin->id, chunks, text);
        const double seedSeconds = double(seeding.elapsed()) / 1000.0;

        MetricsRegistry metrics;
        const ChatSettings settings;
        ChatService service(*db, settings, metrics);
        QList<double> ttft, turns;
        QStringList questions;
        QString conversation;
        int unanswered = 0;
        for (int i = 0; i < chats; ++i) {
            QElapsedTimer timer;
            timer.start();
            qint64 firstToken = -1;
            questions << text.question();
            auto turn = service.chat(tenant->id, twin->id, questions.last(), conversation,
                                     [&](const QByteArray &event, const QJsonObject &) {
                                         if (event == "token" && firstToken < 0)
                                             firstToken = timer.nsecsElapsed();
                                         return true;
                                     });
            if (!turn.ok())
                fail(QStringLiteral("chat %1").arg(i), turn.error());
            turns << double(timer.nsecsElapsed()) / 1e6;
            ttft << double(firstToken) / 1e6;
            unanswered += turn->assistantMessage.citations.isEmpty() ? 1 : 0;
            // Most chats start a conversation; some continue one, so history is read too.
            conversation = text.bounded(5) == 0 ? turn->conversation.id : QString();
        }
        // The retrieval alone, for the same questions again: most of the time to first token.
        QList<double> searches;
        Retriever retriever(*db);
        for (const QString &question : std::as_const(questions)) {
            QElapsedTimer timer;
            timer.start();
            auto found = retriever.search(tenant->id, twin->id, question, settings.passageLimit);
            if (!found.ok())
                fail(QStringLiteral("search"), found.error());
            searches << double(timer.nsecsElapsed()) / 1e6;
        }
        const Stats t = stats(ttft), d = stats(turns), r = stats(searches);
        out << QStringLiteral("%1 %2 %3 %4 %5 %6 %7 %8 %9 %10 %11   (%12 answers without a citation)\n")
                   .arg(dialect == Dialect::Sqlite ? QStringLiteral("sqlite") : QStringLiteral("postgres"), -9)
                   .arg(seedSeconds, 7, 'f', 1)
                   .arg(t.p50, 9, 'f', 2)
                   .arg(t.p95, 7, 'f', 2)
                   .arg(t.max, 7, 'f', 2)
                   .arg(d.p50, 9, 'f', 2)
                   .arg(d.p95, 7, 'f', 2)
                   .arg(d.max, 7, 'f', 2)
                   .arg(r.p50, 9, 'f', 2)
                   .arg(r.p95, 7, 'f', 2)
                   .arg(r.max, 7, 'f', 2)
                   .arg(unanswered);
        out.flush();
        slow = slow || t.p95 >= 20.0;
    }
    if (slow)
        out << "bench_chat: p95 time to first token is over the 20 ms target\n";
    return 0;
}
