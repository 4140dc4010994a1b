#include "http/tlsconfiguration.h"

#include <QFile>
#include <QSslCertificate>
#include <QSslKey>
#include <QSslSocket>

namespace twinops {

namespace {

// Reads one DER element at `at` into `tag` and `content` and moves `at` past it; false if it is malformed.
bool readDer(QByteArrayView der, qsizetype &at, quint8 &tag, QByteArrayView &content)
{
    if (at + 2 > der.size())
        return false;
    tag = quint8(der[at]);
    qsizetype length = quint8(der[at + 1]);
    at += 2;
    if (length & 0x80) {
        const int bytes = int(length & 0x7f);
        if (bytes == 0 || bytes > 4 || at + bytes > der.size())
            return false;
        length = 0;
        for (int i = 0; i < bytes; ++i)
            length = (length << 8) | quint8(der[at++]);
    }
    if (length > der.size() - at)
        return false;
    content = der.sliced(at, length);
    at += length;
    return true;
}

// Whether `key` is the private half of the certificate's public key, which Qt has no call for: the public key's
// material (an EC point, or an RSA modulus and exponent) is looked for in the private key's DER, which holds it.
bool keyMatchesCertificate(const QSslKey &key, const QSslCertificate &certificate)
{
    const QByteArray publicKey = certificate.publicKey().toDer(); // SubjectPublicKeyInfo
    qsizetype at = 0;
    quint8 tag = 0;
    QByteArrayView info;
    QByteArrayView algorithm;
    QByteArrayView bits;
    if (!readDer(publicKey, at, tag, info) || tag != 0x30)
        return false;
    at = 0;
    if (!readDer(info, at, tag, algorithm) || !readDer(info, at, tag, bits) || tag != 0x03 || bits.size() < 2)
        return false;
    QByteArrayView material = bits.sliced(1); // after the count of unused bits
    if (quint8(material.front()) == 0x30) { // RSAPublicKey: SEQUENCE { modulus, exponent }
        at = 0;
        QByteArrayView fields;
        if (!readDer(material, at, tag, fields))
            return false;
        material = fields;
    }
    return key.toDer().contains(material);
}

Result<QByteArray> readTlsFile(const QString &path, const QString &what)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return Error::unavailable(QStringLiteral("cannot read the TLS %1 %2: %3").arg(what, path, file.errorString()));
    return file.readAll();
}

} // namespace

Result<QSslConfiguration> serverTlsConfiguration(const QString &certificateFile, const QString &keyFile)
{
    if (!QSslSocket::supportsSsl())
        return Error::unavailable(QStringLiteral("TLS is not available: Qt found no TLS library (OpenSSL 3)"));
    TWINOPS_TRY_ASSIGN(const QByteArray certificatePem, readTlsFile(certificateFile, QStringLiteral("certificate")));
    TWINOPS_TRY_ASSIGN(const QByteArray keyPem, readTlsFile(keyFile, QStringLiteral("key")));
    const QList<QSslCertificate> chain = QSslCertificate::fromData(certificatePem, QSsl::Pem);
    if (chain.isEmpty() || chain.first().isNull())
        return Error::unavailable(
            QStringLiteral("the TLS certificate %1 holds no PEM certificate").arg(certificateFile));
    QSslKey key;
    for (const QSsl::KeyAlgorithm algorithm : {QSsl::Ec, QSsl::Rsa}) {
        if (key = QSslKey(keyPem, algorithm, QSsl::Pem, QSsl::PrivateKey); !key.isNull())
            break;
    }
    if (key.isNull())
        return Error::unavailable(
            QStringLiteral("the TLS key %1 holds no unencrypted PEM private key (EC or RSA)").arg(keyFile));
    if (!keyMatchesCertificate(key, chain.first()))
        return Error::unavailable(
            QStringLiteral("the TLS key %1 does not belong to the certificate %2").arg(keyFile, certificateFile));
    QSslConfiguration configuration = QSslConfiguration::defaultConfiguration();
    configuration.setLocalCertificateChain(chain);
    configuration.setPrivateKey(key);
    configuration.setPeerVerifyMode(QSslSocket::VerifyNone); // clients authenticate with tokens, not certificates
    return configuration;
}

} // namespace twinops
