#pragma once

#include "core/result.h"

#include <QSslConfiguration>

namespace twinops {

// The endpoint's TLS configuration from a PEM certificate (chain) and its unencrypted PEM private key (EC or RSA),
// checked now: unreadable files, no certificate, no key, or a key that is not the certificate's are one-line errors
// at start, rather than failing handshakes reported in clients' logs. No client certificates are asked for.
Result<QSslConfiguration> serverTlsConfiguration(const QString &certificateFile, const QString &keyFile);

} // namespace twinops
