#include "auth/passwordhasher.h"

#include "auth/crypto.h"

#include <array>
#include <sodium.h>

namespace twinops {

namespace {

struct Limits
{
    unsigned long long ops;
    size_t mem;
};

Limits limitsFor(PasswordHasher::Cost cost)
{
    switch (cost) {
    case PasswordHasher::Cost::Minimal:
        return {crypto_pwhash_argon2id_OPSLIMIT_MIN, crypto_pwhash_argon2id_MEMLIMIT_MIN};
    case PasswordHasher::Cost::Interactive:
        return {crypto_pwhash_argon2id_OPSLIMIT_INTERACTIVE, crypto_pwhash_argon2id_MEMLIMIT_INTERACTIVE};
    case PasswordHasher::Cost::Moderate:
        return {crypto_pwhash_argon2id_OPSLIMIT_MODERATE, crypto_pwhash_argon2id_MEMLIMIT_MODERATE};
    }
    return {crypto_pwhash_argon2id_OPSLIMIT_INTERACTIVE, crypto_pwhash_argon2id_MEMLIMIT_INTERACTIVE};
}

// libsodium declares the hash parameter as char[crypto_pwhash_STRBYTES] and expects it NUL-terminated; copying
// into a buffer of exactly that size keeps it from reading past a short or unterminated input. nullopt when the
// text cannot be a hash at all (too long, or not ASCII).
using HashBuffer = std::array<char, crypto_pwhash_STRBYTES>;
std::optional<HashBuffer> hashBuffer(const QString &storedHash)
{
    if (storedHash.isEmpty() || storedHash.size() >= int(crypto_pwhash_STRBYTES))
        return std::nullopt;
    HashBuffer buffer{};
    for (qsizetype i = 0; i < storedHash.size(); ++i) {
        const char16_t c = storedHash.at(i).unicode();
        if (c == 0 || c > 0x7f)
            return std::nullopt;
        buffer[size_t(i)] = char(c);
    }
    return buffer;
}

} // namespace

PasswordHasher::PasswordHasher(Cost cost)
    : m_cost(cost)
{
    const Limits limits = limitsFor(cost);
    m_opsLimit = limits.ops;
    m_memLimit = limits.mem;
}

std::optional<PasswordHasher::Cost> PasswordHasher::costFromName(const QString &name)
{
    if (name == QLatin1String("minimal"))
        return Cost::Minimal;
    if (name == QLatin1String("interactive"))
        return Cost::Interactive;
    if (name == QLatin1String("moderate"))
        return Cost::Moderate;
    return std::nullopt;
}

QString PasswordHasher::costName(Cost cost)
{
    switch (cost) {
    case Cost::Minimal: return QStringLiteral("minimal");
    case Cost::Interactive: return QStringLiteral("interactive");
    case Cost::Moderate: return QStringLiteral("moderate");
    }
    return QStringLiteral("interactive");
}

Result<QString> PasswordHasher::hash(const QString &password) const
{
    if (!crypto::initialize())
        return Error::internal(QStringLiteral("password hashing is unavailable"));
    QByteArray utf8 = password.toUtf8();
    if (utf8.size() > kMaximumPasswordBytes) {
        return Error::validation(QStringLiteral("password"),
                                 QStringLiteral("must be at most %1 bytes").arg(kMaximumPasswordBytes));
    }
    HashBuffer out{};
    const int rc = crypto_pwhash_str_alg(out.data(), utf8.constData(), quint64(utf8.size()), m_opsLimit, m_memLimit,
                                         crypto_pwhash_ALG_ARGON2ID13);
    sodium_memzero(utf8.data(), size_t(utf8.size()));
    // The only runtime failure is an allocation of memlimit bytes that the system refused.
    if (rc != 0)
        return Error::internal(QStringLiteral("password hashing ran out of memory"));
    return QString::fromLatin1(out.data());
}

bool PasswordHasher::verify(const QString &storedHash, const QString &password) const
{
    if (!crypto::initialize())
        return false;
    const auto stored = hashBuffer(storedHash);
    if (!stored)
        return false;
    QByteArray utf8 = password.toUtf8();
    if (utf8.size() > kMaximumPasswordBytes)
        return false;
    const bool matches = crypto_pwhash_str_verify(stored->data(), utf8.constData(), quint64(utf8.size())) == 0;
    sodium_memzero(utf8.data(), size_t(utf8.size()));
    return matches;
}

bool PasswordHasher::needsRehash(const QString &storedHash) const
{
    if (!crypto::initialize())
        return true;
    // libsodium compares only the parameters of an argon2i hash, but we hash with argon2id only: an older argon2i
    // hash with matching parameters still has to be replaced.
    if (!storedHash.startsWith(QLatin1String(crypto_pwhash_argon2id_STRPREFIX)))
        return true;
    const auto stored = hashBuffer(storedHash);
    if (!stored)
        return true;
    // 1: other parameters; -1: not a hash libsodium understands. Both mean "replace it".
    return crypto_pwhash_str_needs_rehash(stored->data(), m_opsLimit, m_memLimit) != 0;
}

} // namespace twinops
