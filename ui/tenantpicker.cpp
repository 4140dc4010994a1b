#include "tenantpicker.h"

#include "admin/adminclient.h"

#include <QJsonArray>
#include <QSignalBlocker>
#include <QUrl>

namespace twinops {

TenantPicker::TenantPicker(AdminClient &client, QWidget *parent)
    : QComboBox(parent)
    , m_client(client)
{
    setSizeAdjustPolicy(QComboBox::AdjustToContents);
    setMinimumContentsLength(20);
    connect(this, &QComboBox::currentIndexChanged, this, [this] { emit tenantChanged(tenantId()); });
}

bool TenantPicker::choose(const QString &tenantId)
{
    if (tenantId != this->tenantId()) {
        const int index = findData(tenantId);
        if (index < 0)
            return false;
        setCurrentIndex(index);
    }
    return true;
}

void TenantPicker::reload()
{
    const QString keep = tenantId();
    {
        const QSignalBlocker quiet(this);
        clear();
        if (!m_anyTenantLabel.isEmpty())
            addItem(m_anyTenantLabel, QString());
    }
    m_names.clear();
    fetch({}, ++m_generation, keep);
}

void TenantPicker::fetch(const QString &cursor, quint64 generation, const QString &keep)
{
    QString path = QStringLiteral("/api/v1/admin/tenants?limit=200");
    if (!cursor.isEmpty())
        path += QStringLiteral("&cursor=") + QString::fromLatin1(QUrl::toPercentEncoding(cursor));
    m_client.get(path, this, [this, generation, keep](const AdminReply &reply) {
        if (generation != m_generation)
            return;
        if (!reply.ok()) {
            emit errorOccurred(reply.errorText());
            return;
        }
        const QString before = tenantId();
        {
            // The selection is announced once, below, not for every item added.
            const QSignalBlocker quiet(this);
            for (const QJsonValue &value : reply.body.value(QLatin1String("items")).toArray()) {
                const QJsonObject tenant = value.toObject();
                QString label = tenant.value(QLatin1String("name")).toString();
                if (tenant.value(QLatin1String("status")).toString() == QLatin1String("suspended"))
                    label += tr(" (suspended)");
                addItem(label, tenant.value(QLatin1String("id")).toString());
                m_names.insert(tenant.value(QLatin1String("id")).toString(),
                               tenant.value(QLatin1String("name")).toString());
            }
            if (const int kept = findData(keep); kept >= 0)
                setCurrentIndex(kept);
        }
        emit namesChanged();
        if (tenantId() != before)
            emit tenantChanged(tenantId());
        const QString next = reply.body.value(QLatin1String("next_cursor")).toString();
        if (!next.isEmpty())
            fetch(next, generation, keep);
    });
}

} // namespace twinops
