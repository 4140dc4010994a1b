#pragma once

#include <QByteArray>
#include <QString>

// Thin wrappers over libsodium, so that no other file includes sodium.h or hand-rolls a primitive.
namespace twinops::crypto {

// Initialises libsodium once; safe to call from any thread, any number of times. Every function below calls it
// itself, so callers cannot forget; calling it early at start-up only moves the (tiny) cost and lets the program
// refuse to start if the library cannot initialise.
bool initialize();

// Bytes from the operating system's CSPRNG. count <= 0 gives an empty array.
QByteArray randomBytes(int count);

// `bytes` random bytes as base64url without padding: safe in URLs, headers and file names.
QString randomToken(int bytes = 32);

// Lower-case hex SHA-256. Only for high-entropy secrets (refresh tokens, API key secrets, share tokens), where a
// fast hash is enough to make a stolen table useless; passwords go through PasswordHasher instead.
QString sha256Hex(const QByteArray &data);

// Compares without exiting early on the first differing byte, so timing does not reveal how much of a secret an
// attacker guessed. Arrays of different lengths are unequal (the length of a MAC or hash is not secret).
bool constantTimeEquals(const QByteArray &a, const QByteArray &b);

// HMAC-SHA-256 with a key of any length (RFC 2104 / 4231).
QByteArray hmacSha256(const QByteArray &key, const QByteArray &message);

} // namespace twinops::crypto
