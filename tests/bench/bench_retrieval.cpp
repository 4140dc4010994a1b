// Retrieval latency and indexing throughput on both backends: one twin with about 10,000 chunks (200 sources of
// synthetic prose, indexed through SourceIndexHandler as a worker would), then 1,000 Retriever::search calls
// with 3-6 word questions ("natural" ones drawn like the text, and as many with rare words). A program, not a test: run
// with `ctest -L bench` (which starts PostgreSQL; TWINOPS_TEST_PG_DURABLE=1 keeps fsync and synchronous_commit on) or
// directly with TWINOPS_TEST_PG_DSN set. BENCH_SOURCES and BENCH_QUERIES change the sizes. Text and questions come from
// a seeded generator, so every run searches the same corpus.
#include "core/ids.h"
#include "jobs/jobqueue.h"
#include "knowledge/retriever.h"
#include "knowledge/sourceindexhandler.h"
#include "knowledge/sourcerepository.h"
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
#include <vector>

using namespace twinops;

namespace {

[[noreturn]] void fail(const QString &what, const Error &error)
{
    std::fprintf(stderr, "bench_retrieval: %s: %s\n", qPrintable(what), qPrintable(error.message));
    std::exit(1);
}

template<typename T> T check(Result<T> result, const QString &what)
{
    if (!result.ok())
        fail(what, result.error());
    return std::move(result).value();
}

// Words drawn with a Zipf distribution (s = 1) over a fixed vocabulary, as in natural text: a few words are in
// almost every chunk, most are in few. Function words are mixed in as text has them; questions drop them.
class Corpus
{
public:
    explicit Corpus(quint32 seed)
        : m_random(seed)
    {
        const char *domain[] = {
            "harbour",    "lantern",    "keeper",     "ferry",    "schedule", "engine",    "copper",     "signal",
            "weather",    "storm",      "cargo",      "pilot",    "anchor",   "beacon",    "tide",       "channel",
            "customs",    "ledger",     "invoice",    "contract", "warranty", "supplier",  "inspection", "maintenance",
            "generator",  "battery",    "sensor",     "pressure", "valve",    "pump",      "turbine",    "voltage",
            "circuit",    "antenna",    "radar",      "compass",  "rudder",   "hull",      "deck",       "crane",
            "container",  "warehouse",  "forklift",   "pallet",   "shipment", "delivery",  "route",      "timetable",
            "passenger",  "ticket",     "refund",     "booking",  "captain",  "crew",      "training",   "safety",
            "drill",      "evacuation", "lifeboat",   "flare",    "permit",   "license",   "audit",      "budget",
            "forecast",   "revenue",    "expense",    "payroll",  "holiday",  "overtime",  "roster",     "shift",
            "incident",   "report",     "repair",     "spare",    "vendor",   "quote",     "order",      "stock",
            "inventory",  "fuel",       "diesel",     "emission", "filter",   "lubricant", "corrosion",  "paint",
            "welding",    "rope",       "winch",      "mooring",  "berth",    "quay",      "dredging",   "buoy",
            "lighthouse", "fog",        "visibility", "horizon"};
        QSet<QString> seen;
        for (const char *word : domain) {
            m_vocabulary << QLatin1String(word);
            seen.insert(QLatin1String(word));
        }
        // Pseudo-words fill the long tail; the Porter stemmer treats them like any other word.
        static const char *const consonants[] = {"b", "c", "d", "f", "g", "h", "k",  "l",  "m",  "n",  "p",
                                                 "r", "s", "t", "v", "w", "z", "br", "st", "tr", "pl", "gr"};
        static const char *const vowels[] = {"a", "e", "i", "o", "u", "ai", "ou", "ea"};
        while (m_vocabulary.size() < 2000) {
            QString word;
            const int syllables = 2 + int(m_random.bounded(2));
            for (int i = 0; i < syllables; ++i)
                word += QLatin1String(consonants[m_random.bounded(int(std::size(consonants)))])
                    + QLatin1String(vowels[m_random.bounded(int(std::size(vowels)))]);
            if (m_random.bounded(3) == 0)
                word += QLatin1String(consonants[m_random.bounded(int(std::size(consonants)))]);
            if (!seen.contains(word)) {
                seen.insert(word);
                m_vocabulary << word;
            }
        }
        double total = 0;
        for (qsizetype rank = 1; rank <= m_vocabulary.size(); ++rank)
            m_cumulative.push_back(total += 1.0 / double(rank));
    }

    QString word()
    {
        const double x = m_random.generateDouble() * m_cumulative.back();
        const auto it = std::lower_bound(m_cumulative.cbegin(), m_cumulative.cend(), x);
        return m_vocabulary.at(qsizetype(it - m_cumulative.cbegin()));
    }

    QString sentence()
    {
        static const char *const function[] = {"the", "of", "and", "to", "in", "is", "for", "with", "on", "after"};
        QStringList words;
        const int length = 8 + int(m_random.bounded(11));
        for (int i = 0; i < length; ++i)
            words << (m_random.bounded(10) < 3 ? QLatin1String(function[m_random.bounded(int(std::size(function)))])
                                               : word());
        words.first()[0] = words.first().at(0).toUpper();
        return words.join(u' ') + u'.';
    }

    // About `chars` characters of paragraphs of 3-8 sentences.
    QString document(int chars)
    {
        QStringList paragraphs;
        int size = 0;
        while (size < chars) {
            QStringList sentences;
            const int count = 3 + int(m_random.bounded(6));
            for (int i = 0; i < count; ++i)
                sentences << sentence();
            paragraphs << sentences.join(u' ');
            size += int(paragraphs.last().size()) + 2;
        }
        return paragraphs.join(QStringLiteral("\n\n"));
    }

    // 3-6 significant words after an opener the retriever drops as stop words. Natural questions draw words as
    // the text does, so most contain a word found in nearly every chunk; rare ones draw from the whole vocabulary.
    QString question(bool natural)
    {
        static const char *const openers[]
            = {"what is", "how does", "when is the", "why did", "where is", "tell me about"};
        QStringList words{QLatin1String(openers[m_random.bounded(int(std::size(openers)))])};
        const int count = 3 + int(m_random.bounded(4));
        for (int i = 0; i < count; ++i)
            words << (natural ? word() : m_vocabulary.at(m_random.bounded(int(m_vocabulary.size()))));
        return words.join(u' ') + u'?';
    }

private:
    QRandomGenerator m_random;
    QStringList m_vocabulary;
    std::vector<double> m_cumulative;
};

double percentile(const std::vector<double> &sorted, double p)
{
    const size_t index = size_t(std::ceil(p * double(sorted.size()))) - 1;
    return sorted.at(std::min(index, sorted.size() - 1));
}

// How many chunks a question matches at all: the rows the database must rank before it can return the top 5.
qint64 matchingChunks(Database &db, const QString &twinId, const QString &question)
{
    const QStringList terms = Retriever::terms(question);
    Result<Rows> rows = Rows();
    if (db.dialect() == Dialect::Sqlite) {
        QStringList quoted;
        for (const QString &t : terms)
            quoted << u'"' + t + u'"';
        rows = db.query(QStringLiteral("SELECT COUNT(*) FROM chunks_fts JOIN chunks c ON c.rowid = chunks_fts.rowid "
                                       "WHERE chunks_fts MATCH $1 AND c.twin_id = $2"),
                        {quoted.join(QStringLiteral(" OR ")), twinId});
    } else {
        rows = db.query(QStringLiteral("SELECT COUNT(*) FROM chunks WHERE search_vector @@ to_tsquery('english', $1) "
                                       "AND twin_id = $2"),
                        {terms.join(QStringLiteral(" | ")), twinId});
    }
    return check(std::move(rows), QStringLiteral("count matches")).first().integer(0);
}

struct Timing
{
    std::vector<double> latencies; // ms, sorted
    double answered = 0; // share of questions with at least one passage
    std::vector<double> matches; // matching chunks of a sample of the questions, sorted
};

Timing timeSearches(Database &db, const QString &tenantId, const QString &twinId, const QStringList &questions)
{
    Retriever retriever(db);
    Timing timing;
    int answered = 0;
    for (const QString &question : questions) {
        QElapsedTimer timer;
        timer.start();
        const auto found = check(retriever.search(tenantId, twinId, question), QStringLiteral("search"));
        timing.latencies.push_back(double(timer.nsecsElapsed()) / 1e6);
        answered += found.isEmpty() ? 0 : 1;
    }
    timing.answered = double(answered) / double(questions.size());
    for (qsizetype i = 0; i < questions.size() && i < 100; ++i)
        timing.matches.push_back(double(matchingChunks(db, twinId, questions.at(i))));
    std::sort(timing.latencies.begin(), timing.latencies.end());
    std::sort(timing.matches.begin(), timing.matches.end());
    return timing;
}

void run(Database &db, const QString &backend, int sourceCount, int queryCount, QTextStream &out)
{
    const auto tenant
        = check(TenantRepository(db).create(QStringLiteral("bench-") + newId()), QStringLiteral("tenant"));
    const auto twin
        = check(TwinRepository(db).create(tenant.id, {QStringLiteral("bench"), {}, {}}), QStringLiteral("twin"));
    SourceRepository sources(db);
    JobQueue queue(db);
    SourceIndexHandler handler;
    Corpus corpus(20240601);

    qint64 indexNanos = 0;
    int chunks = 0;
    QElapsedTimer wall;
    wall.start();
    for (int i = 0; i < sourceCount; ++i) {
        // About 50 chunks per source at the chunker's 800-character target.
        const QString text = corpus.document(39'600);
        const auto source
            = check(sources.create(tenant.id, twin.id, {QStringLiteral("doc-%1.txt").arg(i), text, {}, {}}),
                    QStringLiteral("create source"));
        const auto approval = check(sources.approve(tenant.id, source.id), QStringLiteral("approve"));
        const Job job = check(queue.get(tenant.id, approval.job.id), QStringLiteral("job"));
        QElapsedTimer timer;
        timer.start();
        auto tx = check(Transaction::begin(db), QStringLiteral("begin"));
        JobContext context(db, job);
        const QJsonObject result = check(handler.run(context), QStringLiteral("index"));
        if (auto committed = tx.commit(); !committed.ok())
            fail(QStringLiteral("commit"), committed.error());
        indexNanos += timer.nsecsElapsed();
        chunks += result.value(QStringLiteral("chunks")).toInt();
    }
    const double wallSeconds = double(wall.nsecsElapsed()) / 1e9;
    // Statistics as autovacuum / PRAGMA optimize would have them on a live database.
    if (auto analyzed = db.executeScript(QStringLiteral("ANALYZE")); !analyzed.ok())
        fail(QStringLiteral("analyze"), analyzed.error());

    QStringList natural;
    QStringList rare;
    for (int i = 0; i < queryCount; ++i)
        natural << corpus.question(true);
    for (int i = 0; i < queryCount; ++i)
        rare << corpus.question(false);

    out << QStringLiteral("%1 indexed %2 chunks from %3 sources: %4 chunks/s in the handler (incl. commit), "
                          "%5 chunks/s with upload and approval\n")
               .arg(backend, -9)
               .arg(chunks)
               .arg(sourceCount)
               .arg(double(chunks) / (double(indexNanos) / 1e9), 0, 'f', 0)
               .arg(double(chunks) / wallSeconds, 0, 'f', 0);
    out.flush();
    for (const auto &[name, questions] :
         {std::pair{QStringLiteral("natural"), natural}, std::pair{QStringLiteral("rare-word"), rare}}) {
        const Timing t = timeSearches(db, tenant.id, twin.id, questions);
        out << QStringLiteral("%1 %2 %3 searches: p50 %4 ms  p95 %5 ms  max %6 ms  (%7 % answered; "
                              "chunks matched per question: median %8, p95 %9)\n")
                   .arg(backend, -9)
                   .arg(questions.size())
                   .arg(name, -9)
                   .arg(percentile(t.latencies, 0.50), 0, 'f', 2)
                   .arg(percentile(t.latencies, 0.95), 0, 'f', 2)
                   .arg(t.latencies.back(), 0, 'f', 2)
                   .arg(100.0 * t.answered, 0, 'f', 1)
                   .arg(percentile(t.matches, 0.50), 0, 'f', 0)
                   .arg(percentile(t.matches, 0.95), 0, 'f', 0);
        out.flush();
    }
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    const int sourceCount
        = qEnvironmentVariableIntValue("BENCH_SOURCES") > 0 ? qEnvironmentVariableIntValue("BENCH_SOURCES") : 200;
    const int queryCount
        = qEnvironmentVariableIntValue("BENCH_QUERIES") > 0 ? qEnvironmentVariableIntValue("BENCH_QUERIES") : 1000;
    QTextStream out(stdout);
    out << "bench_retrieval: " << sourceCount << " sources, " << queryCount << " questions per backend\n";
    out.flush();
    for (Dialect dialect : {Dialect::Sqlite, Dialect::Postgres}) {
        auto testDb = test::TestDatabase::create(dialect);
        if (!testDb) {
            std::fprintf(stderr, "bench_retrieval: no database\n");
            return 1;
        }
        auto db = testDb->connectMigrated();
        if (!db)
            return 1;
        run(*db, dialect == Dialect::Sqlite ? QStringLiteral("sqlite") : QStringLiteral("postgres"), sourceCount,
            queryCount, out);
    }
    return 0;
}
