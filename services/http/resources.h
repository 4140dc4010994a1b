#pragma once

#include "auth/apikeyrepository.h"
#include "auth/sharelinkrepository.h"
#include "http/jsonio.h"
#include "jobs/job.h"
#include "knowledge/source.h"
#include "tenancy/tenancy.h"

namespace twinops {

// The JSON shape of each resource, as resources/api/openapi.json names its fields. Secrets and hashes never appear
// here.
JsonObjectWriter tenantJson(const Tenant &tenant);
JsonObjectWriter userJson(const User &user);
JsonObjectWriter twinJson(const Twin &twin);
JsonObjectWriter sourceJson(const Source &source);
JsonObjectWriter sourceHealthJson(const Source &source);
JsonObjectWriter apiKeyJson(const ApiKey &key);
JsonObjectWriter shareLinkJson(const ShareLink &link);
JsonObjectWriter jobJson(const Job &job);

} // namespace twinops
