#pragma once

#include "http/httpendpoint.h"
#include "servicecore.h"

#include <chrono>
#include <memory>

namespace twinops::app {

// <app-data>/secrets (applicationDataDirectory()): where the daemon keeps its generated signing secret.
QString secretsDirectory();

// What `serve` runs, and `check` without a target: the core, its workers and the HTTP API, with the daemon's
// password cost and signing secret.
Result<std::unique_ptr<ServiceCore>> startServing(const DatabaseUrl &url, const EndpointOptions &http, int workers,
                                                  std::chrono::seconds lease);

} // namespace twinops::app
