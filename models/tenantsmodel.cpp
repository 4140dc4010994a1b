#include "tenantsmodel.h"

#include "admin/adminclient.h"

#include <QColor>
#include <QDateTime>
#include <QJsonObject>
#include <QLocale>

namespace twinops {

namespace {

QLatin1String countKey(int column)
{
    switch (column) {
    case TenantsModel::Users: return QLatin1String("users");
    case TenantsModel::Twins: return QLatin1String("twins");
    case TenantsModel::Sources: return QLatin1String("sources");
    case TenantsModel::Jobs: return QLatin1String("jobs");
    default: return QLatin1String();
    }
}

} // namespace

TenantsModel::TenantsModel(AdminClient &client, QObject *parent)
    : PagedAdminModel(client, parent)
{ }

int TenantsModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant TenantsModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const QJsonObject tenant = item(index.row());
    const bool suspended = isSuspended(index.row());
    if (role == IdRole)
        return tenant.value(QLatin1String("id")).toString();
    if (role == SuspendedRole)
        return suspended;
    if (role == Qt::ForegroundRole)
        return suspended ? QVariant(QColor(Qt::gray)) : QVariant();
    if (role == Qt::TextAlignmentRole) {
        if (index.column() >= Users && index.column() <= Jobs)
            return int(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    }
    if (role != Qt::DisplayRole && role != SortRole && role != Qt::ToolTipRole)
        return {};

    const QDateTime created
        = QDateTime::fromString(tenant.value(QLatin1String("created_at")).toString(), Qt::ISODateWithMs);
    const QDateTime active
        = QDateTime::fromString(tenant.value(QLatin1String("last_activity_at")).toString(), Qt::ISODateWithMs);
    switch (index.column()) {
    case Name: {
        const QString name = tenant.value(QLatin1String("name")).toString();
        return role == SortRole ? QVariant(name.toLower()) : QVariant(name);
    }
    case Status: return tenant.value(QLatin1String("status")).toString();
    case Users:
    case Twins:
    case Sources:
    case Jobs:
        // A tenant just created here has no counts from the server yet: it has nothing.
        return tenant.value(QLatin1String("counts")).toObject().value(countKey(index.column())).toInteger();
    case LastActivity:
        if (role == SortRole)
            return active; // "never" (invalid) sorts first
        if (role == Qt::ToolTipRole)
            return tr("The latest login, API key use, chat message or job of the tenant");
        return active.isValid() ? QLocale().toString(active.toLocalTime(), QLocale::ShortFormat) : tr("never");
    case Created:
        if (role == SortRole)
            return created;
        return QLocale().toString(created.toLocalTime(), QLocale::ShortFormat);
    default: return {};
    }
}

QVariant TenantsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case Name: return tr("Name");
    case Status: return tr("Status");
    case Users: return tr("Users");
    case Twins: return tr("Twins");
    case Sources: return tr("Sources");
    case Jobs: return tr("Jobs");
    case LastActivity: return tr("Last activity");
    case Created: return tr("Created");
    default: return {};
    }
}

void TenantsModel::setSearch(const QString &search)
{
    const QString trimmed = search.trimmed();
    if (trimmed == m_search)
        return;
    m_search = trimmed;
    reload();
}

void TenantsModel::setStatus(const QString &status)
{
    if (status == m_status)
        return;
    m_status = status;
    reload();
}

bool TenantsModel::isSuspended(int row) const
{
    return item(row).value(QLatin1String("status")).toString() == QLatin1String("suspended");
}

void TenantsModel::createTenant(const QString &name)
{
    client().call("POST", QStringLiteral("/api/v1/admin/tenants"), QJsonObject{{QStringLiteral("name"), name}}, this,
                  [this](const AdminReply &reply) {
                      if (!reply.ok()) {
                          reportError(reply);
                          return;
                      }
                      QJsonObject tenant = reply.body;
                      const QString created = tenant.value(QLatin1String("name")).toString();
                      // Shown at once when the current search would list it; the server's own order (by creation)
                      // puts it last, where it goes.
                      if ((m_search.isEmpty() || created.contains(m_search, Qt::CaseInsensitive))
                          && (m_status.isEmpty() || m_status == QLatin1String("active"))) {
                          tenant.insert(QStringLiteral("counts"),
                                        QJsonObject{{QStringLiteral("jobs"), 0},
                                                    {QStringLiteral("sources"), 0},
                                                    {QStringLiteral("twins"), 0},
                                                    {QStringLiteral("users"), 0}});
                          tenant.insert(QStringLiteral("last_activity_at"), QJsonValue::Null);
                          upsert(tenant, true);
                      }
                      emit tenantCreated(tenant.value(QLatin1String("id")).toString());
                  });
}

void TenantsModel::setSuspended(const QString &tenantId, bool suspended)
{
    const QJsonObject patch{
        {QStringLiteral("status"), suspended ? QStringLiteral("suspended") : QStringLiteral("active")}};
    client().call("PATCH", QStringLiteral("/api/v1/admin/tenants/") + encoded(tenantId), patch, this,
                  [this](const AdminReply &reply) {
                      if (!reply.ok()) {
                          reportError(reply);
                          return;
                      }
                      // The answer has no counts: the merge keeps the ones the row has.
                      upsert(reply.body, false);
                      emit tenantUpdated(reply.body.value(QLatin1String("id")).toString());
                  });
}

void TenantsModel::deleteTenant(const QString &tenantId, const QString &name)
{
    client().call("DELETE", QStringLiteral("/api/v1/admin/tenants/%1?confirm=%2").arg(encoded(tenantId), encoded(name)),
                  QJsonValue(QJsonValue::Undefined), this, [this, tenantId](const AdminReply &reply) {
                      if (!reply.ok()) {
                          reportError(reply);
                          return;
                      }
                      removeItem(tenantId);
                      emit tenantDeleted(reply.body);
                  });
}

QString TenantsModel::listPath() const
{
    QStringList query;
    if (!m_search.isEmpty())
        query << QStringLiteral("search=") + encoded(m_search);
    if (!m_status.isEmpty())
        query << QStringLiteral("status=") + encoded(m_status);
    return QStringLiteral("/api/v1/admin/tenants") + (query.isEmpty() ? QString() : u'?' + query.join(u'&'));
}

} // namespace twinops
