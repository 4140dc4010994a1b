// The knowledge graph: the extractor's entities, relations and normalisation (tables), and on both backends the
// graph_extraction handler with the store's idempotent upserts (re-running changes nothing, a repeated fact from a
// new message strengthens its edge, other twins and tenants are untouched), GraphStore's reads, and
// GET /api/v1/twins/{id}/graph.
#include "apiharness.h"
#include "core/ids.h"
#include "graph/extractor.h"
#include "graph/graphextractionhandler.h"
#include "graph/graphstore.h"
#include "jobs/jobhandler.h"
#include "testdatabase.h"

#include <QJsonArray>
#include <QSet>
#include <QTest>

using namespace twinops;
using namespace twinops::test;

namespace {

QString entityKey(const Entity &entity)
{
    return entity.name + u'|' + entity.type;
}
QString relationKey(const Relation &relation)
{
    return relation.from + QStringLiteral(" -") + relation.type + QStringLiteral("-> ") + relation.to;
}

QStringList entityKeys(const Extraction &extraction)
{
    QStringList keys;
    for (const Entity &entity : extraction.entities)
        keys << entityKey(entity);
    return keys;
}

QStringList relationKeys(const Extraction &extraction)
{
    QStringList keys;
    for (const Relation &relation : extraction.relations)
        keys << relationKey(relation);
    return keys;
}

QString describe(const Extraction &extraction)
{
    return QStringLiteral("entities [%1]; relations [%2]")
        .arg(entityKeys(extraction).join(QStringLiteral(", ")), relationKeys(extraction).join(QStringLiteral(", ")));
}

struct Exchange
{
    QString conversationId;
    QString userMessageId;
    QString assistantMessageId;
};

QString insertTenant(Database &db, const QString &name)
{
    const QString id = newId();
    const QDateTime now = nowUtc();
    auto inserted = db.query(QStringLiteral("INSERT INTO tenants (id, name, status, created_at, updated_at) "
                                            "VALUES ($1, $2, 'active', $3, $3)"),
                             {id, name, now});
    if (!inserted.ok())
        QTest::qFail(qPrintable(inserted.error().message), __FILE__, __LINE__);
    return id;
}

QString insertTwin(Database &db, const QString &tenantId, const QString &name)
{
    const QString id = newId();
    const QDateTime now = nowUtc();
    auto inserted = db.query(QStringLiteral("INSERT INTO twins (id, tenant_id, name, description, settings, status, "
                                            "created_at, updated_at) VALUES ($1, $2, $3, '', '{}', 'active', $4, $4)"),
                             {id, tenantId, name, now});
    if (!inserted.ok())
        QTest::qFail(qPrintable(inserted.error().message), __FILE__, __LINE__);
    return id;
}

// A conversation with one user message and the assistant's answer, written as the chat service would.
Exchange insertExchange(Database &db, const QString &tenantId, const QString &twinId, const QString &question,
                        const QString &answer)
{
    Exchange exchange{newId(), newId(), newId()};
    const QDateTime now = nowUtc();
    auto conversation = db.query(QStringLiteral("INSERT INTO conversations (id, tenant_id, twin_id, title, last_seq, "
                                                "created_at, updated_at) VALUES ($1, $2, $3, 'test', 2, $4, $4)"),
                                 {exchange.conversationId, tenantId, twinId, now});
    if (!conversation.ok())
        QTest::qFail(qPrintable(conversation.error().message), __FILE__, __LINE__);
    const QString message
        = QStringLiteral("INSERT INTO messages (id, tenant_id, conversation_id, twin_id, seq, role, "
                         "content, citations, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, '[]', $8)");
    for (const auto &[id, seq, role, content] :
         {std::tuple{exchange.userMessageId, 1, QStringLiteral("user"), question},
          std::tuple{exchange.assistantMessageId, 2, QStringLiteral("assistant"), answer}}) {
        auto inserted = db.query(message, {id, tenantId, exchange.conversationId, twinId, seq, role, content, now});
        if (!inserted.ok())
            QTest::qFail(qPrintable(inserted.error().message), __FILE__, __LINE__);
    }
    return exchange;
}

Job graphJob(const QString &tenantId, const Exchange &exchange)
{
    Job job;
    job.id = newId();
    job.type = jobtypes::graphExtraction;
    job.tenantId = tenantId;
    job.payload = QJsonObject{{QStringLiteral("conversation_id"), exchange.conversationId},
                              {QStringLiteral("message_id"), exchange.assistantMessageId},
                              {QStringLiteral("user_message_id"), exchange.userMessageId}};
    return job;
}

// Runs the handler the way a worker does: inside a transaction that commits only on success.
Result<QJsonObject> runJob(Database &db, const Job &job)
{
    auto tx = Transaction::begin(db);
    if (!tx.ok())
        return tx.error();
    GraphExtractionHandler handler;
    JobContext context(db, job);
    auto result = handler.run(context);
    if (!result.ok())
        return result;
    TWINOPS_TRY(tx->commit());
    return result;
}

// Every row and column of the graph tables, in a stable order.
QString graphTables(Database &db)
{
    QStringList lines;
    for (const char *sql :
         {"SELECT id, tenant_id, twin_id, name, normalized_name, type, description, mention_count, created_at, "
          "updated_at FROM graph_nodes ORDER BY id",
          "SELECT id, tenant_id, twin_id, from_node_id, to_node_id, type, weight, created_at, updated_at "
          "FROM graph_edges ORDER BY id",
          "SELECT id, tenant_id, edge_id, message_id, conversation_id, snippet, created_at FROM graph_edge_evidence "
          "ORDER BY id"}) {
        auto rows = db.query(QString::fromUtf8(sql));
        if (!rows.ok())
            return rows.error().message;
        for (const Row row : *rows) {
            QStringList values;
            for (int column = 0; column < row.size(); ++column)
                values << row.value(column).toString();
            lines << values.join(u'|');
        }
        lines << QStringLiteral("--");
    }
    return lines.join(u'\n');
}

qint64 count(Database &db, const QString &sql, const QVariantList &params = {})
{
    auto rows = db.query(sql, params);
    return rows.ok() && !rows->isEmpty() ? rows->first().integer(0) : -1;
}

const GraphNode *findNode(const Graph &graph, const QString &name)
{
    for (const GraphNode &node : graph.nodes) {
        if (node.name == name)
            return &node;
    }
    return nullptr;
}

const GraphEdge *findEdge(const Graph &graph, const QString &from, const QString &type, const QString &to)
{
    const GraphNode *a = findNode(graph, from);
    const GraphNode *b = findNode(graph, to);
    if (!a || !b)
        return nullptr;
    for (const GraphEdge &edge : graph.edges) {
        if (edge.fromNodeId == a->id && edge.toNodeId == b->id && edge.type == type)
            return &edge;
    }
    return nullptr;
}

const QString kQuestion = QStringLiteral("Who is Ada Lovelace?");
const QString kAnswer
    = QStringLiteral("Ada Lovelace was an English mathematician [1]. She worked with Charles Babbage in London. "
                     "Grace Hopper works at Acme Corp. Acme Corp is based in Berlin.");

} // namespace

class TestGraph final : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase_data() { addBackendRows(); }
    void init();
    void cleanup();

    // The extractor (pure; the backend rows only repeat it).
    void normalise_data();
    void normalise();
    void entities_data();
    void entities();
    void relations_data();
    void relations();
    void cooccurrenceIsBoundedAndSymmetric();
    void extractionIsDeterministic();
    void citationsAreStripped();

    // The store through the handler.
    void handlerRecordsExchange();
    void rerunningChangesNothing();
    void repeatedFactStrengthensEdge();
    void otherTwinsAndTenantsAreUnaffected();
    void missingMessagesArePermanentFailures();
    void malformedPayloadIsRejected();
    void graphOrdersAndLimits();
    void summaryCountsAndTopNodes();

    // The route.
    void graphRoute();

private:
    std::unique_ptr<TestDatabase> m_testDb;
    std::unique_ptr<Database> m_db;
};

void TestGraph::init()
{
    m_testDb.reset();
    m_db.reset();
}

void TestGraph::cleanup()
{
    m_db.reset();
    m_testDb.reset();
}

// Opens a fresh migrated database of the current backend, or returns from the test function.
#define REQUIRE_DB()                                                                                                   \
    m_testDb = TestDatabase::create(currentDialect());                                                                 \
    if (!m_testDb)                                                                                                     \
        return;                                                                                                        \
    m_db = m_testDb->connectMigrated();                                                                                \
    QVERIFY(m_db);

void TestGraph::normalise_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("expected");
    QTest::newRow("case") << QStringLiteral("Ada LOVELACE") << QStringLiteral("ada lovelace");
    QTest::newRow("spaces") << QStringLiteral("  Ada \t\n Lovelace ") << QStringLiteral("ada lovelace");
    QTest::newRow("leading the") << QStringLiteral("The Beatles") << QStringLiteral("beatles");
    QTest::newRow("only the") << QStringLiteral("The") << QStringLiteral("the");
    QTest::newRow("inner the kept") << QStringLiteral("Bank of the West") << QStringLiteral("bank of the west");
    QTest::newRow("apostrophe") << QStringLiteral("O'Brien") << QStringLiteral("obrien");
    QTest::newRow("curly apostrophe") << QStringLiteral("O\u2019Brien") << QStringLiteral("obrien");
    QTest::newRow("abbreviation dots") << QStringLiteral("U.S.") << QStringLiteral("us");
    QTest::newRow("version dot kept") << QStringLiteral("Python 3.12") << QStringLiteral("python 3.12");
    QTest::newRow("hyphen") << QStringLiteral("Jean-Luc Picard") << QStringLiteral("jean luc picard");
    QTest::newRow("ampersand") << QStringLiteral("Johnson & Johnson") << QStringLiteral("johnson johnson");
    QTest::newRow("punctuation") << QStringLiteral("\"Acme, Inc.\"") << QStringLiteral("acme inc");
    QTest::newRow("unicode case") << QStringLiteral("ZÜRICH") << QStringLiteral("zürich");
    QTest::newRow("compatibility form") << QStringLiteral("\uff21\uff44\uff41") << QStringLiteral("ada");
    QTest::newRow("empty") << QString() << QString();
    QTest::newRow("only punctuation") << QStringLiteral("?!") << QString();
}

void TestGraph::normalise()
{
    QFETCH(QString, name);
    QFETCH(QString, expected);
    QCOMPARE(GraphExtractor::normalise(name), expected);
}

void TestGraph::entities_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QStringList>("expected"); // "name|type", each must be present
    QTest::addColumn<QStringList>("absent"); // names that must not be entities

    QTest::newRow("person by shape") << QStringLiteral("I met Ada Lovelace yesterday.")
                                     << QStringList{QStringLiteral("Ada Lovelace|person")}
                                     << QStringList{QStringLiteral("I")};
    QTest::newRow("title") << QStringLiteral("We spoke to Dr. Grace Hopper and Ms. Smith.")
                           << QStringList{QStringLiteral("Grace Hopper|person"), QStringLiteral("Smith|person")}
                           << QStringList{QStringLiteral("Dr"), QStringLiteral("Dr. Grace Hopper")};
    QTest::newRow("organisation suffix") << QStringLiteral("The deal between Acme Corp and Initech Ltd. closed.")
                                         << QStringList{QStringLiteral("Acme Corp|organization"),
                                                        QStringLiteral("Initech Ltd|organization")}
                                         << QStringList{};
    QTest::newRow("university of") << QStringLiteral("She studied at the University of Cambridge.")
                                   << QStringList{QStringLiteral("University of Cambridge|organization")}
                                   << QStringList{QStringLiteral("Cambridge")};
    QTest::newRow("labs and institute") << QStringLiteral("Bell Labs and the Santa Fe Institute worked on it.")
                                        << QStringList{QStringLiteral("Bell Labs|organization"),
                                                       QStringLiteral("Santa Fe Institute|organization")}
                                        << QStringList{};
    QTest::newRow("known organisation") << QStringLiteral("We moved everything to Google last year.")
                                        << QStringList{QStringLiteral("Google|organization")} << QStringList{};
    QTest::newRow("known place") << QStringLiteral("The team meets in Paris and Tokyo.")
                                 << QStringList{QStringLiteral("Paris|place"), QStringLiteral("Tokyo|place")}
                                 << QStringList{};
    QTest::newRow("place cue") << QStringLiteral("They opened an office in Springfield.")
                               << QStringList{QStringLiteral("Springfield|place")} << QStringList{};
    QTest::newRow("sentence start is not a name")
        << QStringLiteral("Yesterday was long. Coffee helps. In Springfield it rained.")
        << QStringList{QStringLiteral("Springfield|place")}
        << QStringList{QStringLiteral("Yesterday"), QStringLiteral("Coffee"), QStringLiteral("In")};
    QTest::newRow("stopword before name")
        << QStringLiteral("The Eiffel Tower is tall.") << QStringList{QStringLiteral("Eiffel Tower|place")}
        << QStringList{QStringLiteral("The")};
    QTest::newRow("version number") << QStringLiteral("We upgraded to Python 3.12 and Windows 11. Acme 5 days ago.")
                                    << QStringList{QStringLiteral("Python 3.12|product"),
                                                   QStringLiteral("Windows 11|product")}
                                    << QStringList{QStringLiteral("Python"), QStringLiteral("Acme 5")};
    QTest::newRow("the X app") << QStringLiteral("Download the TwinOps app to start.")
                               << QStringList{QStringLiteral("TwinOps|product")} << QStringList{};
    QTest::newRow("camel case product") << QStringLiteral("She bought an iPhone for work.")
                                        << QStringList{QStringLiteral("iPhone|product")} << QStringList{};
    QTest::newRow("written in") << QStringLiteral("The service is written in Rust.")
                                << QStringList{QStringLiteral("Rust|product")} << QStringList{};
    QTest::newRow("possessive") << QStringLiteral("We read Ada Lovelace's notes.")
                                << QStringList{QStringLiteral("Ada Lovelace|person")}
                                << QStringList{QStringLiteral("Ada Lovelace's")};
    QTest::newRow("dates are not entities") << QStringLiteral("We met on Monday in March.") << QStringList{}
                                            << QStringList{QStringLiteral("Monday"), QStringLiteral("March")};
    QTest::newRow("abbreviation does not split")
        << QStringLiteral("Acme Inc. is growing. Mr. Smith agreed, e.g. Python helps.")
        << QStringList{QStringLiteral("Acme Inc|organization"), QStringLiteral("Smith|person")} << QStringList{};
    QTest::newRow("one type per name, strongest wins")
        << QStringLiteral("Acme is great. Ada works at Acme.")
        << QStringList{QStringLiteral("Acme|organization"), QStringLiteral("Ada|person")} << QStringList{};
    QTest::newRow("description from is a")
        << QStringLiteral("Ada Lovelace was an English mathematician.")
        << QStringList{QStringLiteral("Ada Lovelace|person"), QStringLiteral("English mathematician|concept")}
        << QStringList{QStringLiteral("English")};
    QTest::newRow("acronyms") << QStringLiteral("IBM and AT&T hired IT staff.")
                              << QStringList{QStringLiteral("IBM|organization"), QStringLiteral("AT&T|concept"),
                                             QStringLiteral("IT|concept")}
                              << QStringList{};
    QTest::newRow("shouting is not names")
        << QStringLiteral("READ THE DOCS BEFORE DEPLOYING TO PRODUCTION.") << QStringList{} << QStringList{};
    QTest::newRow("contractions") << QStringLiteral("I'm Sam and I\u2019ve met Priya Patel.")
                                  << QStringList{QStringLiteral("Sam|concept"), QStringLiteral("Priya Patel|person")}
                                  << QStringList{QStringLiteral("I'm Sam"), QStringLiteral("I\u2019ve")};
    QTest::newRow("imperatives opening list items")
        << QStringLiteral("1. Install Qt 6.4\n2. Ask Dr. Smith for the key.")
        << QStringList{QStringLiteral("Qt 6.4|product"), QStringLiteral("Smith|person")}
        << QStringList{QStringLiteral("Install Qt 6.4"), QStringLiteral("Ask Dr"), QStringLiteral("Ask")};
    QTest::newRow("things are not people")
        << QStringLiteral("She won the Nobel Prize, and Johnson & Johnson paid for PagerDuty.")
        << QStringList{QStringLiteral("Nobel Prize|concept"), QStringLiteral("Johnson & Johnson|concept"),
                       QStringLiteral("PagerDuty|product")}
        << QStringList{};
    QTest::newRow("hyphenated word is not a product")
        << QStringLiteral("She was a naturalised-French physicist.") << QStringList{}
        << QStringList{QStringLiteral("naturalised-French")};
    QTest::newRow("object typed without a subject")
        << QStringLiteral("I work at Contoso.") << QStringList{QStringLiteral("Contoso|organization")} << QStringList{};
    QTest::newRow("empty") << QString() << QStringList{} << QStringList{};
    QTest::newRow("lower case only") << QStringLiteral("nothing here is a name at all.") << QStringList{}
                                     << QStringList{};
}

void TestGraph::entities()
{
    QFETCH(QString, text);
    QFETCH(QStringList, expected);
    QFETCH(QStringList, absent);
    const Extraction extraction = GraphExtractor().extract(text);
    const QStringList keys = entityKeys(extraction);
    for (const QString &key : std::as_const(expected))
        QVERIFY2(keys.contains(key), qPrintable(QStringLiteral("missing %1 in %2").arg(key, describe(extraction))));
    for (const Entity &entity : extraction.entities)
        QVERIFY2(!absent.contains(entity.name),
                 qPrintable(QStringLiteral("unexpected %1 in %2").arg(entity.name, describe(extraction))));
    if (expected.isEmpty() && absent.isEmpty())
        QVERIFY2(extraction.isEmpty(), qPrintable(describe(extraction)));
    // One entity per normalised name.
    QSet<QString> names;
    for (const Entity &entity : extraction.entities) {
        const QString normalised = GraphExtractor::normalise(entity.name);
        QVERIFY(!normalised.isEmpty());
        QVERIFY2(!names.contains(normalised), qPrintable(entity.name));
        names.insert(normalised);
    }
}

void TestGraph::relations_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QStringList>("expected"); // "from -type-> to", each must be present
    QTest::addColumn<QStringList>("absent"); // relations that must not be present

    QTest::newRow("is a") << QStringLiteral("Ada Lovelace is a mathematician.")
                          << QStringList{QStringLiteral("Ada Lovelace -is_a-> mathematician")} << QStringList{};
    QTest::newRow("is an, phrase ends at who")
        << QStringLiteral("Grace Hopper was an American computer scientist who built compilers.")
        << QStringList{QStringLiteral("Grace Hopper -is_a-> American computer scientist")} << QStringList{};
    QTest::newRow("sentence-initial subject")
        << QStringLiteral("Python is a programming language.")
        << QStringList{QStringLiteral("Python -is_a-> programming language")} << QStringList{};
    QTest::newRow("works at") << QStringLiteral("Grace Hopper works at Acme Corp.")
                              << QStringList{QStringLiteral("Grace Hopper -works_at-> Acme Corp")}
                              << QStringList{QStringLiteral("Acme Corp -related_to-> Grace Hopper"),
                                             QStringLiteral("Grace Hopper -related_to-> Acme Corp")};
    QTest::newRow("works for, adverb") << QStringLiteral("Ada Lovelace also works for Initech.")
                                       << QStringList{QStringLiteral("Ada Lovelace -works_at-> Initech")}
                                       << QStringList{};
    QTest::newRow("is employed by") << QStringLiteral("Alan Turing was employed by the University of Manchester.")
                                    << QStringList{QStringLiteral("Alan Turing -works_at-> University of Manchester")}
                                    << QStringList{};
    QTest::newRow("role at") << QStringLiteral("Linus Torvalds is a software engineer at the Linux Foundation.")
                             << QStringList{QStringLiteral("Linus Torvalds -works_at-> Linux Foundation"),
                                            QStringLiteral("Linus Torvalds -is_a-> software engineer")}
                             << QStringList{};
    QTest::newRow("ceo of") << QStringLiteral("Ada Lovelace is the CEO of Acme Corp.")
                            << QStringList{QStringLiteral("Ada Lovelace -works_at-> Acme Corp")}
                            << QStringList{QStringLiteral("Ada Lovelace -related_to-> CEO")};
    QTest::newRow("founded") << QStringLiteral("Steve Wozniak co-founded Apple.")
                             << QStringList{QStringLiteral("Steve Wozniak -founded-> Apple")} << QStringList{};
    QTest::newRow("founded, two subjects")
        << QStringLiteral("Bill Hewlett and David Packard founded Hewlett Packard Company.")
        << QStringList{QStringLiteral("Bill Hewlett -founded-> Hewlett Packard Company"),
                       QStringLiteral("David Packard -founded-> Hewlett Packard Company")}
        << QStringList{};
    QTest::newRow("founded, passive") << QStringLiteral("Initech was founded by Bill Lumbergh in 1990.")
                                      << QStringList{QStringLiteral("Bill Lumbergh -founded-> Initech")}
                                      << QStringList{QStringLiteral("Initech -founded-> Bill Lumbergh")};
    QTest::newRow("founder of") << QStringLiteral("Ada Lovelace is the founder of Acme Labs.")
                                << QStringList{QStringLiteral("Ada Lovelace -founded-> Acme Labs")} << QStringList{};
    QTest::newRow("based in") << QStringLiteral("Acme Corp is based in Berlin.")
                              << QStringList{QStringLiteral("Acme Corp -located_in-> Berlin")} << QStringList{};
    QTest::newRow("located in, comma") << QStringLiteral("We visited Initech, located in Austin, last week.")
                                       << QStringList{QStringLiteral("Initech -located_in-> Austin")} << QStringList{};
    QTest::newRow("headquartered in") << QStringLiteral("Globex Corporation is headquartered in Springfield.")
                                      << QStringList{QStringLiteral("Globex Corporation -located_in-> Springfield")}
                                      << QStringList{};
    QTest::newRow("created entity") << QStringLiteral("Guido van Rossum created Python.")
                                    << QStringList{QStringLiteral("Guido van Rossum -created-> Python")}
                                    << QStringList{};
    QTest::newRow("wrote phrase") << QStringLiteral("Ada Lovelace wrote the first program.")
                                  << QStringList{QStringLiteral("Ada Lovelace -created-> first program")}
                                  << QStringList{};
    QTest::newRow("built, passive") << QStringLiteral("TwinOps was built by Grace Hopper.")
                                    << QStringList{QStringLiteral("Grace Hopper -created-> TwinOps")} << QStringList{};
    QTest::newRow("part of") << QStringLiteral("DeepMind is part of Alphabet.")
                             << QStringList{QStringLiteral("DeepMind -part_of-> Alphabet")}
                             << QStringList{QStringLiteral("DeepMind -is_a-> part")};
    QTest::newRow("member of") << QStringLiteral("Ada Lovelace is a member of the Royal Society.")
                               << QStringList{QStringLiteral("Ada Lovelace -part_of-> Royal Society")} << QStringList{};
    QTest::newRow("appositive part of") << QStringLiteral(
        "Amazon Web Services, a subsidiary of Amazon, sells cloud services.")
                                        << QStringList{QStringLiteral("Amazon Web Services -part_of-> Amazon")}
                                        << QStringList{QStringLiteral("Amazon -related_to-> Amazon Web Services")};
    QTest::newRow("appositive is a") << QStringLiteral("We asked Ada Lovelace, a mathematician, about it.")
                                     << QStringList{QStringLiteral("Ada Lovelace -is_a-> mathematician")}
                                     << QStringList{};
    QTest::newRow("co-occurrence") << QStringLiteral("Ada Lovelace and Charles Babbage met in London.")
                                   << QStringList{QStringLiteral("Ada Lovelace -related_to-> Charles Babbage"),
                                                  QStringLiteral("Ada Lovelace -related_to-> London"),
                                                  QStringLiteral("Charles Babbage -related_to-> London")}
                                   << QStringList{};
    QTest::newRow("co-occurrence stays in its sentence")
        << QStringLiteral("Ada Lovelace lived long ago. Grace Hopper came later.") << QStringList{}
        << QStringList{QStringLiteral("Ada Lovelace -related_to-> Grace Hopper")};
    QTest::newRow("abbreviations inside a sentence")
        << QStringLiteral("Acme Inc. is based in Berlin. Mr. Smith works at Initech, e.g. Peter Gibbons met him.")
        << QStringList{QStringLiteral("Acme Inc -located_in-> Berlin"), QStringLiteral("Smith -works_at-> Initech"),
                       QStringLiteral("Initech -related_to-> Peter Gibbons")}
        << QStringList{};
    QTest::newRow("abbreviation ending a sentence")
        << QStringLiteral("Grace Hopper works at Acme Corp. Ada Lovelace lives in London.")
        << QStringList{QStringLiteral("Grace Hopper -works_at-> Acme Corp"),
                       QStringLiteral("Ada Lovelace -located_in-> London")}
        << QStringList{QStringLiteral("Ada Lovelace -related_to-> Grace Hopper"),
                       QStringLiteral("Acme Corp -related_to-> Ada Lovelace")};
    QTest::newRow("pronoun subject gives no relation") << QStringLiteral("She works at Acme Corp.") << QStringList{}
                                                       << QStringList{QStringLiteral("She -works_at-> Acme Corp")};
    QTest::newRow("facts across sentences") << kAnswer
                                            << QStringList{QStringLiteral("Ada Lovelace -is_a-> English mathematician"),
                                                           QStringLiteral("Grace Hopper -works_at-> Acme Corp"),
                                                           QStringLiteral("Acme Corp -located_in-> Berlin"),
                                                           QStringLiteral("Charles Babbage -related_to-> London")}
                                            << QStringList{};
}

void TestGraph::relations()
{
    QFETCH(QString, text);
    QFETCH(QStringList, expected);
    QFETCH(QStringList, absent);
    const Extraction extraction = GraphExtractor().extract(text);
    const QStringList keys = relationKeys(extraction);
    for (const QString &key : std::as_const(expected))
        QVERIFY2(keys.contains(key), qPrintable(QStringLiteral("missing %1 in %2").arg(key, describe(extraction))));
    for (const QString &key : std::as_const(absent))
        QVERIFY2(!keys.contains(key), qPrintable(QStringLiteral("unexpected %1 in %2").arg(key, describe(extraction))));

    // Every endpoint names exactly one entity, and every relation has a snippet from the text.
    QSet<QString> names;
    for (const Entity &entity : extraction.entities)
        names.insert(GraphExtractor::normalise(entity.name));
    QSet<QString> unique;
    for (const Relation &relation : extraction.relations) {
        QVERIFY2(names.contains(GraphExtractor::normalise(relation.from)), qPrintable(relation.from));
        QVERIFY2(names.contains(GraphExtractor::normalise(relation.to)), qPrintable(relation.to));
        QVERIFY(GraphExtractor::normalise(relation.from) != GraphExtractor::normalise(relation.to));
        QVERIFY(!relation.snippet.isEmpty());
        QVERIFY2(text.simplified().contains(relation.snippet.chopped(relation.snippet.endsWith(u'\u2026') ? 1 : 0)),
                 qPrintable(relation.snippet));
        const QString key = relationKey(relation);
        QVERIFY2(!unique.contains(key), qPrintable(key));
        unique.insert(key);
    }
}

void TestGraph::cooccurrenceIsBoundedAndSymmetric()
{
    const QString list = QStringLiteral("Alice Adams, Bob Brown, Carol Clark, Dan Davis, Eve Evans, Frank Ford and "
                                        "Gina Green met Hank Hill in Paris.");
    const Extraction extraction = GraphExtractor().extract(list);
    QCOMPARE(extraction.entities.size(), 9);
    int related = 0;
    for (const Relation &relation : extraction.relations) {
        QCOMPARE(relation.type, relationtypes::relatedTo);
        // One direction per pair: the lesser normalised name first.
        QVERIFY(GraphExtractor::normalise(relation.from) < GraphExtractor::normalise(relation.to));
        ++related;
    }
    QCOMPARE(related, GraphExtractor::kMaxCooccurrencesPerSentence);

    // The same pair in the other order is the same edge.
    const Extraction twice = GraphExtractor().extract(
        QStringLiteral("Ada Lovelace met Charles Babbage. Charles Babbage met Ada Lovelace."));
    QCOMPARE(relationKeys(twice), QStringList{QStringLiteral("Ada Lovelace -related_to-> Charles Babbage")});
}

void TestGraph::extractionIsDeterministic()
{
    const GraphExtractor extractor;
    const Extraction first = extractor.extract(kQuestion + QStringLiteral("\n\n") + kAnswer);
    QVERIFY(!first.entities.isEmpty());
    QVERIFY(!first.relations.isEmpty());
    for (int i = 0; i < 3; ++i) {
        const Extraction again = GraphExtractor().extract(kQuestion + QStringLiteral("\n\n") + kAnswer);
        QCOMPARE(again.entities, first.entities);
        QCOMPARE(again.relations, first.relations);
    }
    // Huge input is cut, not choked on.
    QString huge;
    for (int i = 0; i < 5000; ++i)
        huge += QStringLiteral("Person%1 Example works at Company%1 Inc. ").arg(i);
    const Extraction bounded = extractor.extract(huge);
    QVERIFY(bounded.entities.size() <= GraphExtractor::kMaxEntities);
    QVERIFY(bounded.relations.size() <= GraphExtractor::kMaxRelations);
}

void TestGraph::citationsAreStripped()
{
    QCOMPARE(
        GraphExtractionHandler::stripCitations(QStringLiteral("Ada wrote it [1]. Grace built it [2][3], then [4, 5].")),
        QStringLiteral("Ada wrote it. Grace built it, then."));
    QCOMPARE(GraphExtractionHandler::stripCitations(QStringLiteral("A footnote[^1] and a list [x] stay [a1].")),
             QStringLiteral("A footnote and a list [x] stay [a1]."));
}

void TestGraph::handlerRecordsExchange()
{
    REQUIRE_DB();
    const QString tenant = insertTenant(*m_db, QStringLiteral("Graph Tenant"));
    const QString twin = insertTwin(*m_db, tenant, QStringLiteral("Ada"));
    const Exchange exchange = insertExchange(*m_db, tenant, twin, kQuestion, kAnswer);
    auto result = runJob(*m_db, graphJob(tenant, exchange));
    TWINOPS_VERIFY_OK(result);
    QVERIFY(result->value(QStringLiteral("nodes")).toInt() >= 6);
    QVERIFY(result->value(QStringLiteral("edges")).toInt() >= 4);
    QCOMPARE(result->value(QStringLiteral("new_evidence")).toInt(), result->value(QStringLiteral("edges")).toInt());
    QCOMPARE(result->value(QStringLiteral("new_nodes")).toInt(), result->value(QStringLiteral("nodes")).toInt());

    auto graph = GraphStore(*m_db).graph(tenant, twin);
    TWINOPS_VERIFY_OK(graph);
    QCOMPARE(graph->nodes.size(), result->value(QStringLiteral("nodes")).toInt());
    QCOMPARE(graph->edges.size(), result->value(QStringLiteral("edges")).toInt());
    const GraphNode *ada = findNode(*graph, QStringLiteral("Ada Lovelace"));
    QVERIFY(ada);
    QCOMPARE(ada->type, entitytypes::person);
    QCOMPARE(ada->description, QStringLiteral("Ada Lovelace was an English mathematician."));
    QCOMPARE(ada->mentionCount, 1);
    QCOMPARE(findNode(*graph, QStringLiteral("Acme Corp"))->type, entitytypes::organization);
    QCOMPARE(findNode(*graph, QStringLiteral("Berlin"))->type, entitytypes::place);
    const GraphEdge *works
        = findEdge(*graph, QStringLiteral("Grace Hopper"), relationtypes::worksAt, QStringLiteral("Acme Corp"));
    QVERIFY(works);
    QCOMPARE(works->weight, 1.0);
    QVERIFY(findEdge(*graph, QStringLiteral("Acme Corp"), relationtypes::locatedIn, QStringLiteral("Berlin")));
    QVERIFY(
        findEdge(*graph, QStringLiteral("Ada Lovelace"), relationtypes::isA, QStringLiteral("English mathematician")));

    // Evidence: one row per edge, keyed by the assistant message, with the sentence and without citation markers.
    QCOMPARE(count(*m_db,
                   QStringLiteral("SELECT count(*) FROM graph_edge_evidence WHERE tenant_id = $1 AND message_id = $2 "
                                  "AND conversation_id = $3"),
                   {tenant, exchange.assistantMessageId, exchange.conversationId}),
             qint64(graph->edges.size()));
    auto snippet
        = m_db->query(QStringLiteral("SELECT snippet FROM graph_edge_evidence WHERE edge_id = $1"), {works->id});
    TWINOPS_VERIFY_OK(snippet);
    QCOMPARE(snippet->first().text(0), QStringLiteral("Grace Hopper works at Acme Corp."));
    QCOMPARE(count(*m_db, QStringLiteral("SELECT count(*) FROM graph_edge_evidence WHERE snippet LIKE '%[1]%'")), 0);
    // Every row carries the tenant.
    QCOMPARE(count(*m_db, QStringLiteral("SELECT count(*) FROM graph_nodes WHERE tenant_id <> $1"), {tenant}), 0);
    QCOMPARE(count(*m_db, QStringLiteral("SELECT count(*) FROM graph_edges WHERE tenant_id <> $1"), {tenant}), 0);
}

void TestGraph::rerunningChangesNothing()
{
    REQUIRE_DB();
    const QString tenant = insertTenant(*m_db, QStringLiteral("Rerun"));
    const QString twin = insertTwin(*m_db, tenant, QStringLiteral("Twin"));
    const Exchange exchange = insertExchange(*m_db, tenant, twin, kQuestion, kAnswer);
    const Job job = graphJob(tenant, exchange);
    auto first = runJob(*m_db, job);
    TWINOPS_VERIFY_OK(first);
    QVERIFY(first->value(QStringLiteral("new_evidence")).toInt() > 0);
    const QString before = graphTables(*m_db);

    QTest::qWait(5); // a later clock: an accidental update would change updated_at
    for (int i = 0; i < 2; ++i) {
        Job again = job;
        again.id = newId(); // a retried or re-enqueued job for the same exchange
        auto rerun = runJob(*m_db, again);
        TWINOPS_VERIFY_OK(rerun);
        QCOMPARE(rerun->value(QStringLiteral("new_evidence")).toInt(), 0);
        QCOMPARE(rerun->value(QStringLiteral("new_nodes")).toInt(), 0);
        QCOMPARE(rerun->value(QStringLiteral("new_edges")).toInt(), 0);
        QCOMPARE(rerun->value(QStringLiteral("nodes")).toInt(), first->value(QStringLiteral("nodes")).toInt());
        QCOMPARE(rerun->value(QStringLiteral("edges")).toInt(), first->value(QStringLiteral("edges")).toInt());
        QCOMPARE(graphTables(*m_db), before);
    }
}

void TestGraph::repeatedFactStrengthensEdge()
{
    REQUIRE_DB();
    const QString tenant = insertTenant(*m_db, QStringLiteral("Repeat"));
    const QString twin = insertTwin(*m_db, tenant, QStringLiteral("Twin"));
    const Exchange one = insertExchange(*m_db, tenant, twin, QStringLiteral("Where does Grace work?"),
                                        QStringLiteral("Grace Hopper works at Acme Corp."));
    const Exchange two = insertExchange(
        *m_db, tenant, twin, QStringLiteral("Tell me again."),
        QStringLiteral("As I said, Grace Hopper works at Acme Corp [1]. Acme Corp is based in Berlin."));
    TWINOPS_VERIFY_OK(runJob(*m_db, graphJob(tenant, one)));
    auto second = runJob(*m_db, graphJob(tenant, two));
    TWINOPS_VERIFY_OK(second);
    QCOMPARE(second->value(QStringLiteral("new_edges")).toInt(), 1); // located_in
    QCOMPARE(second->value(QStringLiteral("new_evidence")).toInt(), 2);

    auto graph = GraphStore(*m_db).graph(tenant, twin);
    TWINOPS_VERIFY_OK(graph);
    const GraphEdge *works
        = findEdge(*graph, QStringLiteral("Grace Hopper"), relationtypes::worksAt, QStringLiteral("Acme Corp"));
    QVERIFY(works);
    QCOMPARE(works->weight, 2.0);
    QCOMPARE(findEdge(*graph, QStringLiteral("Acme Corp"), relationtypes::locatedIn, QStringLiteral("Berlin"))->weight,
             1.0);
    QCOMPARE(findNode(*graph, QStringLiteral("Grace Hopper"))->mentionCount, 2);
    QCOMPARE(findNode(*graph, QStringLiteral("Acme Corp"))->mentionCount, 2); // once per message, not per edge
    QCOMPARE(findNode(*graph, QStringLiteral("Berlin"))->mentionCount, 1);
    QCOMPARE(count(*m_db, QStringLiteral("SELECT count(*) FROM graph_edge_evidence WHERE edge_id = $1"), {works->id}),
             2);
    // Still one node per name and one edge per fact.
    QCOMPARE(count(*m_db, QStringLiteral("SELECT count(*) FROM graph_nodes WHERE normalized_name = 'grace hopper'")),
             1);
    // The heaviest edge comes first.
    QCOMPARE(graph->edges.first().id, works->id);

    // Re-running the second exchange does not strengthen it again.
    TWINOPS_VERIFY_OK(runJob(*m_db, graphJob(tenant, two)));
    graph = GraphStore(*m_db).graph(tenant, twin);
    QCOMPARE(
        findEdge(*graph, QStringLiteral("Grace Hopper"), relationtypes::worksAt, QStringLiteral("Acme Corp"))->weight,
        2.0);
}

void TestGraph::otherTwinsAndTenantsAreUnaffected()
{
    REQUIRE_DB();
    const QString tenantA = insertTenant(*m_db, QStringLiteral("Tenant A"));
    const QString tenantB = insertTenant(*m_db, QStringLiteral("Tenant B"));
    const QString twinA = insertTwin(*m_db, tenantA, QStringLiteral("Twin"));
    const QString otherTwinA = insertTwin(*m_db, tenantA, QStringLiteral("Other"));
    const QString twinB = insertTwin(*m_db, tenantB, QStringLiteral("Twin"));
    // The same facts already in B's twin and in A's other twin.
    const Exchange inB = insertExchange(*m_db, tenantB, twinB, kQuestion, kAnswer);
    const Exchange inOther = insertExchange(*m_db, tenantA, otherTwinA, kQuestion, kAnswer);
    TWINOPS_VERIFY_OK(runJob(*m_db, graphJob(tenantB, inB)));
    TWINOPS_VERIFY_OK(runJob(*m_db, graphJob(tenantA, inOther)));
    const auto graphB = GraphStore(*m_db).graph(tenantB, twinB);
    const auto graphOther = GraphStore(*m_db).graph(tenantA, otherTwinA);
    TWINOPS_VERIFY_OK(graphB);
    TWINOPS_VERIFY_OK(graphOther);

    const Exchange inA = insertExchange(*m_db, tenantA, twinA, kQuestion, kAnswer);
    auto result = runJob(*m_db, graphJob(tenantA, inA));
    TWINOPS_VERIFY_OK(result);
    // A's twin got its own nodes and edges, all new: nothing was shared with the other graphs.
    QCOMPARE(result->value(QStringLiteral("new_nodes")).toInt(), result->value(QStringLiteral("nodes")).toInt());
    QCOMPARE(result->value(QStringLiteral("new_edges")).toInt(), result->value(QStringLiteral("edges")).toInt());
    for (const auto &[tenant, twin, expected] :
         {std::tuple{tenantB, twinB, &*graphB}, std::tuple{tenantA, otherTwinA, &*graphOther}}) {
        auto after = GraphStore(*m_db).graph(tenant, twin);
        TWINOPS_VERIFY_OK(after);
        QCOMPARE(after->nodes.size(), expected->nodes.size());
        for (qsizetype i = 0; i < after->nodes.size(); ++i) {
            QCOMPARE(after->nodes.at(i).id, expected->nodes.at(i).id);
            QCOMPARE(after->nodes.at(i).mentionCount, expected->nodes.at(i).mentionCount);
            QCOMPARE(after->nodes.at(i).updatedAt, expected->nodes.at(i).updatedAt);
        }
        QCOMPARE(after->edges.size(), expected->edges.size());
        for (qsizetype i = 0; i < after->edges.size(); ++i)
            QCOMPARE(after->edges.at(i).weight, 1.0);
    }

    // Reads are scoped: B cannot see A's twin, nor A B's.
    QCOMPARE(GraphStore(*m_db).graph(tenantB, twinA).error().code, ErrorCode::NotFound);
    QCOMPARE(GraphStore(*m_db).summary(tenantA, twinB).error().code, ErrorCode::NotFound);
    QCOMPARE(GraphStore(*m_db).graph(tenantA, QStringLiteral("not-a-uuid")).error().code, ErrorCode::NotFound);
    // A job of tenant B naming A's conversation finds nothing and writes nothing.
    const QString before = graphTables(*m_db);
    auto foreign = runJob(*m_db, graphJob(tenantB, inA));
    QVERIFY(!foreign.ok());
    QCOMPARE(foreign.error().code, ErrorCode::NotFound);
    QCOMPARE(graphTables(*m_db), before);
    // And recording straight into a foreign twin is refused.
    auto direct = GraphStore(*m_db).record(tenantB, twinA, inA.assistantMessageId, inA.conversationId,
                                           GraphExtractor().extract(kAnswer));
    QCOMPARE(direct.error().code, ErrorCode::NotFound);
    QCOMPARE(graphTables(*m_db), before);
}

void TestGraph::missingMessagesArePermanentFailures()
{
    REQUIRE_DB();
    const QString tenant = insertTenant(*m_db, QStringLiteral("Missing"));
    const QString twin = insertTwin(*m_db, tenant, QStringLiteral("Twin"));
    const Exchange exchange = insertExchange(*m_db, tenant, twin, kQuestion, kAnswer);
    const Exchange other = insertExchange(*m_db, tenant, twin, kQuestion, kAnswer);

    Job noConversation = graphJob(tenant, exchange);
    noConversation.payload[QStringLiteral("conversation_id")] = newId();
    Job noAssistant = graphJob(tenant, exchange);
    noAssistant.payload[QStringLiteral("message_id")] = newId();
    Job noUser = graphJob(tenant, exchange);
    noUser.payload[QStringLiteral("user_message_id")] = newId();
    Job otherConversation = graphJob(tenant, exchange); // a message of another conversation is not this one's
    otherConversation.payload[QStringLiteral("message_id")] = other.assistantMessageId;
    for (const Job &job : {noConversation, noAssistant, noUser, otherConversation}) {
        auto result = runJob(*m_db, job);
        QVERIFY(!result.ok());
        QCOMPARE(result.error().code, ErrorCode::NotFound);
        QVERIFY(isPermanentFailure(result.error()));
    }
    QCOMPARE(count(*m_db, QStringLiteral("SELECT count(*) FROM graph_nodes")), 0);

    // A deleted message after a successful run: the graph stays, a rerun is discarded.
    TWINOPS_VERIFY_OK(runJob(*m_db, graphJob(tenant, exchange)));
    TWINOPS_VERIFY_OK(m_db->query(QStringLiteral("DELETE FROM messages WHERE id = $1"), {exchange.assistantMessageId}));
    QCOMPARE(runJob(*m_db, graphJob(tenant, exchange)).error().code, ErrorCode::NotFound);
}

void TestGraph::malformedPayloadIsRejected()
{
    REQUIRE_DB();
    const QString tenant = insertTenant(*m_db, QStringLiteral("Malformed"));
    const QString twin = insertTwin(*m_db, tenant, QStringLiteral("Twin"));
    const Exchange exchange = insertExchange(*m_db, tenant, twin, kQuestion, kAnswer);

    Job noTenant = graphJob(QString(), exchange);
    Job badIds = graphJob(tenant, exchange);
    badIds.payload[QStringLiteral("conversation_id")] = QStringLiteral("nope");
    badIds.payload.remove(QStringLiteral("message_id"));
    badIds.payload[QStringLiteral("user_message_id")] = 42;
    Job swapped = graphJob(tenant, exchange); // message_id must be the assistant's
    swapped.payload[QStringLiteral("message_id")] = exchange.userMessageId;
    swapped.payload[QStringLiteral("user_message_id")] = exchange.assistantMessageId;
    Job wrongTwin = graphJob(tenant, exchange);
    wrongTwin.twinId = newId();
    for (const Job &job : {noTenant, badIds, swapped, wrongTwin}) {
        auto result = runJob(*m_db, job);
        QVERIFY(!result.ok());
        QCOMPARE(result.error().code, ErrorCode::ValidationFailed);
        QVERIFY(isPermanentFailure(result.error()));
    }
    auto result = runJob(*m_db, badIds);
    QVERIFY(result.error().details.contains(QStringLiteral("conversation_id")));
    QVERIFY(result.error().details.contains(QStringLiteral("message_id")));
    QVERIFY(result.error().details.contains(QStringLiteral("user_message_id")));
    QCOMPARE(count(*m_db, QStringLiteral("SELECT count(*) FROM graph_nodes")), 0);

    // Without user_message_id only the answer is read.
    Job answerOnly = graphJob(tenant, exchange);
    answerOnly.payload.remove(QStringLiteral("user_message_id"));
    answerOnly.twinId = twin;
    TWINOPS_VERIFY_OK(runJob(*m_db, answerOnly));
}

void TestGraph::graphOrdersAndLimits()
{
    REQUIRE_DB();
    const QString tenant = insertTenant(*m_db, QStringLiteral("Order"));
    const QString twin = insertTwin(*m_db, tenant, QStringLiteral("Twin"));
    GraphStore store(*m_db);
    auto empty = store.graph(tenant, twin);
    TWINOPS_VERIFY_OK(empty);
    QVERIFY(empty->nodes.isEmpty());
    QVERIFY(empty->edges.isEmpty());

    const QStringList answers{QStringLiteral("Grace Hopper works at Acme Corp. Ada Lovelace met Alan Turing."),
                              QStringLiteral("Grace Hopper works at Acme Corp."),
                              QStringLiteral("Grace Hopper works at Acme Corp.")};
    for (const QString &answer : answers)
        TWINOPS_VERIFY_OK(
            runJob(*m_db, graphJob(tenant, insertExchange(*m_db, tenant, twin, QStringLiteral("Hi"), answer))));
    auto graph = store.graph(tenant, twin);
    TWINOPS_VERIFY_OK(graph);
    QCOMPARE(graph->nodes.size(), 4);
    for (qsizetype i = 1; i < graph->nodes.size(); ++i)
        QVERIFY(graph->nodes.at(i - 1).mentionCount >= graph->nodes.at(i).mentionCount);
    for (qsizetype i = 1; i < graph->edges.size(); ++i)
        QVERIFY(graph->edges.at(i - 1).weight >= graph->edges.at(i).weight);
    QCOMPARE(graph->nodes.at(0).mentionCount, 3);
    QCOMPARE(graph->edges.at(0).weight, 3.0);

    // A limit keeps the most mentioned nodes and only the edges between them.
    auto top = store.graph(tenant, twin, 2);
    TWINOPS_VERIFY_OK(top);
    QCOMPARE(top->nodes.size(), 2);
    QSet<QString> names{top->nodes.at(0).name, top->nodes.at(1).name};
    QCOMPARE(names, (QSet<QString>{QStringLiteral("Grace Hopper"), QStringLiteral("Acme Corp")}));
    QCOMPARE(top->edges.size(), 1);
    QCOMPARE(top->edges.at(0).type, relationtypes::worksAt);
    QCOMPARE(store.graph(tenant, twin, 0)->nodes.size(), 1); // clamped
}

void TestGraph::summaryCountsAndTopNodes()
{
    REQUIRE_DB();
    const QString tenant = insertTenant(*m_db, QStringLiteral("Summary"));
    const QString twin = insertTwin(*m_db, tenant, QStringLiteral("Twin"));
    const QString otherTwin = insertTwin(*m_db, tenant, QStringLiteral("Other"));
    TWINOPS_VERIFY_OK(runJob(*m_db, graphJob(tenant, insertExchange(*m_db, tenant, twin, kQuestion, kAnswer))));
    TWINOPS_VERIFY_OK(runJob(*m_db, graphJob(tenant, insertExchange(*m_db, tenant, otherTwin, kQuestion, kAnswer))));
    auto summary = GraphStore(*m_db).summary(tenant, twin);
    TWINOPS_VERIFY_OK(summary);
    auto graph = GraphStore(*m_db).graph(tenant, twin);
    QCOMPARE(summary->nodeCount, qint64(graph->nodes.size()));
    QCOMPARE(summary->edgeCount, qint64(graph->edges.size()));
    QCOMPARE(summary->evidenceCount, qint64(graph->edges.size()));
    QCOMPARE(summary->topNodes.size(), std::min<qsizetype>(graph->nodes.size(), GraphStore::kTopNodes));
    QCOMPARE(summary->topNodes.first().id, graph->nodes.first().id);

    auto emptySummary = GraphStore(*m_db).summary(tenant, insertTwin(*m_db, tenant, QStringLiteral("Empty")));
    TWINOPS_VERIFY_OK(emptySummary);
    QCOMPARE(emptySummary->nodeCount, 0);
    QVERIFY(emptySummary->topNodes.isEmpty());
}

void TestGraph::graphRoute()
{
    auto api = ApiHarness::create(currentDialect());
    if (!api)
        return;
    const QJsonObject a = api->signup(QStringLiteral("owner@graph-a.example"), QStringLiteral("Graph A"));
    const QJsonObject b = api->signup(QStringLiteral("owner@graph-b.example"), QStringLiteral("Graph B"));
    const QByteArray ownerA = ApiHarness::bearer(a[QStringLiteral("access_token")].toString());
    const QByteArray ownerB = ApiHarness::bearer(b[QStringLiteral("access_token")].toString());
    const QString tenantA = a[QStringLiteral("tenant")].toObject()[QStringLiteral("id")].toString();
    const auto created
        = api->call("POST", QStringLiteral("/api/v1/twins"), {{QStringLiteral("name"), QStringLiteral("Ada")}}, ownerA);
    QCOMPARE(created.status, 201);
    const QString twin = created.json[QStringLiteral("id")].toString();
    const QString path = QStringLiteral("/api/v1/twins/%1/graph").arg(twin);

    auto emptyReply = api->call("GET", path, {}, ownerA);
    QCOMPARE(emptyReply.status, 200);
    QCOMPARE(emptyReply.json,
             (QJsonObject{{QStringLiteral("nodes"), QJsonArray()}, {QStringLiteral("edges"), QJsonArray()}}));

    const Exchange exchange = insertExchange(api->db(), tenantA, twin, kQuestion, kAnswer);
    auto result = runJob(api->db(), graphJob(tenantA, exchange));
    TWINOPS_VERIFY_OK(result);

    const auto reply = api->call("GET", path, {}, ownerA);
    QCOMPARE(reply.status, 200);
    const QJsonArray nodes = reply.json[QStringLiteral("nodes")].toArray();
    const QJsonArray edges = reply.json[QStringLiteral("edges")].toArray();
    QCOMPARE(nodes.size(), result->value(QStringLiteral("nodes")).toInt());
    QCOMPARE(edges.size(), result->value(QStringLiteral("edges")).toInt());
    QHash<QString, QJsonObject> byId;
    QHash<QString, QString> idByName;
    for (const QJsonValue &value : nodes) {
        const QJsonObject node = value.toObject();
        for (const char *field : {"id", "name", "type", "description"})
            QVERIFY2(node.value(QLatin1String(field)).isString(), field);
        QVERIFY(node.value(QStringLiteral("mention_count")).isDouble());
        QVERIFY(isUuid(node[QStringLiteral("id")].toString()));
        byId.insert(node[QStringLiteral("id")].toString(), node);
        idByName.insert(node[QStringLiteral("name")].toString(), node[QStringLiteral("id")].toString());
    }
    QCOMPARE(byId.value(idByName.value(QStringLiteral("Acme Corp")))[QStringLiteral("type")].toString(),
             QStringLiteral("organization"));
    bool worksAt = false;
    for (const QJsonValue &value : edges) {
        const QJsonObject edge = value.toObject();
        const QStringList keys = edge.keys();
        QCOMPARE(QSet<QString>(keys.cbegin(), keys.cend()),
                 (QSet<QString>{QStringLiteral("id"), QStringLiteral("from_node_id"), QStringLiteral("to_node_id"),
                                QStringLiteral("type"), QStringLiteral("weight")}));
        QVERIFY(byId.contains(edge[QStringLiteral("from_node_id")].toString()));
        QVERIFY(byId.contains(edge[QStringLiteral("to_node_id")].toString()));
        QCOMPARE(edge[QStringLiteral("weight")].toDouble(), 1.0);
        worksAt = worksAt
            || (edge[QStringLiteral("type")].toString() == QLatin1String("works_at")
                && edge[QStringLiteral("from_node_id")].toString() == idByName.value(QStringLiteral("Grace Hopper"))
                && edge[QStringLiteral("to_node_id")].toString() == idByName.value(QStringLiteral("Acme Corp")));
    }
    QVERIFY(worksAt);

    // ?limit=
    const auto limited = api->call("GET", path + QStringLiteral("?limit=2"), {}, ownerA);
    QCOMPARE(limited.status, 200);
    QCOMPARE(limited.json[QStringLiteral("nodes")].toArray().size(), 2);
    for (const char *bad : {"0", "1001", "x"})
        QCOMPARE(api->call("GET", path + QStringLiteral("?limit=") + QLatin1String(bad), {}, ownerA).status, 400);

    // Another tenant sees nothing, not even that the twin exists; a malformed id is a bad request.
    const auto foreign = api->call("GET", path, {}, ownerB);
    QCOMPARE(foreign.status, 404);
    QCOMPARE(foreign.errorCode(), QStringLiteral("not_found"));
    QCOMPARE(api->call("GET", QStringLiteral("/api/v1/twins/%1/graph").arg(newId()), {}, ownerA).status, 404);
    QCOMPARE(api->call("GET", QStringLiteral("/api/v1/twins/not-a-uuid/graph"), {}, ownerA).status, 400);
    QCOMPARE(api->call("GET", path).status, 401);
}

QTEST_GUILESS_MAIN(TestGraph)
#include "tst_graph.moc"
