#include "knowledge/openaiprovider.h"

#include <QDeadlineTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>

#include <algorithm>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <vector>

namespace twinops {

namespace {

constexpr qsizetype kMaxErrorBody = 2048;
constexpr qsizetype kMaxJsonBody = 4 * 1024 * 1024;
constexpr qsizetype kMaxLine = 1024 * 1024; // one SSE line; a provider that sends more is broken

bool isSuccess(int status)
{
    return status >= 200 && status < 300;
}

// The provider's own words about a failure, shortened; its error bodies never contain our key.
QString errorDetail(const QByteArray &body)
{
    const QJsonObject object = QJsonDocument::fromJson(body).object();
    const QJsonValue error = object.value(QStringLiteral("error"));
    QString message
        = error.isObject() ? error.toObject().value(QStringLiteral("message")).toString() : error.toString();
    if (message.isEmpty())
        message = QString::fromUtf8(body).simplified();
    return message.left(200);
}

} // namespace

// What one generate() call and the network thread share. The token queue, the flags and the outcome are guarded
// by the mutex; the reply and the parser state are touched on the network thread only.
struct OpenAiProvider::Exchange
{
    // Standard primitives: ThreadSanitizer cannot see QWaitCondition::wait release a QMutex (decisions.md, #17).
    std::mutex mutex;
    std::condition_variable changed;
    QStringList tokens;
    bool responded = false; // the status line arrived
    bool finished = false;
    std::optional<Error> error;

    QNetworkReply *reply = nullptr;
    bool settled = false; // the outcome is decided; later network events are ignored
    int status = 0;
    bool eventStream = true; // false when the server ignored "stream" and answered with one JSON object
    bool sawDone = false;
    QByteArray buffer; // bytes after the last complete line
    QByteArray data; // the data lines of the event being read
    QByteArray body; // error body or non-streamed JSON body
};

class OpenAiProvider::Worker final : public QObject
{
public:
    Worker(QUrl url, QByteArray apiKey, int parallel)
        : m_url(std::move(url))
        , m_apiKey(std::move(apiKey))
        // A QNetworkAccessManager opens at most 6 HTTP/1.1 connections per host and queues the rest: a seventh
        // answer would wait for one of the first six to end (and fall back after the first-byte timeout). Enough
        // managers that every answer the chat pool may generate at once gets a connection of its own.
        , m_networks(size_t(std::max(1, (parallel + kConnectionsPerManager - 1) / kConnectionsPerManager)))
    { }

    void start(const std::shared_ptr<Exchange> &exchange, const QByteArray &body)
    {
        Network &network = *std::min_element(m_networks.begin(), m_networks.end(),
                                             [](const Network &a, const Network &b) { return a.active < b.active; });
        if (!network.manager)
            network.manager = new QNetworkAccessManager(this);
        ++network.active;
        QNetworkRequest request(m_url);
        request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
        request.setRawHeader("Accept", "text/event-stream");
        if (!m_apiKey.isEmpty())
            request.setRawHeader("Authorization", "Bearer " + m_apiKey);
        QNetworkReply *reply = network.manager->post(request, body);
        connect(reply, &QNetworkReply::finished, this, [&network] { --network.active; });
        exchange->reply = reply;
        connect(reply, &QNetworkReply::metaDataChanged, this, [this, exchange] { onMetaData(*exchange); });
        connect(reply, &QIODevice::readyRead, this, [this, exchange] { onReadyRead(*exchange); });
        connect(reply, &QNetworkReply::finished, this, [this, exchange] { onFinished(*exchange); });
    }

    static void abort(Exchange &exchange)
    {
        if (exchange.reply)
            exchange.reply->abort();
    }

private:
    void onMetaData(Exchange &exchange)
    {
        exchange.status = exchange.reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        const QByteArray type = exchange.reply->header(QNetworkRequest::ContentTypeHeader).toByteArray().toLower();
        exchange.eventStream = !type.startsWith("application/json");
        const std::lock_guard locker(exchange.mutex);
        exchange.responded = true;
        exchange.changed.notify_all();
    }

    void onReadyRead(Exchange &exchange)
    {
        if (exchange.settled)
            return;
        const QByteArray bytes = exchange.reply->readAll();
        if (!isSuccess(exchange.status)) {
            exchange.body += bytes.left(kMaxErrorBody - exchange.body.size());
            return;
        }
        if (!exchange.eventStream) {
            exchange.body += bytes;
            if (exchange.body.size() > kMaxJsonBody)
                fail(exchange, Error::unavailable(QStringLiteral("the provider's answer is too large")));
            return;
        }
        exchange.buffer += bytes;
        qsizetype start = 0;
        for (qsizetype end = exchange.buffer.indexOf('\n'); end >= 0 && !exchange.settled;
             end = exchange.buffer.indexOf('\n', start)) {
            QByteArray line = exchange.buffer.mid(start, end - start);
            if (line.endsWith('\r'))
                line.chop(1);
            start = end + 1;
            onLine(exchange, line);
        }
        exchange.buffer.remove(0, start);
        if (exchange.buffer.size() > kMaxLine)
            fail(exchange,
                 Error::unavailable(QStringLiteral("malformed stream from the provider: a line is too long")));
    }

    // Server-sent events: "data:" lines accumulate until a blank line ends the event; comments (":") and the
    // other fields (event, id, retry) carry nothing for us.
    void onLine(Exchange &exchange, const QByteArray &line)
    {
        if (line.isEmpty()) {
            dispatch(exchange);
            return;
        }
        if (!line.startsWith("data:"))
            return;
        QByteArray value = line.mid(5);
        if (value.startsWith(' '))
            value.remove(0, 1);
        if (!exchange.data.isEmpty())
            exchange.data += '\n';
        exchange.data += value;
    }

    void dispatch(Exchange &exchange)
    {
        const QByteArray data = std::exchange(exchange.data, QByteArray());
        if (data.isEmpty())
            return;
        if (data.trimmed() == "[DONE]") {
            exchange.sawDone = true;
            return;
        }
        QJsonParseError parseError{};
        const QJsonDocument document = QJsonDocument::fromJson(data, &parseError);
        if (parseError.error != QJsonParseError::NoError || !document.isObject()) {
            fail(exchange,
                 Error::unavailable(
                     QStringLiteral("malformed stream from the provider: an event is not a JSON object")));
            return;
        }
        const QJsonObject chunk = document.object();
        if (chunk.contains(QStringLiteral("error"))) {
            fail(exchange, Error::unavailable(QStringLiteral("the provider reported an error: ") + errorDetail(data)));
            return;
        }
        const QJsonArray choices = chunk.value(QStringLiteral("choices")).toArray();
        if (choices.isEmpty())
            return; // e.g. a usage-only chunk
        const QString text = choices.first()[QStringLiteral("delta")][QStringLiteral("content")].toString();
        if (!text.isEmpty())
            push(exchange, text);
    }

    void onFinished(Exchange &exchange)
    {
        QNetworkReply *reply = std::exchange(exchange.reply, nullptr);
        reply->deleteLater();
        if (exchange.settled)
            return;
        if (exchange.status == 0)
            exchange.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        if (exchange.status != 0 && !isSuccess(exchange.status)) {
            fail(exchange,
                 Error::unavailable(QStringLiteral("the provider answered HTTP %1: %2")
                                        .arg(exchange.status)
                                        .arg(errorDetail(exchange.body))));
            return;
        }
        if (exchange.eventStream && !exchange.buffer.isEmpty())
            onLine(exchange, exchange.buffer); // a last line without its newline
        if (exchange.eventStream)
            dispatch(exchange);
        if (exchange.settled)
            return;
        if (reply->error() != QNetworkReply::NoError && !exchange.sawDone) {
            fail(exchange, Error::unavailable(QStringLiteral("provider connection failed: ") + reply->errorString()));
            return;
        }
        if (!exchange.eventStream) {
            const QJsonObject object = QJsonDocument::fromJson(exchange.body).object();
            const QString text
                = object[QStringLiteral("choices")][0][QStringLiteral("message")][QStringLiteral("content")].toString();
            if (text.isEmpty()) {
                fail(exchange,
                     Error::unavailable(QStringLiteral("malformed answer from the provider: no message content")));
                return;
            }
            push(exchange, text);
        } else if (!exchange.sawDone) {
            fail(exchange, Error::unavailable(QStringLiteral("the provider's stream ended before [DONE]")));
            return;
        }
        exchange.settled = true;
        const std::lock_guard locker(exchange.mutex);
        exchange.finished = true;
        exchange.changed.notify_all();
    }

    static void push(Exchange &exchange, const QString &token)
    {
        const std::lock_guard locker(exchange.mutex);
        exchange.tokens.append(token);
        exchange.changed.notify_all();
    }

    static void fail(Exchange &exchange, Error error)
    {
        if (exchange.settled)
            return;
        exchange.settled = true;
        {
            const std::lock_guard locker(exchange.mutex);
            exchange.finished = true;
            exchange.error = std::move(error);
            exchange.changed.notify_all();
        }
        abort(exchange); // finished() follows and finds the exchange settled
    }

    const QUrl m_url;
    const QByteArray m_apiKey;
    static constexpr int kConnectionsPerManager = 6; // Qt's limit per host

    struct Network
    {
        QNetworkAccessManager *manager = nullptr; // made on the network thread, where it must live
        int active = 0; // requests not finished
    };
    std::vector<Network> m_networks; // never resized: replies refer to their entry
};

OpenAiProvider::OpenAiProvider(const ChatSettings &settings)
    : m_url(settings.baseUrl + QStringLiteral("/chat/completions"))
    , m_model(settings.model)
    , m_apiKey(settings.apiKey)
    , m_firstByteTimeoutMs(settings.firstByteTimeoutMs)
    , m_totalTimeoutMs(std::max(settings.totalTimeoutMs, settings.firstByteTimeoutMs))
    , m_worker(new Worker(m_url, m_apiKey, settings.maxStreams))
{
    m_thread.setObjectName(QStringLiteral("llm-client"));
    m_worker->moveToThread(&m_thread);
    QObject::connect(&m_thread, &QThread::finished, m_worker, &QObject::deleteLater);
    m_thread.start();
}

OpenAiProvider::~OpenAiProvider()
{
    m_thread.quit();
    m_thread.wait();
}

void OpenAiProvider::cancel(const std::shared_ptr<Exchange> &exchange)
{
    // The caller has stopped listening; whatever the network thread reports after the abort goes nowhere.
    QMetaObject::invokeMethod(
        m_worker, [exchange] { Worker::abort(*exchange); }, Qt::QueuedConnection);
}

Status OpenAiProvider::generate(const ChatRequest &request, const TokenSink &onToken)
{
    auto exchange = std::make_shared<Exchange>();
    const QByteArray body = QJsonDocument(requestBody(request, m_model)).toJson(QJsonDocument::Compact);
    Worker *worker = m_worker;
    QMetaObject::invokeMethod(
        m_worker, [worker, exchange, body] { worker->start(exchange, body); }, Qt::QueuedConnection);

    const QDeadlineTimer firstByte(m_firstByteTimeoutMs);
    const QDeadlineTimer total(m_totalTimeoutMs);
    for (;;) {
        QStringList batch;
        bool finished = false;
        bool responded = false;
        std::optional<Error> error;
        {
            std::unique_lock locker(exchange->mutex);
            for (;;) {
                responded = exchange->responded;
                if (!exchange->tokens.isEmpty() || exchange->finished)
                    break;
                const QDeadlineTimer &deadline
                    = responded || total.deadlineNSecs() < firstByte.deadlineNSecs() ? total : firstByte;
                if (deadline.hasExpired())
                    break;
                exchange->changed.wait_for(locker, std::chrono::nanoseconds(deadline.remainingTimeNSecs()));
            }
            batch.swap(exchange->tokens);
            finished = exchange->finished;
            error = exchange->error;
        }
        for (const QString &token : std::as_const(batch)) {
            if (!onToken(token)) {
                cancel(exchange);
                return {};
            }
        }
        if (finished) {
            if (error)
                return *error;
            return {};
        }
        if (batch.isEmpty() || total.hasExpired()) { // a deadline passed
            cancel(exchange);
            return Error::unavailable(
                responded ? QStringLiteral("the provider did not finish within %1 ms").arg(m_totalTimeoutMs)
                          : QStringLiteral("the provider did not answer within %1 ms").arg(m_firstByteTimeoutMs));
        }
    }
}

QJsonObject OpenAiProvider::requestBody(const ChatRequest &request, const QString &model)
{
    const QString twin = request.twinName.isEmpty() ? QStringLiteral("a digital twin") : request.twinName;
    QString system = QStringLiteral("You are %1").arg(twin);
    if (!request.twinDescription.trimmed().isEmpty())
        system += QStringLiteral(" (%1)").arg(request.twinDescription.trimmed());
    system += QStringLiteral(
                  ". Answer the user's question using only the numbered passages below, which come from %1's "
                  "approved sources. After each statement, cite the passage it comes from with its marker, e.g. [1]. "
                  "If the passages do not answer the question, say plainly that you don't know that yet and that a "
                  "source covering it should be added. Be concise.")
                  .arg(twin);
    const QString instructions = request.twinSettings.value(QStringLiteral("instructions")).toString().trimmed();
    if (!instructions.isEmpty())
        system += QStringLiteral("\n\n") + instructions;
    system += QStringLiteral("\n\nPassages:");
    if (request.passages.isEmpty())
        system += QStringLiteral("\n(none: no approved source matches the question)");
    for (qsizetype i = 0; i < request.passages.size(); ++i) {
        const Passage &passage = request.passages.at(i);
        system += QStringLiteral("\n[%1] (%2) %3").arg(i + 1).arg(passage.filename, passage.text.simplified());
    }

    QJsonArray messages{
        QJsonObject{{QStringLiteral("role"), QStringLiteral("system")}, {QStringLiteral("content"), system}}};
    for (const ChatHistoryMessage &message : request.history)
        messages.append(
            QJsonObject{{QStringLiteral("role"), message.role}, {QStringLiteral("content"), message.content}});
    messages.append(
        QJsonObject{{QStringLiteral("role"), QStringLiteral("user")}, {QStringLiteral("content"), request.question}});

    QJsonObject body{
        {QStringLiteral("model"), model}, {QStringLiteral("stream"), true}, {QStringLiteral("messages"), messages}};
    const QJsonValue temperature = request.twinSettings.value(QStringLiteral("temperature"));
    if (temperature.isDouble() && temperature.toDouble() >= 0 && temperature.toDouble() <= 2)
        body.insert(QStringLiteral("temperature"), temperature.toDouble());
    return body;
}

} // namespace twinops
