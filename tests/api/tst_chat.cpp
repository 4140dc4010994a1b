// Chat end to end on SQLite and PostgreSQL: grounded answers with citations from indexed sources, the honest
// "I don't know", the order of the writes (question before generation, a partial answer when the client has gone,
// graph job exactly once), conversations and messages with paging and tenant isolation, share-link chat with its
// rate limits, the OpenAI-compatible client against a local server that speaks the streaming protocol (and fails
// in the ways real ones do), and server-sent events over a real socket.
#include "apiharness.h"
#include "core/ids.h"
#include "fakellmserver.h"
#include "http/httpendpoint.h"
#include "jobs/jobhandler.h"
#include "jobs/jobqueue.h"
#include "knowledge/chatservice.h"
#include "knowledge/conversationrepository.h"
#include "knowledge/groundedprovider.h"
#include "knowledge/openaiprovider.h"
#include "knowledge/sourceindexhandler.h"
#include "knowledge/sourcerepository.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QMutex>
#include <QNetworkProxy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTest>
#include <QThread>
#include <QTimer>

using namespace twinops;
using namespace twinops::test;

namespace {

constexpr int kTimeoutMs = 10'000;

const QString kLovelace = QStringLiteral(
    "Ada Lovelace wrote the first published computer program in 1843. Her notes described an algorithm for the "
    "Analytical Engine to compute Bernoulli numbers.");
const QString kBabbage = QStringLiteral(
    "Charles Babbage designed the Analytical Engine, a general-purpose mechanical machine. It was never completed "
    "in his lifetime.");
const QString kHopper
    = QStringLiteral("Grace Hopper built the first compiler, A-0, in 1952. She later helped create COBOL.");

// Records the events of a stream; optionally behaves like a client that leaves after some tokens.
class CollectingSink final : public EventSink
{
public:
    struct Event
    {
        QByteArray name;
        QJsonObject data;
    };

    int goneAfterTokens = -1; // after delivering this many tokens, every later send reports the client gone
    QList<Event> events;
    int callsAfterGone = 0;

    bool send(const QByteArray &event, const QByteArray &data) override
    {
        if (m_gone) {
            ++callsAfterGone;
            return false;
        }
        events.append({event, QJsonDocument::fromJson(data).object()});
        if (event == "token" && goneAfterTokens >= 0 && ++m_tokens >= goneAfterTokens)
            m_gone = true;
        return true;
    }

    QList<QJsonObject> of(const QByteArray &name) const
    {
        QList<QJsonObject> found;
        for (const Event &event : events) {
            if (event.name == name)
                found.append(event.data);
        }
        return found;
    }
    QString text() const
    {
        QString text;
        for (const QJsonObject &token : of("token"))
            text += token[QStringLiteral("text")].toString();
        return text;
    }
    QByteArrayList names() const
    {
        QByteArrayList names;
        for (const Event &event : events)
            names.append(event.name);
        return names;
    }

private:
    bool m_gone = false;
    int m_tokens = 0;
};

// A provider whose answer the test writes; it can look around (onGenerate) before answering and answer slowly.
class ScriptedProvider final : public ChatProvider
{
public:
    QStringList tokens{QStringLiteral("Scripted "), QStringLiteral("answer "), QStringLiteral("[1]")};
    int delayMs = 0;
    std::function<void(const ChatRequest &)> onGenerate;

    QString name() const override { return QStringLiteral("scripted"); }
    Status generate(const ChatRequest &request, const TokenSink &onToken) override
    {
        if (onGenerate)
            onGenerate(request);
        for (const QString &token : std::as_const(tokens)) {
            if (delayMs > 0)
                QThread::msleep(delayMs);
            if (!onToken(token))
                break;
        }
        return {};
    }
};

ChatSettings openAiSettings(const FakeLlmServer &server, int firstByteTimeoutMs = 5000)
{
    ChatSettings settings;
    settings.provider = ChatSettings::Provider::OpenAi;
    settings.baseUrl = server.baseUrl();
    settings.model = QStringLiteral("test-model");
    settings.apiKey = "sk-test-0123456789";
    settings.firstByteTimeoutMs = firstByteTimeoutMs;
    settings.totalTimeoutMs = 10'000;
    return settings;
}

// One line of the Prometheus text, e.g. "twinops_chat_ttft_seconds_count 1".
bool hasSample(const QByteArray &text, const QByteArray &sample)
{
    return text.split('\n').contains(sample);
}

} // namespace

class TestChat final : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase_data() { addBackendRows(); }
    void init();
    void cleanup();

    void groundedAnswerCitesAnIndexedSource();
    void streamSendsMetaTokensCitationsAndDone();
    void knowingNothingIsSaidPlainly();
    void userMessageIsCommittedBeforeGeneration();
    void clientThatLeavesStopsTheAnswer();
    void graphJobIsEnqueuedExactlyOnce();
    void conversationsNewestFirstMessagesOldestFirst();
    void foreignTenantsAndHiddenTwinsGet404();
    void invalidRequestsAreOrdinaryErrors();
    void shareLinkChatWorksAndIsRateLimited();
    void timeToFirstTokenIsMeasured();
    void openAiProviderStreamsFromACompatibleServer();
    void openAiServerErrorFallsBackToGrounded();
    void openAiSilentServerTimesOutAndFallsBack();
    void openAiStreamCutMidwayKeepsAPartialAnswer();
    void realSocketStreamsTokensAsTheyAreGenerated();
    void realSocketClientThatLeavesStopsItsAnswer();
    void settingsComeFromTheEnvironment();

private:
    QString createTwin(const QString &name, const QByteArray &authorization);
    // An indexed source made directly in the database: the chunks as given, the source `indexed`.
    QString indexChunks(const QString &twinId, const QString &filename, const QStringList &chunks);
    ApiHarness::Reply chat(const QString &twinId, const QString &message, const QString &conversationId = {},
                           const QByteArray &authorization = {});
    // The same request with Accept: text/event-stream, its stream run into `sink`.
    ApiHarness::Reply chatStream(const QString &path, const QJsonObject &body, CollectingSink &sink,
                                 const QByteArray &authorization = {});
    qint64 count(const QString &sql, const QVariantList &params = {});

    std::unique_ptr<ApiHarness> m_api;
    QByteArray m_owner;
    QString m_tenant;
    QString m_twin;
};

void TestChat::init()
{
    m_api = ApiHarness::create(currentDialect());
    QVERIFY(m_api);
    const QJsonObject session = m_api->signup(QStringLiteral("ada@example.com"), QStringLiteral("Analytical Engines"));
    m_owner = ApiHarness::bearer(session[QStringLiteral("access_token")].toString());
    m_tenant = ApiHarness::tenantIdOf(session);
    m_twin = createTwin(QStringLiteral("Ada"), m_owner);
    QVERIFY(isUuid(m_twin));
}

void TestChat::cleanup()
{
    m_api.reset();
}

QString TestChat::createTwin(const QString &name, const QByteArray &authorization)
{
    return m_api
        ->call("POST", QStringLiteral("/api/v1/twins"),
               {{QStringLiteral("name"), name},
                {QStringLiteral("description"), QStringLiteral("Analyst of the Analytical Engine")}},
               authorization)
        .json[QStringLiteral("id")]
        .toString();
}

QString TestChat::indexChunks(const QString &twinId, const QString &filename, const QStringList &chunks)
{
    Database &db = m_api->db();
    auto source = SourceRepository(db).create(m_tenant, twinId,
                                              NewSource{filename, chunks.join(QStringLiteral("\n\n")), {}, {}});
    if (!source.ok()) {
        QTest::qFail(qPrintable(source.error().message), __FILE__, __LINE__);
        return {};
    }
    const QDateTime now = nowUtc();
    auto indexed = db.query(QStringLiteral("UPDATE sources SET status = 'indexed', chunk_count = $3, indexed_at = $4 "
                                           "WHERE tenant_id = $1 AND id = $2"),
                            {m_tenant, source->id, int(chunks.size()), now});
    if (!indexed.ok())
        QTest::qFail(qPrintable(indexed.error().message), __FILE__, __LINE__);
    for (qsizetype i = 0; i < chunks.size(); ++i) {
        auto inserted = db.query(
            QStringLiteral("INSERT INTO chunks (id, tenant_id, twin_id, source_id, ordinal, content, "
                           "token_count, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"),
            {newId(), m_tenant, twinId, source->id, int(i), chunks.at(i), int(chunks.at(i).split(u' ').size()), now});
        if (!inserted.ok())
            QTest::qFail(qPrintable(inserted.error().message), __FILE__, __LINE__);
    }
    return source->id;
}

ApiHarness::Reply TestChat::chat(const QString &twinId, const QString &message, const QString &conversationId,
                                 const QByteArray &authorization)
{
    QJsonObject body{{QStringLiteral("message"), message}};
    if (!conversationId.isEmpty())
        body.insert(QStringLiteral("conversation_id"), conversationId);
    return m_api->call("POST", QStringLiteral("/api/v1/twins/%1/chat").arg(twinId), body,
                       authorization.isEmpty() ? m_owner : authorization);
}

ApiHarness::Reply TestChat::chatStream(const QString &path, const QJsonObject &body, CollectingSink &sink,
                                       const QByteArray &authorization)
{
    m_api->headers = {{"accept", "text/event-stream"}};
    ApiHarness::Reply reply = m_api->call("POST", path, body, authorization);
    m_api->headers.clear();
    if (reply.stream)
        reply.stream(sink);
    return reply;
}

qint64 TestChat::count(const QString &sql, const QVariantList &params)
{
    auto rows = m_api->db().query(sql, params);
    if (!rows.ok()) {
        QTest::qFail(qPrintable(rows.error().message), __FILE__, __LINE__);
        return -1;
    }
    return rows->first().integer(0);
}

void TestChat::groundedAnswerCitesAnIndexedSource()
{
    // Indexed the way production indexes: approved through the API, then the source_index job's handler.
    const auto uploaded
        = m_api->call("POST", QStringLiteral("/api/v1/twins/%1/sources").arg(m_twin),
                      {{QStringLiteral("filename"), QStringLiteral("lovelace.md")},
                       {QStringLiteral("content"),
                        QString(QStringLiteral("# Ada\n\n") + kLovelace + QStringLiteral("\n\n") + kBabbage)}},
                      m_owner);
    QCOMPARE(uploaded.status, 201);
    const QString sourceId = uploaded.json[QStringLiteral("id")].toString();
    const auto approved = m_api->call("POST", QStringLiteral("/api/v1/sources/%1/approve").arg(sourceId), {}, m_owner);
    QCOMPARE(approved.status, 202);
    auto job = JobQueue(m_api->db()).get(m_tenant, approved.json[QStringLiteral("job_id")].toString());
    TWINOPS_VERIFY_OK(job);
    {
        auto transaction = Transaction::begin(m_api->db());
        TWINOPS_VERIFY_OK(transaction);
        JobContext context(m_api->db(), *job);
        TWINOPS_VERIFY_OK(SourceIndexHandler().run(context));
        TWINOPS_VERIFY_OK(transaction->commit());
    }
    indexChunks(m_twin, QStringLiteral("hopper.txt"), {kHopper});

    const auto reply = chat(m_twin, QStringLiteral("Who wrote the first computer program?"));
    QCOMPARE(reply.status, 200);
    const QJsonObject message = reply.json[QStringLiteral("message")].toObject();
    const QString content = message[QStringLiteral("content")].toString();
    QVERIFY2(content.contains(QStringLiteral("Ada Lovelace wrote the first published computer program in 1843. [1]")),
             qPrintable(content));
    QCOMPARE(message[QStringLiteral("role")].toString(), QStringLiteral("assistant"));
    QCOMPARE(message[QStringLiteral("provider")].toString(), QStringLiteral("grounded"));
    QCOMPARE(reply.json[QStringLiteral("provider")].toString(), QStringLiteral("grounded"));
    QCOMPARE(reply.json[QStringLiteral("fallback")].toBool(), false);
    QCOMPARE(reply.json[QStringLiteral("partial")].toBool(), false);

    const QJsonArray citations = reply.json[QStringLiteral("citations")].toArray();
    QVERIFY(!citations.isEmpty());
    const QJsonObject first = citations.first().toObject();
    QCOMPARE(first[QStringLiteral("n")].toInt(), 1);
    QCOMPARE(first[QStringLiteral("source_id")].toString(), sourceId);
    QCOMPARE(first[QStringLiteral("filename")].toString(), QStringLiteral("lovelace.md"));
    QVERIFY(isUuid(first[QStringLiteral("chunk_id")].toString()));
    QVERIFY(first[QStringLiteral("snippet")].toString().contains(QStringLiteral("Ada Lovelace")));
    QCOMPARE(message[QStringLiteral("citations")].toArray(), citations);
    // Every marker in the text has its citation, and nothing else is cited.
    for (const QJsonValue &citation : citations)
        QVERIFY(content.contains(QStringLiteral("[%1]").arg(citation[QStringLiteral("n")].toInt())));

    // Stored as answered: the assistant message with the same content and citations, after the question.
    const QString conversation = reply.json[QStringLiteral("conversation_id")].toString();
    const auto messages
        = m_api->call("GET", QStringLiteral("/api/v1/conversations/%1/messages").arg(conversation), {}, m_owner);
    QCOMPARE(messages.status, 200);
    const QJsonArray items = messages.json[QStringLiteral("items")].toArray();
    QCOMPARE(items.size(), 2);
    QCOMPARE(items.at(0)[QStringLiteral("role")].toString(), QStringLiteral("user"));
    QCOMPARE(items.at(0)[QStringLiteral("content")].toString(),
             QStringLiteral("Who wrote the first computer program?"));
    QCOMPARE(items.at(1)[QStringLiteral("content")].toString(), content);
    QCOMPARE(items.at(1)[QStringLiteral("citations")].toArray(), citations);
    QCOMPARE(items.at(1)[QStringLiteral("id")].toString(), message[QStringLiteral("id")].toString());

    // The grounded provider is deterministic: the same question, the same answer.
    const auto again = chat(m_twin, QStringLiteral("Who wrote the first computer program?"));
    QCOMPARE(again.json[QStringLiteral("message")].toObject()[QStringLiteral("content")].toString(), content);
}

void TestChat::streamSendsMetaTokensCitationsAndDone()
{
    const QString sourceId = indexChunks(m_twin, QStringLiteral("lovelace.md"), {kLovelace, kBabbage});
    CollectingSink sink;
    const auto reply
        = chatStream(QStringLiteral("/api/v1/twins/%1/chat").arg(m_twin),
                     {{QStringLiteral("message"), QStringLiteral("What did Ada Lovelace write?")}}, sink, m_owner);
    QCOMPARE(reply.status, 200);
    QVERIFY(reply.stream); // the transport writes it as text/event-stream (see the real-socket tests)

    const QByteArrayList names = sink.names();
    QVERIFY(names.size() >= 4);
    QCOMPARE(names.first(), QByteArray("meta"));
    QCOMPARE(names.last(), QByteArray("done"));
    QVERIFY(names.count("token") >= 3); // word by word
    QVERIFY(names.count("citation") >= 1);
    QVERIFY(names.indexOf("citation") > names.indexOf("token")); // a citation follows the text that cites it

    const QJsonObject meta = sink.of("meta").first();
    const QJsonObject done = sink.of("done").first();
    const QString messageId = meta[QStringLiteral("message_id")].toString();
    QVERIFY(isUuid(messageId));
    QCOMPARE(done[QStringLiteral("message_id")].toString(), messageId);
    QCOMPARE(done[QStringLiteral("conversation_id")].toString(), meta[QStringLiteral("conversation_id")].toString());
    QCOMPARE(done[QStringLiteral("provider")].toString(), QStringLiteral("grounded"));
    QCOMPARE(done[QStringLiteral("fallback")].toBool(), false);
    QCOMPARE(done[QStringLiteral("partial")].toBool(), false);
    QVERIFY(done[QStringLiteral("ttft_ms")].toInt(-1) >= 0);
    QVERIFY(done[QStringLiteral("latency_ms")].toInt(-1) >= done[QStringLiteral("ttft_ms")].toInt());
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM jobs WHERE id = $1 AND type = 'graph_extraction'"),
                   {done[QStringLiteral("job_id")].toString()}),
             1);

    const QJsonObject citation = sink.of("citation").first();
    QCOMPARE(citation[QStringLiteral("n")].toInt(), 1);
    QCOMPARE(citation[QStringLiteral("source_id")].toString(), sourceId);
    QCOMPARE(citation[QStringLiteral("filename")].toString(), QStringLiteral("lovelace.md"));
    QVERIFY(!citation[QStringLiteral("snippet")].toString().isEmpty());

    // The tokens are the stored answer, and the user message was stored too.
    auto stored = m_api->db().query(
        QStringLiteral("SELECT content, role, ttft_ms, latency_ms FROM messages WHERE id = $1"), {messageId});
    TWINOPS_VERIFY_OK(stored);
    QCOMPARE(stored->size(), 1);
    QCOMPARE(stored->first().text(0), sink.text());
    QCOMPARE(stored->first().text(1), QStringLiteral("assistant"));
    QCOMPARE(stored->first().integer(2), qint64(done[QStringLiteral("ttft_ms")].toInt()));
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM messages WHERE conversation_id = $1"),
                   {done[QStringLiteral("conversation_id")].toString()}),
             2);
}

void TestChat::knowingNothingIsSaidPlainly()
{
    indexChunks(m_twin, QStringLiteral("lovelace.md"), {kLovelace});
    const auto reply = chat(m_twin, QStringLiteral("Explain quantum entanglement"));
    QCOMPARE(reply.status, 200);
    const QString content = reply.json[QStringLiteral("message")].toObject()[QStringLiteral("content")].toString();
    QCOMPARE(content,
             QStringLiteral("I don't know that yet: none of Ada's approved sources mention \"explain quantum "
                            "entanglement\". Add a source that covers it."));
    QVERIFY(reply.json[QStringLiteral("citations")].toArray().isEmpty());
    QVERIFY(isUuid(reply.json[QStringLiteral("graph_job_id")].toString()));

    // Only stop words: still an answer, never an empty one.
    const auto vague = chat(m_twin, QStringLiteral("What is it?"));
    QCOMPARE(vague.status, 200);
    QVERIFY(vague.json[QStringLiteral("message")].toObject()[QStringLiteral("content")].toString().startsWith(
        QStringLiteral("I don't know that yet")));

    // A pending (not indexed) source is not knowledge yet.
    const auto pending
        = m_api->call("POST", QStringLiteral("/api/v1/twins/%1/sources").arg(m_twin),
                      {{QStringLiteral("filename"), QStringLiteral("quantum.txt")},
                       {QStringLiteral("content"), QStringLiteral("Quantum entanglement links particles.")}},
                      m_owner);
    QCOMPARE(pending.status, 201);
    const auto stillUnknown = chat(m_twin, QStringLiteral("Explain quantum entanglement"));
    QVERIFY(stillUnknown.json[QStringLiteral("citations")].toArray().isEmpty());
}

void TestChat::userMessageIsCommittedBeforeGeneration()
{
    indexChunks(m_twin, QStringLiteral("lovelace.md"), {kLovelace});
    // A second connection sees only committed rows.
    auto observer = Database::open(m_api->url());
    TWINOPS_VERIFY_OK(observer);
    auto probe = std::make_shared<ScriptedProvider>();
    QStringList seenInside;
    QList<ChatHistoryMessage> history;
    int passages = -1;
    probe->onGenerate = [&](const ChatRequest &request) {
        auto rows
            = (*observer)->query(QStringLiteral("SELECT m.role, m.content FROM messages m JOIN conversations c "
                                                "ON c.id = m.conversation_id WHERE c.twin_id = $1 ORDER BY m.seq"),
                                 {m_twin});
        if (rows.ok()) {
            for (const Row row : *rows)
                seenInside << row.text(0) + u':' + row.text(1);
        }
        history = request.history;
        passages = int(request.passages.size());
    };
    m_api->shared().chatProvider = probe;

    const auto first = chat(m_twin, QStringLiteral("Who wrote the first program?"));
    QCOMPARE(first.status, 200);
    QCOMPARE(seenInside, QStringList{QStringLiteral("user:Who wrote the first program?")});
    QVERIFY(history.isEmpty());
    QCOMPARE(passages, 1);
    QCOMPARE(first.json[QStringLiteral("provider")].toString(), QStringLiteral("scripted"));
    QCOMPARE(first.json[QStringLiteral("message")].toObject()[QStringLiteral("content")].toString(),
             QStringLiteral("Scripted answer [1]"));

    // The next turn of the same conversation: the provider gets the earlier exchange as history.
    seenInside.clear();
    const QString conversation = first.json[QStringLiteral("conversation_id")].toString();
    const auto second = chat(m_twin, QStringLiteral("And when?"), conversation);
    QCOMPARE(second.status, 200);
    QCOMPARE(second.json[QStringLiteral("conversation_id")].toString(), conversation);
    QCOMPARE(seenInside.size(), 3);
    QCOMPARE(seenInside.last(), QStringLiteral("user:And when?"));
    QCOMPARE(history.size(), 2);
    QCOMPARE(history.at(0).role, QStringLiteral("user"));
    QCOMPARE(history.at(1).role, QStringLiteral("assistant"));
    QCOMPARE(history.at(1).content, QStringLiteral("Scripted answer [1]"));
}

void TestChat::clientThatLeavesStopsTheAnswer()
{
    indexChunks(m_twin, QStringLiteral("lovelace.md"), {kLovelace, kBabbage});
    CollectingSink sink;
    sink.goneAfterTokens = 1;
    const QString question = QStringLiteral("What did Ada Lovelace write for the Analytical Engine?");
    const auto reply = chatStream(QStringLiteral("/api/v1/twins/%1/chat").arg(m_twin),
                                  {{QStringLiteral("message"), question}}, sink, m_owner);
    QCOMPARE(reply.status, 200);
    QCOMPARE(sink.names(), (QByteArrayList{"meta", "token"}));
    QCOMPARE(sink.callsAfterGone, 1); // the one send that found the client gone; nothing is sent after it

    // The generation stopped there: what was generated is stored, marked partial, with its graph job; it is shorter
    // than the whole answer the same question gets from a client that stays.
    const QString messageId = sink.of("meta").first()[QStringLiteral("message_id")].toString();
    auto stored = m_api->db().query(
        QStringLiteral("SELECT content, partial FROM messages WHERE id = $1 AND role = 'assistant'"), {messageId});
    TWINOPS_VERIFY_OK(stored);
    QCOMPARE(stored->size(), 1);
    const QString content = stored->first().text(0);
    QVERIFY(content.startsWith(sink.text().trimmed()));
    QVERIFY(stored->first().boolean(1));
    CollectingSink stays;
    const auto whole = chatStream(QStringLiteral("/api/v1/twins/%1/chat").arg(m_twin),
                                  {{QStringLiteral("message"), question}}, stays, m_owner);
    QCOMPARE(whole.status, 200);
    QVERIFY2(content.size() < stays.text().trimmed().size(), qPrintable(content));
    QCOMPARE(count(QStringLiteral(
                       "SELECT count(*) FROM jobs WHERE type = 'graph_extraction' AND CAST(payload AS TEXT) LIKE $1"),
                   {QString(QStringLiteral("%") + messageId + u'%')}),
             1);
    QVERIFY(
        hasSample(m_api->shared().metrics.prometheusText(), "twinops_chat_requests_total{outcome=\"client_gone\"} 1"));
}

void TestChat::graphJobIsEnqueuedExactlyOnce()
{
    indexChunks(m_twin, QStringLiteral("lovelace.md"), {kLovelace});
    const auto reply = chat(m_twin, QStringLiteral("Who wrote the first program?"));
    QCOMPARE(reply.status, 200);
    const QString conversation = reply.json[QStringLiteral("conversation_id")].toString();
    const QString messageId = reply.json[QStringLiteral("message")].toObject()[QStringLiteral("id")].toString();
    const QString userMessageId
        = reply.json[QStringLiteral("user_message")].toObject()[QStringLiteral("id")].toString();
    const QString jobId = reply.json[QStringLiteral("graph_job_id")].toString();

    auto job = JobQueue(m_api->db()).get(m_tenant, jobId);
    TWINOPS_VERIFY_OK(job);
    QCOMPARE(job->type, jobtypes::graphExtraction);
    QCOMPARE(job->twinId, m_twin);
    QCOMPARE(job->idempotencyKey, conversation + u':' + messageId);
    QCOMPARE(job->payload[QStringLiteral("conversation_id")].toString(), conversation);
    QCOMPARE(job->payload[QStringLiteral("message_id")].toString(), messageId);
    QCOMPARE(job->payload[QStringLiteral("user_message_id")].toString(), userMessageId);
    QCOMPARE(job->state, JobState::Available);
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM jobs WHERE type = 'graph_extraction'")), 1);

    // Enqueueing the same exchange again (a retried request, a second process) finds the job that exists.
    NewJob duplicate;
    duplicate.type = jobtypes::graphExtraction;
    duplicate.tenantId = m_tenant;
    duplicate.twinId = m_twin;
    duplicate.payload = job->payload;
    duplicate.idempotencyKey = job->idempotencyKey;
    auto again = JobQueue(m_api->db()).enqueue(duplicate);
    TWINOPS_VERIFY_OK(again);
    QCOMPARE(again->id, jobId);
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM jobs WHERE type = 'graph_extraction'")), 1);

    // The next exchange is another job.
    const auto next = chat(m_twin, QStringLiteral("And who designed the engine?"), conversation);
    QVERIFY(next.json[QStringLiteral("graph_job_id")].toString() != jobId);
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM jobs WHERE type = 'graph_extraction'")), 2);
}

void TestChat::conversationsNewestFirstMessagesOldestFirst()
{
    indexChunks(m_twin, QStringLiteral("lovelace.md"), {kLovelace});
    QStringList started; // oldest first
    for (const QString &question : {QStringLiteral("First question about the program"),
                                    QStringLiteral("Second question"), QStringLiteral("Third question")}) {
        const auto reply = chat(m_twin, question);
        QCOMPARE(reply.status, 200);
        started << reply.json[QStringLiteral("conversation_id")].toString();
        QThread::msleep(3); // distinct updated_at values
    }
    // Continuing the oldest makes it the most recently active.
    QCOMPARE(chat(m_twin, QStringLiteral("A follow-up"), started.first()).status, 200);

    QStringList listed;
    QString cursor;
    do {
        const auto page
            = m_api->call("GET",
                          QStringLiteral("/api/v1/twins/%1/conversations?limit=2%2")
                              .arg(m_twin, cursor.isEmpty() ? QString() : QStringLiteral("&cursor=") + cursor),
                          {}, m_owner);
        QCOMPARE(page.status, 200);
        const QJsonArray items = page.json[QStringLiteral("items")].toArray();
        QVERIFY(items.size() <= 2);
        for (const QJsonValue &item : items)
            listed << item[QStringLiteral("id")].toString();
        cursor = page.json[QStringLiteral("next_cursor")].toString();
    } while (!cursor.isEmpty());
    QCOMPARE(listed, (QStringList{started.at(0), started.at(2), started.at(1)}));

    const auto firstPage
        = m_api->call("GET", QStringLiteral("/api/v1/twins/%1/conversations").arg(m_twin), {}, m_owner);
    const QJsonObject newest = firstPage.json[QStringLiteral("items")].toArray().first().toObject();
    QCOMPARE(newest[QStringLiteral("title")].toString(), QStringLiteral("First question about the program"));
    QCOMPARE(newest[QStringLiteral("message_count")].toInt(), 4);
    QVERIFY(newest[QStringLiteral("share_link_id")].isNull());
    QVERIFY(newest[QStringLiteral("updated_at")].toString() > newest[QStringLiteral("created_at")].toString());

    // Messages oldest first, paged.
    QStringList roles, contents;
    cursor.clear();
    do {
        const auto page
            = m_api->call("GET",
                          QStringLiteral("/api/v1/conversations/%1/messages?limit=3%2")
                              .arg(started.first(), cursor.isEmpty() ? QString() : QStringLiteral("&cursor=") + cursor),
                          {}, m_owner);
        QCOMPARE(page.status, 200);
        for (const QJsonValue &item : page.json[QStringLiteral("items")].toArray()) {
            roles << item[QStringLiteral("role")].toString();
            contents << item[QStringLiteral("content")].toString();
            QCOMPARE(item[QStringLiteral("conversation_id")].toString(), started.first());
        }
        cursor = page.json[QStringLiteral("next_cursor")].toString();
    } while (!cursor.isEmpty());
    QCOMPARE(roles,
             (QStringList{QStringLiteral("user"), QStringLiteral("assistant"), QStringLiteral("user"),
                          QStringLiteral("assistant")}));
    QCOMPARE(contents.at(0), QStringLiteral("First question about the program"));
    QCOMPARE(contents.at(2), QStringLiteral("A follow-up"));
    QCOMPARE(m_api
                 ->call("GET", QStringLiteral("/api/v1/conversations/%1/messages?cursor=garbage").arg(started.first()),
                        {}, m_owner)
                 .status,
             400);

    // A long first message makes a title of at most 80 characters.
    const QString longQuestion
        = QStringLiteral("Tell me everything ") + QString(QStringLiteral("about the Analytical Engine ")).repeated(10);
    const auto longReply = chat(m_twin, longQuestion);
    auto title = ConversationRepository(m_api->db())
                     .get(m_tenant, longReply.json[QStringLiteral("conversation_id")].toString());
    TWINOPS_VERIFY_OK(title);
    QVERIFY(title->title.size() <= ConversationRepository::kMaxTitleLength);
    QVERIFY(title->title.startsWith(QStringLiteral("Tell me everything about")));
    QVERIFY(title->title.endsWith(QStringLiteral("…")));
}

void TestChat::foreignTenantsAndHiddenTwinsGet404()
{
    indexChunks(m_twin, QStringLiteral("lovelace.md"), {kLovelace});
    const auto mine = chat(m_twin, QStringLiteral("Who wrote the first program?"));
    const QString conversation = mine.json[QStringLiteral("conversation_id")].toString();

    const QJsonObject other = m_api->signup(QStringLiteral("grace@example.com"), QStringLiteral("Compilers Inc"));
    const QByteArray stranger = ApiHarness::bearer(other[QStringLiteral("access_token")].toString());
    const QString strangersTwin = createTwin(QStringLiteral("Grace"), stranger);
    const qint64 messagesBefore = count(QStringLiteral("SELECT count(*) FROM messages"));

    QCOMPARE(chat(m_twin, QStringLiteral("Who wrote the first program?"), {}, stranger).status, 404);
    QCOMPARE(m_api->call("GET", QStringLiteral("/api/v1/twins/%1/conversations").arg(m_twin), {}, stranger).status,
             404);
    QCOMPARE(
        m_api->call("GET", QStringLiteral("/api/v1/conversations/%1/messages").arg(conversation), {}, stranger).status,
        404);
    // Another tenant's conversation cannot be continued from one's own twin, nor another twin's from this one.
    QCOMPARE(chat(strangersTwin, QStringLiteral("Continue"), conversation, stranger).status, 404);
    const QString secondTwin = createTwin(QStringLiteral("Babbage"), m_owner);
    QCOMPARE(chat(secondTwin, QStringLiteral("Continue"), conversation).status, 404);
    QCOMPARE(m_api->call("GET", QStringLiteral("/api/v1/conversations/%1/messages").arg(newId()), {}, m_owner).status,
             404);
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM messages")), messagesBefore);

    // An API key limited to another twin does not see this twin's conversations; one with the chat scope chats.
    const auto limited
        = m_api->call("POST", QStringLiteral("/api/v1/api-keys"),
                      {{QStringLiteral("name"), QStringLiteral("limited")},
                       {QStringLiteral("scopes"), QJsonArray{QStringLiteral("twins:read"), QStringLiteral("chat")}},
                       {QStringLiteral("twin_ids"), QJsonArray{secondTwin}}},
                      m_owner);
    QCOMPARE(limited.status, 201);
    const QByteArray key = ApiHarness::bearer(limited.json[QStringLiteral("key")].toString());
    QCOMPARE(m_api->call("GET", QStringLiteral("/api/v1/conversations/%1/messages").arg(conversation), {}, key).status,
             404);
    QCOMPARE(chat(m_twin, QStringLiteral("Who?"), {}, key).status, 404);
    QCOMPARE(chat(secondTwin, QStringLiteral("Who?"), {}, key).status, 200);
}

void TestChat::invalidRequestsAreOrdinaryErrors()
{
    const qint64 before = count(QStringLiteral("SELECT count(*) FROM messages"));
    auto details = [](const ApiHarness::Reply &reply) {
        return reply.json[QStringLiteral("error")].toObject()[QStringLiteral("details")].toObject();
    };
    const auto empty = chat(m_twin, QStringLiteral("   "));
    QCOMPARE(empty.status, 422);
    QVERIFY(details(empty).contains(QStringLiteral("message")));
    const auto tooLong = chat(m_twin, QString(8001, u'a'));
    QCOMPARE(tooLong.status, 422);
    QVERIFY(details(tooLong).contains(QStringLiteral("message")));
    QCOMPARE(chat(m_twin, QString(8000, u'a')).status, 200);
    const auto badConversation = chat(m_twin, QStringLiteral("Hello"), QStringLiteral("not-a-uuid"));
    QCOMPARE(badConversation.status, 422);
    QVERIFY(details(badConversation).contains(QStringLiteral("conversation_id")));
    QCOMPARE(chat(m_twin, QStringLiteral("Hello"), newId()).status, 404);
    QCOMPARE(m_api
                 ->call("POST", QStringLiteral("/api/v1/twins/%1/chat").arg(m_twin),
                        {{QStringLiteral("text"), QStringLiteral("Hello")}}, m_owner)
                 .status,
             422);
    QCOMPARE(m_api
                 ->callRaw("POST", QStringLiteral("/api/v1/twins/%1/chat").arg(m_twin), "{not json", "application/json",
                           m_owner)
                 .status,
             400);
    QCOMPARE(m_api
                 ->call("POST", QStringLiteral("/api/v1/twins/not-a-uuid/chat"),
                        {{QStringLiteral("message"), QStringLiteral("Hi")}}, m_owner)
                 .status,
             400);
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM messages")), before + 2); // only the valid 8000-character chat

    // Asking for a stream changes nothing about refusals: a plain JSON error, no stream.
    CollectingSink sink;
    const auto refused = chatStream(QStringLiteral("/api/v1/twins/%1/chat").arg(m_twin),
                                    {{QStringLiteral("message"), QString()}}, sink, m_owner);
    QCOMPARE(refused.status, 422);
    QVERIFY(!refused.stream);
    QCOMPARE(refused.errorCode(), QStringLiteral("validation_failed"));

    // An archived twin takes no questions.
    QCOMPARE(m_api
                 ->call("PATCH", QStringLiteral("/api/v1/twins/%1").arg(m_twin),
                        {{QStringLiteral("status"), QStringLiteral("archived")}}, m_owner)
                 .status,
             200);
    QCOMPARE(chat(m_twin, QStringLiteral("Hello")).status, 409);
}

void TestChat::shareLinkChatWorksAndIsRateLimited()
{
    indexChunks(m_twin, QStringLiteral("lovelace.md"), {kLovelace});
    auto newLink = [&] {
        return m_api->call("POST", QStringLiteral("/api/v1/twins/%1/share-links").arg(m_twin), {}, m_owner).json;
    };
    const QJsonObject link = newLink();
    const QString token = link[QStringLiteral("token")].toString();
    const QString path = QStringLiteral("/api/v1/public/share/%1/chat").arg(token);

    m_api->peer = QStringLiteral("198.51.100.1");
    const auto visitor
        = m_api->call("POST", path, {{QStringLiteral("message"), QStringLiteral("Who wrote the first program?")}});
    QCOMPARE(visitor.status, 200);
    QVERIFY(visitor.json[QStringLiteral("message")].toObject()[QStringLiteral("content")].toString().contains(
        QStringLiteral("[1]")));
    const QString conversation = visitor.json[QStringLiteral("conversation_id")].toString();
    // The visitor continues its own conversation …
    m_api->peer = QStringLiteral("198.51.100.2");
    const auto followUp = m_api->call(
        "POST", path,
        {{QStringLiteral("message"), QStringLiteral("When?")}, {QStringLiteral("conversation_id"), conversation}});
    QCOMPARE(followUp.status, 200);
    QCOMPARE(followUp.json[QStringLiteral("conversation_id")].toString(), conversation);
    // … but not a member's.
    const QString members
        = chat(m_twin, QStringLiteral("Private question")).json[QStringLiteral("conversation_id")].toString();
    m_api->peer = QStringLiteral("198.51.100.3");
    QCOMPARE(
        m_api
            ->call("POST", path,
                   {{QStringLiteral("message"), QStringLiteral("Hi")}, {QStringLiteral("conversation_id"), members}})
            .status,
        404);
    // The owner sees the visitor's conversation, marked with its link.
    const auto listed = m_api->call("GET", QStringLiteral("/api/v1/twins/%1/conversations").arg(m_twin), {}, m_owner);
    bool found = false;
    for (const QJsonValue &item : listed.json[QStringLiteral("items")].toArray()) {
        if (item[QStringLiteral("id")].toString() == conversation) {
            found = true;
            QCOMPARE(item[QStringLiteral("share_link_id")].toString(), link[QStringLiteral("id")].toString());
        }
    }
    QVERIFY(found);

    // Streams work the same way.
    m_api->peer = QStringLiteral("198.51.100.4");
    CollectingSink sink;
    QCOMPARE(
        chatStream(path, {{QStringLiteral("message"), QStringLiteral("Who wrote the first program?")}}, sink).status,
        200);
    QCOMPARE(sink.names().first(), QByteArray("meta"));
    QCOMPARE(sink.names().last(), QByteArray("done"));

    // Per link: a burst of 5, whatever the addresses (4 used above, the refused one included).
    m_api->peer = QStringLiteral("198.51.100.5");
    QCOMPARE(m_api->call("POST", path, {{QStringLiteral("message"), QStringLiteral("Fifth")}}).status, 200);
    m_api->peer = QStringLiteral("198.51.100.6");
    const auto limited = m_api->call("POST", path, {{QStringLiteral("message"), QStringLiteral("Sixth")}});
    QCOMPARE(limited.status, 429);
    QCOMPARE(limited.errorCode(), QStringLiteral("rate_limited"));
    QVERIFY(limited.header("Retry-After").toInt() >= 1);

    // Per address: a burst of 10, whatever the links.
    m_api->peer = QStringLiteral("203.0.113.9");
    int answered = 0;
    ApiHarness::Reply last;
    for (int i = 0; i < 11; ++i) {
        last = m_api->call(
            "POST", QStringLiteral("/api/v1/public/share/%1/chat").arg(newLink()[QStringLiteral("token")].toString()),
            {{QStringLiteral("message"), QStringLiteral("Question %1").arg(i)}});
        answered += last.status == 200 ? 1 : 0;
    }
    QCOMPARE(answered, 10);
    QCOMPARE(last.status, 429);
    QVERIFY(last.header("Retry-After").toInt() >= 1);

    // Revoked, expired or made-up links are all 404, and store nothing.
    m_api->peer = QStringLiteral("192.0.2.50");
    const QJsonObject revoked = newLink();
    QCOMPARE(m_api
                 ->call("DELETE",
                        QStringLiteral("/api/v1/share-links/%1").arg(revoked[QStringLiteral("id")].toString()), {},
                        m_owner)
                 .status,
             204);
    const qint64 before = count(QStringLiteral("SELECT count(*) FROM messages"));
    QCOMPARE(m_api
                 ->call("POST",
                        QStringLiteral("/api/v1/public/share/%1/chat").arg(revoked[QStringLiteral("token")].toString()),
                        {{QStringLiteral("message"), QStringLiteral("Hello")}})
                 .status,
             404);
    QCOMPARE(m_api
                 ->call("POST", QStringLiteral("/api/v1/public/share/tws_made-up/chat"),
                        {{QStringLiteral("message"), QStringLiteral("Hello")}})
                 .status,
             404);
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM messages")), before);
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM share_links WHERE id = $1 AND last_used_at IS NOT NULL"),
                   {link[QStringLiteral("id")].toString()}),
             1);
}

void TestChat::timeToFirstTokenIsMeasured()
{
    indexChunks(m_twin, QStringLiteral("lovelace.md"), {kLovelace});
    const auto reply = chat(m_twin, QStringLiteral("Who wrote the first program?"));
    QCOMPARE(reply.status, 200);
    const QJsonObject message = reply.json[QStringLiteral("message")].toObject();
    QVERIFY(message[QStringLiteral("ttft_ms")].toInt(-1) >= 0);
    QVERIFY(message[QStringLiteral("latency_ms")].toInt(-1) >= message[QStringLiteral("ttft_ms")].toInt());
    QCOMPARE(reply.json[QStringLiteral("ttft_ms")].toInt(), message[QStringLiteral("ttft_ms")].toInt());

    const QByteArray text = m_api->shared().metrics.prometheusText();
    QVERIFY2(hasSample(text, "twinops_chat_ttft_seconds_count 1"), text.constData());
    QVERIFY(hasSample(text, "twinops_chat_duration_seconds_count 1"));
    QVERIFY(hasSample(text, "twinops_chat_requests_total{outcome=\"ok\"} 1"));
    QVERIFY(text.contains("twinops_chat_ttft_seconds_bucket{le=\"3\"} 1"));
    QVERIFY(hasSample(text, "twinops_chat_provider_fallbacks_total 0"));
    QCOMPARE(chat(m_twin, QString()).status, 422);
    QVERIFY(hasSample(m_api->shared().metrics.prometheusText(), "twinops_chat_requests_total{outcome=\"invalid\"} 1"));
}

void TestChat::openAiProviderStreamsFromACompatibleServer()
{
    indexChunks(m_twin, QStringLiteral("lovelace.md"), {kLovelace});
    const QStringList tokens{QStringLiteral("Ada "), QStringLiteral("Lovelace "), QStringLiteral("wrote "),
                             QStringLiteral("it "), QStringLiteral("[1].")};
    FakeLlmServer server(FakeLlmServer::Mode::Stream, tokens, 30);
    m_api->shared().chatProvider = std::make_shared<OpenAiProvider>(openAiSettings(server));

    // The first turn as JSON, the second streamed.
    const auto first = chat(m_twin, QStringLiteral("Who wrote the first program?"));
    QCOMPARE(first.status, 200);
    QCOMPARE(first.json[QStringLiteral("provider")].toString(), QStringLiteral("openai"));
    QCOMPARE(first.json[QStringLiteral("fallback")].toBool(), false);
    QCOMPARE(first.json[QStringLiteral("partial")].toBool(), false);
    const QJsonObject message = first.json[QStringLiteral("message")].toObject();
    QCOMPARE(message[QStringLiteral("content")].toString(), QStringLiteral("Ada Lovelace wrote it [1]."));
    QCOMPARE(message[QStringLiteral("model")].toString(), QStringLiteral("test-model"));
    QCOMPARE(first.json[QStringLiteral("citations")].toArray().size(), 1);

    CollectingSink sink;
    const auto second
        = chatStream(QStringLiteral("/api/v1/twins/%1/chat").arg(m_twin),
                     {{QStringLiteral("message"), QStringLiteral("Tell me more about the first program")},
                      {QStringLiteral("conversation_id"), first.json[QStringLiteral("conversation_id")].toString()}},
                     sink, m_owner);
    QCOMPARE(second.status, 200);
    QList<QString> streamed;
    for (const QJsonObject &token : sink.of("token"))
        streamed << token[QStringLiteral("text")].toString();
    QCOMPARE(streamed, tokens);
    QCOMPARE(sink.of("citation").size(), 1);
    QCOMPARE(sink.of("done").first()[QStringLiteral("provider")].toString(), QStringLiteral("openai"));

    // What the server received: the protocol, the key, the model, the passages and the history.
    const QList<FakeLlmServer::Request> requests = server.requests();
    QCOMPARE(requests.size(), 2);
    const FakeLlmServer::Request &request = requests.last();
    QCOMPARE(request.requestLine, QByteArray("POST /v1/chat/completions HTTP/1.1"));
    QCOMPARE(request.headers.value("authorization"), QByteArray("Bearer sk-test-0123456789"));
    QVERIFY(request.headers.value("content-type").startsWith("application/json"));
    QCOMPARE(request.headers.value("accept"), QByteArray("text/event-stream"));
    const QJsonObject body = QJsonDocument::fromJson(request.body).object();
    QCOMPARE(body[QStringLiteral("model")].toString(), QStringLiteral("test-model"));
    QCOMPARE(body[QStringLiteral("stream")].toBool(), true);
    const QJsonArray messages = body[QStringLiteral("messages")].toArray();
    QCOMPARE(messages.size(), 4); // system, the first exchange, the question
    QCOMPARE(messages.at(0)[QStringLiteral("role")].toString(), QStringLiteral("system"));
    const QString system = messages.at(0)[QStringLiteral("content")].toString();
    QVERIFY(system.contains(QStringLiteral("You are Ada")));
    QVERIFY(
        system.contains(QStringLiteral("[1] (lovelace.md) Ada Lovelace wrote the first published computer program")));
    QCOMPARE(messages.at(1)[QStringLiteral("content")].toString(), QStringLiteral("Who wrote the first program?"));
    QCOMPARE(messages.at(2)[QStringLiteral("role")].toString(), QStringLiteral("assistant"));
    QCOMPARE(messages.at(3)[QStringLiteral("role")].toString(), QStringLiteral("user"));
    QCOMPARE(messages.at(3)[QStringLiteral("content")].toString(),
             QStringLiteral("Tell me more about the first program"));
    // The key never reaches a response or the stored messages.
    QVERIFY(!first.body.contains("sk-test"));
    QCOMPARE(
        count(QStringLiteral("SELECT count(*) FROM messages WHERE content LIKE '%sk-test%' OR model LIKE '%sk-test%'")),
        0);
}

void TestChat::openAiServerErrorFallsBackToGrounded()
{
    indexChunks(m_twin, QStringLiteral("lovelace.md"), {kLovelace});
    FakeLlmServer server(FakeLlmServer::Mode::ServerError, {});
    m_api->shared().chatProvider = std::make_shared<OpenAiProvider>(openAiSettings(server));

    const auto reply = chat(m_twin, QStringLiteral("Who wrote the first program?"));
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.json[QStringLiteral("fallback")].toBool(), true);
    QCOMPARE(reply.json[QStringLiteral("provider")].toString(), QStringLiteral("grounded"));
    const QString content = reply.json[QStringLiteral("message")].toObject()[QStringLiteral("content")].toString();
    QVERIFY2(content.startsWith(QStringLiteral("Ada Lovelace wrote the first published computer program")),
             qPrintable(content));
    QCOMPARE(reply.json[QStringLiteral("message")].toObject()[QStringLiteral("provider")].toString(),
             QStringLiteral("grounded"));
    QCOMPARE(server.requests().size(), 1);

    CollectingSink sink;
    QCOMPARE(chatStream(QStringLiteral("/api/v1/twins/%1/chat").arg(m_twin),
                        {{QStringLiteral("message"), QStringLiteral("Who wrote it?")}}, sink, m_owner)
                 .status,
             200);
    const QJsonObject done = sink.of("done").first();
    QCOMPARE(done[QStringLiteral("fallback")].toBool(), true);
    QCOMPARE(done[QStringLiteral("provider")].toString(), QStringLiteral("grounded"));

    const QByteArray text = m_api->shared().metrics.prometheusText();
    QVERIFY(hasSample(text, "twinops_chat_provider_fallbacks_total 2"));
    QVERIFY(hasSample(text, "twinops_chat_requests_total{outcome=\"fallback\"} 2"));
}

void TestChat::openAiSilentServerTimesOutAndFallsBack()
{
    indexChunks(m_twin, QStringLiteral("lovelace.md"), {kLovelace});
    FakeLlmServer server(FakeLlmServer::Mode::Silent, {});
    constexpr int kFirstByteMs = 300;
    m_api->shared().chatProvider = std::make_shared<OpenAiProvider>(openAiSettings(server, kFirstByteMs));

    QElapsedTimer clock;
    clock.start();
    const auto reply = chat(m_twin, QStringLiteral("Who wrote the first program?"));
    const qint64 elapsed = clock.elapsed();
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.json[QStringLiteral("fallback")].toBool(), true);
    QCOMPARE(reply.json[QStringLiteral("provider")].toString(), QStringLiteral("grounded"));
    QVERIFY(!reply.json[QStringLiteral("message")].toObject()[QStringLiteral("content")].toString().isEmpty());
    QVERIFY2(elapsed >= kFirstByteMs && elapsed < kFirstByteMs + 2000, qPrintable(QString::number(elapsed)));
    QTRY_COMPARE_WITH_TIMEOUT(server.requests().size(), 1, kTimeoutMs); // it was asked, and never answered
}

void TestChat::openAiStreamCutMidwayKeepsAPartialAnswer()
{
    indexChunks(m_twin, QStringLiteral("lovelace.md"), {kLovelace});
    FakeLlmServer server(FakeLlmServer::Mode::CutMidway,
                         {QStringLiteral("Ada "), QStringLiteral("Lovelace "), QStringLiteral("wrote")}, 20);
    m_api->shared().chatProvider = std::make_shared<OpenAiProvider>(openAiSettings(server));

    CollectingSink sink;
    const auto reply
        = chatStream(QStringLiteral("/api/v1/twins/%1/chat").arg(m_twin),
                     {{QStringLiteral("message"), QStringLiteral("Who wrote the first program?")}}, sink, m_owner);
    QCOMPARE(reply.status, 200);
    QCOMPARE(sink.text(), QStringLiteral("Ada Lovelace "));
    const QJsonObject done = sink.of("done").first();
    QCOMPARE(done[QStringLiteral("partial")].toBool(), true);
    QCOMPARE(done[QStringLiteral("fallback")].toBool(), false);
    QCOMPARE(done[QStringLiteral("provider")].toString(), QStringLiteral("openai"));
    auto stored = m_api->db().query(QStringLiteral("SELECT content, provider FROM messages WHERE id = $1"),
                                    {done[QStringLiteral("message_id")].toString()});
    TWINOPS_VERIFY_OK(stored);
    QCOMPARE(stored->first().text(0), QStringLiteral("Ada Lovelace"));
    QCOMPARE(stored->first().text(1), QStringLiteral("openai"));
    QVERIFY(hasSample(m_api->shared().metrics.prometheusText(), "twinops_chat_requests_total{outcome=\"partial\"} 1"));
}

namespace {

// A server-sent event as the client reads it off the socket, and when it arrived.
struct SocketEvent
{
    QByteArray name;
    QJsonObject data;
    qint64 atMs;
};

// POSTs a chat with Accept: text/event-stream on a raw socket and reads the frames as they come; stops after
// `stopAfterTokens` tokens (closing the socket) or at the end of the stream.
QList<SocketEvent> readChatStream(quint16 port, const QString &twinId, const QByteArray &authorization,
                                  const QString &message, QByteArray *head, int stopAfterTokens = -1)
{
    QTcpSocket socket;
    socket.setProxy(QNetworkProxy::NoProxy);
    socket.connectToHost(QHostAddress::LocalHost, port);
    if (!socket.waitForConnected(kTimeoutMs))
        return {};
    const QByteArray body
        = QJsonDocument(QJsonObject{{QStringLiteral("message"), message}}).toJson(QJsonDocument::Compact);
    socket.write("POST /api/v1/twins/" + twinId.toLatin1() + "/chat HTTP/1.1\r\nHost: 127.0.0.1:"
                 + QByteArray::number(port) + "\r\nAuthorization: " + authorization
                 + "\r\nContent-Type: application/json\r\nAccept: text/event-stream\r\n"
                 + "Content-Length: " + QByteArray::number(body.size()) + "\r\n\r\n" + body);
    socket.flush();
    QElapsedTimer clock;
    clock.start();
    QByteArray buffer;
    bool headDone = false;
    QList<SocketEvent> events;
    int tokens = 0;
    while (clock.elapsed() < kTimeoutMs) {
        if (socket.bytesAvailable() == 0 && !socket.waitForReadyRead(200)) {
            if (socket.state() != QAbstractSocket::ConnectedState)
                break;
            continue;
        }
        buffer += socket.readAll();
        if (!headDone) {
            const qsizetype end = buffer.indexOf("\r\n\r\n");
            if (end < 0)
                continue;
            *head = buffer.left(end);
            buffer.remove(0, end + 4);
            headDone = true;
        }
        for (qsizetype end = buffer.indexOf("\n\n"); end >= 0; end = buffer.indexOf("\n\n")) {
            SocketEvent event{{}, {}, clock.elapsed()};
            for (const QByteArray &line : buffer.left(end).split('\n')) {
                if (line.startsWith("event: "))
                    event.name = line.mid(7);
                else if (line.startsWith("data: "))
                    event.data = QJsonDocument::fromJson(line.mid(6)).object();
            }
            buffer.remove(0, end + 2);
            events.append(event);
            if (event.name == "token" && ++tokens == stopAfterTokens) {
                socket.abort();
                return events;
            }
            if (event.name == "done")
                return events;
        }
    }
    return events;
}

// The real HTTP endpoint on loopback over the test's database, its chat answered by a provider that sends five
// tokens `delayMs` apart.
struct SlowChatEndpoint
{
    SlowChatEndpoint(const DatabaseUrl &url, int delayMs)
        : shared(url, QByteArray(ApiHarness::kJwtSecret), PasswordHasher::Cost::Minimal, metrics, chatSettings())
        , provider(std::make_shared<ScriptedProvider>())
        , endpoint(shared, EndpointOptions{QHostAddress::LocalHost, 0, 2, {}})
    {
        provider->tokens = {QStringLiteral("One "), QStringLiteral("two "), QStringLiteral("three "),
                            QStringLiteral("four "), QStringLiteral("five [1]")};
        provider->delayMs = delayMs;
        shared.chatProvider = provider;
    }

    static ApiSettings chatSettings()
    {
        ApiSettings settings;
        settings.instance = QStringLiteral("tst_chat");
        return settings;
    }

    MetricsRegistry metrics;
    ApiShared shared;
    std::shared_ptr<ScriptedProvider> provider;
    HttpEndpoint endpoint;
};

} // namespace

void TestChat::realSocketStreamsTokensAsTheyAreGenerated()
{
    indexChunks(m_twin, QStringLiteral("lovelace.md"), {kLovelace});
    SlowChatEndpoint served(m_api->url(), 60);
    TWINOPS_VERIFY_OK(served.endpoint.start());
    const std::shared_ptr<ScriptedProvider> &slow = served.provider;
    MetricsRegistry &metrics = served.metrics;

    QByteArray head;
    const QList<SocketEvent> events = readChatStream(served.endpoint.port(), m_twin, m_owner,
                                                     QStringLiteral("Who wrote the first program?"), &head);
    QVERIFY2(head.startsWith("HTTP/1.1 200"), head.constData());
    QVERIFY(head.toLower().contains("content-type: text/event-stream"));
    QVERIFY(!events.isEmpty());
    QCOMPARE(events.first().name, QByteArray("meta"));
    QCOMPARE(events.last().name, QByteArray("done"));
    QString text;
    qint64 firstToken = -1;
    for (const SocketEvent &event : events) {
        if (event.name == "token") {
            text += event.data[QStringLiteral("text")].toString();
            if (firstToken < 0)
                firstToken = event.atMs;
        }
    }
    QCOMPARE(text, slow->tokens.join(QString()));
    // Incremental: the first token was on the client long before the stream ended (4 more tokens, 60 ms apart).
    const qint64 end = events.last().atMs;
    QVERIFY2(firstToken >= 0 && end - firstToken >= 150,
             qPrintable(QStringLiteral("first token at %1 ms, done at %2 ms").arg(firstToken).arg(end)));
    const QJsonObject done = events.last().data;
    QVERIFY(done[QStringLiteral("ttft_ms")].toInt() < done[QStringLiteral("latency_ms")].toInt());
    QVERIFY(isUuid(done[QStringLiteral("job_id")].toString()));
    QVERIFY(hasSample(metrics.prometheusText(), "twinops_chat_ttft_seconds_count 1"));
}

void TestChat::realSocketClientThatLeavesStopsItsAnswer()
{
    indexChunks(m_twin, QStringLiteral("lovelace.md"), {kLovelace});
    SlowChatEndpoint served(m_api->url(), 40);
    TWINOPS_VERIFY_OK(served.endpoint.start());
    const std::shared_ptr<ScriptedProvider> &slow = served.provider;
    MetricsRegistry &metrics = served.metrics;

    QByteArray head;
    const QList<SocketEvent> events = readChatStream(served.endpoint.port(), m_twin, m_owner,
                                                     QStringLiteral("Who wrote the first program?"), &head, 1);
    QCOMPARE(events.size(), 2); // meta, one token, then the client hung up
    const QString messageId = events.first().data[QStringLiteral("message_id")].toString();
    QVERIFY(isUuid(messageId));
    auto stored = [&] {
        auto rows = m_api->db().query(QStringLiteral("SELECT content FROM messages WHERE id = $1"), {messageId});
        return rows.ok() && !rows->isEmpty() ? rows->first().text(0) : QString();
    };
    // The provider was asked for no more tokens once the client had gone: a partial answer is stored.
    QTRY_VERIFY_WITH_TIMEOUT(!stored().isEmpty(), kTimeoutMs);
    QVERIFY(stored().startsWith(QLatin1String("One")));
    QVERIFY2(stored().size() < slow->tokens.join(QString()).trimmed().size(), qPrintable(stored()));
    QCOMPARE(count(QStringLiteral("SELECT count(*) FROM messages WHERE id = $1 AND partial = $2"), {messageId, true}),
             qint64(1));
    QTRY_COMPARE_WITH_TIMEOUT(count(QStringLiteral("SELECT count(*) FROM jobs WHERE type = 'graph_extraction'")),
                              qint64(1), kTimeoutMs);
    QVERIFY(hasSample(metrics.prometheusText(), "twinops_chat_requests_total{outcome=\"client_gone\"} 1"));
}

void TestChat::settingsComeFromTheEnvironment()
{
    if (currentDialect() != Dialect::Sqlite)
        QSKIP("runs once");
    const QList<QByteArray> names{"TWINOPS_LLM_PROVIDER", "TWINOPS_LLM_BASE_URL",           "TWINOPS_LLM_MODEL",
                                  "TWINOPS_LLM_API_KEY",  "TWINOPS_LLM_FIRST_BYTE_TIMEOUT", "TWINOPS_LLM_TIMEOUT"};
    auto clear = [&] {
        for (const QByteArray &name : names)
            qunsetenv(name.constData());
    };
    clear();
    auto grounded = ChatSettings::fromEnvironment();
    TWINOPS_VERIFY_OK(grounded);
    QCOMPARE(grounded->provider, ChatSettings::Provider::Grounded);
    QVERIFY(!makeChatProvider(*grounded));

    qputenv("TWINOPS_LLM_BASE_URL", "http://127.0.0.1:8080/v1/");
    qputenv("TWINOPS_LLM_MODEL", "local-model");
    qputenv("TWINOPS_LLM_API_KEY", "sk-secret-value");
    qputenv("TWINOPS_LLM_FIRST_BYTE_TIMEOUT", "0.5");
    qputenv("TWINOPS_LLM_TIMEOUT", "30");
    auto remote = ChatSettings::fromEnvironment();
    TWINOPS_VERIFY_OK(remote);
    QCOMPARE(remote->provider, ChatSettings::Provider::OpenAi);
    QCOMPARE(remote->baseUrl, QStringLiteral("http://127.0.0.1:8080/v1"));
    QCOMPARE(remote->model, QStringLiteral("local-model"));
    QCOMPARE(remote->apiKey, QByteArray("sk-secret-value"));
    QCOMPARE(remote->firstByteTimeoutMs, 500);
    QCOMPARE(remote->totalTimeoutMs, 30'000);
    QVERIFY(!remote->description().contains(QStringLiteral("sk-secret")));
    auto provider = makeChatProvider(*remote);
    QVERIFY(provider);
    QCOMPARE(provider->name(), QStringLiteral("openai"));

    qputenv("TWINOPS_LLM_PROVIDER", "grounded"); // explicit wins over a configured URL
    QCOMPARE(ChatSettings::fromEnvironment()->provider, ChatSettings::Provider::Grounded);
    qputenv("TWINOPS_LLM_PROVIDER", "claude");
    QCOMPARE(ChatSettings::fromEnvironment().error().code, ErrorCode::BadRequest);
    qputenv("TWINOPS_LLM_PROVIDER", "openai");
    qputenv("TWINOPS_LLM_BASE_URL", "ftp://example.com");
    QCOMPARE(ChatSettings::fromEnvironment().error().code, ErrorCode::BadRequest);
    qunsetenv("TWINOPS_LLM_BASE_URL");
    QCOMPARE(ChatSettings::fromEnvironment()->baseUrl, QStringLiteral("https://api.openai.com/v1"));
    qputenv("TWINOPS_LLM_TIMEOUT", "soon");
    const auto badTimeout = ChatSettings::fromEnvironment();
    QCOMPARE(badTimeout.error().code, ErrorCode::BadRequest);
    QVERIFY(!badTimeout.error().message.contains(QStringLiteral("sk-secret")));
    clear();
}

QTEST_GUILESS_MAIN(TestChat)
#include "tst_chat.moc"
