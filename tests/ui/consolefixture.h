#pragma once

// What every console (GUI) test starts from: a fresh database of the current backend, the embedded core on it
// (cheap password hashing), and the Local environment's AdminClient, exactly as the console builds them.
#include "admin/adminclient.h"
#include "admin/inprocessadminapi.h"
#include "http/httpendpoint.h"
#include "servicecore.h"
#include "testdatabase.h"

#include <QUrl>

#include <functional>
#include <memory>

namespace twinops::test {

struct ConsoleFixture
{
    std::unique_ptr<TestDatabase> database;
    std::unique_ptr<ServiceCore> core;
    std::unique_ptr<AdminClient> local;

    // Fails the current test (returns nullptr) when the database or the core cannot start. `adjust` changes the
    // core's options before it starts.
    static std::unique_ptr<ConsoleFixture> create(Dialect dialect,
                                                  const std::function<void(CoreOptions &)> &adjust = {})
    {
        auto fixture = std::make_unique<ConsoleFixture>();
        fixture->database = TestDatabase::create(dialect);
        if (!fixture->database)
            return nullptr;
        CoreOptions options{fixture->database->url()};
        options.passwordCost = PasswordHasher::Cost::Minimal;
        if (adjust)
            adjust(options);
        auto core = ServiceCore::start(std::move(options));
        if (!core.ok()) {
            QTest::qFail(qPrintable(core.error().message), __FILE__, __LINE__);
            return nullptr;
        }
        fixture->core = std::move(core).value();
        ServiceCore *raw = fixture->core.get();
        fixture->local = std::make_unique<AdminClient>(QStringLiteral("Local"),
                                                       [raw] { return std::make_unique<InProcessAdminApi>(*raw); });
        return fixture;
    }

    // Starts the core's HTTP endpoint on a free loopback port and answers its base URL; an empty URL after failing
    // the current test when it cannot start.
    QUrl serveHttp()
    {
        EndpointOptions http;
        http.port = 0;
        if (const Status started = core->serveHttp(http, QByteArray(32, 's')); !started.ok()) {
            QTest::qFail(qPrintable(started.error().message), __FILE__, __LINE__);
            return {};
        }
        return QUrl(core->endpoint()->baseUrl());
    }

    ~ConsoleFixture()
    {
        local.reset(); // its thread ends before the core it calls into
        core.reset();
    }
};

} // namespace twinops::test
