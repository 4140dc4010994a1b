#include "auditlogmodel.h"

#include <QJsonObject>
#include <QLocale>

namespace twinops {

namespace {

// "user owner@a.example", or the id when the object has no name (any more).
QString named(const QJsonObject &object, bool withType)
{
    const QString name = object.value(QLatin1String("name")).toString();
    const QString shown = name.isEmpty() ? object.value(QLatin1String("id")).toString() : name;
    if (!withType)
        return shown;
    const QString type = object.value(QLatin1String("type")).toString();
    return shown.isEmpty() ? type : type + u' ' + shown;
}

QLatin1String objectKey(int column)
{
    switch (column) {
    case AuditLogModel::Actor: return QLatin1String("actor");
    case AuditLogModel::Target: return QLatin1String("target");
    case AuditLogModel::Tenant: return QLatin1String("tenant");
    default: return QLatin1String();
    }
}

} // namespace

AuditLogModel::AuditLogModel(AdminClient &client, QObject *parent)
    : PagedAdminModel(client, parent)
{ }

int AuditLogModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant AuditLogModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const QJsonObject entry = item(index.row());
    const int column = index.column();
    if (role == IdRole)
        return entry.value(QLatin1String("id")).toString();
    if (role == FullIdRole) {
        const QLatin1String key = objectKey(column);
        if (key.isEmpty())
            return entry.value(QLatin1String("id")).toString();
        return entry.value(key).toObject().value(QLatin1String("id")).toString();
    }
    if (role != Qt::DisplayRole && role != SortRole && role != Qt::ToolTipRole)
        return {};
    switch (column) {
    case Time: {
        const QDateTime at
            = QDateTime::fromString(entry.value(QLatin1String("created_at")).toString(), Qt::ISODateWithMs);
        if (role == SortRole)
            return at;
        if (role == Qt::ToolTipRole)
            return at.toString(Qt::ISODateWithMs);
        return QLocale().toString(at.toLocalTime(), QStringLiteral("yyyy-MM-dd HH:mm:ss"));
    }
    case Action: return entry.value(QLatin1String("action")).toString();
    case Actor:
    case Target:
    case Tenant: {
        const QJsonObject object = entry.value(objectKey(column)).toObject();
        if (role == Qt::ToolTipRole) // the full id, whatever the cell shows
            return object.value(QLatin1String("id")).toString();
        const QString shown = named(object, column != Tenant);
        return role == SortRole ? QVariant(shown.toLower()) : QVariant(shown);
    }
    case Address: return entry.value(QLatin1String("client_address")).toString();
    default: return {};
    }
}

QVariant AuditLogModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case Time: return tr("Time");
    case Actor: return tr("Actor");
    case Action: return tr("Action");
    case Target: return tr("Target");
    case Tenant: return tr("Tenant");
    case Address: return tr("Address");
    default: return {};
    }
}

void AuditLogModel::setFilter(const AuditLogFilter &filter)
{
    if (filter == m_filter)
        return;
    m_filter = filter;
    reload();
}

QString AuditLogModel::listPath() const
{
    QString path = QStringLiteral("/api/v1/admin/audit?");
    auto add = [&path](const char *name, const QString &value) {
        if (!value.isEmpty())
            path += QLatin1String(name) + u'=' + encoded(value) + u'&';
    };
    add("tenant_id", m_filter.tenantId);
    add("actor", m_filter.actor.trimmed());
    add("action", m_filter.action.trimmed());
    add("q", m_filter.text.trimmed());
    if (m_filter.since.isValid())
        add("since", m_filter.since.toUTC().toString(Qt::ISODateWithMs));
    if (m_filter.until.isValid())
        add("until", m_filter.until.toUTC().toString(Qt::ISODateWithMs));
    path.chop(1); // the last '&', or the '?' of no filter
    return path;
}

} // namespace twinops
