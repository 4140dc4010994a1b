#pragma once

#include <QList>
#include <QString>

namespace twinops {

struct Chunk
{
    int ordinal = 0; // position in the source, from 0
    QString text;
    int tokenCount = 0; // whitespace-separated words: a rough size, not a model's tokens
    // Cut at the maximum size inside text without any word boundary (a blob): worth a health warning.
    bool forcedSplit = false;
};

struct ChunkerConfig
{
    int targetChars = 800; // preferred size: boundaries nearest to it win
    int maxChars = 1500; // hard limit of one chunk
    int minChars = 40; // below this a piece is too small to stand alone if it can be avoided
};

// Splits a source's text into retrieval chunks. Cuts go, in order of preference, at paragraph breaks (blank
// lines), line breaks of lists, tables and code, sentence ends, then whitespace; never inside a word unless a
// stretch longer than maxChars has no boundary at all (then the chunk is marked forcedSplit). Whitespace is
// normalised; for text/markdown, leading syntax (#, list bullets, >) is stripped, fence lines dropped and code
// kept as text, and a heading always stays in the chunk of the paragraph that follows it. Deterministic: the
// same text and configuration always give the same chunks.
class Chunker final
{
public:
    Chunker() = default;
    explicit Chunker(const ChunkerConfig &config)
        : m_config(config)
    { }

    const ChunkerConfig &config() const { return m_config; }
    QList<Chunk> split(const QString &text, const QString &mimeType) const;

    // The text as split() sees it before cutting: normalised whitespace, light Markdown clean-up, paragraphs
    // separated by one blank line. noCut receives the positions where a heading joins its paragraph.
    static QString normalise(const QString &text, bool markdown, QList<int> *noCut = nullptr);
    static int countWords(const QString &text);

private:
    ChunkerConfig m_config;
};

} // namespace twinops
