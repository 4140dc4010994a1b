#pragma once

#include <QMainWindow>

class QLabel;
class QListWidget;
class QStackedWidget;

namespace twinops {
class ServiceCore;
}

// The console's frame: navigation on the left, one panel per section on the right.
class MainWindow final : public QMainWindow
{
    Q_OBJECT
public:
    enum Section { Tenants, Twins, Sources, Jobs, Dashboards, Checklists, Settings, SectionCount };

    explicit MainWindow(twinops::ServiceCore &core, QWidget *parent = nullptr);

    void showSection(Section section);
    void setEndpointStatus(const QString &text);
    Section currentSection() const;

private:
    void addSection(Section section, const QString &name, QWidget *panel);

    twinops::ServiceCore &m_core;
    QListWidget *m_navigation;
    QStackedWidget *m_panels;
    QLabel *m_endpointLabel;
};
