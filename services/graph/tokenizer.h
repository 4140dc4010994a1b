#pragma once

#include <QList>
#include <QString>

namespace twinops::graphtext {

struct Lexicon;

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

// Tokens first..end-1: a sentence, a noun phrase.
struct Range
{
    qsizetype first = 0;
    qsizetype end = 0; // exclusive
};

// Words (joined across apostrophes, hyphens and dots: O'Brien, co-founded, Node.js, 3.12, U.S), numbers (v2 too)
// and single punctuation characters.
QList<Token> tokenize(const QString &text);

// Sentences end at . ! ? (unless the period closes an abbreviation or an initial), at blank lines and before list
// items and headings.
QList<Range> splitSentences(const QList<Token> &tokens, const Lexicon &lexicon);

bool isApostrophe(QChar c);
bool isPunct(const Token &token, char16_t c);
// iPhone, macOS: a lower-case first letter followed by capitals (but not "naturalised-French").
bool isLowerCamel(const Token &token);
// PagerDuty, JavaScript: capitals inside a word are a product's habit (McDonald and MacArthur are names).
bool isUpperCamel(const Token &token);
// IBM, AT (of AT&T), US: two or more letters, all capitals.
bool isAcronym(const Token &token);
bool isCapitalised(const Token &token);
bool isInitial(const Token &token);

} // namespace twinops::graphtext
