#include "alerts/prometheusrules.h"

namespace twinops {

namespace {

// A YAML double-quoted scalar: every value goes out quoted, so no name or runbook text can change the structure.
QByteArray yamlString(const QString &text)
{
    QByteArray out = "\"";
    for (const QChar c : text) {
        if (c == u'"' || c == u'\\')
            out += '\\' + QString(c).toUtf8();
        else if (c == u'\n')
            out += "\\n";
        else if (c == u'\t')
            out += "\\t";
        else if (c.unicode() < 0x20)
            out += QStringLiteral("\\u%1").arg(c.unicode(), 4, 16, QLatin1Char('0')).toUtf8();
        else
            out += QString(c).toUtf8();
    }
    return out + '"';
}

// A PromQL string literal's contents.
QString promqlEscaped(const QString &value)
{
    QString out = value;
    out.replace(u'\\', QStringLiteral("\\\\"));
    out.replace(u'"', QStringLiteral("\\\""));
    return out;
}

// Annotations are Go templates in Prometheus: text of ours prints "{{" literally instead of opening an action.
QString templateText(QString text)
{
    return text.replace(QStringLiteral("{{"), QStringLiteral("{{`{{`}}"));
}

QString expression(const AlertRule &rule, const AlertKind &kind)
{
    const QString type = promqlEscaped(rule.params.value(QStringLiteral("type")).toString());
    QString expr = kind.promql;
    expr.replace(QStringLiteral("%W"), QStringLiteral("%1s").arg(rule.windowSeconds()));
    expr.replace(QStringLiteral("%S"), QString::number(rule.windowSeconds()));
    if (rule.kind == QLatin1String("discarded_jobs_per_minute"))
        expr.replace(QStringLiteral("%P"), type.isEmpty() ? QString() : QStringLiteral(",type=\"%1\"").arg(type));
    else
        expr.replace(QStringLiteral("%P"), type);
    expr.replace(QStringLiteral("%C"), rule.comparison);
    expr.replace(QStringLiteral("%T"), QString::number(rule.threshold, 'g', 15));
    return expr;
}

} // namespace

QByteArray prometheusRulesYaml(const QList<AlertRule> &rules, std::chrono::milliseconds keepFiring)
{
    QByteArray yaml = "# TwinOps alert rules for Prometheus (GET /api/v1/admin/alerts/rules/prometheus).\n"
                      "groups:\n"
                      "  - name: twinops\n"
                      "    rules:\n";
    QByteArray skipped;
    int exported = 0;
    const qint64 keepSeconds = std::chrono::duration_cast<std::chrono::seconds>(keepFiring).count();
    for (const AlertRule &rule : rules) {
        const AlertKind *kind = findAlertKind(rule.kind);
        if (!rule.enabled || !kind)
            continue;
        if (kind->promql.isEmpty()) {
            skipped += "#   " + rule.name.toUtf8().replace('\n', ' ') + " (" + rule.kind.toUtf8() + ")\n";
            continue;
        }
        ++exported;
        yaml += "      - alert: " + yamlString(rule.name) + "\n";
        yaml += "        expr: " + yamlString(expression(rule, *kind)) + "\n";
        yaml += "        for: " + QByteArray::number(rule.forSeconds) + "s\n";
        if (keepSeconds > 0)
            yaml += "        keep_firing_for: " + QByteArray::number(keepSeconds) + "s\n";
        yaml += "        labels:\n";
        yaml += "          severity: " + yamlString(rule.severity) + "\n";
        for (auto it = rule.labels.begin(); it != rule.labels.end(); ++it)
            yaml += "          " + it.key().toUtf8() + ": " + yamlString(it.value().toString()) + "\n";
        yaml += "        annotations:\n";
        yaml += "          summary: "
            + yamlString(QStringLiteral("%1 is %2 {{ $value }} (threshold %3)")
                             .arg(templateText(rule.name), rule.comparison)
                             .arg(rule.threshold))
            + "\n";
        if (!rule.runbook.isEmpty())
            yaml += "          runbook: " + yamlString(templateText(rule.runbook)) + "\n";
    }
    if (exported == 0)
        yaml.replace("    rules:\n", "    rules: []\n");
    if (!skipped.isEmpty())
        yaml += "# Not exported: these kinds read the database, not a metric family:\n" + skipped;
    return yaml;
}

} // namespace twinops
