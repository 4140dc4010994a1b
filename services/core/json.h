#pragma once

#include <QJsonValue>
#include <QString>

namespace twinops {

// A JSON object or array as compact text: the form JSON columns are written in, on both dialects.
QString compactJson(const QJsonValue &value);

} // namespace twinops
