#include "graph/sentenceanalyser.h"

#include "graph/lexicon.h"

#include <QStringList>

#include <algorithm>
#include <optional>

namespace twinops::graphtext {

namespace {

enum class ObjectKind { Entity, EntityOrPhrase, Phrase };

struct Pattern
{
    QString relation;
    QList<QStringList> words; // alternatives per position
    QList<bool> optional;
    ObjectKind object = ObjectKind::Entity;
    bool passive = false; // "Y was founded by X": the mention before the verb is the relation's target
    QString beforeType; // the type the pattern implies for the mention before the verb
    QString afterType; // ... and for the one after it
};

const QList<Pattern> &patterns()
{
    static const QList<Pattern> list = [] {
        QList<Pattern> l;
        auto add = [&l](const QString &relation, const char *spec, ObjectKind object, bool passive,
                        const QString &beforeType, const QString &afterType) {
            Pattern p;
            p.relation = relation;
            for (QString element : QString::fromUtf8(spec).split(u' ')) {
                const bool optional = element.endsWith(u'?');
                if (optional)
                    element.chop(1);
                p.words.append(element.split(u'|'));
                p.optional.append(optional);
            }
            p.object = object;
            p.passive = passive;
            p.beforeType = beforeType;
            p.afterType = afterType;
            l.append(p);
        };
        using namespace entitytypes;
        const QString none;
        // Order matters: the first pattern that matches at a position wins, so the specific "is a part of" and
        // "is the founder of" come before the general "is a". A leading "," is an appositive ("Acme, a subsidiary
        // of Initech,").
        add(relationtypes::partOf,
            "is|was|are|were a|an|the? part|member|division|subsidiary|unit|branch|department|component|piece of",
            ObjectKind::EntityOrPhrase, false, none, none);
        add(relationtypes::partOf, ", a|an|the? part|member|division|subsidiary|unit|branch|department of",
            ObjectKind::EntityOrPhrase, false, none, none);
        add(relationtypes::founded, "is|was|are|were the|a|an? founder|co-founder|cofounder of", ObjectKind::Entity,
            false, person, organization);
        add(relationtypes::worksAt,
            "is|was|are|were the|a|an? ceo|cto|cfo|coo|president|chairman|chair|director|head|employee of|at",
            ObjectKind::Entity, false, person, organization);
        add(relationtypes::founded, "is|was|are|were founded|co-founded|cofounded|established|started by",
            ObjectKind::Entity, true, organization, none);
        add(relationtypes::created,
            "is|was|are|were created|built|written|developed|designed|invented|authored|made by", ObjectKind::Entity,
            true, product, none);
        add(relationtypes::locatedIn, "is|was|are|were? located|based|headquartered|situated in", ObjectKind::Entity,
            false, none, place);
        add(relationtypes::locatedIn, "lives|lived|live|living in", ObjectKind::Entity, false, person, place);
        add(relationtypes::worksAt, "works|worked|work|working at|for", ObjectKind::Entity, false, person,
            organization);
        add(relationtypes::worksAt, "is|was|are|were working|employed at|for|by", ObjectKind::Entity, false, person,
            organization);
        add(relationtypes::worksAt, "joined", ObjectKind::Entity, false, person, organization);
        add(relationtypes::founded, "founded|co-founded|cofounded|established", ObjectKind::Entity, false, person,
            organization);
        add(relationtypes::created, "created|built|wrote|developed|designed|invented|authored|co-created",
            ObjectKind::EntityOrPhrase, false, none, product);
        add(relationtypes::isA, "is|was|are|were|became a|an", ObjectKind::Phrase, false, none, none);
        add(relationtypes::isA, ", a|an", ObjectKind::Phrase, false, none, none);
        return l;
    }();
    return list;
}

// Matches the pattern's words from token `k`; returns the index after the match, or -1.
qsizetype matchPattern(const QList<Token> &tokens, qsizetype k, qsizetype end, const Pattern &pattern)
{
    for (qsizetype w = 0; w < pattern.words.size(); ++w) {
        const Token *t = k < end ? &tokens.at(k) : nullptr;
        const bool matches = t
            && (t->kind == TokenKind::Punct ? pattern.words.at(w).contains(t->text)
                                            : pattern.words.at(w).contains(t->lower));
        if (matches)
            ++k;
        else if (!pattern.optional.at(w))
            return -1;
    }
    return k;
}

QString slice(const QString &text, const QList<Token> &tokens, qsizetype first, qsizetype last)
{
    return text.mid(tokens.at(first).begin, tokens.at(last).end - tokens.at(first).begin).simplified();
}

QString headNoun(const QString &phrase)
{
    return phrase.section(u' ', -1).toCaseFolded();
}

// Whether a number right after a name is its version ("Python 3.12", "Windows 11", "v2").
bool isVersion(const QList<Token> &tokens, qsizetype k, qsizetype end, const Lexicon &lexicon)
{
    const Token &t = tokens.at(k);
    if (t.kind != TokenKind::Number || !t.spaceBefore)
        return false;
    if (t.text.contains(u'.') || t.text.front() == u'v' || t.text.front() == u'V')
        return true;
    bool isInteger = false;
    const int value = t.text.toInt(&isInteger);
    if (!isInteger || value <= 0 || value >= 100)
        return false;
    // "Windows 11 is" yes, "Acme 5 days" no.
    if (k + 1 >= end)
        return true;
    const Token &next = tokens.at(k + 1);
    return next.kind == TokenKind::Punct || isCapitalised(next) || lexicon.phraseBoundaries.contains(next.lower);
}

class SentenceAnalyser final
{
public:
    SentenceAnalyser(const QString &text, const QList<Token> &tokens, Range range, const Lexicon &lexicon)
        : m_text(text)
        , m_tokens(tokens)
        , m_first(range.first)
        , m_end(range.end)
        , m_lexicon(lexicon)
    {
        // "READ THE DOCS BEFORE DEPLOYING": capitals that mean nothing. Acronyms in a normal sentence ("IBM and
        // AT&T") have lower-case words around them, and no capitalised function words.
        int words = 0, acronyms = 0, loudStopwords = 0;
        for (qsizetype k = m_first; k < m_end; ++k) {
            const Token &t = at(k);
            if (t.kind != TokenKind::Word || t.text.size() < 2)
                continue;
            ++words;
            if (isAcronym(t)) {
                ++acronyms;
                loudStopwords += m_lexicon.stopwords.contains(t.lower) ? 1 : 0;
            }
        }
        m_shouting = loudStopwords >= 1 && acronyms >= 3 && acronyms * 3 >= words * 2;
    }

    Sentence run()
    {
        Sentence sentence;
        sentence.snippet = snippet();
        findMentions();
        for (Mention &mention : m_mentions)
            typeFromCues(mention);
        findRelations();
        sentence.mentions = m_mentions;
        sentence.relations = m_relations;
        return sentence;
    }

private:
    const Token &at(qsizetype k) const { return m_tokens.at(k); }
    bool isWordAt(qsizetype k, const QSet<QString> &set) const
    {
        return k >= m_first && k < m_end && at(k).kind == TokenKind::Word && set.contains(at(k).lower);
    }

    QString snippet() const
    {
        QString s = slice(m_text, m_tokens, m_first, m_end - 1);
        if (s.size() > GraphExtractor::kMaxSnippetLength) {
            s.truncate(GraphExtractor::kMaxSnippetLength - 1);
            const qsizetype space = s.lastIndexOf(u' ');
            if (space > GraphExtractor::kMaxSnippetLength / 2)
                s.truncate(space);
            s += u'\u2026';
        }
        return s;
    }

    // Whether token k is the first word of the sentence, capitalised whatever it is. After any other word ("In
    // Paris", "The Beatles") a capital letter means a name.
    bool opensSentence(qsizetype k) const
    {
        for (qsizetype j = m_first; j < k; ++j) {
            if (at(j).kind != TokenKind::Punct)
                return false;
        }
        return true;
    }

    // A capitalised word that can be part of a name: not a function word (unless an acronym: "AT&T", "IT"), a date,
    // a title, or a capital of a shouted sentence.
    bool continuesName(const Token &t) const
    {
        if (!isCapitalised(t) || m_lexicon.calendarWords.contains(t.lower) || m_lexicon.titles.contains(t.lower))
            return false;
        if (isAcronym(t))
            return !m_shouting && t.lower != QLatin1String("ok");
        return !m_lexicon.stopwords.contains(t.lower);
    }

    bool startsName(const Token &t) const { return continuesName(t); }

    // Capitalised runs, joined by "&", particles ("van"), initials ("John F. Kennedy") and, after an organisation
    // or place head, "of" / "for" ("University of Cambridge"). A title before the name types it but is not kept.
    void findMentions()
    {
        qsizetype k = m_first;
        while (k < m_end) {
            const Token &t = at(k);
            bool titled = false;
            qsizetype start = k;
            if (isCapitalised(t) && m_lexicon.titles.contains(t.lower)) {
                qsizetype m = k + 1;
                if (m < m_end && isPunct(at(m), u'.') && !at(m).spaceBefore)
                    ++m;
                if (m < m_end && startsName(at(m))) {
                    titled = true;
                    start = m;
                } else {
                    ++k;
                    continue;
                }
            } else if (!startsName(t) || (opensSentence(k) && m_lexicon.sentenceVerbs.contains(t.lower))) {
                ++k;
                continue;
            }

            qsizetype last = start;
            int words = 1;
            qsizetype j = start + 1;
            while (j < m_end && !at(last).possessive) {
                const Token &u = at(j);
                if (continuesName(u)) {
                    last = j++;
                    ++words;
                    continue;
                }
                // "John F. Kennedy", "U.S. Navy": the period of an initial or abbreviation stays inside the name.
                if (isPunct(u, u'.') && !u.spaceBefore && (isInitial(at(last)) || at(last).text.contains(u'.'))
                    && j + 1 < m_end && startsName(at(j + 1))) {
                    ++j;
                    continue;
                }
                if (isPunct(u, u'&') && j + 1 < m_end && startsName(at(j + 1))) {
                    ++j;
                    continue;
                }
                if (u.kind == TokenKind::Word && m_lexicon.nameParticles.contains(u.lower) && j + 1 < m_end
                    && startsName(at(j + 1))) {
                    ++j;
                    continue;
                }
                if (u.kind == TokenKind::Word && (u.lower == QLatin1String("of") || u.lower == QLatin1String("for"))
                    && (m_lexicon.organisationHeads.contains(at(last).lower)
                        || m_lexicon.placeHeads.contains(at(last).lower))) {
                    qsizetype next = j + 1;
                    if (next < m_end && at(next).lower == QLatin1String("the"))
                        ++next;
                    if (next < m_end && startsName(at(next))) {
                        j = next;
                        continue;
                    }
                }
                break;
            }
            bool version = false;
            if (last + 1 < m_end && !at(last).possessive && isVersion(m_tokens, last + 1, m_end, m_lexicon)) {
                ++last;
                version = true;
            }
            k = last + 1;
            if (words > 6)
                continue; // a title-case heading, not a name

            Mention mention;
            mention.first = start;
            mention.last = last;
            mention.name = slice(m_text, m_tokens, start, last);
            mention.norm = GraphExtractor::normalise(mention.name);
            if (mention.norm.isEmpty() || (mention.norm.size() < 2 && !version))
                continue;
            if (titled)
                mention.suggest(entitytypes::person, certainty::cue);
            if (version)
                mention.suggest(entitytypes::product, certainty::cue);
            mention.weak = words == 1 && !titled && !version && opensSentence(start);
            m_mentions.append(mention);
        }
    }

    void typeFromCues(Mention &m) const
    {
        const QString firstWord = at(m.first).lower;
        const QString lastWord = at(m.last).lower;
        const bool multiWord = m.last > m.first;
        if (m_lexicon.knownPlaces.contains(m.norm))
            m.suggest(entitytypes::place, certainty::cue);
        if (m_lexicon.knownOrganisations.contains(m.norm))
            m.suggest(entitytypes::organization, certainty::cue);
        if (multiWord && m_lexicon.organisationSuffixes.contains(lastWord))
            m.suggest(entitytypes::organization, certainty::cue);
        if (multiWord && m_lexicon.organisationHeads.contains(firstWord) && m.norm.contains(QLatin1String(" of ")))
            m.suggest(entitytypes::organization, certainty::cue);
        if (multiWord && m_lexicon.placeSuffixes.contains(lastWord))
            m.suggest(entitytypes::place, certainty::cue);
        if (multiWord && m_lexicon.placeHeads.contains(firstWord) && m.norm.contains(QLatin1String(" of ")))
            m.suggest(entitytypes::place, certainty::cue);
        if (m.first == m.last && isLowerCamel(at(m.first)))
            m.suggest(entitytypes::product, certainty::cue);
        if (m.first == m.last && isUpperCamel(at(m.first)))
            m.suggest(entitytypes::product, certainty::hint);
        if (isWordAt(m.last + 1, m_lexicon.productNouns) && !at(m.last).possessive) {
            const bool the = m.first > m_first && at(m.first - 1).lower == QLatin1String("the");
            m.suggest(entitytypes::product, the ? certainty::cue : certainty::role);
        }

        // A preposition before the name: "in Berlin", "from Acme" (weak), but "written in Python" is a product.
        qsizetype before = m.first - 1;
        if (before >= m_first && at(before).lower == QLatin1String("the"))
            --before;
        if (isWordAt(before, m_lexicon.placePrepositions) && !at(m.last).possessive) {
            if (at(before).lower == QLatin1String("in") && isWordAt(before - 1, m_lexicon.makingVerbs))
                m.suggest(entitytypes::product, certainty::role);
            else
                m.suggest(entitytypes::place, certainty::hint);
        }
        if (looksLikePersonName(m))
            m.suggest(entitytypes::person, certainty::hint);
    }

    // Two or three title-case words (initials and particles aside) with no organisation, place or product word, not
    // ending like a thing ("Nobel Prize").
    bool looksLikePersonName(const Mention &m) const
    {
        int words = 0;
        for (qsizetype k = m.first; k <= m.last; ++k) {
            const Token &t = at(k);
            if (isPunct(t, u'&'))
                return false; // Johnson & Johnson
            if (t.kind == TokenKind::Punct || isInitial(t) || m_lexicon.nameParticles.contains(t.lower))
                continue;
            if (t.kind != TokenKind::Word || !t.text.front().isUpper())
                return false;
            const bool hasLower = std::any_of(t.text.cbegin(), t.text.cend(), [](QChar c) { return c.isLower(); });
            if (!hasLower || m_lexicon.organisationSuffixes.contains(t.lower)
                || m_lexicon.placeSuffixes.contains(t.lower) || m_lexicon.productNouns.contains(t.lower)
                || m_lexicon.organisationHeads.contains(t.lower)
                || std::any_of(t.text.cbegin(), t.text.cend(), [](QChar c) { return c.isDigit(); }))
                return false;
            ++words;
        }
        return words >= 2 && words <= 3 && !m_lexicon.thingSuffixes.contains(at(m.last).lower);
    }

    int mentionStartingAt(qsizetype k) const
    {
        for (qsizetype i = 0; i < m_mentions.size(); ++i) {
            if (m_mentions.at(i).first == k && !m_mentions.at(i).suppressed)
                return int(i);
        }
        return -1;
    }

    int mentionEndingAt(qsizetype k) const
    {
        for (qsizetype i = 0; i < m_mentions.size(); ++i) {
            if (m_mentions.at(i).last == k && !m_mentions.at(i).suppressed)
                return int(i);
        }
        return -1;
    }

    // The noun phrase from token k: up to four words, ending before a preposition, conjunction, relative pronoun,
    // auxiliary or punctuation, and before a participle that introduces one ("a mathematician working at").
    std::optional<Range> nounPhrase(qsizetype k) const
    {
        qsizetype last = -1;
        int words = 0;
        for (qsizetype j = k; j < m_end && words < 4; ++j) {
            const Token &t = at(j);
            if (t.kind == TokenKind::Punct || m_lexicon.phraseBoundaries.contains(t.lower))
                break;
            if (words > 0 && (t.lower.endsWith(QLatin1String("ing")) || t.lower.endsWith(QLatin1String("ed")))
                && isWordAt(j + 1, m_lexicon.phraseBoundaries))
                break;
            last = j;
            ++words;
            if (t.possessive)
                break;
        }
        if (last < 0)
            return std::nullopt;
        return Range{k, last + 1};
    }

    // A noun phrase as an entity of its own (a concept), hiding the weaker names inside it ("an American writer").
    int phraseMention(Range phrase)
    {
        Mention m;
        m.first = phrase.first;
        m.last = phrase.end - 1;
        m.name = slice(m_text, m_tokens, m.first, m.last);
        m.norm = GraphExtractor::normalise(m.name);
        if (m.norm.isEmpty())
            return -1;
        m.phrase = true;
        m.suggest(entitytypes::abstractConcept, certainty::role);
        for (Mention &inner : m_mentions) {
            if (inner.first >= m.first && inner.last <= m.last && inner.strength < certainty::cue)
                inner.suppressed = true;
        }
        m_mentions.append(m);
        return int(m_mentions.size() - 1);
    }

    // Every position where a pattern matches. The object gets the type the pattern implies even without a subject
    // ("She works at Contoso": Contoso is an organisation); a relation needs a name right before the verb.
    void findRelations()
    {
        qsizetype k = m_first;
        while (k < m_end) {
            qsizetype after = -1;
            const Pattern *matched = nullptr;
            for (const Pattern &pattern : patterns()) {
                after = matchPattern(m_tokens, k, m_end, pattern);
                if (after >= 0) {
                    matched = &pattern;
                    break;
                }
            }
            if (!matched) {
                ++k;
                continue;
            }
            // "is the CEO of": CEO is a word of the pattern, not a name.
            for (Mention &inner : m_mentions) {
                if (inner.first >= k && inner.last < after)
                    inner.suppressed = true;
            }
            applyPattern(subjectBefore(k), *matched, after);
            k = after;
        }
    }

    // The name that ends right before token k, across an adverb ("also works"), a comma ("Initech, located in")
    // and an abbreviation's period ("Acme Inc. is based in").
    int subjectBefore(qsizetype k) const
    {
        qsizetype j = k - 1;
        if (j >= m_first && at(j).kind == TokenKind::Word
            && (m_lexicon.linkingAdverbs.contains(at(j).lower)
                || (at(j).lower.endsWith(QLatin1String("ly")) && at(j).lower.size() > 4 && !isCapitalised(at(j)))))
            --j;
        if (j >= m_first && isPunct(at(j), u','))
            --j;
        if (j >= m_first && isPunct(at(j), u'.') && !at(j).spaceBefore)
            --j;
        if (j < m_first)
            return -1;
        const int subject = mentionEndingAt(j);
        return subject >= 0 && !m_mentions.at(subject).phrase ? subject : -1;
    }

    void applyPattern(int subject, const Pattern &pattern, qsizetype after)
    {
        qsizetype k = after;
        if (pattern.object != ObjectKind::Phrase && k < m_end && at(k).lower == QLatin1String("the"))
            ++k;
        else if (pattern.object != ObjectKind::Entity && isWordAt(k, m_lexicon.determiners))
            ++k;

        int object = pattern.object == ObjectKind::Phrase ? -1 : mentionStartingAt(k);
        if (subject < 0) {
            if (object >= 0 && !pattern.afterType.isEmpty())
                m_mentions[object].suggest(pattern.afterType, certainty::role);
            return;
        }
        bool phrase = false;
        std::optional<Range> range;
        if (object < 0 && pattern.object != ObjectKind::Entity) {
            range = nounPhrase(k);
            if (range)
                object = phraseMention(*range);
            phrase = object >= 0;
        }
        if (object < 0 || m_mentions.at(object).norm == m_mentions.at(subject).norm)
            return;

        QString subjectType = pattern.beforeType;
        if (pattern.relation == relationtypes::isA) {
            const QString head = headNoun(m_mentions.at(object).norm);
            if (m_lexicon.personHeads.contains(head))
                subjectType = entitytypes::person;
            else if (m_lexicon.organisationNouns.contains(head))
                subjectType = entitytypes::organization;
            else if (m_lexicon.placeNouns.contains(head))
                subjectType = entitytypes::place;
            else if (m_lexicon.productHeads.contains(head))
                subjectType = entitytypes::product;
        }
        if (!phrase && !pattern.afterType.isEmpty())
            m_mentions[object].suggest(pattern.afterType, certainty::role);

        // "Ada and Grace founded Acme": every subject of the conjunction.
        QList<int> subjects{subject};
        for (int s = subject; subjects.size() < 5;) {
            const qsizetype before = m_mentions.at(s).first - 1;
            if (before <= m_first || at(before).lower != QLatin1String("and"))
                break;
            s = mentionEndingAt(before - 1);
            if (s < 0)
                break;
            subjects.append(s);
        }
        for (int s : std::as_const(subjects)) {
            Mention &m = m_mentions[s];
            if (!subjectType.isEmpty())
                m.suggest(subjectType, certainty::role);
            if (pattern.relation == relationtypes::isA && m.description.isEmpty())
                m.description = snippet();
            m.inRelation = true;
            m_mentions[object].inRelation = true;
            if (pattern.passive)
                m_relations.append({object, s, pattern.relation});
            else
                m_relations.append({s, object, pattern.relation});
        }

        // "Ada is a software engineer at Acme": the role says where she works.
        if (pattern.relation == relationtypes::isA && range
            && m_lexicon.personHeads.contains(headNoun(m_mentions.at(object).norm)) && range->end < m_end
            && at(range->end).lower == QLatin1String("at")) {
            qsizetype o = range->end + 1;
            if (o < m_end && at(o).lower == QLatin1String("the"))
                ++o;
            const int employer = mentionStartingAt(o);
            if (employer >= 0) {
                m_mentions[employer].suggest(entitytypes::organization, certainty::role);
                m_mentions[employer].inRelation = true;
                m_relations.append({subject, employer, relationtypes::worksAt});
            }
        }
    }

    const QString &m_text;
    const QList<Token> &m_tokens;
    qsizetype m_first;
    qsizetype m_end;
    const Lexicon &m_lexicon;
    bool m_shouting = false;
    QList<Mention> m_mentions;
    QList<SentenceRelation> m_relations;
};

} // namespace

Sentence analyseSentence(const QString &text, const QList<Token> &tokens, Range range, const Lexicon &lexicon)
{
    return SentenceAnalyser(text, tokens, range, lexicon).run();
}

} // namespace twinops::graphtext
