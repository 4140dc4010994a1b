#include "knowledge/chunker.h"

#include <QRegularExpression>
#include <QSet>

#include <algorithm>
#include <vector>

namespace twinops {

namespace {

// Boundary levels: a cut prefers the highest level available near the target size.
enum Level : qint8 { None = 0, Space = 1, Sentence = 2, Line = 3, Paragraph = 4 };

struct Boundary
{
    int pos; // the chunk ends before this index
    qint8 level;
};

struct TextLine
{
    QString text;
    bool structured = false; // a list item, table row or code line: its line break is kept
};

struct Block
{
    bool heading = false;
    QList<TextLine> lines;
};

bool isInvisible(char16_t c)
{
    // Byte order marks and zero-width spaces carry no text, and would keep a blank line from looking blank.
    return c == 0xFEFF || c == 0x200B;
}

// Tabs and Unicode spaces become one ASCII space, runs collapse, control characters go.
QString cleanLine(const QString &raw)
{
    QString out;
    out.reserve(raw.size());
    bool pendingSpace = false;
    for (const QChar c : raw) {
        if (c.isSpace()) {
            pendingSpace = !out.isEmpty();
            continue;
        }
        if (c.category() == QChar::Other_Control || isInvisible(c.unicode()))
            continue;
        if (pendingSpace)
            out += u' ';
        pendingSpace = false;
        out += c;
    }
    return out;
}

QStringList rawLines(const QString &text)
{
    QString unified = text.normalized(QString::NormalizationForm_C);
    unified.replace(QStringLiteral("\r\n"), QStringLiteral("\n"));
    for (QChar &c : unified) {
        const char16_t u = c.unicode();
        if (u == u'\r' || u == u'\f' || u == u'\v' || u == 0x2028 || u == 0x0085)
            c = u'\n';
    }
    unified.replace(QChar(0x2029), QStringLiteral("\n\n"));
    return unified.split(u'\n');
}

const QRegularExpression &atxHeading()
{
    static const QRegularExpression re(QStringLiteral("^(#{1,6})(?:\\s+(.*?))?(?:\\s+#+)?$"));
    return re;
}

const QRegularExpression &bulletItem()
{
    static const QRegularExpression re(QStringLiteral("^[-*+\\x{2022}]\\s+(.*)$"));
    return re;
}

const QRegularExpression &orderedItem()
{
    static const QRegularExpression re(QStringLiteral("^\\d{1,9}[.)]\\s+\\S"));
    return re;
}

const QRegularExpression &thematicBreak()
{
    static const QRegularExpression re(QStringLiteral("^(?:(?:-\\s*){3,}|(?:\\*\\s*){3,}|(?:_\\s*){3,})$"));
    return re;
}

const QRegularExpression &tableSeparator()
{
    static const QRegularExpression re(QStringLiteral("^\\|?\\s*:?-+:?\\s*(?:\\|\\s*:?-+:?\\s*)*\\|?$"));
    return re;
}

// Splits lines into paragraphs (blocks); for Markdown, also headings, fences and leading syntax.
QList<Block> parseBlocks(const QString &text, bool markdown)
{
    QList<Block> blocks;
    Block current;
    auto flush = [&] {
        if (!current.lines.isEmpty())
            blocks.append(current);
        current = Block();
    };
    QString fence; // the opening fence while inside fenced code
    for (const QString &raw : rawLines(text)) {
        QString line = cleanLine(raw);
        if (markdown) {
            if (!fence.isEmpty()) {
                if (line.startsWith(fence) && line.count(fence.at(0)) == line.size()) {
                    fence.clear();
                    flush();
                } else if (line.isEmpty()) {
                    flush();
                } else {
                    current.lines.append({line, true});
                }
                continue;
            }
            if (line.startsWith(QLatin1String("```")) || line.startsWith(QLatin1String("~~~"))) {
                // The fence line (and its language tag) is syntax; the code inside is kept as text.
                int length = 0;
                while (length < line.size() && line.at(length) == line.at(0))
                    ++length;
                fence = line.left(length);
                flush();
                continue;
            }
            while (line.startsWith(u'>'))
                line = line.mid(1).trimmed();
        }
        if (line.isEmpty()) {
            flush();
            continue;
        }
        if (!markdown) {
            current.lines.append({line, bulletItem().match(line).hasMatch() || orderedItem().match(line).hasMatch()});
            continue;
        }
        const bool underlineEq = line.count(u'=') == line.size();
        const bool underlineDash = line.size() >= 2 && line.count(u'-') == line.size();
        if ((underlineEq || underlineDash) && !current.lines.isEmpty() && !current.lines.last().structured) {
            // Setext heading: the line above the underline is the heading.
            const TextLine title = current.lines.takeLast();
            flush();
            blocks.append({true, {title}});
            continue;
        }
        if (underlineEq || thematicBreak().match(line).hasMatch()) {
            flush();
            continue;
        }
        if (const auto heading = atxHeading().match(line); heading.hasMatch()) {
            flush();
            const QString title = heading.captured(2).trimmed();
            if (!title.isEmpty())
                blocks.append({true, {{title, false}}});
            continue;
        }
        if (const auto bullet = bulletItem().match(line); bullet.hasMatch()) {
            current.lines.append({bullet.captured(1), true});
            continue;
        }
        if (line.startsWith(u'|')) {
            if (!tableSeparator().match(line).hasMatch())
                current.lines.append({line, true});
            continue;
        }
        current.lines.append({line, orderedItem().match(line).hasMatch()});
    }
    flush();
    return blocks;
}

bool isTerminator(char16_t c)
{
    return c == u'.' || c == u'!' || c == u'?' || c == 0x2026;
}

// Ideographic full stops end a sentence without a following space.
bool isCjkTerminator(char16_t c)
{
    return c == 0x3002 || c == 0xFF01 || c == 0xFF1F || c == 0xFF0E;
}

bool isCloser(char16_t c)
{
    return c == u'"' || c == u'\'' || c == u')' || c == u']' || c == u'}' || c == 0x00BB || c == 0x201D || c == 0x2019
        || c == 0x300D || c == 0x300F;
}

const QSet<QString> &abbreviations()
{
    static const QSet<QString> words{
        QStringLiteral("e.g."),    QStringLiteral("i.e."), QStringLiteral("eg."),  QStringLiteral("ie."),
        QStringLiteral("dr."),     QStringLiteral("mr."),  QStringLiteral("mrs."), QStringLiteral("ms."),
        QStringLiteral("prof."),   QStringLiteral("sr."),  QStringLiteral("jr."),  QStringLiteral("st."),
        QStringLiteral("vs."),     QStringLiteral("etc."), QStringLiteral("cf."),  QStringLiteral("al."),
        QStringLiteral("inc."),    QStringLiteral("ltd."), QStringLiteral("co."),  QStringLiteral("corp."),
        QStringLiteral("no."),     QStringLiteral("nr."),  QStringLiteral("fig."), QStringLiteral("figs."),
        QStringLiteral("approx."), QStringLiteral("min."), QStringLiteral("max."), QStringLiteral("vol."),
        QStringLiteral("p."),      QStringLiteral("pp."),  QStringLiteral("ch."),  QStringLiteral("sec."),
        QStringLiteral("a.m."),    QStringLiteral("p.m."), QStringLiteral("u.s."), QStringLiteral("u.k."),
        QStringLiteral("jan."),    QStringLiteral("feb."), QStringLiteral("mar."), QStringLiteral("apr."),
        QStringLiteral("jun."),    QStringLiteral("jul."), QStringLiteral("aug."), QStringLiteral("sep."),
        QStringLiteral("sept."),   QStringLiteral("oct."), QStringLiteral("nov."), QStringLiteral("dec.")};
    return words;
}

// The end of the sentence whose terminator is at i (the index after any closing quotes or brackets), or -1.
int sentenceEnd(const QString &doc, int i)
{
    const int n = int(doc.size());
    const char16_t c = doc.at(i).unicode();
    if (isCjkTerminator(c)) {
        int j = i + 1;
        while (j < n && isCloser(doc.at(j).unicode()))
            ++j;
        return j;
    }
    if (!isTerminator(c) || (i > 0 && isTerminator(doc.at(i - 1).unicode())))
        return -1; // not a terminator, or not the first of a run such as "?!" or "..."
    int j = i + 1;
    while (j < n && isTerminator(doc.at(j).unicode()))
        ++j;
    const bool single = j == i + 1;
    while (j < n && isCloser(doc.at(j).unicode()))
        ++j;
    if (j < n && !doc.at(j).isSpace())
        return -1; // "3.14", "example.com", "e.g" inside a word
    if (c != u'.' || !single)
        return j;
    int k = i;
    while (k > 0 && !doc.at(k - 1).isSpace())
        --k;
    while (k < i && (doc.at(k) == u'(' || doc.at(k) == u'[' || doc.at(k) == u'"' || doc.at(k) == u'\''))
        ++k;
    const QString word = doc.mid(k, i + 1 - k).toLower();
    if (abbreviations().contains(word))
        return -1;
    if (word.size() == 2 && word.at(0).isLetter())
        return -1; // an initial, as in "J. Smith"
    const bool lineStart = k == 0 || doc.at(k - 1) == u'\n';
    if (lineStart && std::all_of(word.cbegin(), word.cend() - 1, [](QChar d) { return d.isDigit(); }))
        return -1; // the number of an ordered list item
    int next = j;
    while (next < n && doc.at(next).isSpace())
        ++next;
    if (next < n && doc.at(next).isLower())
        return -1; // a sentence does not start in lower case: an abbreviation we do not know
    return j;
}

std::vector<Boundary> findBoundaries(const QString &doc, const QList<int> &noCut)
{
    const int n = int(doc.size());
    std::vector<qint8> levels(size_t(n) + 1, None);
    const QSet<int> glued(noCut.cbegin(), noCut.cend());
    auto mark = [&](int pos, qint8 level) {
        if (pos > 0 && pos < n)
            levels[size_t(pos)] = std::max(levels[size_t(pos)], level);
    };
    for (int i = 0; i < n; ++i) {
        const QChar c = doc.at(i);
        if (c == u'\n') {
            if (i + 1 < n && doc.at(i + 1) == u'\n') {
                mark(i, Paragraph);
                ++i;
            } else if (!glued.contains(i)) {
                mark(i, Line);
            }
        } else if (c == u' ') {
            mark(i, Space);
        } else if (const int end = sentenceEnd(doc, i); end > 0) {
            mark(end, Sentence);
        }
    }
    std::vector<Boundary> boundaries;
    for (int pos = 1; pos < n; ++pos) {
        if (levels[size_t(pos)] != None)
            boundaries.push_back({pos, levels[size_t(pos)]});
    }
    return boundaries;
}

// Never leave half of a surrogate pair or a combining mark without its base character.
int safeCut(const QString &doc, int start, int cut)
{
    while (cut > start + 1 && (doc.at(cut).isLowSurrogate() || doc.at(cut).isMark()))
        --cut;
    return cut;
}

} // namespace

QString Chunker::normalise(const QString &text, bool markdown, QList<int> *noCut)
{
    QString doc;
    bool previousHeading = false;
    for (const Block &block : parseBlocks(text, markdown)) {
        if (!doc.isEmpty()) {
            if (previousHeading) {
                if (noCut)
                    noCut->append(int(doc.size()));
                doc += u'\n';
            } else {
                doc += QStringLiteral("\n\n");
            }
        }
        for (qsizetype i = 0; i < block.lines.size(); ++i) {
            if (i > 0) {
                // Hard-wrapped prose becomes one line; lists, tables and code keep their lines.
                const bool keepBreak = block.lines.at(i).structured || block.lines.at(i - 1).structured;
                doc += keepBreak ? u'\n' : u' ';
            }
            doc += block.lines.at(i).text;
        }
        previousHeading = block.heading;
    }
    return doc;
}

int Chunker::countWords(const QString &text)
{
    int words = 0;
    bool inWord = false;
    for (const QChar c : text) {
        if (c.isSpace()) {
            inWord = false;
        } else if (!inWord) {
            inWord = true;
            ++words;
        }
    }
    return words;
}

QList<Chunk> Chunker::split(const QString &text, const QString &mimeType) const
{
    const bool markdown = mimeType.compare(QLatin1String("text/markdown"), Qt::CaseInsensitive) == 0;
    QList<int> noCut;
    const QString doc = normalise(text, markdown, &noCut);
    const std::vector<Boundary> boundaries = findBoundaries(doc, noCut);
    const int n = int(doc.size());
    const int target = std::max(1, m_config.targetChars);
    const int maxChars = std::max(target, m_config.maxChars);
    const int minChars = std::clamp(m_config.minChars, 0, target);
    const int preferredMin = std::max(minChars, target / 4);

    QList<Chunk> chunks;
    auto add = [&](int from, int to, bool forced) {
        const QString piece = doc.mid(from, to - from).trimmed();
        if (piece.isEmpty())
            return;
        chunks.append({int(chunks.size()), piece, countWords(piece), forced});
    };
    // The end of a chunk from start: the boundary nearest to a length of `aim` among those at or above `level`
    // with a length in [lo, hi], or -1.
    auto nearest = [&](int start, qint8 level, int lo, int hi, int aim) {
        auto it = std::lower_bound(boundaries.cbegin(), boundaries.cend(), start + lo,
                                   [](const Boundary &b, int pos) { return b.pos < pos; });
        int best = -1;
        int bestDistance = 0;
        for (; it != boundaries.cend() && it->pos <= start + hi; ++it) {
            if (it->level < level)
                continue;
            const int distance = std::abs(it->pos - start - aim);
            if (best < 0 || distance < bestDistance) {
                best = it->pos;
                bestDistance = distance;
            }
        }
        return best;
    };

    int start = 0;
    while (start < n) {
        const int remaining = n - start;
        if (remaining <= target) {
            add(start, n, false);
            break;
        }
        // Leave at least minChars for the rest, so that a cut never strands a crumb at the end.
        const int hi = std::min(maxChars, remaining - minChars);
        int cut = -1;
        bool forced = false;
        if (remaining <= maxChars) {
            // Everything left would fit one chunk: split between paragraphs, and inside a paragraph only when it
            // is well over the target, then into halves, so that the rest never becomes a crumb.
            cut = nearest(start, Paragraph, preferredMin, hi, target);
            if (cut < 0 && remaining > target + target / 2) {
                for (qint8 level : {Line, Sentence, Space}) {
                    if ((cut = nearest(start, level, preferredMin, remaining - preferredMin, remaining / 2)) >= 0)
                        break;
                }
            }
            if (cut < 0) {
                add(start, n, false);
                break;
            }
        } else {
            for (qint8 level : {Paragraph, Line, Sentence}) {
                if ((cut = nearest(start, level, preferredMin, hi, target)) >= 0)
                    break;
            }
            if (cut < 0)
                cut = nearest(start, Space, std::max(1, minChars), hi, target);
            if (cut < 0) {
                // Only a long word-less stretch lies ahead: take the last boundary before it, if any.
                auto it = std::upper_bound(boundaries.cbegin(), boundaries.cend(), start + hi,
                                           [](int pos, const Boundary &b) { return pos < b.pos; });
                if (it != boundaries.cbegin() && std::prev(it)->pos > start)
                    cut = std::prev(it)->pos;
            }
            if (cut < 0) {
                cut = safeCut(doc, start, start + hi);
                forced = true;
            }
        }
        add(start, cut, forced);
        start = cut;
        while (start < n && doc.at(start).isSpace())
            ++start;
    }
    return chunks;
}

} // namespace twinops
