#pragma once

#include "jobs/jobhandler.h"
#include "knowledge/chunker.h"

namespace twinops {

// The source_index job: payload {source_id, content_hash}. Splits an approved source into chunks, replaces the
// source's chunks with them (the FTS5 triggers / the generated tsvector column keep the search index in step),
// and records status, chunk count and the health checks that GET /sources/{id}/health shows:
//   extraction        fail when no text is left after normalisation (the source becomes `failed`)
//   duplicate_content warn when another source of the same twin has the same content hash
//   chunk_anomalies   warn for forced splits, very short chunks, mostly non-text chunks, a huge chunk count
// Every write goes through context.db() inside the caller's transaction, so a failed attempt leaves nothing.
// A job whose payload no longer matches the source (content changed, source rejected or pending) is completed
// as skipped without changing anything; a missing source is NotFound, which discards the job.
class SourceIndexHandler final : public JobHandler
{
public:
    SourceIndexHandler() = default;
    explicit SourceIndexHandler(const ChunkerConfig &config)
        : m_chunker(config)
    { }

    // More chunks than this in one source usually means a dump or a log file rather than knowledge.
    static constexpr int kManyChunks = 1000;
    // A chunk in which more than this share of the non-space characters are neither letters, digits nor
    // punctuation is probably binary, base64 or markup debris.
    static constexpr double kMaxNonTextShare = 0.3;

    QString type() const override { return jobtypes::sourceIndex; }
    Result<QJsonObject> run(JobContext &context) override;

    // Share of the non-space characters of text that are symbols, controls or unassigned code points.
    static double nonTextShare(const QString &text);

private:
    Chunker m_chunker;
};

} // namespace twinops
