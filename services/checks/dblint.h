#pragma once

#include "checks/check.h"
#include "core/result.h"

#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

namespace twinops {

class Database;

// One problem the database lint found. `rule` is a stable id (reports and tests key on it); `object` names the
// database object as a person would type it in SQL ("public.job_queue_stats()", "public.jobs",
// "public.chunks.chunks_source_id_fkey" for a constraint).
struct LintFinding
{
    QString level; // "error" or "warning"
    QString rule;
    QString title;
    QString object;
    QString detail;
    QString remediation; // SQL or a sentence an operator can act on

    QJsonObject toJson() const;
};

// Lints a PostgreSQL database against the runbook's P0-C hardening and our schema conventions, reading only the
// system catalogs: it opens no transaction and writes nothing, so it is safe against production (it also works on
// a connection with default_transaction_read_only). Objects that belong to extensions are not ours and are skipped.
//
// Rules: definer-search-path (error), definer-search-path-not-empty (warning), definer-public-execute (error),
// tenant-table-no-index (warning), rls-disabled (warning, only when a client role exists), missing-primary-key
// (error), unindexed-foreign-key (warning).
//
// `clientRoles` are the roles through which end users reach the database directly (Supabase's anon and
// authenticated); the rules about exposure look at them only if they exist on the server.
Result<QList<LintFinding>> lintPostgres(Database &db, const QStringList &schemas = {QStringLiteral("public")},
                                        const QStringList &clientRoles
                                        = {QStringLiteral("anon"), QStringLiteral("authenticated")});

// Fail if any finding is an error, Warn if there are only warnings, Pass if none; Fail when the lint could not run.
CheckResult lintCheckResult(const Result<QList<LintFinding>> &findings);

} // namespace twinops
