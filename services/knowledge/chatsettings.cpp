#include "knowledge/chatsettings.h"

#include "auth/secretstore.h"
#include "core/environment.h"

#include <QUrl>

Q_LOGGING_CATEGORY(lcChat, "twinops.chat", QtInfoMsg)

namespace twinops {

namespace {

// A positive number of seconds (fractions allowed, so tests can ask for 0.3) as milliseconds.
Result<int> secondsVariable(const char *name, int fallbackMs)
{
    const QString text = environmentValue(name).trimmed();
    if (text.isEmpty())
        return fallbackMs;
    bool ok = false;
    const double seconds = text.toDouble(&ok);
    if (!ok || seconds <= 0 || seconds > 3600)
        return Error::badRequest(
            QStringLiteral("%1 must be a number of seconds from 0 to 3600").arg(QLatin1String(name)));
    return int(seconds * 1000);
}

} // namespace

const QString ChatSettings::kDefaultBaseUrl = QStringLiteral("https://api.openai.com/v1");
const QString ChatSettings::kDefaultModel = QStringLiteral("gpt-4o-mini");
const QString ChatSettings::kApiKeySecret = QStringLiteral("llm-api-key");

QString chatProviderName(ChatSettings::Provider provider)
{
    return provider == ChatSettings::Provider::OpenAi ? QStringLiteral("openai") : QStringLiteral("grounded");
}

Result<ChatSettings> ChatSettings::fromEnvironment(SecretStore *secrets)
{
    ChatSettings settings;
    settings.baseUrl = environmentValue("TWINOPS_LLM_BASE_URL").trimmed();
    while (settings.baseUrl.endsWith(u'/'))
        settings.baseUrl.chop(1);
    const QString provider = environmentValue("TWINOPS_LLM_PROVIDER").trimmed().toLower();
    if (provider.isEmpty())
        settings.provider = settings.baseUrl.isEmpty() ? Provider::Grounded : Provider::OpenAi;
    else if (provider == QLatin1String("grounded"))
        settings.provider = Provider::Grounded;
    else if (provider == QLatin1String("openai"))
        settings.provider = Provider::OpenAi;
    else
        return Error::badRequest(QStringLiteral("TWINOPS_LLM_PROVIDER must be grounded or openai"));
    if (settings.provider == Provider::Grounded)
        return forProvider(Provider::Grounded, {}, {}, secrets);
    const QString baseUrl = settings.baseUrl.isEmpty() ? kDefaultBaseUrl : settings.baseUrl;
    if (!isHttpUrl(baseUrl))
        return Error::badRequest(QStringLiteral("TWINOPS_LLM_BASE_URL must be an http or https URL"));
    return forProvider(settings.provider, baseUrl, environmentValue("TWINOPS_LLM_MODEL"), secrets);
}

bool ChatSettings::isHttpUrl(const QString &text)
{
    const QUrl url(text, QUrl::StrictMode);
    return url.isValid() && (url.scheme() == QLatin1String("http") || url.scheme() == QLatin1String("https"))
        && !url.host().isEmpty();
}

Result<ChatSettings> ChatSettings::forProvider(Provider provider, const QString &baseUrl, const QString &model,
                                               SecretStore *secrets)
{
    ChatSettings settings;
    settings.provider = provider;
    TWINOPS_TRY_ASSIGN(settings.maxStreams,
                       integerFromEnvironment("TWINOPS_CHAT_MAX_STREAMS", settings.maxStreams, 1, 1024));
    TWINOPS_TRY_ASSIGN(
        settings.maxStreamsPerTenant,
        integerFromEnvironment("TWINOPS_CHAT_MAX_STREAMS_PER_TENANT", settings.maxStreamsPerTenant, 1, 1024));
    TWINOPS_TRY_ASSIGN(
        settings.maxStreamsPerShareLink,
        integerFromEnvironment("TWINOPS_CHAT_MAX_STREAMS_PER_LINK", settings.maxStreamsPerShareLink, 1, 1024));
    if (provider == Provider::Grounded)
        return settings;
    settings.baseUrl = baseUrl.trimmed().isEmpty() ? kDefaultBaseUrl : baseUrl.trimmed();
    while (settings.baseUrl.endsWith(u'/'))
        settings.baseUrl.chop(1);
    settings.model = model.trimmed().isEmpty() ? kDefaultModel : model.trimmed();
    settings.apiKey = environmentValue("TWINOPS_LLM_API_KEY").trimmed().toUtf8();
    if (settings.apiKey.isEmpty() && secrets) {
        auto stored = secrets->read(kApiKeySecret);
        if (stored.ok())
            settings.apiKey = stored->trimmed();
        else if (stored.error().code != ErrorCode::NotFound)
            qCWarning(lcChat).noquote() << "cannot read the LLM API key from" << secrets->description() << ":"
                                        << stored.error().message;
    }
    TWINOPS_TRY_ASSIGN(const auto firstByte,
                       secondsVariable("TWINOPS_LLM_FIRST_BYTE_TIMEOUT", settings.firstByteTimeoutMs));
    TWINOPS_TRY_ASSIGN(const auto total, secondsVariable("TWINOPS_LLM_TIMEOUT", settings.totalTimeoutMs));
    settings.firstByteTimeoutMs = firstByte;
    settings.totalTimeoutMs = std::max(total, firstByte);
    return settings;
}

QString ChatSettings::description() const
{
    if (provider == Provider::Grounded)
        return QStringLiteral("grounded (built in, offline)");
    return QStringLiteral("openai-compatible, model %1 at %2%3")
        .arg(model, QUrl(baseUrl).toString(QUrl::RemoveUserInfo),
             apiKey.isEmpty() ? QStringLiteral(", no API key") : QString());
}

} // namespace twinops
