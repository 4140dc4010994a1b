#pragma once

#include <QString>

namespace twinops {

// The signature of a job error: its first line with what varies between occurrences taken out, so that the same
// failure in two jobs gives the same text (the alert "new job error" and the jobs triage group by it). Quoted values
// become "…" (in ' or " quotes), UUIDs and hexadecimal ids <id>, numbers <n>; runs of spaces one space; at most
// 200 characters.
QString errorSignature(const QString &error);

} // namespace twinops
