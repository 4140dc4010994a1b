#pragma once

#include "core/result.h"

#include <QByteArray>
#include <QSet>
#include <QString>
#include <QStringList>

namespace twinops::graphtext {

// The word lists of the built-in graph extractor, data in resources/graph/lexicon.json (one array per list, keyed
// by the snake_case of the member's name). Small on purpose: they catch the common cases of a chat exchange, and a
// miss only costs a weaker type. Entries are case-folded with ' as the apostrophe; knownPlaces and
// knownOrganisations hold normalised names (GraphExtractor::normalise), so multi-word entries have spaces.
struct Lexicon
{
    // Capitalised only because they start a sentence (or are "I"): never the start of a name.
    QSet<QString> stopwords;
    // Dates and times are not entities.
    QSet<QString> calendarWords;
    // Imperatives that open instructions ("Install Qt 6.4", "Ask Dr. Smith"): at the start of a sentence, not a name.
    QSet<QString> sentenceVerbs;
    QSet<QString> titles;
    // A period after these never ends a sentence ("Dr. Ada", "St. Louis").
    QSet<QString> hardAbbreviations;
    // A period after these ends a sentence when a capitalised word follows ("Acme Corp. Acme is" vs "Acme Corp. is").
    QSet<QString> suffixAbbreviations;
    // A period after these ends a sentence only when a sentence-starting word follows ("e.g. Python" vs "e.g. The").
    QSet<QString> softAbbreviations;
    // The last word of an organisation's name.
    QSet<QString> organisationSuffixes;
    // The first word of "X of Y" organisation names ("University of Cambridge", "Bank of America").
    QSet<QString> organisationHeads;
    // The first word of "X of Y" place names ("Republic of Ireland", "Gulf of Mexico").
    QSet<QString> placeHeads;
    QSet<QString> placeSuffixes;
    // The last word of a title-case name that is not a person ("Nobel Prize", "World War").
    QSet<QString> thingSuffixes;
    // Normalised names that are places whatever the context.
    QSet<QString> knownPlaces;
    // Normalised names that are organisations whatever the context.
    QSet<QString> knownOrganisations;
    // "the X app": the noun after a name that makes it a product.
    QSet<QString> productNouns;
    // The head noun of "X is a <head>", which says what X is: these four lists.
    QSet<QString> personHeads;
    QSet<QString> organisationNouns;
    QSet<QString> placeNouns;
    QSet<QString> productHeads;
    // Lower-case words inside a name: "Ludwig van Beethoven".
    QSet<QString> nameParticles;
    // Words that end a noun phrase ("a mathematician who", "a startup based in").
    QSet<QString> phraseBoundaries;
    // Adverbs allowed between a subject and its verb ("Ada also works at").
    QSet<QString> linkingAdverbs;
    // Verbs after which "in X" names a language or tool, not a place ("written in Python").
    QSet<QString> makingVerbs;
    QSet<QString> placePrepositions;
    QSet<QString> determiners;

    // The JSON keys, one per member above.
    static QStringList listNames();

    // An object with exactly the listNames() keys, each a non-empty array of distinct, non-empty, trimmed,
    // case-folded strings. The error names the offending list.
    static Result<Lexicon> fromJson(const QByteArray &json);

    // Reads and validates the lexicon built into the binary.
    static Result<Lexicon> loadBuiltIn();

    // The built-in lexicon, loaded on first use (thread-safe) and kept for the life of the process. A broken one
    // means a broken build (tst_lexicon catches it), so it stops the program with the reason rather than let the
    // extractor run with empty lists.
    static const Lexicon &builtIn();
};

} // namespace twinops::graphtext
