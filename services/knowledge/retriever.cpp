#include "knowledge/retriever.h"

#include <QRegularExpression>
#include <QSet>

namespace twinops {

namespace {

const QSet<QString> &stopWords()
{
    static const QSet<QString> words{
        QStringLiteral("a"),     QStringLiteral("an"),     QStringLiteral("and"),   QStringLiteral("are"),
        QStringLiteral("as"),    QStringLiteral("at"),     QStringLiteral("be"),    QStringLiteral("but"),
        QStringLiteral("by"),    QStringLiteral("can"),    QStringLiteral("did"),   QStringLiteral("do"),
        QStringLiteral("does"),  QStringLiteral("for"),    QStringLiteral("from"),  QStringLiteral("had"),
        QStringLiteral("has"),   QStringLiteral("have"),   QStringLiteral("how"),   QStringLiteral("i"),
        QStringLiteral("in"),    QStringLiteral("is"),     QStringLiteral("it"),    QStringLiteral("its"),
        QStringLiteral("me"),    QStringLiteral("my"),     QStringLiteral("of"),    QStringLiteral("on"),
        QStringLiteral("or"),    QStringLiteral("our"),    QStringLiteral("so"),    QStringLiteral("tell"),
        QStringLiteral("that"),  QStringLiteral("the"),    QStringLiteral("their"), QStringLiteral("them"),
        QStringLiteral("there"), QStringLiteral("these"),  QStringLiteral("they"),  QStringLiteral("this"),
        QStringLiteral("to"),    QStringLiteral("was"),    QStringLiteral("we"),    QStringLiteral("were"),
        QStringLiteral("what"),  QStringLiteral("when"),   QStringLiteral("where"), QStringLiteral("which"),
        QStringLiteral("who"),   QStringLiteral("whom"),   QStringLiteral("why"),   QStringLiteral("will"),
        QStringLiteral("with"),  QStringLiteral("you"),    QStringLiteral("your"),  QStringLiteral("about"),
        QStringLiteral("know"),  QStringLiteral("please"), QStringLiteral("not"),   QStringLiteral("no")};
    return words;
}

} // namespace

QStringList Retriever::terms(const QString &text, int maxTerms)
{
    static const QRegularExpression word(QStringLiteral("[\\p{L}\\p{N}]+"));
    QStringList result;
    QSet<QString> seen;
    for (auto it = word.globalMatch(text.toLower()); it.hasNext() && result.size() < maxTerms;) {
        const QString term = it.next().captured();
        if (term.size() < 2 || stopWords().contains(term) || seen.contains(term))
            continue;
        seen.insert(term);
        result.append(term);
    }
    return result;
}

Result<QList<Passage>> Retriever::search(const QString &tenantId, const QString &twinId, const QString &question,
                                         int limit)
{
    const QStringList words = terms(question);
    if (words.isEmpty())
        return QList<Passage>{};
    // Passages with every significant word first: few rows to rank, and the most relevant ones. Only if they do
    // not fill the answer, widen to passages with any of the longest words (length stands in for rarity: ranking
    // every chunk that shares a common word with the question is what makes naive OR retrieval slow).
    auto all = run(tenantId, twinId, words, true, limit);
    if (!all.ok() || all->size() >= limit || words.size() == 1)
        return all;
    QStringList longest = words;
    std::stable_sort(longest.begin(), longest.end(),
                     [](const QString &a, const QString &b) { return a.size() > b.size(); });
    longest = longest.mid(0, 4);
    TWINOPS_TRY_ASSIGN(const auto any, run(tenantId, twinId, longest, false, limit));
    QList<Passage> passages = *all;
    for (const Passage &p : any) {
        if (passages.size() >= limit)
            break;
        if (std::none_of(passages.cbegin(), passages.cend(), [&](const Passage &q) { return q.chunkId == p.chunkId; }))
            passages.append(p);
    }
    return passages;
}

Result<QList<Passage>> Retriever::run(const QString &tenantId, const QString &twinId, const QStringList &words,
                                      bool everyWord, int limit)
{
    Result<Rows> rows = Rows();
    if (m_db.dialect() == Dialect::Sqlite) {
        // Each term quoted, so FTS5 syntax in the question ("NOT", "*", ":") is only ever text.
        QStringList quoted;
        for (const QString &w : words)
            quoted << u'"' + w + u'"';
        rows = m_db.query(
            QStringLiteral("SELECT c.id, c.source_id, s.filename, c.ordinal, c.content, -bm25(chunks_fts) AS score "
                           "FROM chunks_fts JOIN chunks c ON c.rowid = chunks_fts.rowid "
                           "JOIN sources s ON s.id = c.source_id "
                           "WHERE chunks_fts MATCH $1 AND c.tenant_id = $2 AND c.twin_id = $3 AND s.status = 'indexed' "
                           "ORDER BY bm25(chunks_fts) LIMIT $4"),
            {quoted.join(everyWord ? QStringLiteral(" AND ") : QStringLiteral(" OR ")), tenantId, twinId, limit});
    } else {
        rows = m_db.query(
            QStringLiteral(
                "SELECT c.id, c.source_id, s.filename, c.ordinal, c.content, ts_rank(c.search_vector, q) AS score "
                "FROM public.chunks c JOIN public.sources s ON s.id = c.source_id, "
                "to_tsquery('english', $1) q "
                "WHERE c.search_vector @@ q AND c.tenant_id = $2 AND c.twin_id = $3 AND s.status = 'indexed' "
                "ORDER BY score DESC, c.id LIMIT $4"),
            {words.join(everyWord ? QStringLiteral(" & ") : QStringLiteral(" | ")), tenantId, twinId, limit});
    }
    if (!rows.ok())
        return rows.error();
    QList<Passage> passages;
    for (const Row row : *rows)
        passages.append({row.text(0), row.text(1), row.text(2), int(row.integer(3)), row.text(4), row.real(5)});
    return passages;
}

} // namespace twinops
