#include "jobs/jobhandlers.h"

namespace twinops {

void JobHandlers::add(std::shared_ptr<JobHandler> handler)
{
    m_handlers.push_back(std::move(handler));
}

JobHandler *JobHandlers::find(const QString &type) const
{
    for (const auto &handler : m_handlers) {
        if (handler->type() == type)
            return handler.get();
    }
    return nullptr;
}

QStringList JobHandlers::types() const
{
    QStringList types;
    for (const auto &handler : m_handlers)
        types << handler->type();
    return types;
}

} // namespace twinops
