#pragma once

#include "core/result.h"
#include "storage/database.h"

#include <QList>
#include <QString>

namespace twinops {

struct Passage
{
    QString chunkId;
    QString sourceId;
    QString filename;
    int ordinal = 0; // position of the chunk in its source
    QString text;
    double score = 0; // higher is better
};

// Full-text retrieval over a twin's indexed chunks with the database's own ranking (the one dialect-specific
// query of the knowledge layer): FTS5 bm25 on SQLite, ts_rank over the tsvector column on PostgreSQL (ts_rank_cd,
// which also weighs term proximity, cost twice as much per row). Passages with every significant word of the question
// rank first; passages with some of its longest words fill the rest.
class Retriever
{
public:
    explicit Retriever(Database &db)
        : m_db(db)
    { }

    Result<QList<Passage>> search(const QString &tenantId, const QString &twinId, const QString &question,
                                  int limit = 5);

    // The significant words of a question: lower case, letters and digits only, stop words and duplicates removed.
    static QStringList terms(const QString &text, int maxTerms = 16);

private:
    Result<QList<Passage>> run(const QString &tenantId, const QString &twinId, const QStringList &words, bool everyWord,
                               int limit);
    Database &m_db;
};

} // namespace twinops
