#pragma once

#include "http/httpendpoint.h"
#include "servicecore.h"

#include <QStringList>

#include <chrono>
#include <memory>

namespace twinops {
class SecretStore;
}

namespace twinops::app {

// <app-data>/secrets (applicationDataDirectory()): where the daemon keeps its generated signing secret.
QString secretsDirectory();

// What `serve` runs, and `check` without a target: the core, its workers and the HTTP API, with the daemon's
// password cost and signing secret, and alert notifications sent to `alertWebhooks` (--alert-webhook URLs).
Result<std::unique_ptr<ServiceCore>> startServing(const DatabaseUrl &url, const EndpointOptions &http, int workers,
                                                  std::chrono::seconds lease, const QStringList &alertWebhooks = {});

// The receivers of `--alert-webhook URL`s: Alertmanager's format, every severity, signed with
// TWINOPS_ALERT_WEBHOOK_SECRET, else the secret generated once and kept in <app-data>/secrets/.
Result<WebhookSettings> alertWebhookSettings(const QStringList &urls, SecretStore &secrets);

} // namespace twinops::app
