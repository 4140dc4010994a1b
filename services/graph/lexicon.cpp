#include "graph/lexicon.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace twinops::graphtext {

namespace {

struct NamedList
{
    const char *name;
    QSet<QString> Lexicon::*list;
};

constexpr NamedList kLists[] = {
    {"stopwords", &Lexicon::stopwords},
    {"calendar_words", &Lexicon::calendarWords},
    {"sentence_verbs", &Lexicon::sentenceVerbs},
    {"titles", &Lexicon::titles},
    {"hard_abbreviations", &Lexicon::hardAbbreviations},
    {"suffix_abbreviations", &Lexicon::suffixAbbreviations},
    {"soft_abbreviations", &Lexicon::softAbbreviations},
    {"organisation_suffixes", &Lexicon::organisationSuffixes},
    {"organisation_heads", &Lexicon::organisationHeads},
    {"place_heads", &Lexicon::placeHeads},
    {"place_suffixes", &Lexicon::placeSuffixes},
    {"thing_suffixes", &Lexicon::thingSuffixes},
    {"known_places", &Lexicon::knownPlaces},
    {"known_organisations", &Lexicon::knownOrganisations},
    {"product_nouns", &Lexicon::productNouns},
    {"person_heads", &Lexicon::personHeads},
    {"organisation_nouns", &Lexicon::organisationNouns},
    {"place_nouns", &Lexicon::placeNouns},
    {"product_heads", &Lexicon::productHeads},
    {"name_particles", &Lexicon::nameParticles},
    {"phrase_boundaries", &Lexicon::phraseBoundaries},
    {"linking_adverbs", &Lexicon::linkingAdverbs},
    {"making_verbs", &Lexicon::makingVerbs},
    {"place_prepositions", &Lexicon::placePrepositions},
    {"determiners", &Lexicon::determiners},
};

Error invalid(const QString &problem)
{
    return Error::internal(QStringLiteral("graph lexicon: ") + problem);
}

Result<QSet<QString>> wordSet(const QString &name, const QJsonValue &value)
{
    if (value.isUndefined())
        return invalid(QStringLiteral("the list %1 is missing").arg(name));
    if (!value.isArray() || value.toArray().isEmpty())
        return invalid(QStringLiteral("%1 must be a non-empty array of words").arg(name));
    QSet<QString> words;
    for (const QJsonValue &entry : value.toArray()) {
        if (!entry.isString())
            return invalid(QStringLiteral("%1 holds something other than a string").arg(name));
        const QString word = entry.toString();
        if (word.isEmpty() || word != word.simplified() || word != word.toCaseFolded())
            return invalid(QStringLiteral("%1 holds \"%2\": a word must be non-empty, case-folded, without outer or "
                                          "double spaces")
                               .arg(name, word));
        if (words.contains(word))
            return invalid(QStringLiteral("%1 holds %2 twice").arg(name, word));
        words.insert(word);
    }
    return words;
}

} // namespace

QStringList Lexicon::listNames()
{
    QStringList names;
    for (const NamedList &each : kLists)
        names << QString::fromLatin1(each.name);
    return names;
}

Result<Lexicon> Lexicon::fromJson(const QByteArray &json)
{
    QJsonParseError parseError{};
    const QJsonDocument document = QJsonDocument::fromJson(json, &parseError);
    if (!document.isObject())
        return invalid(QStringLiteral("not a JSON object (%1)").arg(parseError.errorString()));
    const QJsonObject root = document.object();
    const QStringList names = listNames();
    for (const QString &key : root.keys()) {
        if (!names.contains(key))
            return invalid(QStringLiteral("unknown list %1 (the extractor does not use it)").arg(key));
    }
    Lexicon lexicon;
    for (const NamedList &each : kLists) {
        const QString name = QString::fromLatin1(each.name);
        TWINOPS_TRY_ASSIGN(lexicon.*each.list, wordSet(name, root.value(name)));
    }
    return lexicon;
}

Result<Lexicon> Lexicon::loadBuiltIn()
{
    QFile file(QStringLiteral(":/graph/lexicon.json"));
    if (!file.open(QIODevice::ReadOnly))
        return invalid(QStringLiteral("cannot read %1: %2").arg(file.fileName(), file.errorString()));
    return fromJson(file.readAll());
}

const Lexicon &Lexicon::builtIn()
{
    // A function-local static is initialised once, and other threads wait for it (C++11 [stmt.dcl]).
    static const Lexicon lexicon = [] {
        auto loaded = loadBuiltIn();
        if (!loaded.ok())
            qFatal("%s", qPrintable(loaded.error().message));
        return std::move(loaded).value();
    }();
    return lexicon;
}

} // namespace twinops::graphtext
