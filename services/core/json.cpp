#include "core/json.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace twinops {

QString compactJson(const QJsonValue &value)
{
    return QString::fromUtf8(value.isArray() ? QJsonDocument(value.toArray()).toJson(QJsonDocument::Compact)
                                             : QJsonDocument(value.toObject()).toJson(QJsonDocument::Compact));
}

} // namespace twinops
