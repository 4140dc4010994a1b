#include "graph/tokenizer.h"

#include "graph/lexicon.h"

#include <algorithm>

namespace twinops::graphtext {

namespace {

bool isJoiner(QChar c)
{
    return isApostrophe(c) || c == u'-' || c == u'\u2010' || c == u'.';
}

bool isAlphanumeric(const QString &text)
{
    return std::all_of(text.cbegin(), text.cend(), [](QChar c) { return c.isLetterOrNumber(); });
}

bool hasInnerCapital(const QString &text)
{
    return std::any_of(text.cbegin() + 1, text.cend(), [](QChar c) { return c.isUpper(); });
}

bool startsListItem(const QList<Token> &tokens, qsizetype k)
{
    const Token &t = tokens.at(k);
    if (t.kind == TokenKind::Punct)
        return t.text == QLatin1String("-") || t.text == QLatin1String("*") || t.text == QLatin1String("#")
            || t.text == QLatin1String(">") || t.text == QString(QChar(0x2022));
    return t.kind == TokenKind::Number && k + 1 < tokens.size()
        && (isPunct(tokens.at(k + 1), u'.') || isPunct(tokens.at(k + 1), u')'));
}

} // namespace

bool isApostrophe(QChar c)
{
    return c == u'\'' || c == u'\u2019' || c == u'\u02bc';
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

bool isLowerCamel(const Token &token)
{
    return token.kind == TokenKind::Word && token.text.front().isLower() && hasInnerCapital(token.text)
        && isAlphanumeric(token.text);
}

bool isUpperCamel(const Token &token)
{
    const QString &t = token.text;
    return token.kind == TokenKind::Word && t.front().isUpper() && isAlphanumeric(t)
        && std::any_of(t.cbegin(), t.cend(), [](QChar c) { return c.isLower(); }) && hasInnerCapital(t)
        && !t.startsWith(QLatin1String("Mc")) && !t.startsWith(QLatin1String("Mac"));
}

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

QList<Range> splitSentences(const QList<Token> &tokens, const Lexicon &lexicon)
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
                if (lexicon.hardAbbreviations.contains(previous->lower) || isInitial(*previous))
                    continue;
                const bool nextStartsSentence = next && (next->newlinesBefore >= 2 || isCapitalised(*next));
                if (lexicon.suffixAbbreviations.contains(previous->lower) && !nextStartsSentence)
                    continue;
                if (lexicon.softAbbreviations.contains(previous->lower) && next && next->newlinesBefore < 2
                    && !(isCapitalised(*next) && lexicon.stopwords.contains(next->lower)))
                    continue;
            }
            close(k + 1);
        }
    }
    close(tokens.size());
    return sentences;
}

} // namespace twinops::graphtext
