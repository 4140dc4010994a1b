#include "jobs/errorsignature.h"

#include <QRegularExpression>

namespace twinops {

QString errorSignature(const QString &error)
{
    static const QRegularExpression quoted(QStringLiteral(R"('[^']*'|"[^"]*")"));
    static const QRegularExpression uuid(
        QStringLiteral(R"(\b[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\b)"));
    // A hexadecimal token of 8 or more with at least one digit: a hash, a token or an address, not a word.
    static const QRegularExpression hexId(QStringLiteral(R"(\b(?=[0-9a-fA-F]*[0-9])(?:0x)?[0-9a-fA-F]{8,}\b)"));
    static const QRegularExpression number(QStringLiteral(R"([-+]?\d+(?:[.,]\d+)*)"));
    static const QRegularExpression spaces(QStringLiteral(R"(\s+)"));
    QString line = error.section(u'\n', 0, 0, QString::SectionSkipEmpty).trimmed();
    line.replace(quoted, QStringLiteral("\"…\""));
    line.replace(uuid, QStringLiteral("<id>"));
    line.replace(hexId, QStringLiteral("<id>"));
    line.replace(number, QStringLiteral("<n>"));
    line.replace(spaces, QStringLiteral(" "));
    return line.left(200);
}

} // namespace twinops
