// Throughput of the built-in graph extractor (GraphExtractor::extract, no database): 2,000 chat exchanges of
// synthetic prose with names, organisations, places, products and the relation patterns the extractor knows,
// extracted five times; prints the best round (exchanges per second, microseconds per exchange, characters per second)
// and a checksum of every entity and relation found, so that a refactoring can show it extracts the same graph.
// A program, not a test: `ctest -L bench`, or run it directly. BENCH_EXCHANGES and BENCH_ROUNDS change the sizes.
// The text comes from a seeded generator, so every run extracts the same corpus.
#include "graph/extractor.h"

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QElapsedTimer>
#include <QRandomGenerator>

#include <algorithm>
#include <cstdio>
#include <limits>

using namespace twinops;

namespace {

int sizeFromEnvironment(const char *name, int fallback)
{
    bool ok = false;
    const int value = qEnvironmentVariableIntValue(name, &ok);
    return ok && value > 0 ? value : fallback;
}

class Corpus
{
public:
    explicit Corpus(quint32 seed)
        : m_random(seed)
    { }

    QString exchange()
    {
        QStringList sentences{question()};
        const int count = 4 + int(m_random.bounded(6));
        for (int i = 0; i < count; ++i)
            sentences << sentence();
        return sentences.join(u' ');
    }

private:
    QString pick(const QStringList &list) { return list.at(int(m_random.bounded(list.size()))); }

    QString person()
    {
        static const QStringList first{"Ada",    "Grace",     "Alan",   "Linus",  "Margaret", "Barbara",
                                       "Dennis", "Ken",       "Edsger", "Donald", "Frances",  "Tim",
                                       "Radia",  "Katherine", "John",   "Sophie"};
        static const QStringList last{"Lovelace", "Hopper",   "Turing",   "Torvalds",  "Hamilton", "Liskov",
                                      "Ritchie",  "Thompson", "Dijkstra", "Knuth",     "Allen",    "Berners-Lee",
                                      "Perlman",  "Johnson",  "McCarthy", "van Rossum"};
        if (m_random.bounded(5) == 0)
            return QStringLiteral("Dr. ") + pick(last);
        const QString given = pick(first);
        return given + u' ' + pick(last);
    }

    QString organisation()
    {
        static const QStringList known{"Google", "Microsoft", "IBM", "NASA", "CERN", "Mozilla", "OpenAI", "the BBC"};
        static const QStringList stems{"Acme",     "Initech", "Contoso",  "Globex",
                                       "Umbrella", "Hooli",   "Vandelay", "Wayne"};
        static const QStringList suffixes{"Corp", "Inc.", "Labs", "Ltd", "Group", "Foundation", "Systems", "Bank"};
        switch (m_random.bounded(3)) {
        case 0: return pick(known);
        case 1: return QStringLiteral("the University of ") + pick({"Cambridge", "Toronto", "Tokyo", "Oslo"});
        default: {
            const QString stem = pick(stems);
            return stem + u' ' + pick(suffixes);
        }
        }
    }

    QString place()
    {
        static const QStringList places{"London",  "Paris",  "Berlin", "Tokyo",  "San Francisco", "New York", "Zurich",
                                        "Toronto", "Sydney", "Lagos",  "Mumbai", "Lake Geneva",   "Kyoto",    "Oslo"};
        return pick(places);
    }

    QString product()
    {
        static const QStringList products{"Python 3.12", "Qt 6.4",     "the Falcon app", "PagerDuty", "iPhone",
                                          "Windows 11",  "PostgreSQL", "Node.js",        "macOS",     "Kubernetes"};
        return pick(products);
    }

    // Every slot is drawn before the template, in one order, so that the corpus does not depend on the order in
    // which a compiler evaluates arguments.
    QString question()
    {
        const QString who = person(), company = organisation(), thing = product();
        switch (m_random.bounded(5)) {
        case 0: return QStringLiteral("Who is %1?").arg(who);
        case 1: return QStringLiteral("Where is %1 based?").arg(company);
        case 2: return QStringLiteral("What did %1 create?").arg(who);
        case 3: return QStringLiteral("Can you tell me about %1?").arg(thing);
        default: return QStringLiteral("Does %1 still work at %2?").arg(who, company);
        }
    }

    QString sentence()
    {
        const QString who = person(), other = person(), company = organisation(), parent = organisation(),
                      where = place(), thing = product(), tool = product();
        switch (m_random.bounded(12)) {
        case 0: return QStringLiteral("%1 is a software engineer at %2.").arg(who, company);
        case 1: return QStringLiteral("%1 founded %2 in %3 with a small team.").arg(who, company, where);
        case 2: return QStringLiteral("%1 is based in %2, near the old harbour.").arg(company, where);
        case 3: return QStringLiteral("%1 was created by %2 and later maintained by %3.").arg(thing, who, company);
        case 4: return QStringLiteral("%1 is part of %2.").arg(company, parent);
        case 5: return QStringLiteral("Yesterday %1 and %2 met in %3 to discuss the roadmap.").arg(who, other, where);
        case 6: return QStringLiteral("Install %1 before you run the migration, then check the logs.").arg(thing);
        case 7:
            return QStringLiteral(
                "However, the team said the release was delayed until Monday because of a regression.");
        case 8: return QStringLiteral("%1 also works at %2 and lives in %3.").arg(who, company, where);
        case 9: return QStringLiteral("According to %1, %2 is written in %3.").arg(who, thing, tool);
        case 10:
            return QStringLiteral("- %1 wrote the first version of %2 (see e.g. the notes from %3).")
                .arg(who, thing, company);
        default:
            return QStringLiteral("It was a long meeting, and most of the questions were about pricing, support and "
                                  "the migration plan for next quarter.");
        }
    }

    QRandomGenerator m_random;
};

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const int exchanges = sizeFromEnvironment("BENCH_EXCHANGES", 2000);
    const int rounds = sizeFromEnvironment("BENCH_ROUNDS", 5);

    Corpus corpus(17);
    QStringList texts;
    qint64 characters = 0;
    for (int i = 0; i < exchanges; ++i) {
        texts << corpus.exchange();
        characters += texts.back().size();
    }

    const GraphExtractor extractor;
    qint64 bestNs = std::numeric_limits<qint64>::max();
    QByteArray checksum;
    qsizetype entities = 0;
    qsizetype relations = 0;
    for (int round = 0; round < rounds; ++round) {
        QCryptographicHash hash(QCryptographicHash::Sha256);
        entities = relations = 0;
        QElapsedTimer timer;
        timer.start();
        qint64 extractingNs = 0;
        for (const QString &text : std::as_const(texts)) {
            timer.restart();
            const Extraction extraction = extractor.extract(text);
            extractingNs += timer.nsecsElapsed();
            entities += extraction.entities.size();
            relations += extraction.relations.size();
            for (const Entity &entity : extraction.entities)
                hash.addData(QStringList{entity.name, entity.type, entity.description, {}}.join(u'\x1f').toUtf8());
            for (const Relation &relation : extraction.relations)
                hash.addData(QStringList{relation.from, relation.to, relation.type, relation.snippet, {}}
                                 .join(u'\x1f')
                                 .toUtf8());
        }
        bestNs = std::min(bestNs, extractingNs);
        checksum = hash.result().toHex().left(16);
    }

    const double seconds = double(bestNs) / 1e9;
    std::printf(
        "bench_graph: %d exchanges (%.0f k characters), best of %d rounds: %.3f s, %.0f exchanges/s, %.1f us/exchange, "
        "%.0f k characters/s\n",
        exchanges, double(characters) / 1000.0, rounds, seconds, exchanges / seconds, double(bestNs) / 1e3 / exchanges,
        double(characters) / 1000.0 / seconds);
    std::printf("bench_graph: %lld entities, %lld relations, checksum %s\n", static_cast<long long>(entities),
                static_cast<long long>(relations), checksum.constData());
    return 0;
}
