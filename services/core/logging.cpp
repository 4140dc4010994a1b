#include "core/logging.h"

Q_LOGGING_CATEGORY(lcStorage, "twinops.storage", QtInfoMsg)
Q_LOGGING_CATEGORY(lcMigrations, "twinops.migrations", QtInfoMsg)
Q_LOGGING_CATEGORY(lcTenancy, "twinops.tenancy", QtInfoMsg)
Q_LOGGING_CATEGORY(lcCore, "twinops.core", QtInfoMsg)
Q_LOGGING_CATEGORY(lcHttp, "twinops.http", QtInfoMsg)
Q_LOGGING_CATEGORY(lcAuth, "twinops.auth", QtInfoMsg)
Q_LOGGING_CATEGORY(lcJobs, "twinops.jobs", QtInfoMsg)
Q_LOGGING_CATEGORY(lcChecks, "twinops.checks", QtInfoMsg)
