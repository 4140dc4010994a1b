#pragma once

#include <QList>
#include <QString>

namespace twinops {

namespace graphtext {
struct Lexicon;
} // namespace graphtext

// The node types the built-in extractor assigns (graph_nodes.type).
namespace entitytypes {
inline const QString person = QStringLiteral("person");
inline const QString organization = QStringLiteral("organization");
inline const QString place = QStringLiteral("place");
inline const QString product = QStringLiteral("product");
inline const QString abstractConcept = QStringLiteral("concept"); // `concept` is a C++20 keyword
} // namespace entitytypes

// The edge types (graph_edges.type). related_to is co-occurrence in one sentence; the others are stated facts.
namespace relationtypes {
inline const QString isA = QStringLiteral("is_a");
inline const QString worksAt = QStringLiteral("works_at");
inline const QString founded = QStringLiteral("founded");
inline const QString locatedIn = QStringLiteral("located_in");
inline const QString created = QStringLiteral("created");
inline const QString partOf = QStringLiteral("part_of");
inline const QString relatedTo = QStringLiteral("related_to");
} // namespace relationtypes

struct Entity
{
    QString name; // as first written in the text
    QString type; // an entitytypes value
    QString description; // the sentence that says what it is ("X is a Y"), else empty

    bool operator==(const Entity &) const = default;
};

// Endpoints are entity names; GraphExtractor::normalise(from) names exactly one entity of the same extraction.
struct Relation
{
    QString from;
    QString to;
    QString type; // a relationtypes value
    QString snippet; // the sentence it was found in

    bool operator==(const Relation &) const = default;
};

struct Extraction
{
    QList<Entity> entities; // in order of first appearance, one per normalised name
    QList<Relation> relations; // in order of appearance, one per (from, to, type)

    bool isEmpty() const { return entities.isEmpty(); }
};

// The built-in, offline extractor: capitalised spans typed by cues (titles, organisation suffixes, a small list of
// places and organisations, version numbers, prepositions) and a handful of relation patterns ("X is a Y",
// "X works at Y", "X founded Y", "X is based in Y", "X created Y", "X is part of Y", and their passives), plus
// related_to edges between entities of one sentence. Pure and deterministic: the same text always gives the same
// extraction, which is what makes re-running a graph job a no-op. The word lists are data (graphtext::Lexicon,
// resources/graph/lexicon.json); the text is cut into tokens and sentences (tokenizer.h) and each sentence analysed
// on its own (sentenceanalyser.h) before the entities and relations of the whole text are merged here.
class GraphExtractor final
{
public:
    static constexpr int kMaxTextLength = 100'000; // longer input is cut (an exchange is far shorter)
    static constexpr int kMaxEntities = 200;
    static constexpr int kMaxRelations = 500;
    static constexpr int kMaxCooccurrencesPerSentence = 10; // a long list must not make a clique
    static constexpr int kMaxSnippetLength = 300;

    // Uses the built-in lexicon, loaded by the first extractor constructed: ServiceCore constructs one at start-up,
    // so a broken lexicon stops the program there, not at the first graph job.
    GraphExtractor();

    Extraction extract(const QString &text) const;

    // The identity of a name within a twin's graph: NFKC, case-folded, apostrophes and dots dropped (O'Brien =
    // OBrien, U.S. = US, but 3.12 keeps its dot), other punctuation as a space, spaces collapsed, no leading "the".
    static QString normalise(const QString &name);

private:
    const graphtext::Lexicon &m_lexicon;
};

} // namespace twinops
