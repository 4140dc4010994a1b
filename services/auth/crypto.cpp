#include "auth/crypto.h"

#include <QtGlobal>

#include <sodium.h>

namespace twinops::crypto {

namespace {

const unsigned char *bytesOf(const QByteArray &data)
{
    return reinterpret_cast<const unsigned char *>(data.constData());
}

unsigned char *bytesOf(QByteArray &data)
{
    return reinterpret_cast<unsigned char *>(data.data());
}

// Without a working libsodium there is no safe randomness and no safe comparison; continuing would silently
// weaken every token, so the process stops instead.
void ensureInitialized()
{
    if (!initialize())
        qFatal("libsodium could not be initialised");
}

} // namespace

bool initialize()
{
    // A function-local static is initialised exactly once even under concurrent first calls (C++11 "magic
    // statics"); sodium_init() returns 1 when it already ran, which is success too.
    static const bool initialized = sodium_init() >= 0;
    return initialized;
}

QByteArray randomBytes(int count)
{
    ensureInitialized();
    if (count <= 0)
        return {};
    QByteArray bytes(count, Qt::Uninitialized);
    randombytes_buf(bytes.data(), size_t(count));
    return bytes;
}

QString randomToken(int bytes)
{
    return QString::fromLatin1(
        randomBytes(bytes).toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
}

QString sha256Hex(const QByteArray &data)
{
    ensureInitialized();
    QByteArray digest(crypto_hash_sha256_BYTES, Qt::Uninitialized);
    crypto_hash_sha256(bytesOf(digest), bytesOf(data), quint64(data.size()));
    return QString::fromLatin1(digest.toHex());
}

bool constantTimeEquals(const QByteArray &a, const QByteArray &b)
{
    ensureInitialized();
    if (a.size() != b.size())
        return false;
    return sodium_memcmp(a.constData(), b.constData(), size_t(a.size())) == 0;
}

QByteArray hmacSha256(const QByteArray &key, const QByteArray &message)
{
    ensureInitialized();
    // The one-shot crypto_auth_hmacsha256() takes a fixed 32-byte key; the streaming API accepts any length and
    // hashes longer keys first, exactly as RFC 2104 specifies.
    crypto_auth_hmacsha256_state state;
    crypto_auth_hmacsha256_init(&state, bytesOf(key), size_t(key.size()));
    crypto_auth_hmacsha256_update(&state, bytesOf(message), quint64(message.size()));
    QByteArray mac(crypto_auth_hmacsha256_BYTES, Qt::Uninitialized);
    crypto_auth_hmacsha256_final(&state, bytesOf(mac));
    // The state holds the key-derived pads; do not leave them on the stack.
    sodium_memzero(&state, sizeof state);
    return mac;
}

} // namespace twinops::crypto
