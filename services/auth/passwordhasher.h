#pragma once

#include "core/result.h"

#include <QString>

#include <optional>

namespace twinops {

// argon2id password hashes in libsodium's self-describing string format ("$argon2id$v=19$m=…,t=…,p=1$salt$hash"),
// so the parameters travel with each hash and can be raised later without invalidating stored ones.
class PasswordHasher final
{
public:
    enum class Cost {
        Minimal, // libsodium's minimum: for tests only, never for real passwords
        Interactive, // ~64 MiB, fast enough for a login request
        Moderate, // ~256 MiB, for servers that can afford it
    };

    // Passwords longer than this (in UTF-8 bytes) are refused, so that a huge body cannot buy unbounded work.
    static constexpr int kMaximumPasswordBytes = 1024;

    explicit PasswordHasher(Cost cost = Cost::Interactive);

    // "minimal", "interactive" or "moderate" (as written in configuration); anything else is nullopt.
    static std::optional<Cost> costFromName(const QString &name);
    static QString costName(Cost cost);

    Cost cost() const { return m_cost; }

    // A new hash with a fresh random salt. ValidationFailed for an over-long password, Internal when libsodium
    // cannot allocate the memory the cost asks for.
    Result<QString> hash(const QString &password) const;

    // True only if storedHash is a well-formed hash of password. Malformed or empty hashes and over-long passwords
    // are simply false.
    bool verify(const QString &storedHash, const QString &password) const;

    // True when storedHash was made with other parameters (or another algorithm) than this hasher's, or cannot be
    // parsed: after a successful verify() the caller re-hashes the password and stores the new hash.
    bool needsRehash(const QString &storedHash) const;

private:
    Cost m_cost;
    unsigned long long m_opsLimit;
    size_t m_memLimit;
};

} // namespace twinops
