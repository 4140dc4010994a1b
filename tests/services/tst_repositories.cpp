// Tenants, users and twins on both backends: CRUD, keyset paging, validation, conflicts, and tenant scoping
// (another tenant's id behaves exactly like a missing one and changes nothing).
#include "core/ids.h"
#include "tenancy/tenantrepository.h"
#include "tenancy/twinrepository.h"
#include "tenancy/userrepository.h"
#include "testdatabase.h"

#include <QJsonObject>
#include <QSet>
#include <QTest>

using namespace twinops;
using namespace twinops::test;

class TestRepositories final : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase_data() { addBackendRows(); }
    void init();
    void cleanup();

    void tenantLifecycle();
    void tenantNamesAreUniqueAndValidated();
    void tenantSearchEscapesWildcards();
    void tenantNamesByIdInOneCall();
    void pagingVisitsEveryRowOnce();
    void invalidCursorIsBadRequest();
    void userLifecycleAndEmailRules();
    void userRevocationAndOwners();
    void twinLifecycle();
    void twinNamesAreUniquePerTenant();
    void foreignTenantIsIndistinguishableFromMissing();
    void deletingTenantCascades();

private:
    std::unique_ptr<TestDatabase> m_testDb;
    std::unique_ptr<Database> m_db;
};

void TestRepositories::init()
{
    m_testDb = TestDatabase::create(currentDialect());
    if (!m_testDb)
        return;
    m_db = m_testDb->connectMigrated();
    QVERIFY(m_db);
}

void TestRepositories::cleanup()
{
    m_db.reset();
    m_testDb.reset();
}

#define REQUIRE_DB()                                                                                                   \
    if (!m_db)                                                                                                         \
        QSKIP("no database for this backend");

void TestRepositories::tenantLifecycle()
{
    REQUIRE_DB();
    TenantRepository tenants(*m_db);
    auto created = tenants.create(QStringLiteral("  Acme Corp  "));
    QVERIFY2(created.ok(), created.ok() ? "" : qPrintable(created.error().message));
    QCOMPARE(created->name, QStringLiteral("Acme Corp"));
    QCOMPARE(created->status, TenantStatus::Active);
    QVERIFY(isUuid(created->id));

    auto fetched = tenants.get(created->id);
    QVERIFY(fetched.ok());
    QCOMPARE(fetched->name, created->name);
    QCOMPARE(fetched->createdAt, created->createdAt);

    auto suspended = tenants.update(created->id, {std::nullopt, TenantStatus::Suspended});
    TWINOPS_VERIFY_OK(suspended);
    QCOMPARE(suspended->status, TenantStatus::Suspended);
    QCOMPARE(suspended->name, QStringLiteral("Acme Corp"));
    QVERIFY(suspended->updatedAt >= created->updatedAt);

    QVERIFY(tenants.remove(created->id).ok());
    QCOMPARE(tenants.get(created->id).error().code, ErrorCode::NotFound);
    QCOMPARE(tenants.remove(created->id).error().code, ErrorCode::NotFound);
    QCOMPARE(tenants.get(QStringLiteral("not-a-uuid")).error().code, ErrorCode::NotFound);
}

void TestRepositories::tenantNamesAreUniqueAndValidated()
{
    REQUIRE_DB();
    TenantRepository tenants(*m_db);
    QVERIFY(tenants.create(QStringLiteral("Acme")).ok());
    auto duplicate = tenants.create(QStringLiteral("Acme"));
    QCOMPARE(duplicate.error().code, ErrorCode::Conflict);
    auto empty = tenants.create(QStringLiteral("   "));
    QCOMPARE(empty.error().code, ErrorCode::ValidationFailed);
    QVERIFY(empty.error().details.contains(QStringLiteral("name")));
    QCOMPARE(tenants.create(QString(101, u'x')).error().code, ErrorCode::ValidationFailed);
    auto other = tenants.create(QStringLiteral("Other"));
    QVERIFY(other.ok());
    QCOMPARE(tenants.update(other->id, {QStringLiteral("Acme"), std::nullopt}).error().code, ErrorCode::Conflict);
}

void TestRepositories::tenantSearchEscapesWildcards()
{
    REQUIRE_DB();
    TenantRepository tenants(*m_db);
    for (const char *name : {"Alpha 100%", "Alpha 1000", "Beta_x", "Betaxx"})
        QVERIFY(tenants.create(QLatin1String(name)).ok());
    auto percent = tenants.list({}, QStringLiteral("100%"));
    QVERIFY(percent.ok());
    QCOMPARE(percent->items.size(), 1);
    QCOMPARE(percent->items.first().name, QStringLiteral("Alpha 100%"));
    auto underscore = tenants.list({}, QStringLiteral("a_x"));
    QVERIFY(underscore.ok());
    QCOMPARE(underscore->items.size(), 1);
    auto caseInsensitive = tenants.list({}, QStringLiteral("ALPHA"));
    QCOMPARE(caseInsensitive->items.size(), 2);
}

void TestRepositories::tenantNamesByIdInOneCall()
{
    REQUIRE_DB();
    TenantRepository tenants(*m_db);
    auto acme = tenants.create(QStringLiteral("Acme"));
    auto globex = tenants.create(QStringLiteral("Globex"));
    QVERIFY(acme.ok() && globex.ok());
    // Repeated ids, an unknown uuid and a non-uuid: one name per known tenant, the rest left out.
    auto names = tenants.names({acme->id, globex->id, acme->id, newId(), QStringLiteral("1; DROP TABLE tenants")});
    QVERIFY(names.ok());
    QCOMPARE(names->size(), 2);
    QCOMPARE(names->value(acme->id), QStringLiteral("Acme"));
    QCOMPARE(names->value(globex->id), QStringLiteral("Globex"));
    auto none = tenants.names({});
    QVERIFY(none.ok());
    QVERIFY(none->isEmpty());
}

void TestRepositories::pagingVisitsEveryRowOnce()
{
    REQUIRE_DB();
    TenantRepository tenants(*m_db);
    auto tenant = tenants.create(QStringLiteral("Pager"));
    QVERIFY(tenant.ok());
    TwinRepository twins(*m_db);
    QSet<QString> created;
    for (int i = 0; i < 23; ++i) {
        auto twin = twins.create(tenant->id, {QStringLiteral("twin %1").arg(i), {}, {}});
        TWINOPS_VERIFY_OK(twin);
        created.insert(twin->id);
    }
    QSet<QString> seen;
    PageRequest request{5, {}};
    int pages = 0;
    do {
        auto page = twins.list(tenant->id, request);
        QVERIFY2(page.ok(), page.ok() ? "" : qPrintable(page.error().message));
        QVERIFY(page->items.size() <= 5);
        for (const Twin &t : page->items)
            QVERIFY2(!seen.contains(t.id), "a row appeared on two pages");
        for (const Twin &t : page->items)
            seen.insert(t.id);
        request.cursor = page->nextCursor;
        ++pages;
    } while (!request.cursor.isEmpty() && pages < 10);
    QCOMPARE(pages, 5);
    QCOMPARE(seen, created);
}

void TestRepositories::invalidCursorIsBadRequest()
{
    REQUIRE_DB();
    TenantRepository tenants(*m_db);
    for (const char *cursor : {"!!!", "bm90IGEgY3Vyc29y", "MTIzfG5vdC1hLXV1aWQ"}) {
        auto page = tenants.list({10, QLatin1String(cursor)});
        QVERIFY(!page.ok());
        QCOMPARE(page.error().code, ErrorCode::BadRequest);
    }

    // Well-formed cursors with a time no row can have: PostgreSQL refused them with an error (a 500 at the API).
    auto crafted = [](const QByteArray &msecs) {
        return QString::fromLatin1(QByteArray(msecs + '|' + newId().toLatin1())
                                       .toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
    };
    const QByteArrayList outOfRange{"-9223372036854775808", "-9223372036854775807", "-62135596800001",
                                    "253402300800000", "9223372036854775807"};
    for (const QByteArray &msecs : outOfRange) {
        auto page = tenants.list({10, crafted(msecs)});
        QVERIFY2(!page.ok(), msecs.constData());
        QVERIFY2(page.error().code == ErrorCode::BadRequest, qPrintable(page.error().message));
    }
    // The first and last millisecond of years 1 to 9999 are still cursors.
    for (const QByteArray &msecs : QByteArrayList{"-62135596800000", "0", "253402300799999"})
        TWINOPS_VERIFY_OK(tenants.list({10, crafted(msecs)}));
}

void TestRepositories::userLifecycleAndEmailRules()
{
    REQUIRE_DB();
    auto tenant = TenantRepository(*m_db).create(QStringLiteral("People"));
    QVERIFY(tenant.ok());
    UserRepository users(*m_db);
    auto user = users.create(tenant->id, {QStringLiteral("  Ada@Example.COM "), QStringLiteral("hash"), Role::Owner});
    QVERIFY2(user.ok(), user.ok() ? "" : qPrintable(user.error().message));
    QCOMPARE(user->email, QStringLiteral("ada@example.com"));
    QVERIFY(user->canAuthenticate());

    QCOMPARE(
        users.create(tenant->id, {QStringLiteral("ADA@example.com"), QStringLiteral("h"), Role::Viewer}).error().code,
        ErrorCode::Conflict);
    for (const char *bad : {"", "no-at-sign", "two@@example.com", "spaces in@example.com", "x@nodot"})
        QCOMPARE(users.create(tenant->id, {QLatin1String(bad), QStringLiteral("h"), Role::Viewer}).error().code,
                 ErrorCode::ValidationFailed);

    auto found = users.findByEmail(QStringLiteral("ADA@EXAMPLE.COM"));
    QVERIFY(found.ok());
    QCOMPARE(found->id, user->id);
    QCOMPARE(found->passwordHash, QStringLiteral("hash"));

    auto demoted = users.update(tenant->id, user->id, {Role::Viewer, false});
    QVERIFY(demoted.ok());
    QCOMPARE(demoted->role, Role::Viewer);
    QVERIFY(!demoted->isActive);
    QVERIFY(!demoted->canAuthenticate());

    auto page = users.list(tenant->id, {});
    QVERIFY(page.ok());
    QCOMPARE(page->items.size(), 1);
    QVERIFY(users.remove(tenant->id, user->id).ok());
    QCOMPARE(users.get(tenant->id, user->id).error().code, ErrorCode::NotFound);
}

void TestRepositories::userRevocationAndOwners()
{
    REQUIRE_DB();
    auto tenant = TenantRepository(*m_db).create(QStringLiteral("Owners"));
    QVERIFY(tenant.ok());
    UserRepository users(*m_db);
    auto owner = users.create(tenant->id, {QStringLiteral("o@example.com"), QStringLiteral("h"), Role::Owner});
    auto second = users.create(tenant->id, {QStringLiteral("p@example.com"), QStringLiteral("h"), Role::Owner});
    QVERIFY(owner.ok() && second.ok());
    QCOMPARE(*users.countActiveOwners(tenant->id), 2);
    auto revoked = users.setRevoked(second->id, true);
    QVERIFY(revoked.ok());
    QVERIFY(revoked->revokedAt.isValid());
    QVERIFY(!revoked->canAuthenticate());
    QCOMPARE(*users.countActiveOwners(tenant->id), 1);
    auto restored = users.setRevoked(second->id, false);
    QVERIFY(restored.ok());
    QVERIFY(restored->canAuthenticate());
    QCOMPARE(*users.countActiveOwners(tenant->id), 2);
}

void TestRepositories::twinLifecycle()
{
    REQUIRE_DB();
    auto tenant = TenantRepository(*m_db).create(QStringLiteral("Twins Inc"));
    QVERIFY(tenant.ok());
    TwinRepository twins(*m_db);
    const QJsonObject settings{{QStringLiteral("tone"), QStringLiteral("formal")},
                               {QStringLiteral("temperature"), 0.2}};
    auto twin = twins.create(tenant->id, {QStringLiteral("Ada"), QStringLiteral("Mathematician"), settings});
    QVERIFY2(twin.ok(), twin.ok() ? "" : qPrintable(twin.error().message));
    auto fetched = twins.get(tenant->id, twin->id);
    QVERIFY(fetched.ok());
    QCOMPARE(fetched->settings, settings);
    QCOMPARE(fetched->description, QStringLiteral("Mathematician"));

    TwinPatch patch;
    patch.status = TwinStatus::Archived;
    patch.description = QStringLiteral("Analyst");
    auto archived = twins.update(tenant->id, twin->id, patch);
    QVERIFY(archived.ok());
    QCOMPARE(archived->status, TwinStatus::Archived);
    QCOMPARE(archived->name, QStringLiteral("Ada"));

    QVERIFY(twins.create(tenant->id, {QStringLiteral("Grace"), {}, {}}).ok());
    QCOMPARE(twins.list(tenant->id, {}, TwinStatus::Archived)->items.size(), 1);
    QCOMPARE(twins.list(tenant->id, {}, TwinStatus::Active)->items.size(), 1);
    QCOMPARE(twins.list(tenant->id, {})->items.size(), 2);

    patch = {};
    patch.description = QString(2001, u'd');
    QCOMPARE(twins.update(tenant->id, twin->id, patch).error().code, ErrorCode::ValidationFailed);
    QVERIFY(twins.remove(tenant->id, twin->id).ok());
    QCOMPARE(twins.get(tenant->id, twin->id).error().code, ErrorCode::NotFound);
}

void TestRepositories::twinNamesAreUniquePerTenant()
{
    REQUIRE_DB();
    TenantRepository tenants(*m_db);
    auto a = tenants.create(QStringLiteral("A"));
    auto b = tenants.create(QStringLiteral("B"));
    QVERIFY(a.ok() && b.ok());
    TwinRepository twins(*m_db);
    QVERIFY(twins.create(a->id, {QStringLiteral("Same"), {}, {}}).ok());
    QVERIFY(twins.create(b->id, {QStringLiteral("Same"), {}, {}}).ok());
    QCOMPARE(twins.create(a->id, {QStringLiteral("Same"), {}, {}}).error().code, ErrorCode::Conflict);
}

void TestRepositories::foreignTenantIsIndistinguishableFromMissing()
{
    REQUIRE_DB();
    TenantRepository tenants(*m_db);
    auto mine = tenants.create(QStringLiteral("Mine"));
    auto theirs = tenants.create(QStringLiteral("Theirs"));
    QVERIFY(mine.ok() && theirs.ok());
    TwinRepository twins(*m_db);
    UserRepository users(*m_db);
    auto theirTwin = twins.create(theirs->id, {QStringLiteral("Secret"), QStringLiteral("keep out"), {}});
    auto theirUser = users.create(theirs->id, {QStringLiteral("them@example.com"), QStringLiteral("h"), Role::Owner});
    QVERIFY(theirTwin.ok() && theirUser.ok());

    const Error missingTwin = twins.get(mine->id, newId()).error();
    const Error foreignTwin = twins.get(mine->id, theirTwin->id).error();
    QCOMPARE(foreignTwin.code, ErrorCode::NotFound);
    QCOMPARE(foreignTwin.message, missingTwin.message);

    TwinPatch rename;
    rename.name = QStringLiteral("Pwned");
    QCOMPARE(twins.update(mine->id, theirTwin->id, rename).error().code, ErrorCode::NotFound);
    QCOMPARE(twins.remove(mine->id, theirTwin->id).error().code, ErrorCode::NotFound);
    QVERIFY(twins.list(mine->id, {})->items.isEmpty());
    QCOMPARE(users.get(mine->id, theirUser->id).error().code, ErrorCode::NotFound);
    QCOMPARE(users.update(mine->id, theirUser->id, {Role::Viewer, false}).error().code, ErrorCode::NotFound);
    QCOMPARE(users.remove(mine->id, theirUser->id).error().code, ErrorCode::NotFound);
    QVERIFY(users.list(mine->id, {})->items.isEmpty());

    // Nothing of theirs changed.
    auto after = twins.get(theirs->id, theirTwin->id);
    QVERIFY(after.ok());
    QCOMPARE(after->name, QStringLiteral("Secret"));
    QCOMPARE(after->updatedAt, theirTwin->updatedAt);
    auto theirUserAfter = users.get(theirs->id, theirUser->id);
    QVERIFY(theirUserAfter.ok());
    QCOMPARE(theirUserAfter->role, Role::Owner);
    QVERIFY(theirUserAfter->isActive);
}

void TestRepositories::deletingTenantCascades()
{
    REQUIRE_DB();
    TenantRepository tenants(*m_db);
    auto tenant = tenants.create(QStringLiteral("Doomed"));
    QVERIFY(tenant.ok());
    QVERIFY(TwinRepository(*m_db).create(tenant->id, {QStringLiteral("T"), {}, {}}).ok());
    QVERIFY(UserRepository(*m_db)
                .create(tenant->id, {QStringLiteral("d@example.com"), QStringLiteral("h"), Role::Owner})
                .ok());
    QVERIFY(tenants.remove(tenant->id).ok());
    auto leftovers = m_db->query(QStringLiteral("SELECT (SELECT count(*) FROM twins) + (SELECT count(*) FROM users)"));
    QVERIFY(leftovers.ok());
    QCOMPARE(leftovers->first().integer(0), 0);
}

QTEST_GUILESS_MAIN(TestRepositories)
#include "tst_repositories.moc"
