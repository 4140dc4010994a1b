#include "alertstray.h"

#include <QMenu>
#include <QPainter>
#include <QPixmap>
#include <QSystemTrayIcon>

namespace twinops {

namespace {

QColor colourOf(AlertMonitor::Status status)
{
    switch (status) {
    case AlertMonitor::Status::Critical: return {0xc6, 0x28, 0x28};
    case AlertMonitor::Status::Warning: return {0xef, 0x6c, 0x00};
    case AlertMonitor::Status::Unreachable: return {0x61, 0x61, 0x61};
    case AlertMonitor::Status::Pending: return {0xf9, 0xa8, 0x25};
    case AlertMonitor::Status::Ok: return {0x2e, 0x7d, 0x32};
    case AlertMonitor::Status::Unknown: break;
    }
    return {0xbd, 0xbd, 0xbd};
}

} // namespace

AlertsTray::AlertsTray(AlertMonitor &monitor, QObject *parent)
    : QObject(parent)
    , m_monitor(monitor)
{
    if (QSystemTrayIcon::isSystemTrayAvailable()) {
        m_icon = new QSystemTrayIcon(this);
        m_icon->setObjectName(QStringLiteral("alertsTrayIcon"));
        auto *menu = new QMenu;
        menu->addAction(tr("Open Alerts"), this, [this] { emit openAlertsRequested(m_monitor.worstEnvironment()); });
        connect(this, &QObject::destroyed, menu, &QObject::deleteLater);
        m_icon->setContextMenu(menu);
        connect(m_icon, &QSystemTrayIcon::activated, this, [this](QSystemTrayIcon::ActivationReason reason) {
            if (reason == QSystemTrayIcon::Trigger || reason == QSystemTrayIcon::DoubleClick)
                emit openAlertsRequested(m_monitor.worstEnvironment());
        });
        connect(m_icon, &QSystemTrayIcon::messageClicked, this,
                [this] { emit openAlertsRequested(m_monitor.worstEnvironment()); });
        m_icon->show();
    }
    connect(&m_monitor, &AlertMonitor::statusChanged, this, &AlertsTray::update);
    connect(&m_monitor, &AlertMonitor::environmentPolled, this, &AlertsTray::update);
    connect(&m_monitor, &AlertMonitor::alertsFired, this,
            [this](int environment, const QList<AlertMonitor::Alert> &alerts) { notify(environment, alerts, true); });
    connect(&m_monitor, &AlertMonitor::alertsResolved, this,
            [this](int environment, const QList<AlertMonitor::Alert> &alerts) { notify(environment, alerts, false); });
    update();
}

AlertsTray::~AlertsTray() = default;

bool AlertsTray::iconShown() const
{
    return m_icon && m_icon->isVisible();
}

QIcon AlertsTray::icon(AlertMonitor::Status status)
{
    QIcon icon;
    for (const int size : {16, 22, 32, 64}) {
        QPixmap pixmap(size, size);
        pixmap.fill(Qt::transparent);
        QPainter painter(&pixmap);
        painter.setRenderHint(QPainter::Antialiasing);
        painter.setPen(QPen(QColor(0, 0, 0, 90), size / 16.0));
        painter.setBrush(colourOf(status));
        const qreal margin = size / 8.0;
        painter.drawEllipse(QRectF(margin, margin, size - 2 * margin, size - 2 * margin));
        painter.end();
        icon.addPixmap(pixmap);
    }
    return icon;
}

void AlertsTray::update()
{
    m_toolTip = tr("TwinOps alerts: %1").arg(AlertMonitor::statusText(m_monitor.status()));
    const QStringList lines = m_monitor.summary();
    if (!lines.isEmpty())
        m_toolTip += u'\n' + lines.join(u'\n');
    if (m_icon) {
        m_icon->setIcon(icon(m_monitor.status()));
        m_icon->setToolTip(m_toolTip);
    }
}

void AlertsTray::notify(int environment, const QList<AlertMonitor::Alert> &alerts, bool fired)
{
    const QList<AlertMonitor::Environment> environments = m_monitor.environments();
    const QString name = environment < environments.size() ? environments.at(environment).name : QString();
    const QString title = fired ? tr("%1: %n alert(s) firing", nullptr, int(alerts.size())).arg(name)
                                : tr("%1: %n alert(s) resolved", nullptr, int(alerts.size())).arg(name);
    QStringList lines;
    bool critical = false;
    for (const AlertMonitor::Alert &alert : alerts) {
        critical = critical || alert.severity == QLatin1String("critical");
        lines << (alert.labels.isEmpty() ? tr("%1 (%2)").arg(alert.rule, alert.severity)
                                         : tr("%1 (%2) %3").arg(alert.rule, alert.severity, alert.labels));
    }
    const QString text = lines.join(u'\n');
    emit notified(title, text);
    if (m_icon) {
        const auto kind = !fired ? QSystemTrayIcon::Information
            : critical           ? QSystemTrayIcon::Critical
                                 : QSystemTrayIcon::Warning;
        m_icon->showMessage(title, text, kind);
    }
}

} // namespace twinops
