#include "graph/extractor.h"

#include <QHash>
#include <QSet>
#include <QStringList>

#include <algorithm>
#include <optional>

namespace twinops {

namespace {

// ---------------------------------------------------------------------------------------------------------------
// Word lists. Small on purpose: they catch the common cases of a chat exchange, and a miss only costs a weaker type.
// Lower case, apostrophes as ', multi-word entries (normalised names) joined by '_'.
// ---------------------------------------------------------------------------------------------------------------

QSet<QString> wordSet(const char *words)
{
    QSet<QString> set;
    for (const QString &word : QString::fromUtf8(words).split(u' ', Qt::SkipEmptyParts))
        set.insert(QString(word).replace(u'_', u' '));
    return set;
}

// Capitalised only because they start a sentence (or are "I"): never the start of a name.
const QSet<QString> &stopwords()
{
    static const QSet<QString> set = wordSet(
        "a an the this that these those it its i me my mine we us our ours you your yours he him his she her hers "
        "they them their theirs who whom whose which what where when why how there here and or but nor so yet for of "
        "in on at by to from with without within into about above below after before during since until while "
        "although though because if unless whether as than like over under between among through across against "
        "along around behind beyond near is are was were be been being am do does did have has had will would shall "
        "should can could may might must not no yes yeah okay ok hello hi hey thanks thank please sure well oh also "
        "just only even still already then now today yesterday tomorrow tonight however meanwhile moreover "
        "furthermore therefore thus hence instead otherwise nevertheless nonetheless indeed overall actually basically "
        "recently currently finally originally initially eventually later earlier unfortunately fortunately "
        "additionally interestingly generally typically usually clearly obviously essentially certainly really "
        "probably definitely perhaps maybe honestly personally absolutely many much more most some any all each every "
        "both either neither few several other another such same own one let note see according based using given "
        "regarding following including great good nice sorry dear best regards "
        "i'm i've i'd i'll we're we've we'd we'll you're you've you'd you'll they're they've they'd they'll he'd "
        "he'll she'd she'll don't doesn't didn't can't cannot won't isn't aren't wasn't weren't hasn't haven't "
        "shouldn't wouldn't couldn't");
    return set;
}

// Dates and times are not entities.
const QSet<QString> &calendarWords()
{
    static const QSet<QString> set = wordSet("january february march april june july august september october "
                                             "november december monday tuesday wednesday thursday friday saturday "
                                             "sunday am pm a.m p.m utc gmt");
    return set;
}

// Imperatives that open instructions ("Install Qt 6.4", "Ask Dr. Smith"): at the start of a sentence, not a name.
const QSet<QString> &sentenceVerbs()
{
    static const QSet<QString> set = wordSet(
        "add ask build call check choose click configure consider contact copy create delete deploy disable download "
        "email enable ensure explore find follow get go install learn load make meet open paste ping read remember "
        "remove restart review run save search select send set start stop talk tell test try update upgrade use "
        "verify visit write");
    return set;
}

const QSet<QString> &titles()
{
    static const QSet<QString> set = wordSet("dr mr mrs ms mx prof professor sir dame");
    return set;
}

// A period after these never ends a sentence ("Dr. Ada", "St. Louis").
const QSet<QString> &hardAbbreviations()
{
    static const QSet<QString> set = wordSet("dr mr mrs ms mx prof st mt sen rep gen gov capt lt col sgt rev fr hon");
    return set;
}

// A period after these ends a sentence when a capitalised word follows ("Acme Corp. Acme is" vs "Acme Corp. is").
const QSet<QString> &suffixAbbreviations()
{
    static const QSet<QString> set = wordSet("inc ltd corp co jr sr llc plc etc dept");
    return set;
}

// A period after these ends a sentence only when a sentence-starting word follows ("e.g. Python" vs "e.g. The").
const QSet<QString> &softAbbreviations()
{
    static const QSet<QString> set = wordSet("e.g i.e vs approx no cf univ u.s u.k");
    return set;
}

// The last word of an organisation's name.
const QSet<QString> &organisationSuffixes()
{
    static const QSet<QString> set = wordSet(
        "inc incorporated ltd limited llc llp plc corp corporation co company gmbh ag sa bv nv group holdings partners "
        "labs lab laboratory laboratories university institute college school academy foundation association society "
        "agency bank council committee commission ministry department bureau technologies technology systems software "
        "solutions services studios studio ventures industries networks pharmaceuticals motors airlines media press "
        "publishing hospital clinic museum library party union federation church club consulting analytics robotics "
        "traders");
    return set;
}

// The first word of "X of Y" organisation names ("University of Cambridge", "Bank of America").
const QSet<QString> &organisationHeads()
{
    static const QSet<QString> set = wordSet("university institute bank ministry department school college academy "
                                             "museum society association council church federation union office "
                                             "centre center board bureau commission league court hospital library "
                                             "faculty");
    return set;
}

// The first word of "X of Y" place names ("Republic of Ireland", "Gulf of Mexico").
const QSet<QString> &placeHeads()
{
    static const QSet<QString> set = wordSet("republic kingdom state city province county isle gulf bay lake mount "
                                             "cape port sea strait");
    return set;
}

const QSet<QString> &placeSuffixes()
{
    static const QSet<QString> set = wordSet(
        "street road avenue square park river lake mountain mountains island islands valley bridge tower ocean sea bay "
        "city county province desert forest canyon airport station castle palace cathedral beach coast peninsula "
        "district region village town hills falls");
    return set;
}

// The last word of a title-case name that is not a person ("Nobel Prize", "World War").
const QSet<QString> &thingSuffixes()
{
    static const QSet<QString> set = wordSet(
        "prize award awards medal war act treaty law day festival conference summit cup championship olympics games "
        "era age revolution project programme program protocol index report paper theory standard edition series "
        "season web review journal magazine times post news principle effect");
    return set;
}

// Normalised names that are places whatever the context.
const QSet<QString> &knownPlaces()
{
    static const QSet<QString> set = wordSet(
        "united_states usa us united_kingdom uk england scotland wales ireland france germany spain portugal italy "
        "netherlands belgium switzerland austria sweden norway denmark finland iceland poland greece russia ukraine "
        "turkey china japan india korea south_korea singapore australia new_zealand canada mexico brazil argentina "
        "chile peru colombia egypt nigeria kenya ethiopia south_africa israel iran vietnam thailand indonesia "
        "philippines europe africa asia america north_america south_america antarctica london paris berlin munich "
        "hamburg madrid barcelona lisbon rome milan amsterdam brussels vienna zurich geneva stockholm oslo copenhagen "
        "helsinki dublin edinburgh manchester cambridge oxford prague warsaw budapest athens istanbul moscow kyiv "
        "new_york new_york_city los_angeles san_francisco seattle boston chicago austin washington toronto vancouver "
        "montreal mexico_city sao_paulo buenos_aires tokyo kyoto osaka beijing shanghai hong_kong seoul mumbai delhi "
        "new_delhi bangalore bengaluru sydney melbourne cairo lagos nairobi cape_town tel_aviv dubai silicon_valley "
        "california texas new_jersey florida massachusetts oregon illinois bavaria");
    return set;
}

// Normalised names that are organisations whatever the context.
const QSet<QString> &knownOrganisations()
{
    static const QSet<QString> set = wordSet(
        "google alphabet microsoft apple amazon meta facebook ibm intel nvidia amd oracle openai anthropic deepmind "
        "netflix tesla spacex samsung sony siemens sap nasa esa cern mit stanford harvard un united_nations "
        "european_union eu unesco nato bbc cnn mozilla github gitlab red_hat canonical qt_company linux_foundation "
        "wikipedia kde w3c ietf");
    return set;
}

// "the X app": the noun after a name that makes it a product.
const QSet<QString> &productNouns()
{
    static const QSet<QString> set = wordSet(
        "app application library framework tool toolkit platform software service device game language browser "
        "editor plugin extension api sdk database engine model os console product phone laptop package compiler");
    return set;
}

// The head noun of "X is a <head>", which says what X is.
const QSet<QString> &personHeads()
{
    static const QSet<QString> set = wordSet(
        "person man woman engineer scientist mathematician physicist chemist biologist writer author poet novelist "
        "artist painter musician singer composer actor actress programmer developer designer researcher professor "
        "teacher student doctor lawyer politician entrepreneur founder ceo cto manager director architect journalist "
        "philosopher economist historian inventor astronaut athlete player chef nurse consultant analyst officer "
        "leader friend colleague pioneer employee");
    return set;
}

const QSet<QString> &organisationNouns()
{
    static const QSet<QString> set = wordSet(
        "company corporation startup start-up firm business organization organisation nonprofit non-profit charity "
        "agency institution university college school bank lab laboratory manufacturer retailer publisher studio "
        "consultancy foundation subsidiary conglomerate");
    return set;
}

const QSet<QString> &placeNouns()
{
    static const QSet<QString> set = wordSet("city town village country nation state province region capital island "
                                             "continent county district neighbourhood neighborhood suburb port river "
                                             "lake mountain");
    return set;
}

const QSet<QString> &productHeads()
{
    static const QSet<QString> set = wordSet(
        "app application tool library framework product program programme language device platform service software "
        "database browser editor game model engine system website api package console phone compiler protocol");
    return set;
}

// Lower-case words inside a name: "Ludwig van Beethoven".
const QSet<QString> &nameParticles()
{
    static const QSet<QString> set = wordSet("van von de del der den da di du la le");
    return set;
}

// Words that end a noun phrase ("a mathematician who", "a startup based in").
const QSet<QString> &phraseBoundaries()
{
    static const QSet<QString> set = wordSet(
        "of in at on for with by from to into about as than like over under between through during since until and "
        "or but so because who whom whose which that where when while is are was were be been has have had will would "
        "can could should may might must does did do based located founded known born called named working living it "
        "he she they we i you");
    return set;
}

// Adverbs allowed between a subject and its verb ("Ada also works at").
const QSet<QString> &linkingAdverbs()
{
    static const QSet<QString> set = wordSet("also now still later then once already first since famously reportedly "
                                             "recently currently originally previously eventually formerly "
                                             "subsequently");
    return set;
}

// Verbs after which "in X" names a language or tool, not a place ("written in Python").
const QSet<QString> &makingVerbs()
{
    static const QSet<QString> set = wordSet("written coded implemented programmed built developed made scripted");
    return set;
}

const QSet<QString> &placePrepositions()
{
    static const QSet<QString> set = wordSet("in from near at across around outside throughout");
    return set;
}

const QSet<QString> &determiners()
{
    static const QSet<QString> set = wordSet("the a an his her their its our my your this that");
    return set;
}

// ---------------------------------------------------------------------------------------------------------------
// Tokens and sentences
// ---------------------------------------------------------------------------------------------------------------

enum class TokenKind { Word, Number, Punct };

struct Token
{
    QString text; // as written, without a possessive 's
    QString lower; // case-folded
    TokenKind kind = TokenKind::Punct;
    qsizetype begin = 0; // offsets into the text, so that names and snippets keep their original spelling
    qsizetype end = 0;
    bool spaceBefore = false;
    int newlinesBefore = 0;
    bool possessive = false;
};

bool isApostrophe(QChar c)
{
    return c == u'\'' || c == u'\u2019' || c == u'\u02bc';
}
bool isJoiner(QChar c)
{
    return isApostrophe(c) || c == u'-' || c == u'\u2010' || c == u'.';
}

QList<Token> tokenize(const QString &text)
{
    QList<Token> tokens;
    bool space = false;
    int newlines = 0;
    const qsizetype n = text.size();
    qsizetype i = 0;
    while (i < n) {
        const QChar c = text.at(i);
        if (c.isSpace()) {
            space = true;
            if (c == u'\n')
                ++newlines;
            ++i;
            continue;
        }
        Token token;
        token.begin = i;
        token.spaceBefore = space || tokens.isEmpty();
        token.newlinesBefore = newlines;
        space = false;
        newlines = 0;
        if (c.isLetterOrNumber()) {
            qsizetype j = i + 1;
            for (;;) {
                while (j < n && (text.at(j).isLetterOrNumber() || text.at(j).isMark()))
                    ++j;
                // Joined words: O'Brien, co-founded, Node.js, 3.12, U.S
                if (j + 1 < n && isJoiner(text.at(j)) && text.at(j + 1).isLetterOrNumber()) {
                    j += 2;
                    continue;
                }
                break;
            }
            token.end = j;
            token.text = text.mid(i, j - i);
            if (token.text.size() > 2 && isApostrophe(token.text.at(token.text.size() - 2))
                && (token.text.back() == u's' || token.text.back() == u'S')) {
                token.possessive = true;
                token.text.chop(2);
                token.end -= 2;
            }
            const bool version = token.text.size() > 1 && (token.text.front() == u'v' || token.text.front() == u'V')
                && token.text.at(1).isDigit();
            token.kind = c.isDigit() || version ? TokenKind::Number : TokenKind::Word;
            i = j;
        } else {
            token.end = i + 1;
            token.text = QString(c);
            token.kind = TokenKind::Punct;
            ++i;
        }
        // One apostrophe for the word lists ("I’m" = "i'm").
        token.lower = token.text.toCaseFolded().replace(u'\u2019', u'\'').replace(u'\u02bc', u'\'');
        tokens.append(token);
    }
    return tokens;
}

bool isPunct(const Token &token, char16_t c)
{
    return token.kind == TokenKind::Punct && token.text.front() == QChar(c);
}

bool isAlphanumeric(const QString &text)
{
    return std::all_of(text.cbegin(), text.cend(), [](QChar c) { return c.isLetterOrNumber(); });
}

bool hasInnerCapital(const QString &text)
{
    return std::any_of(text.cbegin() + 1, text.cend(), [](QChar c) { return c.isUpper(); });
}

// iPhone, macOS: a lower-case first letter followed by capitals (but not "naturalised-French").
bool isLowerCamel(const Token &token)
{
    return token.kind == TokenKind::Word && token.text.front().isLower() && hasInnerCapital(token.text)
        && isAlphanumeric(token.text);
}

// PagerDuty, JavaScript: capitals inside a word are a product's habit (McDonald and MacArthur are names).
bool isUpperCamel(const Token &token)
{
    const QString &t = token.text;
    return token.kind == TokenKind::Word && t.front().isUpper() && isAlphanumeric(t)
        && std::any_of(t.cbegin(), t.cend(), [](QChar c) { return c.isLower(); }) && hasInnerCapital(t)
        && !t.startsWith(QLatin1String("Mc")) && !t.startsWith(QLatin1String("Mac"));
}

// IBM, AT (of AT&T), US: two or more letters, all capitals.
bool isAcronym(const Token &token)
{
    const QString &t = token.text;
    return token.kind == TokenKind::Word && t.size() >= 2
        && std::none_of(t.cbegin(), t.cend(), [](QChar c) { return c.isLower(); })
        && std::count_if(t.cbegin(), t.cend(), [](QChar c) { return c.isLetter(); }) >= 2;
}

bool isCapitalised(const Token &token)
{
    return token.kind == TokenKind::Word && (token.text.front().isUpper() || isLowerCamel(token));
}

bool isInitial(const Token &token)
{
    return token.kind == TokenKind::Word && token.text.size() == 1 && token.text.front().isUpper();
}

struct Range
{
    qsizetype first = 0;
    qsizetype end = 0; // exclusive
};

bool startsListItem(const QList<Token> &tokens, qsizetype k)
{
    const Token &t = tokens.at(k);
    if (t.kind == TokenKind::Punct)
        return t.text == QLatin1String("-") || t.text == QLatin1String("*") || t.text == QLatin1String("#")
            || t.text == QLatin1String(">") || t.text == QString(QChar(0x2022));
    return t.kind == TokenKind::Number && k + 1 < tokens.size()
        && (isPunct(tokens.at(k + 1), u'.') || isPunct(tokens.at(k + 1), u')'));
}

// Sentences end at . ! ? (unless the period closes an abbreviation or an initial), at blank lines and before list
// items and headings.
QList<Range> splitSentences(const QList<Token> &tokens)
{
    QList<Range> sentences;
    qsizetype start = 0;
    auto close = [&](qsizetype end) {
        if (end > start)
            sentences.append({start, end});
        start = end;
    };
    for (qsizetype k = 0; k < tokens.size(); ++k) {
        const Token &t = tokens.at(k);
        if (k > start && (t.newlinesBefore >= 2 || (t.newlinesBefore == 1 && startsListItem(tokens, k))))
            close(k);
        if (t.kind != TokenKind::Punct)
            continue;
        const QChar c = t.text.front();
        if (c == u'!' || c == u'?' || c == u'\u2026') {
            close(k + 1);
        } else if (c == u'.') {
            const Token *previous = k > start ? &tokens.at(k - 1) : nullptr;
            const Token *next = k + 1 < tokens.size() ? &tokens.at(k + 1) : nullptr;
            if (previous && !t.spaceBefore && previous->kind == TokenKind::Word) {
                if (hardAbbreviations().contains(previous->lower) || isInitial(*previous))
                    continue;
                const bool nextStartsSentence = next && (next->newlinesBefore >= 2 || isCapitalised(*next));
                if (suffixAbbreviations().contains(previous->lower) && !nextStartsSentence)
                    continue;
                if (softAbbreviations().contains(previous->lower) && next && next->newlinesBefore < 2
                    && !(isCapitalised(*next) && stopwords().contains(next->lower)))
                    continue;
            }
            close(k + 1);
        }
    }
    close(tokens.size());
    return sentences;
}

// ---------------------------------------------------------------------------------------------------------------
// Mentions and relations within a sentence
// ---------------------------------------------------------------------------------------------------------------

// How sure a type is: later evidence replaces a type only when it is stronger.
namespace certainty {
constexpr int guess = 0; // the default: a concept
constexpr int hint = 1; // a preposition before it, the shape of a person's name
constexpr int role = 2; // its part in a relation ("X works at Y": Y is an organisation)
constexpr int cue = 3; // a title, an organisation suffix, a known name, a version number
} // namespace certainty

struct Mention
{
    qsizetype first = 0; // token range, inclusive
    qsizetype last = 0;
    QString name;
    QString norm;
    QString type = entitytypes::abstractConcept;
    int strength = certainty::guess;
    bool weak = false; // a lone capitalised word opening a sentence: kept only if something confirms it
    bool inRelation = false;
    bool suppressed = false; // inside a noun phrase that became its own entity, or a word of a relation pattern
    bool phrase = false; // a lower-case noun phrase ("a mathematician"): linked by its relation, not by co-occurrence
    QString description;

    void suggest(const QString &candidate, int candidateStrength)
    {
        if (candidateStrength > strength) {
            type = candidate;
            strength = candidateStrength;
        }
    }
};

struct SentenceRelation
{
    int from; // mention indices
    int to;
    QString type;
};

struct Sentence
{
    QString snippet;
    QList<Mention> mentions;
    QList<SentenceRelation> relations;
};

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
bool isVersion(const QList<Token> &tokens, qsizetype k, qsizetype end)
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
    return next.kind == TokenKind::Punct || isCapitalised(next) || phraseBoundaries().contains(next.lower);
}

class SentenceAnalyser
{
public:
    SentenceAnalyser(const QString &text, const QList<Token> &tokens, Range range)
        : m_text(text)
        , m_tokens(tokens)
        , m_first(range.first)
        , m_end(range.end)
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
                loudStopwords += stopwords().contains(t.lower) ? 1 : 0;
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
        if (!isCapitalised(t) || calendarWords().contains(t.lower) || titles().contains(t.lower))
            return false;
        if (isAcronym(t))
            return !m_shouting && t.lower != QLatin1String("ok");
        return !stopwords().contains(t.lower);
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
            if (isCapitalised(t) && titles().contains(t.lower)) {
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
            } else if (!startsName(t) || (opensSentence(k) && sentenceVerbs().contains(t.lower))) {
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
                if (u.kind == TokenKind::Word && nameParticles().contains(u.lower) && j + 1 < m_end
                    && startsName(at(j + 1))) {
                    ++j;
                    continue;
                }
                if (u.kind == TokenKind::Word && (u.lower == QLatin1String("of") || u.lower == QLatin1String("for"))
                    && (organisationHeads().contains(at(last).lower) || placeHeads().contains(at(last).lower))) {
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
            if (last + 1 < m_end && !at(last).possessive && isVersion(m_tokens, last + 1, m_end)) {
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
        if (knownPlaces().contains(m.norm))
            m.suggest(entitytypes::place, certainty::cue);
        if (knownOrganisations().contains(m.norm))
            m.suggest(entitytypes::organization, certainty::cue);
        if (multiWord && organisationSuffixes().contains(lastWord))
            m.suggest(entitytypes::organization, certainty::cue);
        if (multiWord && organisationHeads().contains(firstWord) && m.norm.contains(QLatin1String(" of ")))
            m.suggest(entitytypes::organization, certainty::cue);
        if (multiWord && placeSuffixes().contains(lastWord))
            m.suggest(entitytypes::place, certainty::cue);
        if (multiWord && placeHeads().contains(firstWord) && m.norm.contains(QLatin1String(" of ")))
            m.suggest(entitytypes::place, certainty::cue);
        if (m.first == m.last && isLowerCamel(at(m.first)))
            m.suggest(entitytypes::product, certainty::cue);
        if (m.first == m.last && isUpperCamel(at(m.first)))
            m.suggest(entitytypes::product, certainty::hint);
        if (isWordAt(m.last + 1, productNouns()) && !at(m.last).possessive) {
            const bool the = m.first > m_first && at(m.first - 1).lower == QLatin1String("the");
            m.suggest(entitytypes::product, the ? certainty::cue : certainty::role);
        }

        // A preposition before the name: "in Berlin", "from Acme" (weak), but "written in Python" is a product.
        qsizetype before = m.first - 1;
        if (before >= m_first && at(before).lower == QLatin1String("the"))
            --before;
        if (isWordAt(before, placePrepositions()) && !at(m.last).possessive) {
            if (at(before).lower == QLatin1String("in") && isWordAt(before - 1, makingVerbs()))
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
            if (t.kind == TokenKind::Punct || isInitial(t) || nameParticles().contains(t.lower))
                continue;
            if (t.kind != TokenKind::Word || !t.text.front().isUpper())
                return false;
            const bool hasLower = std::any_of(t.text.cbegin(), t.text.cend(), [](QChar c) { return c.isLower(); });
            if (!hasLower || organisationSuffixes().contains(t.lower) || placeSuffixes().contains(t.lower)
                || productNouns().contains(t.lower) || organisationHeads().contains(t.lower)
                || std::any_of(t.text.cbegin(), t.text.cend(), [](QChar c) { return c.isDigit(); }))
                return false;
            ++words;
        }
        return words >= 2 && words <= 3 && !thingSuffixes().contains(at(m.last).lower);
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
            if (t.kind == TokenKind::Punct || phraseBoundaries().contains(t.lower))
                break;
            if (words > 0 && (t.lower.endsWith(QLatin1String("ing")) || t.lower.endsWith(QLatin1String("ed")))
                && isWordAt(j + 1, phraseBoundaries()))
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
            && (linkingAdverbs().contains(at(j).lower)
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
        else if (pattern.object != ObjectKind::Entity && isWordAt(k, determiners()))
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
            if (personHeads().contains(head))
                subjectType = entitytypes::person;
            else if (organisationNouns().contains(head))
                subjectType = entitytypes::organization;
            else if (placeNouns().contains(head))
                subjectType = entitytypes::place;
            else if (productHeads().contains(head))
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
            && personHeads().contains(headNoun(m_mentions.at(object).norm)) && range->end < m_end
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
    bool m_shouting = false;
    QList<Mention> m_mentions;
    QList<SentenceRelation> m_relations;
};

QString pairKey(const QString &a, const QString &b)
{
    return a < b ? a + u'\x1f' + b : b + u'\x1f' + a;
}

} // namespace

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
    for (const Range &range : splitSentences(tokens))
        sentences.append(SentenceAnalyser(text, tokens, range).run());

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
