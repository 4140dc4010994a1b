#pragma once

#include "core/result.h"
#include "storage/database.h"

#include <QDateTime>
#include <QList>
#include <QString>

#include <chrono>

namespace twinops {

// One access-token signing key as every instance sees it (a signing_keys row): its id, the `kid` of the tokens it
// signs, and its validity window. The key itself is derived from the instance's signing secret (JwtCodec), so the
// database never holds anything that signs.
struct SigningKeyId
{
    QString id;
    QDateTime createdAt;
    QDateTime retiredAt; // invalid while it is the current key
};

// The signing_keys table. Keys are ordered oldest first; the last is the current one.
class SigningKeyRepository
{
public:
    explicit SigningKeyRepository(Database &db)
        : m_db(db)
    { }

    // The kept keys: creates the first one when there is none (the first start after the upgrade), and deletes the
    // retired keys whose tokens have all expired (retired more than `keep` ago).
    Result<QList<SigningKeyId>> load(const QDateTime &now, std::chrono::seconds keep);
    // Retires the current key and makes a new one current; returns the new key.
    Result<SigningKeyId> rotate(const QDateTime &now);

private:
    Result<QList<SigningKeyId>> read();
    Result<SigningKeyId> insert(const QDateTime &now);
    Database &m_db;
};

} // namespace twinops
