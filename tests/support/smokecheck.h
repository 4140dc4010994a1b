#pragma once

#include "checks/smoketests.h"

#include <QString>

namespace twinops::test {

// One of the runbook's smoke checks by its checklist name (health, auth, twins, sources, chat-graph, conversations).
inline CheckResult runSmokeCheck(const QString &name, const TargetEnvironment &env, int jobTimeoutMs)
{
    if (name == QLatin1String("health"))
        return checkHealth(env);
    if (name == QLatin1String("auth"))
        return smokeAuth(env);
    if (name == QLatin1String("twins"))
        return smokeTwins(env);
    if (name == QLatin1String("sources"))
        return smokeSources(env);
    if (name == QLatin1String("chat-graph"))
        return smokeChatGraph(env, jobTimeoutMs);
    if (name == QLatin1String("conversations"))
        return smokeConversations(env);
    qFatal("unknown smoke check %s", qPrintable(name));
}

} // namespace twinops::test
