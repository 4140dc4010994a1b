#pragma once

#include "checks/check.h"

namespace twinops {

// The runbook's post-deployment smoke tests, run over HTTP against env.baseUrl. Each one is independent: it signs
// up its own throwaway tenants ("smoke-<uuid>@example.invalid"), and afterwards deletes the twins it created,
// logs its sessions out and, when env.adminApiKey is set, deletes those tenants (DELETE /api/v1/admin/tenants/{id}).
// A cleanup problem turns a pass into a warn and is appended to a failure, never replacing it.
//
// The message names the first step that failed and what came back; the evidence lists every step with its
// status and elapsed time. Neither ever contains a token, password or API key.
//
// They block (a local event loop per request), so run them off the GUI thread.

// GET /health is 200 with status "ok" within env.requestTimeoutMs; evidence: version, instance, latency_ms.
CheckResult checkHealth(const TargetEnvironment &env);

// Sign up, log in, the access token is accepted (/auth/me), refresh: the rotated refresh token works and the one
// it replaced is refused with 401.
CheckResult smokeAuth(const TargetEnvironment &env);

// Create a twin; the owner's list shows it and nothing foreign, a second tenant's list does not show it; get it
// by id; the second tenant gets 404 for it.
CheckResult smokeTwins(const TargetEnvironment &env);

// Upload a source, list the twin's sources, another tenant gets 404 on get/approve/health and the twin's source
// list, approve it (202 with a job), read its health.
CheckResult smokeSources(const TargetEnvironment &env);

// Approve a source with known facts and wait until it is indexed, chat (JSON), the graph_extraction job is
// listed among the tenant's jobs and completes, the twin's graph has nodes and edges. `jobTimeoutMs` bounds
// each wait for a job; a job that does not finish in time fails the check with a hint that no worker may be
// running.
CheckResult smokeChatGraph(const TargetEnvironment &env, int jobTimeoutMs = 30'000);

// Chat once, list the twin's conversations, read the conversation's messages; another tenant gets 404 for both.
CheckResult smokeConversations(const TargetEnvironment &env);

} // namespace twinops
