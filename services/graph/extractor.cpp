#include "graph/extractor.h"

#include "graph/lexicon.h"
#include "graph/sentenceanalyser.h"
#include "graph/tokenizer.h"

#include <QHash>
#include <QSet>

#include <algorithm>

namespace twinops {

using namespace graphtext;

namespace {

QString pairKey(const QString &a, const QString &b)
{
    return a < b ? a + u'\x1f' + b : b + u'\x1f' + a;
}

} // namespace

GraphExtractor::GraphExtractor()
    : m_lexicon(Lexicon::builtIn())
{ }

QString GraphExtractor::normalise(const QString &name)
{
    const QString folded = name.normalized(QString::NormalizationForm_KC).toCaseFolded();
    QString out;
    out.reserve(folded.size());
    for (qsizetype i = 0; i < folded.size(); ++i) {
        const QChar c = folded.at(i);
        if (c.isLetterOrNumber() || c.isMark()) {
            out += c;
        } else if (c == u'.') {
            if (i > 0 && i + 1 < folded.size() && folded.at(i - 1).isDigit() && folded.at(i + 1).isDigit())
                out += c;
        } else if (!isApostrophe(c)) {
            out += u' ';
        }
    }
    out = out.simplified();
    if (out.startsWith(QLatin1String("the ")))
        out.remove(0, 4);
    return out;
}

Extraction GraphExtractor::extract(const QString &input) const
{
    const QString text = input.left(kMaxTextLength);
    const QList<Token> tokens = tokenize(text);
    QList<Sentence> sentences;
    for (const Range &range : splitSentences(tokens, m_lexicon))
        sentences.append(analyseSentence(text, tokens, range, m_lexicon));

    // A lone capitalised word that opens a sentence ("Yesterday", "Coffee") is an entity only if a relation uses
    // it, a cue types it, or it also appears where its capital letter means something.
    QSet<QString> confirmed;
    for (const Sentence &sentence : std::as_const(sentences)) {
        for (const Mention &m : sentence.mentions) {
            if (!m.suppressed && (!m.weak || m.inRelation || m.strength >= certainty::role))
                confirmed.insert(m.norm);
        }
    }
    auto kept = [&confirmed](const Mention &m) { return !m.suppressed && confirmed.contains(m.norm); };

    // One entity per normalised name; its type is the strongest evidence seen anywhere in the text.
    Extraction extraction;
    QHash<QString, qsizetype> entityIndex;
    QHash<QString, int> entityStrength;
    for (const Sentence &sentence : std::as_const(sentences)) {
        for (const Mention &m : sentence.mentions) {
            if (!kept(m))
                continue;
            auto it = entityIndex.constFind(m.norm);
            if (it == entityIndex.cend()) {
                if (extraction.entities.size() >= kMaxEntities)
                    continue;
                entityIndex.insert(m.norm, extraction.entities.size());
                entityStrength.insert(m.norm, m.strength);
                extraction.entities.append({m.name, m.type, m.description});
                continue;
            }
            Entity &entity = extraction.entities[*it];
            if (m.strength > entityStrength.value(m.norm)) {
                entity.type = m.type;
                entityStrength.insert(m.norm, m.strength);
            }
            if (entity.description.isEmpty())
                entity.description = m.description;
        }
    }

    QSet<QString> seen; // from \x1f to \x1f type
    QSet<QString> related; // pairs with a stated relation: co-occurrence would add nothing
    auto add = [&](const QString &fromNorm, const QString &toNorm, const QString &type, const QString &snippet) {
        if (fromNorm == toNorm || !entityIndex.contains(fromNorm) || !entityIndex.contains(toNorm)
            || extraction.relations.size() >= kMaxRelations)
            return;
        const QString key = fromNorm + u'\x1f' + toNorm + u'\x1f' + type;
        if (seen.contains(key))
            return;
        seen.insert(key);
        extraction.relations.append({extraction.entities.at(entityIndex.value(fromNorm)).name,
                                     extraction.entities.at(entityIndex.value(toNorm)).name, type, snippet});
    };
    for (const Sentence &sentence : std::as_const(sentences)) {
        for (const SentenceRelation &r : sentence.relations) {
            const Mention &from = sentence.mentions.at(r.from);
            const Mention &to = sentence.mentions.at(r.to);
            if (!kept(from) || !kept(to))
                continue;
            related.insert(pairKey(from.norm, to.norm));
            add(from.norm, to.norm, r.type, sentence.snippet);
        }
    }
    for (const Sentence &sentence : std::as_const(sentences)) {
        QList<const Mention *> present;
        QSet<QString> names;
        for (const Mention &m : sentence.mentions) {
            if (kept(m) && !m.phrase && !names.contains(m.norm)) {
                names.insert(m.norm);
                present.append(&m);
            }
        }
        std::stable_sort(present.begin(), present.end(),
                         [](const Mention *a, const Mention *b) { return a->first < b->first; });
        int pairs = 0;
        for (qsizetype i = 0; i < present.size() && pairs < kMaxCooccurrencesPerSentence; ++i) {
            for (qsizetype j = i + 1; j < present.size() && pairs < kMaxCooccurrencesPerSentence; ++j) {
                const QString &a = present.at(i)->norm;
                const QString &b = present.at(j)->norm;
                if (related.contains(pairKey(a, b)))
                    continue;
                // Symmetric: one edge per pair whatever the order of mention.
                add(std::min(a, b), std::max(a, b), relationtypes::relatedTo, sentence.snippet);
                ++pairs;
            }
        }
    }
    return extraction;
}

} // namespace twinops