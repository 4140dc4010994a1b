#include "knowledge/groundedprovider.h"

#include <QRegularExpression>
#include <QSet>

namespace twinops {

namespace {

// A crude English stem, enough to let "compilers" in a question meet "compiler" in a passage; the retriever's
// own stemming (FTS5 porter, PostgreSQL english) already chose the passages, this only picks their sentences.
QString stem(const QString &word)
{
    for (const QLatin1String suffix :
         {QLatin1String("ing"), QLatin1String("ed"), QLatin1String("es"), QLatin1String("s")}) {
        if (word.size() - suffix.size() >= 3 && word.endsWith(suffix))
            return word.chopped(suffix.size());
    }
    return word;
}

QStringList sentencesOf(const QString &text)
{
    // Sentence ends, and line breaks (headings, list items and paragraphs are units of their own).
    static const QRegularExpression boundary(QStringLiteral("(?<=[.!?])\\s+|\\s*\\n\\s*"));
    static const QRegularExpression markup(QStringLiteral("^(?:#+|[-*+>]|\\d+[.)])\\s+"));
    QStringList sentences;
    for (QString sentence : text.split(boundary, Qt::SkipEmptyParts)) {
        sentence = sentence.simplified().remove(markup);
        if (sentence.size() >= 2)
            sentences.append(sentence);
    }
    return sentences;
}

int score(const QString &sentence, const QSet<QString> &termStems)
{
    static const QRegularExpression word(QStringLiteral("[\\p{L}\\p{N}]+"));
    QSet<QString> matched;
    for (auto it = word.globalMatch(sentence.toLower()); it.hasNext();) {
        const QString s = stem(it.next().captured());
        if (termStems.contains(s))
            matched.insert(s);
    }
    return int(matched.size());
}

QString shortened(const QString &sentence, int maxLength)
{
    if (sentence.size() <= maxLength)
        return sentence;
    QString cut = sentence.left(maxLength);
    const qsizetype space = cut.lastIndexOf(u' ');
    if (space > maxLength / 2)
        cut.truncate(space);
    return cut + QStringLiteral("…");
}

QString notKnown(const ChatRequest &request)
{
    const QString twin = request.twinName.isEmpty() ? QStringLiteral("this twin") : request.twinName;
    const QStringList terms = Retriever::terms(request.question, 6);
    const QString topic = terms.isEmpty() ? QStringLiteral("it") : u'"' + terms.join(u' ') + u'"';
    return QStringLiteral(
               "I don't know that yet: none of %1's approved sources mention %2. Add a source that covers it.")
        .arg(twin, topic);
}

} // namespace

QString GroundedProvider::compose(const ChatRequest &request)
{
    QSet<QString> termStems;
    for (const QString &term : Retriever::terms(request.question))
        termStems.insert(stem(term));

    struct Pick
    {
        QString sentence;
        int marker;
    };
    QList<Pick> picks;
    QSet<QString> seen;
    auto add = [&](const QString &sentence, int marker) {
        const QString key = sentence.toLower();
        if (picks.size() >= kMaxSentences || seen.contains(key))
            return;
        seen.insert(key);
        picks.append({shortened(sentence, kMaxSentenceLength), marker});
    };
    // Passages come best first. Each contributes its best sentence if it shares a word with the question; the
    // best passage always contributes (its match may lie in a stem this code does not know), and may add a
    // second matching sentence.
    for (qsizetype i = 0; i < request.passages.size(); ++i) {
        const QStringList sentences = sentencesOf(request.passages.at(i).text);
        if (sentences.isEmpty())
            continue;
        QList<int> scores;
        for (const QString &sentence : sentences)
            scores.append(score(sentence, termStems));
        qsizetype best = 0;
        for (qsizetype s = 1; s < sentences.size(); ++s) {
            if (scores.at(s) > scores.at(best))
                best = s;
        }
        if (scores.at(best) == 0 && !picks.isEmpty())
            continue;
        const int marker = int(i) + 1;
        add(sentences.at(best), marker);
        if (picks.size() == 1 && picks.first().marker == marker) {
            qsizetype second = -1;
            for (qsizetype s = 0; s < sentences.size(); ++s) {
                if (s != best && scores.at(s) > 0 && (second < 0 || scores.at(s) > scores.at(second)))
                    second = s;
            }
            if (second >= 0)
                add(sentences.at(second), marker);
        }
    }
    if (picks.isEmpty())
        return notKnown(request);
    QStringList parts;
    for (const Pick &pick : picks)
        parts.append(QStringLiteral("%1 [%2]").arg(pick.sentence).arg(pick.marker));
    return parts.join(u' ');
}

Status GroundedProvider::generate(const ChatRequest &request, const TokenSink &onToken)
{
    static const QRegularExpression word(QStringLiteral("\\S+\\s*"));
    const QString answer = compose(request);
    for (auto it = word.globalMatch(answer); it.hasNext();) {
        if (!onToken(it.next().captured()))
            break;
    }
    return {};
}

} // namespace twinops
