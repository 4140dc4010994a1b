// The shipped OpenAPI description against the real router: the same (method, path) pairs, unique operation
// ids, a success response each, `security: []` exactly on the public routes, every path parameter declared,
// errors in the one Error shape, and the document served unchanged at /api/v1/openapi.json.
#include "apiharness.h"
#include "http/routes.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QSet>
#include <QTest>

#include <algorithm>

using namespace twinops;

namespace {

const QStringList kMethods{QStringLiteral("get"),    QStringLiteral("put"),     QStringLiteral("post"),
                           QStringLiteral("delete"), QStringLiteral("options"), QStringLiteral("head"),
                           QStringLiteral("patch"),  QStringLiteral("trace")};

QString routeKey(const QString &method, const QString &path)
{
    return method.toUpper() + u' ' + path;
}

QString sortedList(const QSet<QString> &set)
{
    QStringList list(set.cbegin(), set.cend());
    std::sort(list.begin(), list.end());
    return list.join(QStringLiteral(", "));
}

} // namespace

class TestOpenApi final : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase();
    void pathsAndMethodsAreExactlyTheRoutes();
    void operationIdsAreUnique();
    void everyOperationHasASuccessResponse();
    void securityIsEmptyExactlyOnPublicRoutes();
    void everyPathParameterIsDeclared();
    void errorResponsesUseTheErrorSchema();
    void busyAnswersAreDocumentedOnPooledRoutes();
    void documentIsServed();

private:
    struct Operation
    {
        QString method; // lower case, as in the document
        QString path;
        QJsonObject pathItem;
        QJsonObject operation;
    };
    QList<Operation> operations() const;
    // Follows a local "#/components/…" reference; anything else is returned as it is.
    QJsonObject resolved(const QJsonObject &object) const;

    Router m_router;
    QJsonObject m_document;
};

void TestOpenApi::initTestCase()
{
    registerRoutes(m_router);
    QVERIFY(!m_router.routes().isEmpty());
    const QJsonDocument document = openApiDocument(m_router);
    QVERIFY2(document.isObject(), "the embedded :/api/openapi.json is missing or not a JSON object");
    m_document = document.object();
    QCOMPARE(m_document.value(QStringLiteral("openapi")).toString(), QStringLiteral("3.0.3"));
    QVERIFY(m_document.value(QStringLiteral("paths")).isObject());
}

QList<TestOpenApi::Operation> TestOpenApi::operations() const
{
    QList<Operation> list;
    const QJsonObject paths = m_document.value(QStringLiteral("paths")).toObject();
    for (auto path = paths.constBegin(); path != paths.constEnd(); ++path) {
        const QJsonObject item = path.value().toObject();
        for (auto entry = item.constBegin(); entry != item.constEnd(); ++entry) {
            if (kMethods.contains(entry.key()))
                list.append({entry.key(), path.key(), item, entry.value().toObject()});
        }
    }
    return list;
}

QJsonObject TestOpenApi::resolved(const QJsonObject &object) const
{
    const QString ref = object.value(QStringLiteral("$ref")).toString();
    if (!ref.startsWith(QLatin1String("#/")))
        return object;
    QJsonValue value = m_document;
    for (const QString &part : ref.mid(2).split(u'/'))
        value = value.toObject().value(part);
    return value.toObject();
}

void TestOpenApi::pathsAndMethodsAreExactlyTheRoutes()
{
    QSet<QString> registered;
    for (const RouteSpec &route : m_router.routes())
        registered.insert(routeKey(QString::fromLatin1(route.method), route.pattern));
    QCOMPARE(registered.size(), m_router.routes().size()); // no route registered twice

    QSet<QString> documented;
    const QJsonObject paths = m_document.value(QStringLiteral("paths")).toObject();
    for (auto path = paths.constBegin(); path != paths.constEnd(); ++path) {
        const QJsonObject item = path.value().toObject();
        for (auto entry = item.constBegin(); entry != item.constEnd(); ++entry) {
            // OpenAPI keys operations by lower-case method; anything else must be a known path-item field.
            if (kMethods.contains(entry.key()))
                documented.insert(routeKey(entry.key(), path.key()));
            else
                QVERIFY2(entry.key() == QLatin1String("parameters") || entry.key() == QLatin1String("summary")
                             || entry.key() == QLatin1String("description") || entry.key().startsWith(u'x'),
                         qPrintable(QStringLiteral("%1: unexpected key \"%2\"").arg(path.key(), entry.key())));
        }
    }

    const QSet<QString> undocumented = registered - documented;
    const QSet<QString> unregistered = documented - registered;
    QVERIFY2(undocumented.isEmpty() && unregistered.isEmpty(),
             qPrintable(QStringLiteral("routes missing from openapi.json: [%1]; operations in openapi.json that no "
                                       "route serves: [%2]")
                            .arg(sortedList(undocumented), sortedList(unregistered))));
}

void TestOpenApi::operationIdsAreUnique()
{
    QHash<QString, QString> seen; // operationId -> route
    for (const Operation &op : operations()) {
        const QString where = routeKey(op.method, op.path);
        const QString id = op.operation.value(QStringLiteral("operationId")).toString();
        QVERIFY2(!id.isEmpty(), qPrintable(where + QStringLiteral(": no operationId")));
        QVERIFY2(!seen.contains(id),
                 qPrintable(QStringLiteral("operationId \"%1\" is used by %2 and %3").arg(id, seen.value(id), where)));
        seen.insert(id, where);
    }
    QCOMPARE(seen.size(), m_router.routes().size());
}

void TestOpenApi::everyOperationHasASuccessResponse()
{
    for (const Operation &op : operations()) {
        const QJsonObject responses = op.operation.value(QStringLiteral("responses")).toObject();
        const QStringList statuses = responses.keys();
        const bool hasSuccess = std::any_of(statuses.cbegin(), statuses.cend(),
                                            [](const QString &status) { return status.startsWith(u'2'); });
        QVERIFY2(hasSuccess, qPrintable(routeKey(op.method, op.path) + QStringLiteral(": no 2xx response")));
    }
}

// A route that runs on a pool can be answered 503 when the pool is full; a chat also 429 for its tenant's or link's
// limit on answers generated at once.
void TestOpenApi::busyAnswersAreDocumentedOnPooledRoutes()
{
    const QJsonObject paths = m_document.value(QStringLiteral("paths")).toObject();
    for (const RouteSpec &route : m_router.routes()) {
        if (route.lane == Lane::Inline)
            continue;
        const QString method = QString::fromLatin1(route.method).toLower();
        const QJsonObject responses = paths.value(route.pattern)
                                          .toObject()
                                          .value(method)
                                          .toObject()
                                          .value(QStringLiteral("responses"))
                                          .toObject();
        const QString key = routeKey(method, route.pattern);
        QVERIFY2(responses.contains(QStringLiteral("503")), qPrintable(key + QStringLiteral(": no 503 response")));
        if (route.lane == Lane::Chat)
            QVERIFY2(responses.contains(QStringLiteral("429")), qPrintable(key + QStringLiteral(": no 429 response")));
    }
}

void TestOpenApi::securityIsEmptyExactlyOnPublicRoutes()
{
    const QJsonArray globalSecurity = m_document.value(QStringLiteral("security")).toArray();
    QHash<QString, QJsonObject> byRoute;
    for (const Operation &op : operations())
        byRoute.insert(routeKey(op.method, op.path), op.operation);

    for (const RouteSpec &route : m_router.routes()) {
        const QString key = routeKey(QString::fromLatin1(route.method), route.pattern);
        if (!byRoute.contains(key))
            continue; // reported by pathsAndMethodsAreExactlyTheRoutes
        const QJsonObject operation = byRoute.value(key);
        const QJsonValue security = operation.value(QStringLiteral("security"));
        if (route.access.kind == Access::Kind::Public) {
            QVERIFY2(security.isArray() && security.toArray().isEmpty(),
                     qPrintable(key + QStringLiteral(": a public route must say \"security\": []")));
        } else {
            // Either its own requirement or the document's default; never none.
            const QJsonArray effective = security.isUndefined() ? globalSecurity : security.toArray();
            QVERIFY2(!effective.isEmpty(), qPrintable(key + QStringLiteral(": needs credentials but documents none")));
        }
    }
}

void TestOpenApi::everyPathParameterIsDeclared()
{
    static const QRegularExpression templateParam(QStringLiteral("\\{([^}/]+)\\}"));
    for (const Operation &op : operations()) {
        const QString where = routeKey(op.method, op.path);
        QSet<QString> inTemplate;
        for (const QRegularExpressionMatch &match : templateParam.globalMatch(op.path))
            inTemplate.insert(match.captured(1));

        QSet<QString> declared;
        QJsonArray parameters = op.pathItem.value(QStringLiteral("parameters")).toArray();
        for (const QJsonValue &value : op.operation.value(QStringLiteral("parameters")).toArray())
            parameters.append(value);
        for (const QJsonValue &value : parameters) {
            const QJsonObject parameter = resolved(value.toObject());
            QVERIFY2(!parameter.isEmpty(), qPrintable(where + QStringLiteral(": unresolvable parameter")));
            if (parameter.value(QStringLiteral("in")).toString() != QLatin1String("path"))
                continue;
            const QString name = parameter.value(QStringLiteral("name")).toString();
            QVERIFY2(parameter.value(QStringLiteral("required")).toBool(),
                     qPrintable(QStringLiteral("%1: path parameter %2 must be required").arg(where, name)));
            declared.insert(name);
        }
        QVERIFY2(declared == inTemplate,
                 qPrintable(QStringLiteral("%1: path parameters in the template [%2], declared [%3]")
                                .arg(where, sortedList(inTemplate), sortedList(declared))));
    }
}

void TestOpenApi::errorResponsesUseTheErrorSchema()
{
    const QString errorRef = QStringLiteral("#/components/schemas/Error");
    QVERIFY(m_document.value(QStringLiteral("components"))
                .toObject()
                .value(QStringLiteral("schemas"))
                .toObject()
                .contains(QStringLiteral("Error")));
    for (const Operation &op : operations()) {
        const QJsonObject responses = op.operation.value(QStringLiteral("responses")).toObject();
        for (auto entry = responses.constBegin(); entry != responses.constEnd(); ++entry) {
            const QString where = routeKey(op.method, op.path) + u' ' + entry.key();
            // /health answers 503 with its own report, not an error body.
            if (!entry.key().startsWith(u'4') && !(entry.key().startsWith(u'5') && op.path != QLatin1String("/health")))
                continue;
            const QJsonObject response = resolved(entry.value().toObject());
            const QString schemaRef = response.value(QStringLiteral("content"))
                                          .toObject()
                                          .value(QStringLiteral("application/json"))
                                          .toObject()
                                          .value(QStringLiteral("schema"))
                                          .toObject()
                                          .value(QStringLiteral("$ref"))
                                          .toString();
            QVERIFY2(schemaRef == errorRef, qPrintable(where + QStringLiteral(": not the shared Error schema")));
            const QJsonObject headers = response.value(QStringLiteral("headers")).toObject();
            if (entry.key() == QLatin1String("401"))
                QVERIFY2(headers.contains(QStringLiteral("WWW-Authenticate")), qPrintable(where));
            if (entry.key() == QLatin1String("429"))
                QVERIFY2(headers.contains(QStringLiteral("Retry-After")), qPrintable(where));
        }
    }
}

void TestOpenApi::documentIsServed()
{
    auto api = twinops::test::ApiHarness::create(twinops::Dialect::Sqlite);
    QVERIFY(api);
    const auto reply = api->call("GET", QStringLiteral("/api/v1/openapi.json"));
    QCOMPARE(reply.status, 200);
    QVERIFY2(reply.json == m_document, "the served document differs from resources/api/openapi.json");
}

QTEST_GUILESS_MAIN(TestOpenApi)
#include "tst_openapi.moc"
