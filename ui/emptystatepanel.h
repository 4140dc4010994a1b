#pragma once

#include <QWidget>

// What a panel shows when it has nothing to show yet: a title and a sentence that says why and what comes.
class EmptyStatePanel final : public QWidget
{
    Q_OBJECT
public:
    EmptyStatePanel(const QString &title, const QString &explanation, QWidget *parent = nullptr);
};
