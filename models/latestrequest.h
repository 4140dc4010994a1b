#pragma once

#include "admin/adminclient.h"

namespace twinops {

// One GET that a model sends again on every reload: only the newest request's answer is handled, so an answer that
// arrives after a newer reload (a slow server, a filter changed meanwhile) never overwrites the newer list.
class LatestRequest
{
public:
    bool isLoading() const { return m_loading; }

    // `handle` runs for the newest request's answer only, once it is no longer loading. `receiver` owns the
    // request (as for AdminClient::get) and must own this object too.
    void get(AdminClient &client, const QString &path, QObject *receiver, AdminClient::Callback handle)
    {
        const quint64 generation = ++m_generation;
        m_loading = true;
        client.get(path, receiver, [this, generation, handle = std::move(handle)](const AdminReply &reply) {
            if (generation != m_generation)
                return;
            m_loading = false;
            handle(reply);
        });
    }

private:
    quint64 m_generation = 0;
    bool m_loading = false;
};

} // namespace twinops
