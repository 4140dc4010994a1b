#pragma once

#include "graph/extractor.h"
#include "graph/tokenizer.h"

#include <QList>
#include <QString>

namespace twinops::graphtext {

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

// The names one sentence mentions, typed by the cues around them (titles, suffixes, known names, prepositions,
// version numbers), and the relations its patterns state ("X works at Y", "Y was founded by X", "X is a Y", ...).
Sentence analyseSentence(const QString &text, const QList<Token> &tokens, Range range, const Lexicon &lexicon);

} // namespace twinops::graphtext
