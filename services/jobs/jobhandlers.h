#pragma once

#include "jobs/jobhandler.h"

#include <QString>
#include <QStringList>

#include <memory>
#include <vector>

namespace twinops {

// The handlers this process runs, by job type. Built at start-up, read-only afterwards; handlers must be
// stateless (several workers call them at once).
class JobHandlers
{
public:
    void add(std::shared_ptr<JobHandler> handler);
    JobHandler *find(const QString &type) const;
    QStringList types() const;

private:
    std::vector<std::shared_ptr<JobHandler>> m_handlers;
};

} // namespace twinops
