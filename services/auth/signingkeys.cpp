#include "auth/signingkeys.h"

#include "auth/crypto.h"

namespace twinops {

Result<QList<SigningKeyId>> SigningKeyRepository::read()
{
    TWINOPS_TRY_ASSIGN(const Rows rows,
                       m_db.query(QStringLiteral("SELECT id, created_at, retired_at FROM signing_keys "
                                                 "ORDER BY created_at, id")));
    QList<SigningKeyId> keys;
    for (const Row &row : rows)
        keys.append({row.text(0), row.time(1), row.time(2)});
    return keys;
}

Result<SigningKeyId> SigningKeyRepository::insert(const QDateTime &now)
{
    // 128 random bits: ids of keys made at the same moment by two instances never collide.
    SigningKeyId key{crypto::randomToken(16), now, {}};
    TWINOPS_TRY(discardRows(m_db.query(QStringLiteral("INSERT INTO signing_keys (id, created_at) VALUES ($1, $2)"),
                                       {key.id, key.createdAt})));
    return key;
}

Result<QList<SigningKeyId>> SigningKeyRepository::load(const QDateTime &now, std::chrono::seconds keep)
{
    TWINOPS_TRY(discardRows(
        m_db.query(QStringLiteral("DELETE FROM signing_keys WHERE retired_at IS NOT NULL AND retired_at < $1"),
                   {now.addSecs(-qint64(keep.count()))})));
    TWINOPS_TRY_ASSIGN(QList<SigningKeyId> keys, read());
    if (keys.isEmpty()) {
        // Two instances starting together may both get here: each makes a key, the newer one signs, both verify.
        TWINOPS_TRY_ASSIGN(const SigningKeyId first, insert(now));
        keys.append(first);
    }
    return keys;
}

Result<SigningKeyId> SigningKeyRepository::rotate(const QDateTime &now)
{
    TWINOPS_TRY_ASSIGN(Transaction tx, Transaction::begin(m_db));
    TWINOPS_TRY(discardRows(
        m_db.query(QStringLiteral("UPDATE signing_keys SET retired_at = $1 WHERE retired_at IS NULL"), {now})));
    TWINOPS_TRY_ASSIGN(const SigningKeyId key, insert(now));
    TWINOPS_TRY(tx.commit());
    return key;
}

} // namespace twinops
