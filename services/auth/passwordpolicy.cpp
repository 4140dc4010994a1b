#include "auth/passwordpolicy.h"

#include "auth/passwordhasher.h"
#include "core/logging.h"

#include <QMutex>

#include <algorithm>
#include <iterator>
#include <locale.h>
#include <pwquality.h>

namespace twinops {

namespace {

// cracklib keeps static state while it checks (the open dictionary, its mangling buffers): one check at a time.
QMutex &checkMutex()
{
    static QMutex mutex;
    return mutex;
}

// The words the most commonly used passwords are built on (any password containing one is refused, in any case),
// and our own name, the first word a guesser tries against this service.
constexpr const char *kCommonWords
    = "password passwort qwerty qwertz azerty asdfgh zxcvbn letmein welcome iloveyou changeme trustno1 twinops";

// cracklib's answers we act on (compared in the C locale, in which checks run).
constexpr const char *kDictionaryUnreadable = "error loading dictionary";
constexpr const char *kDictionaryWord = "it is based on a"; // "… dictionary word", "… (reversed) dictionary word"
constexpr const char *kSystematic = "it is too simplistic/systematic";

// cracklib counts neighbours in the alphabet anywhere in a password ("ab", "ed", "78") and refuses more than 4 of
// them whatever its length, which refused about 1 % of random 32-character passwords. From this length on that
// verdict is ignored: long runs and sequences are still refused by libpwquality's own checks.
constexpr int kLongPassword = 16;

// The password with the digits and symbols people write for letters read as those letters (P@ssw0rd → Password).
QString lettersForLookAlikes(QString password)
{
    static constexpr char16_t kLookAlikes[] = u"0o1l3e4a5s7t@a$s!i|l"; // pairs: look-alike, letter
    for (size_t i = 0; i + 1 < std::size(kLookAlikes); i += 2)
        password.replace(QChar(kLookAlikes[i]), QChar(kLookAlikes[i + 1]));
    return password;
}

// libpwquality's and cracklib's messages are translated into the process's language; ours are English, and the
// reasons cracklib gives are inserted into them, so checks run in the C locale (per thread: uselocale).
class CLocaleScope
{
public:
    CLocaleScope()
        : m_previous(uselocale(cLocale()))
    { }
    ~CLocaleScope() { uselocale(m_previous); }
    Q_DISABLE_COPY_MOVE(CLocaleScope)

private:
    static locale_t cLocale()
    {
        static const locale_t locale = newlocale(LC_ALL_MASK, "C", locale_t(nullptr));
        return locale;
    }
    locale_t m_previous;
};

struct Verdict
{
    int code = 0; // libpwquality's: negative when refused
    QString reason; // why, completing "is too easy to guess: …"
};

// The longest run of one character, or of a sequence such as 12345, a password may hold: 4, and from 20 characters
// on a quarter of its length. A fixed 4 refused about 1 in 600 random 32-character passwords (a run of 5 in
// base64 is not rare), yet a run that makes up a quarter of a password still gives it away.
int longestRunFor(const QString &password)
{
    return std::max(4, int(password.size()) / 4);
}

Verdict pwqualityVerdict(pwquality_settings_t *settings, const QString &password)
{
    const int longestRun = longestRunFor(password);
    pwquality_set_int_value(settings, PWQ_SETTING_MAX_REPEAT, longestRun);
    pwquality_set_int_value(settings, PWQ_SETTING_MAX_SEQUENCE, longestRun);
    void *auxiliary = nullptr;
    const int code = pwquality_check(settings, password.toUtf8().constData(), nullptr, nullptr, &auxiliary);
    if (code >= 0)
        return {};
    switch (code) {
    case PWQ_ERROR_CRACKLIB_CHECK: return {code, QString::fromUtf8(static_cast<const char *>(auxiliary))};
    case PWQ_ERROR_BAD_WORDS: return {code, QStringLiteral("it contains a commonly used password")};
    case PWQ_ERROR_MAX_CONSECUTIVE:
        return {code, QStringLiteral("it repeats one character more than %1 times in a row").arg(longestRun)};
    case PWQ_ERROR_MAX_SEQUENCE:
        return {code, QStringLiteral("it contains a sequence such as 12345 or abcde longer than %1").arg(longestRun)};
    case PWQ_ERROR_PALINDROME: return {code, QStringLiteral("it reads the same backwards")};
    default: break;
    }
    char buffer[PWQ_MAX_ERROR_MESSAGE_LEN];
    return {code, QString::fromUtf8(pwquality_strerror(buffer, sizeof buffer, code, auxiliary))};
}

} // namespace

PasswordPolicy::PasswordPolicy(const QString &dictionaryPath)
    : m_settings(pwquality_default_settings())
{
    Q_CHECK_PTR(m_settings);
    // Our own length rule counts characters; pwquality's counts bytes, so it is set to its lowest and never speaks.
    pwquality_set_int_value(m_settings, PWQ_SETTING_MIN_LENGTH, 6);
    // PWQ_SETTING_MAX_REPEAT and PWQ_SETTING_MAX_SEQUENCE are set per password (longestRunFor), under the mutex.
    pwquality_set_int_value(m_settings, PWQ_SETTING_DICT_CHECK, 1);
    pwquality_set_str_value(m_settings, PWQ_SETTING_BAD_WORDS, kCommonWords);
    if (!dictionaryPath.isEmpty())
        pwquality_set_str_value(m_settings, PWQ_SETTING_DICT_PATH, dictionaryPath.toLocal8Bit().constData());
}

PasswordPolicy::~PasswordPolicy()
{
    pwquality_free_settings(m_settings);
}

Status PasswordPolicy::check(const QString &password) const
{
    const QString field = QStringLiteral("password");
    if (password.size() < kMinimumLength)
        return Error::validation(field, QStringLiteral("must be at least %1 characters").arg(kMinimumLength));
    if (password.toUtf8().size() > PasswordHasher::kMaximumPasswordBytes)
        return Error::validation(field, QStringLiteral("is too long"));

    Verdict verdict;
    {
        QMutexLocker locker(&checkMutex());
        CLocaleScope cLocale;
        verdict = pwqualityVerdict(m_settings, password);
        if (verdict.reason == QLatin1String(kSystematic) && password.size() >= kLongPassword)
            verdict = {};
        // Read as letters, a password may turn out to be a dictionary word or a common password; its other
        // weaknesses (runs, sequences, variety) are judged on what was typed.
        if (const QString letters = lettersForLookAlikes(password); verdict.code == 0 && letters != password) {
            verdict = pwqualityVerdict(m_settings, letters);
            if (verdict.code == PWQ_ERROR_BAD_WORDS
                || (verdict.code == PWQ_ERROR_CRACKLIB_CHECK
                    && verdict.reason.startsWith(QLatin1String(kDictionaryWord))))
                verdict.reason += QStringLiteral(" (with look-alike digits and symbols read as letters)");
            else
                verdict = {};
        }
    }
    if (verdict.code == 0)
        return {};
    if (verdict.code == PWQ_ERROR_CRACKLIB_CHECK && verdict.reason == QLatin1String(kDictionaryUnreadable)) {
        qCCritical(lcAuth) << "the password dictionary cannot be read (is cracklib-runtime installed?); "
                              "no new password is accepted";
        return Error::unavailable(QStringLiteral("passwords cannot be checked now; try again later"));
    }
    return Error::validation(field, QStringLiteral("is too easy to guess: ") + verdict.reason);
}

} // namespace twinops
