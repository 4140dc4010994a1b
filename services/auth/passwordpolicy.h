#pragma once

#include "core/result.h"

#include <QString>

typedef struct pwquality_settings pwquality_settings_t;

namespace twinops {

// What a new password must be (signup, user creation, any password change): at least kMinimumLength characters,
// at most PasswordHasher::kMaximumPasswordBytes, and not easy to guess by libpwquality with cracklib's dictionary:
// no dictionary word or commonly used password (also with look-alike digits and symbols read as letters), no long
// run of one character, no long sequence such as 12345. The settings are ours, not /etc/security/pwquality.conf,
// so every machine applies the same rules. Thread-safe.
class PasswordPolicy final
{
public:
    static constexpr int kMinimumLength = 10; // characters

    // dictionaryPath: cracklib's dictionary (without its .pwd/.pwi suffix); empty for the installed one.
    explicit PasswordPolicy(const QString &dictionaryPath = {});
    ~PasswordPolicy();
    Q_DISABLE_COPY_MOVE(PasswordPolicy)

    // ValidationFailed naming "password" and saying why; Unavailable when the dictionary cannot be read (a broken
    // installation: no password is accepted unchecked).
    Status check(const QString &password) const;

private:
    pwquality_settings_t *m_settings;
};

} // namespace twinops
