#pragma once

#include "auth/apikeyrepository.h"
#include "auth/sharelinkrepository.h"
#include "jobs/job.h"
#include "knowledge/source.h"
#include "tenancy/tenancy.h"

#include <QJsonObject>

namespace twinops {

// The JSON shape of each resource, as API.md names its fields. Secrets and hashes never appear here.
QJsonObject tenantJson(const Tenant &tenant);
QJsonObject userJson(const User &user);
QJsonObject twinJson(const Twin &twin);
QJsonObject sourceJson(const Source &source);
QJsonObject sourceHealthJson(const Source &source);
QJsonObject apiKeyJson(const ApiKey &key);
QJsonObject shareLinkJson(const ShareLink &link);
QJsonObject jobJson(const Job &job);

} // namespace twinops
