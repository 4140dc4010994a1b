// The read-only PostgreSQL lint (issue #5): our shipped schema passes, deliberately bad objects are reported exactly,
// the exposure rules follow client roles, and findings map to a check result.
#include "checks/dblint.h"
#include "core/ids.h"
#include "storage/databaseurl.h"
#include "testdatabase.h"

#include <QJsonArray>
#include <QScopeGuard>
#include <QSet>
#include <QTest>

using namespace twinops;
using namespace twinops::test;

class TestDbLint final : public QObject
{
    Q_OBJECT
private slots:
    void shippedSchemaHasNoErrors();
    void reportsExactlyTheBadObjects();
    void clientRolesExposeTablesAndFunctions();
    void checkResultMapsFindings();
    void sqliteIsRejected();
};

namespace {

using RuleObject = QPair<QString, QString>;

QSet<RuleObject> ruleObjects(const QList<LintFinding> &findings)
{
    QSet<RuleObject> set;
    for (const LintFinding &finding : findings)
        set.insert({finding.rule, finding.object});
    return set;
}

QString describe(const QList<LintFinding> &findings)
{
    QStringList lines;
    for (const LintFinding &finding : findings)
        lines.append(QStringLiteral("%1 %2 %3: %4").arg(finding.level, finding.rule, finding.object, finding.detail));
    return lines.join(u'\n');
}

QString describe(const QSet<RuleObject> &set)
{
    QStringList lines;
    for (const RuleObject &item : set)
        lines.append(item.first + u' ' + item.second);
    lines.sort();
    return lines.join(u'\n');
}

// A name no other test on the shared cluster uses: roles are cluster-wide and suites run in parallel.
QString uniqueRoleName()
{
    return QStringLiteral("lint_client_") + newId().remove(u'-').left(16);
}

std::unique_ptr<Database> adminConnection()
{
    auto url = DatabaseUrl::parse(postgresAdminDsn());
    if (!url.ok())
        return nullptr;
    auto db = Database::open(*url);
    return db.ok() ? std::move(db).value() : nullptr;
}

LintFinding finding(const char *level, const char *rule, const char *object)
{
    return {QLatin1String(level),  QLatin1String(rule),      QStringLiteral("title"),
            QLatin1String(object), QStringLiteral("detail"), QStringLiteral("remediation")};
}

} // namespace

void TestDbLint::shippedSchemaHasNoErrors()
{
    auto testDb = TestDatabase::create(Dialect::Postgres);
    if (!testDb)
        return;
    auto db = testDb->connectMigrated();
    QVERIFY(db);

    auto findings = lintPostgres(*db);
    TWINOPS_VERIFY_OK(findings);
    QList<LintFinding> errors;
    for (const LintFinding &finding : *findings) {
        if (finding.level == QLatin1String("error"))
            errors.append(finding);
        else
            qInfo("shipped schema: %s", qPrintable(describe(QList<LintFinding>{finding})));
    }
    QVERIFY2(errors.isEmpty(), qPrintable(describe(errors)));
    QCOMPARE(db->transactionDepth(), 0);
}

void TestDbLint::reportsExactlyTheBadObjects()
{
    auto testDb = TestDatabase::create(Dialect::Postgres);
    if (!testDb)
        return;
    auto db = testDb->connect();
    QVERIFY(db);
    TWINOPS_VERIFY_OK(db->executeScript(QStringLiteral(R"sql(
        CREATE SCHEMA lintcase;

        -- Bad: definer, no search_path (EXECUTE revoked, so only the search_path rule applies).
        CREATE FUNCTION lintcase.definer_no_path(p_tenant uuid, p_limit integer) RETURNS integer
            LANGUAGE sql SECURITY DEFINER AS $$ SELECT p_limit $$;
        REVOKE EXECUTE ON FUNCTION lintcase.definer_no_path(uuid, integer) FROM PUBLIC;
        -- Bad: pinned empty search_path, but PUBLIC keeps the EXECUTE it gets by default.
        CREATE FUNCTION lintcase.definer_public() RETURNS integer
            LANGUAGE sql SECURITY DEFINER SET search_path = '' AS $$ SELECT 1 $$;
        -- Questionable: pinned to a non-empty path.
        CREATE FUNCTION lintcase.definer_path_public() RETURNS integer
            LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp AS $$ SELECT 1 $$;
        REVOKE EXECUTE ON FUNCTION lintcase.definer_path_public() FROM PUBLIC;
        -- Bad: a procedure is a definer too.
        CREATE PROCEDURE lintcase.definer_procedure() LANGUAGE sql SECURITY DEFINER AS $$ SELECT 1 $$;
        REVOKE EXECUTE ON PROCEDURE lintcase.definer_procedure() FROM PUBLIC;

        -- Good: hardened definer, the P0-C way (both spellings of the empty path).
        CREATE FUNCTION lintcase.definer_good() RETURNS integer
            LANGUAGE sql SECURITY DEFINER SET search_path = '' AS $$ SELECT 1 $$;
        REVOKE EXECUTE ON FUNCTION lintcase.definer_good() FROM PUBLIC;
        CREATE FUNCTION lintcase.definer_good_to() RETURNS integer
            LANGUAGE sql SECURITY DEFINER SET search_path TO '' AS $$ SELECT 1 $$;
        REVOKE ALL ON FUNCTION lintcase.definer_good_to() FROM PUBLIC;
        -- Good: an invoker function is executable by PUBLIC and has no search_path, and that is fine.
        CREATE FUNCTION lintcase.invoker() RETURNS integer LANGUAGE sql SECURITY INVOKER AS $$ SELECT 1 $$;

        CREATE TABLE lintcase.tenants (id uuid PRIMARY KEY);
        -- Bad: tenant data, no index at all.
        CREATE TABLE lintcase.tenant_no_index (id uuid PRIMARY KEY, tenant_id uuid NOT NULL);
        -- Bad: tenant_id indexed, but not as the first column.
        CREATE TABLE lintcase.tenant_index_not_first (id uuid PRIMARY KEY, tenant_id uuid, created_at timestamptz);
        CREATE INDEX ON lintcase.tenant_index_not_first (created_at, tenant_id);
        -- Good: FK to tenants, index led by tenant_id.
        CREATE TABLE lintcase.tenant_indexed (
            id uuid PRIMARY KEY, tenant_id uuid NOT NULL REFERENCES lintcase.tenants (id), created_at timestamptz);
        CREATE INDEX ON lintcase.tenant_indexed (tenant_id, created_at);
        -- Good: a dropped tenant_id column no longer makes a tenant table.
        CREATE TABLE lintcase.tenant_dropped (id uuid PRIMARY KEY, tenant_id uuid);
        ALTER TABLE lintcase.tenant_dropped DROP COLUMN tenant_id;

        -- Bad: no primary key. A view over it is not a table.
        CREATE TABLE lintcase.no_pk (x integer);
        CREATE VIEW lintcase.no_pk_view AS SELECT x FROM lintcase.no_pk;

        CREATE TABLE lintcase.parent (id uuid PRIMARY KEY);
        -- Bad: FK without index.
        CREATE TABLE lintcase.child_unindexed (id uuid PRIMARY KEY, parent_id uuid REFERENCES lintcase.parent (id));
        -- Bad: FK whose column is in an index, but not leading.
        CREATE TABLE lintcase.child_not_leading (id uuid PRIMARY KEY, parent_id uuid REFERENCES lintcase.parent (id));
        CREATE INDEX ON lintcase.child_not_leading (id, parent_id);
        -- Good: FK with an index led by it.
        CREATE TABLE lintcase.child_indexed (id uuid PRIMARY KEY, parent_id uuid REFERENCES lintcase.parent (id));
        CREATE INDEX ON lintcase.child_indexed (parent_id, id);
        -- Good: two-column FK covered by an index that leads with the same columns in another order.
        CREATE TABLE lintcase.pair (a integer, b integer, PRIMARY KEY (a, b));
        CREATE TABLE lintcase.child_pair (id integer PRIMARY KEY, a integer, b integer,
                                          FOREIGN KEY (a, b) REFERENCES lintcase.pair (a, b));
        CREATE INDEX ON lintcase.child_pair (b, a, id);
        -- Good: the referencing column is the primary key.
        CREATE TABLE lintcase.parent_detail (id uuid PRIMARY KEY REFERENCES lintcase.parent (id));

        -- Bad objects outside the linted schemas are not reported.
        CREATE SCHEMA lintother;
        CREATE FUNCTION lintother.definer_no_path() RETURNS integer LANGUAGE sql SECURITY DEFINER AS $$ SELECT 1 $$;
        CREATE TABLE lintother.no_pk (x integer, tenant_id uuid);
    )sql")));

    // Proves the lint only reads: any write in this session would now fail.
    TWINOPS_VERIFY_OK(db->executeScript(QStringLiteral("SET default_transaction_read_only = on")));
    const QString noClientRole = uniqueRoleName(); // never created: the exposure rules stay off
    auto findings = lintPostgres(*db, {QStringLiteral("lintcase")}, {noClientRole});
    TWINOPS_VERIFY_OK(findings);
    QCOMPARE(db->transactionDepth(), 0);

    const QSet<RuleObject> expected{
        {QStringLiteral("definer-search-path"),
         QStringLiteral("lintcase.definer_no_path(p_tenant uuid, p_limit integer)")},
        {QStringLiteral("definer-search-path"), QStringLiteral("lintcase.definer_procedure()")},
        {QStringLiteral("definer-public-execute"), QStringLiteral("lintcase.definer_public()")},
        {QStringLiteral("definer-search-path-not-empty"), QStringLiteral("lintcase.definer_path_public()")},
        {QStringLiteral("tenant-table-no-index"), QStringLiteral("lintcase.tenant_no_index")},
        {QStringLiteral("tenant-table-no-index"), QStringLiteral("lintcase.tenant_index_not_first")},
        {QStringLiteral("missing-primary-key"), QStringLiteral("lintcase.no_pk")},
        {QStringLiteral("unindexed-foreign-key"),
         QStringLiteral("lintcase.child_unindexed.child_unindexed_parent_id_fkey")},
        {QStringLiteral("unindexed-foreign-key"),
         QStringLiteral("lintcase.child_not_leading.child_not_leading_parent_id_fkey")},
    };
    const QSet<RuleObject> actual = ruleObjects(*findings);
    QVERIFY2(actual == expected,
             qPrintable(QStringLiteral("unexpected: %1\nmissing: %2")
                            .arg(describe(QSet<RuleObject>(actual).subtract(expected)),
                                 describe(QSet<RuleObject>(expected).subtract(actual)))));
    QCOMPARE(findings->size(), expected.size());

    const QSet<QString> errorRules{QStringLiteral("definer-search-path"), QStringLiteral("definer-public-execute"),
                                   QStringLiteral("missing-primary-key")};
    bool seenWarning = false;
    for (const LintFinding &finding : *findings) {
        QCOMPARE(finding.level,
                 errorRules.contains(finding.rule) ? QStringLiteral("error") : QStringLiteral("warning"));
        // Errors come first, so a report's first lines are the blocking ones.
        if (finding.level == QLatin1String("warning"))
            seenWarning = true;
        else
            QVERIFY2(!seenWarning, qPrintable(finding.object));
        QVERIFY(!finding.title.isEmpty());
        QVERIFY2(finding.detail.contains(finding.object.section(u'(', 0, 0)), qPrintable(finding.detail));
        QVERIFY(!finding.remediation.isEmpty());
        if (finding.rule == QLatin1String("definer-public-execute")) {
            QVERIFY2(finding.detail.contains(QLatin1String("PUBLIC")), qPrintable(finding.detail));
            QVERIFY2(finding.remediation.startsWith(
                         QLatin1String("REVOKE EXECUTE ON FUNCTION lintcase.definer_public() FROM PUBLIC;")),
                     qPrintable(finding.remediation));
        }
        if (finding.rule == QLatin1String("definer-search-path-not-empty"))
            QVERIFY2(finding.detail.contains(QLatin1String("public, pg_temp")), qPrintable(finding.detail));
        if (finding.rule == QLatin1String("unindexed-foreign-key")
            && finding.object.startsWith(QLatin1String("lintcase.child_unindexed.")))
            QCOMPARE(finding.remediation, QStringLiteral("CREATE INDEX ON lintcase.child_unindexed (parent_id);"));
    }

    // Both schemas at once: the other schema's objects appear too.
    auto both = lintPostgres(*db, {QStringLiteral("lintcase"), QStringLiteral("lintother")}, {noClientRole});
    TWINOPS_VERIFY_OK(both);
    const QSet<RuleObject> bothActual = ruleObjects(*both);
    QVERIFY(
        bothActual.contains({QStringLiteral("definer-search-path"), QStringLiteral("lintother.definer_no_path()")}));
    QVERIFY(bothActual.contains({QStringLiteral("missing-primary-key"), QStringLiteral("lintother.no_pk")}));
    QVERIFY(bothActual.contains(expected));
}

void TestDbLint::clientRolesExposeTablesAndFunctions()
{
    auto testDb = TestDatabase::create(Dialect::Postgres);
    if (!testDb)
        return;
    auto db = testDb->connect();
    QVERIFY(db);
    auto admin = adminConnection();
    QVERIFY(admin);

    const QString role = uniqueRoleName();
    TWINOPS_VERIFY_OK(admin->executeScript(QStringLiteral("CREATE ROLE %1 NOLOGIN").arg(role)));
    // The role holds privileges in the test database, so they go first (DROP OWNED), then the role itself.
    auto dropRole = qScopeGuard([&] {
        (void)db->executeScript(QStringLiteral("RESET default_transaction_read_only; DROP OWNED BY %1").arg(role));
        (void)admin->executeScript(QStringLiteral("DROP ROLE IF EXISTS %1").arg(role));
    });

    TWINOPS_VERIFY_OK(db->executeScript(QStringLiteral(R"sql(
        CREATE SCHEMA lintcase;
        CREATE TABLE lintcase.tenant_rls_off (id uuid PRIMARY KEY, tenant_id uuid NOT NULL);
        CREATE INDEX ON lintcase.tenant_rls_off (tenant_id);
        CREATE TABLE lintcase.tenant_rls_off_ungranted (id uuid PRIMARY KEY, tenant_id uuid NOT NULL);
        CREATE INDEX ON lintcase.tenant_rls_off_ungranted (tenant_id);
        CREATE TABLE lintcase.tenant_rls_on (id uuid PRIMARY KEY, tenant_id uuid NOT NULL);
        CREATE INDEX ON lintcase.tenant_rls_on (tenant_id);
        ALTER TABLE lintcase.tenant_rls_on ENABLE ROW LEVEL SECURITY;
        CREATE TABLE lintcase.platform (id uuid PRIMARY KEY);
        GRANT USAGE ON SCHEMA lintcase TO %1;
        GRANT SELECT ON lintcase.tenant_rls_off, lintcase.tenant_rls_on, lintcase.platform TO %1;

        CREATE FUNCTION lintcase.granted_to_client() RETURNS integer
            LANGUAGE sql SECURITY DEFINER SET search_path = '' AS $$ SELECT 1 $$;
        REVOKE EXECUTE ON FUNCTION lintcase.granted_to_client() FROM PUBLIC;
        GRANT EXECUTE ON FUNCTION lintcase.granted_to_client() TO %1;
        CREATE FUNCTION lintcase.not_granted() RETURNS integer
            LANGUAGE sql SECURITY DEFINER SET search_path = '' AS $$ SELECT 1 $$;
        REVOKE EXECUTE ON FUNCTION lintcase.not_granted() FROM PUBLIC;
    )sql")
                                            .arg(role)));

    TWINOPS_VERIFY_OK(db->executeScript(QStringLiteral("SET default_transaction_read_only = on")));
    auto findings = lintPostgres(*db, {QStringLiteral("lintcase")}, {role, uniqueRoleName()});
    TWINOPS_VERIFY_OK(findings);
    const QSet<RuleObject> expected{
        {QStringLiteral("rls-disabled"), QStringLiteral("lintcase.tenant_rls_off")},
        {QStringLiteral("rls-disabled"), QStringLiteral("lintcase.tenant_rls_off_ungranted")},
        {QStringLiteral("definer-public-execute"), QStringLiteral("lintcase.granted_to_client()")},
    };
    QVERIFY2(ruleObjects(*findings) == expected, qPrintable(describe(*findings)));
    for (const LintFinding &finding : *findings) {
        if (finding.rule == QLatin1String("definer-public-execute")) {
            QCOMPARE(finding.level, QStringLiteral("error"));
            QVERIFY2(finding.detail.contains(role), qPrintable(finding.detail));
            QVERIFY2(!finding.detail.contains(QLatin1String("PUBLIC")), qPrintable(finding.detail));
            QVERIFY2(finding.remediation.contains(QStringLiteral("FROM %1;").arg(role)),
                     qPrintable(finding.remediation));
        } else {
            QCOMPARE(finding.level, QStringLiteral("warning"));
            QVERIFY2(finding.detail.contains(role), qPrintable(finding.detail));
        }
    }

    // Without the client role the same database has no exposure findings.
    auto unexposed = lintPostgres(*db, {QStringLiteral("lintcase")}, {uniqueRoleName()});
    TWINOPS_VERIFY_OK(unexposed);
    QVERIFY2(unexposed->isEmpty(), qPrintable(describe(*unexposed)));
}

void TestDbLint::checkResultMapsFindings()
{
    const CheckResult clean = lintCheckResult(QList<LintFinding>{});
    QCOMPARE(clean.status, CheckStatus::Pass);
    QCOMPARE(clean.evidence.value(QLatin1String("findings")).toArray().size(), 0);

    const LintFinding warning = finding("warning", "tenant-table-no-index", "public.job_logs");
    const CheckResult warned = lintCheckResult(QList<LintFinding>{warning});
    QCOMPARE(warned.status, CheckStatus::Warn);
    QVERIFY2(warned.message.contains(QLatin1String("0 errors, 1 warning")), qPrintable(warned.message));
    const QJsonArray warnedFindings = warned.evidence.value(QLatin1String("findings")).toArray();
    QCOMPARE(warnedFindings.size(), 1);
    QCOMPARE(warnedFindings.at(0).toObject(), warning.toJson());
    const QJsonObject json = warning.toJson();
    QCOMPARE(json.value(QLatin1String("level")).toString(), QStringLiteral("warning"));
    QCOMPARE(json.value(QLatin1String("rule")).toString(), QStringLiteral("tenant-table-no-index"));
    QCOMPARE(json.value(QLatin1String("object")).toString(), QStringLiteral("public.job_logs"));
    for (const char *key : {"title", "detail", "remediation"})
        QVERIFY2(json.contains(QLatin1String(key)), key);

    const LintFinding error = finding("error", "definer-search-path", "public.f()");
    const CheckResult failed = lintCheckResult(QList<LintFinding>{warning, error, warning});
    QCOMPARE(failed.status, CheckStatus::Fail);
    QVERIFY2(failed.message.contains(QLatin1String("1 error, 2 warnings")), qPrintable(failed.message));
    QVERIFY2(failed.message.contains(QLatin1String("definer-search-path on public.f()")), qPrintable(failed.message));
    QCOMPARE(failed.evidence.value(QLatin1String("findings")).toArray().size(), 3);
    QCOMPARE(failed.evidence.value(QLatin1String("errors")).toInt(), 1);
    QCOMPARE(failed.evidence.value(QLatin1String("warnings")).toInt(), 2);

    const CheckResult broken = lintCheckResult(Error::unavailable(QStringLiteral("connection refused")));
    QCOMPARE(broken.status, CheckStatus::Fail);
    QVERIFY2(broken.message.contains(QLatin1String("connection refused")), qPrintable(broken.message));
}

void TestDbLint::sqliteIsRejected()
{
    auto testDb = TestDatabase::create(Dialect::Sqlite);
    QVERIFY(testDb);
    auto db = testDb->connect();
    QVERIFY(db);
    auto findings = lintPostgres(*db);
    QVERIFY(!findings.ok());
    QVERIFY2(findings.error().message.contains(QLatin1String("PostgreSQL")), qPrintable(findings.error().message));
    QCOMPARE(lintCheckResult(findings).status, CheckStatus::Fail);
}

QTEST_GUILESS_MAIN(TestDbLint)
#include "tst_dblint.moc"
