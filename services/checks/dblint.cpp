#include "checks/dblint.h"

#include "storage/database.h"

#include <QJsonArray>
#include <QJsonDocument>

#include <algorithm>

namespace twinops {

namespace {

const QString kError = QStringLiteral("error");
const QString kWarning = QStringLiteral("warning");

// Lists travel as one JSON parameter: the driver binds scalars only, and a JSON array survives names that contain
// commas or quotes, which a joined string would not.
QString jsonList(const QStringList &values)
{
    return QString::fromUtf8(QJsonDocument(QJsonArray::fromStringList(values)).toJson(QJsonDocument::Compact));
}

// Shared SQL fragments. Every catalog reference is schema-qualified so that a hostile search_path on the target
// cannot redirect the lint's own queries. $1 is always the JSON list of schemas.
const QString kInSchemas = QStringLiteral("n.nspname IN (SELECT pg_catalog.jsonb_array_elements_text($1::jsonb))");
const QString kTableName
    = QStringLiteral("pg_catalog.quote_ident(n.nspname) || '.' || pg_catalog.quote_ident(c.relname)");
const QString kNotExtensionTable = QStringLiteral(
    "NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d WHERE d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass "
    "AND d.objid = c.oid AND d.deptype = 'e')");

QString joined(const QString &commaSeparated)
{
    return commaSeparated.split(u',', Qt::SkipEmptyParts).join(QStringLiteral(", "));
}

Status lintDefinerFunctions(Database &db, const QString &schemas, const QString &clientRoles,
                            QList<LintFinding> *findings)
{
    // proconfig holds the function's SET clauses as 'name=value' (SET search_path = '' is stored as
    // search_path=""). Reading it is exact, where matching pg_get_functiondef's text is not: the definition renders
    // the clause as SET search_path TO '', so the runbook's LIKE '%SET search_path = ''%' never matches and its
    // NOT LIKE query lists hardened and unhardened functions alike.
    // PUBLIC is grantee 0 in an ACL; a NULL proacl means the default ACL, which grants EXECUTE to PUBLIC.
    // For client roles the effective privilege counts (direct, through PUBLIC or through membership).
    TWINOPS_TRY_ASSIGN(
        const auto rows,
        db.query(QStringLiteral(
                     "SELECT pg_catalog.quote_ident(n.nspname) || '.' || pg_catalog.quote_ident(p.proname) || '(' || "
                     "       pg_catalog.pg_get_function_identity_arguments(p.oid) || ')', "
                     "       (SELECT pg_catalog.substr(s, 13) FROM pg_catalog.unnest(p.proconfig) AS s "
                     "         WHERE pg_catalog.starts_with(s, 'search_path=') LIMIT 1), "
                     "       EXISTS (SELECT 1 FROM pg_catalog.aclexplode(COALESCE(p.proacl, "
                     "                             pg_catalog.acldefault('f', p.proowner))) AS a "
                     "                WHERE a.grantee = 0 AND a.privilege_type = 'EXECUTE'), "
                     "       (SELECT pg_catalog.string_agg(pg_catalog.quote_ident(r.rolname), ',' ORDER BY r.rolname) "
                     "          FROM pg_catalog.pg_roles AS r "
                     "         WHERE r.rolname IN (SELECT pg_catalog.jsonb_array_elements_text($2::jsonb)) "
                     "           AND pg_catalog.has_function_privilege(r.oid, p.oid, 'EXECUTE')), "
                     "       CASE p.prokind WHEN 'p' THEN 'PROCEDURE' ELSE 'FUNCTION' END "
                     "  FROM pg_catalog.pg_proc AS p JOIN pg_catalog.pg_namespace AS n ON n.oid = p.pronamespace "
                     " WHERE p.prosecdef AND %1 "
                     "   AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d "
                     "                    WHERE d.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass "
                     "                      AND d.objid = p.oid AND d.deptype = 'e') "
                     " ORDER BY 1")
                     .arg(kInSchemas),
                 {schemas, clientRoles}));

    for (const Row row : rows) {
        const QString object = row.text(0);
        const QString kind = row.text(4);
        if (row.isNull(1)) {
            findings->append({kError, QStringLiteral("definer-search-path"),
                              QStringLiteral("SECURITY DEFINER function without a pinned search_path"), object,
                              QStringLiteral("%1 runs with its owner's privileges but resolves unqualified names "
                                             "through the caller's search_path, so a caller who can create objects "
                                             "in any schema on that path can make it run their code.")
                                  .arg(object),
                              QStringLiteral("ALTER %1 %2 SET search_path = ''; and schema-qualify every table "
                                             "and function it references (runbook P0-C).")
                                  .arg(kind, object)});
        } else if (const QString path = row.text(1); path != QLatin1String("\"\"") && !path.isEmpty()) {
            findings->append({kWarning, QStringLiteral("definer-search-path-not-empty"),
                              QStringLiteral("SECURITY DEFINER function with a non-empty search_path"), object,
                              QStringLiteral("%1 pins search_path = %2; every schema on it must be writable "
                                             "only by trusted roles, and pg_temp is still searched first for "
                                             "tables unless listed.")
                                  .arg(object, path),
                              QStringLiteral("ALTER %1 %2 SET search_path = ''; and schema-qualify every "
                                             "reference (runbook P0-C).")
                                  .arg(kind, object)});
        }

        QStringList grantees;
        if (row.boolean(2))
            grantees.append(QStringLiteral("PUBLIC"));
        if (!row.isNull(3))
            grantees.append(row.text(3).split(u','));
        if (!grantees.isEmpty()) {
            QStringList revokes;
            for (const QString &grantee : std::as_const(grantees))
                revokes.append(QStringLiteral("REVOKE EXECUTE ON %1 %2 FROM %3;").arg(kind, object, grantee));
            findings->append(
                {kError, QStringLiteral("definer-public-execute"),
                 QStringLiteral("SECURITY DEFINER function executable by PUBLIC or a client role"), object,
                 QStringLiteral("%1 runs with its owner's privileges and may be executed by %2%3.")
                     .arg(object, grantees.join(QStringLiteral(", ")),
                          row.boolean(2) ? QStringLiteral(" (PostgreSQL grants EXECUTE to PUBLIC by default)")
                                         : QString()),
                 revokes.join(u' ')
                     + QStringLiteral(" Then GRANT EXECUTE only to the roles that need it (runbook P0-C).")});
        }
    }
    return {};
}

Status lintMissingPrimaryKeys(Database &db, const QString &schemas, QList<LintFinding> *findings)
{
    TWINOPS_TRY_ASSIGN(const auto rows,
                       db.query(QStringLiteral("SELECT %1 FROM pg_catalog.pg_class AS c "
                                               "  JOIN pg_catalog.pg_namespace AS n ON n.oid = c.relnamespace "
                                               " WHERE c.relkind IN ('r', 'p') AND %2 AND %3 "
                                               "   AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_constraint AS k "
                                               "                    WHERE k.conrelid = c.oid AND k.contype = 'p') "
                                               " ORDER BY 1")
                                    .arg(kTableName, kInSchemas, kNotExtensionTable),
                                {schemas}));
    for (const Row row : rows) {
        const QString table = row.text(0);
        findings->append({kError, QStringLiteral("missing-primary-key"), QStringLiteral("Table without a primary key"),
                          table,
                          QStringLiteral("%1 has no primary key: rows cannot be addressed reliably, duplicates go "
                                         "unnoticed and logical replication cannot update or delete them.")
                              .arg(table),
                          QStringLiteral("ALTER TABLE %1 ADD PRIMARY KEY (…); choosing the column(s) that "
                                         "identify a row (add an id column if none do).")
                              .arg(table)});
    }
    return {};
}

// Tables that carry tenant data: an ordinary or partitioned table with a live tenant_id column.
const QString kTenantTables
    = QStringLiteral("FROM pg_catalog.pg_class AS c "
                     "  JOIN pg_catalog.pg_namespace AS n ON n.oid = c.relnamespace "
                     "  JOIN pg_catalog.pg_attribute AS t ON t.attrelid = c.oid AND t.attname = 'tenant_id' "
                     "                                    AND t.attnum > 0 AND NOT t.attisdropped "
                     " WHERE c.relkind IN ('r', 'p') AND %1 AND %2 ");

Status lintTenantIndexes(Database &db, const QString &schemas, QList<LintFinding> *findings)
{
    // Every tenant-scoped query filters on tenant_id first, so only an index led by it helps; a partial index
    // counts (tenant-scoped queries usually repeat its predicate), an invalid one (failed concurrent build) does not.
    TWINOPS_TRY_ASSIGN(const auto rows,
                       db.query(QStringLiteral("SELECT %1 ").arg(kTableName)
                                    + kTenantTables.arg(kInSchemas, kNotExtensionTable)
                                    + QStringLiteral("   AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_index AS i "
                                                     "                    WHERE i.indrelid = c.oid AND i.indisvalid "
                                                     "                      AND i.indkey[0] = t.attnum) "
                                                     " ORDER BY 1"),
                                {schemas}));
    for (const Row row : rows) {
        const QString table = row.text(0);
        findings->append({kWarning, QStringLiteral("tenant-table-no-index"),
                          QStringLiteral("Tenant table without an index led by tenant_id"), table,
                          QStringLiteral("%1 has a tenant_id column but no index whose first column is tenant_id, so "
                                         "every tenant-scoped query scans rows of all tenants.")
                              .arg(table),
                          QStringLiteral("CREATE INDEX ON %1 (tenant_id, …); with the columns the tenant's queries "
                                         "sort or filter by after tenant_id.")
                              .arg(table)});
    }
    return {};
}

Status lintRowLevelSecurity(Database &db, const QString &schemas, const QString &clientRoles,
                            QList<LintFinding> *findings)
{
    // Our service enforces tenancy in its own SQL (every query filters by the caller's tenant_id) and connects as a
    // role that owns the tables, so RLS would add nothing there. It matters when the database is also exposed to
    // client roles (Supabase's anon/authenticated reach tables through PostgREST): then RLS is the only tenant
    // boundary. Without such a role the rule would only produce noise, so it runs only when one exists.
    TWINOPS_TRY_ASSIGN(
        const auto roles,
        db.query(QStringLiteral("SELECT pg_catalog.string_agg(rolname, ',' ORDER BY rolname) "
                                "  FROM pg_catalog.pg_roles "
                                " WHERE rolname IN (SELECT pg_catalog.jsonb_array_elements_text($1::jsonb))"),
                 {clientRoles}));
    if (roles.isEmpty() || roles.first().isNull(0))
        return {};
    const QString existing = joined(roles.first().text(0));

    TWINOPS_TRY_ASSIGN(
        const auto rows,
        db.query(QStringLiteral(
                     "SELECT %1, "
                     "       (SELECT pg_catalog.string_agg(pg_catalog.quote_ident(r.rolname), ',' ORDER BY r.rolname) "
                     "          FROM pg_catalog.pg_roles AS r "
                     "         WHERE r.rolname IN (SELECT pg_catalog.jsonb_array_elements_text($2::jsonb)) "
                     "           AND pg_catalog.has_table_privilege(r.oid, c.oid, "
                     "                                              'SELECT, INSERT, UPDATE, DELETE')) ")
                         .arg(kTableName)
                     + kTenantTables.arg(kInSchemas, kNotExtensionTable)
                     + QStringLiteral("   AND NOT c.relrowsecurity ORDER BY 1"),
                 {schemas, clientRoles}));
    for (const Row row : rows) {
        const QString table = row.text(0);
        const QString privileged = row.isNull(1)
            ? QStringLiteral("none of them holds a privilege on it yet, but a later GRANT would expose every tenant")
            : QStringLiteral("%1 can already reach it").arg(joined(row.text(1)));
        findings->append({kWarning, QStringLiteral("rls-disabled"),
                          QStringLiteral("Row level security disabled on a tenant table"), table,
                          QStringLiteral("%1 holds tenant data and has row level security disabled while client roles "
                                         "exist (%2); %3.")
                              .arg(table, existing, privileged),
                          QStringLiteral("ALTER TABLE %1 ENABLE ROW LEVEL SECURITY; and add policies that restrict "
                                         "rows to the caller's tenant (or revoke the client roles' privileges).")
                              .arg(table)});
    }
    return {};
}

Status lintForeignKeyIndexes(Database &db, const QString &schemas, QList<LintFinding> *findings)
{
    // A foreign key needs an index on the referencing columns, or every delete or key update on the referenced
    // table scans the referencing one. The columns must lead the index in any order. Partial indexes do not count:
    // the referential check's query does not repeat their predicate. Constraints cloned onto partitions
    // (conparentid <> 0) are reported once, on the constraint they were cloned from.
    TWINOPS_TRY_ASSIGN(
        const auto rows,
        db.query(
            QStringLiteral(
                "SELECT %1, pg_catalog.quote_ident(k.conname), "
                "       (SELECT pg_catalog.string_agg(pg_catalog.quote_ident(a.attname), ', ' ORDER BY u.ord) "
                "          FROM pg_catalog.unnest(k.conkey) WITH ORDINALITY AS u(attnum, ord) "
                "          JOIN pg_catalog.pg_attribute AS a ON a.attrelid = k.conrelid AND a.attnum = u.attnum), "
                "       pg_catalog.quote_ident(fn.nspname) || '.' || pg_catalog.quote_ident(f.relname) "
                "  FROM pg_catalog.pg_constraint AS k "
                "  JOIN pg_catalog.pg_class AS c ON c.oid = k.conrelid "
                "  JOIN pg_catalog.pg_namespace AS n ON n.oid = c.relnamespace "
                "  JOIN pg_catalog.pg_class AS f ON f.oid = k.confrelid "
                "  JOIN pg_catalog.pg_namespace AS fn ON fn.oid = f.relnamespace "
                " WHERE k.contype = 'f' AND k.conparentid = 0 AND c.relkind IN ('r', 'p') AND %2 AND %3 "
                "   AND NOT EXISTS ("
                "       SELECT 1 FROM pg_catalog.pg_index AS i "
                "        WHERE i.indrelid = k.conrelid AND i.indisvalid AND i.indpred IS NULL "
                "          AND i.indnkeyatts >= pg_catalog.cardinality(k.conkey) "
                "          AND NOT EXISTS (SELECT 1 "
                "                            FROM pg_catalog.generate_series(0, pg_catalog.cardinality(k.conkey) - 1) "
                "                                 AS g(pos) "
                "                           WHERE NOT (i.indkey[g.pos] = ANY (k.conkey)))) "
                " ORDER BY 1, 2")
                .arg(kTableName, kInSchemas, kNotExtensionTable),
            {schemas}));
    for (const Row row : rows) {
        const QString table = row.text(0);
        const QString columns = row.text(2);
        const QString object = table + u'.' + row.text(1);
        findings->append({kWarning, QStringLiteral("unindexed-foreign-key"),
                          QStringLiteral("Foreign key without an index on its columns"), object,
                          QStringLiteral("Foreign key %1 (%2) → %3 has no index led by its columns: deleting or "
                                         "re-keying a row of %3 scans %4 and holds locks meanwhile.")
                              .arg(object, columns, row.text(3), table),
                          QStringLiteral("CREATE INDEX ON %1 (%2);").arg(table, columns)});
    }
    return {};
}

} // namespace

QJsonObject LintFinding::toJson() const
{
    return {
        {QStringLiteral("level"), level},   {QStringLiteral("rule"), rule},
        {QStringLiteral("title"), title},   {QStringLiteral("object"), object},
        {QStringLiteral("detail"), detail}, {QStringLiteral("remediation"), remediation},
    };
}

Result<QList<LintFinding>> lintPostgres(Database &db, const QStringList &schemas, const QStringList &clientRoles)
{
    if (db.dialect() != Dialect::Postgres)
        return Error::badRequest(QStringLiteral("the database lint needs PostgreSQL, not %1").arg(db.description()));

    const QString schemaList = jsonList(schemas);
    const QString roleList = jsonList(clientRoles);
    QList<LintFinding> findings;
    TWINOPS_TRY(lintDefinerFunctions(db, schemaList, roleList, &findings));
    TWINOPS_TRY(lintMissingPrimaryKeys(db, schemaList, &findings));
    TWINOPS_TRY(lintRowLevelSecurity(db, schemaList, roleList, &findings));
    TWINOPS_TRY(lintTenantIndexes(db, schemaList, &findings));
    TWINOPS_TRY(lintForeignKeyIndexes(db, schemaList, &findings));
    // Errors first, so that a report's top lines are the ones that block a deployment.
    std::stable_sort(findings.begin(), findings.end(),
                     [](const LintFinding &a, const LintFinding &b) { return a.level == kError && b.level != kError; });
    return findings;
}

CheckResult lintCheckResult(const Result<QList<LintFinding>> &findings)
{
    if (!findings.ok())
        return CheckResult::fail(QStringLiteral("Database lint could not run: %1").arg(findings.error().message));

    QJsonArray items;
    int errors = 0;
    int warnings = 0;
    const LintFinding *firstError = nullptr;
    const LintFinding *firstWarning = nullptr;
    for (const LintFinding &finding : *findings) {
        items.append(finding.toJson());
        if (finding.level == kError) {
            ++errors;
            if (!firstError)
                firstError = &finding;
        } else {
            ++warnings;
            if (!firstWarning)
                firstWarning = &finding;
        }
    }
    const QJsonObject evidence{
        {QStringLiteral("findings"), items},
        {QStringLiteral("errors"), errors},
        {QStringLiteral("warnings"), warnings},
    };
    if (items.isEmpty())
        return CheckResult::pass(QStringLiteral("Database lint: no findings"), evidence);

    const auto plural = [](int n, const char *word) {
        return QStringLiteral("%1 %2%3").arg(n).arg(QLatin1String(word), n == 1 ? QString() : QStringLiteral("s"));
    };
    const LintFinding *first = firstError ? firstError : firstWarning;
    const QString message = QStringLiteral("Database lint: %1, %2 (first: %3 on %4)")
                                .arg(plural(errors, "error"), plural(warnings, "warning"), first->rule, first->object);
    return errors > 0 ? CheckResult::fail(message, evidence) : CheckResult::warn(message, evidence);
}

} // namespace twinops
