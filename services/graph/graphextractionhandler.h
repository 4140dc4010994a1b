#pragma once

#include "graph/extractor.h"
#include "jobs/jobhandler.h"

namespace twinops {

// graph_extraction: turns one chat exchange into nodes and edges of its twin's graph. Payload
// {conversation_id, message_id (the assistant message), user_message_id?}; both messages are read scoped by the
// job's tenant and the conversation, their text (without citation markers) goes through GraphExtractor, and
// GraphStore records it with the assistant message as the evidence key, so re-running the job changes nothing.
// Result {nodes, edges, new_nodes, new_edges, new_evidence}. A malformed payload (ValidationFailed) or a missing
// conversation or message (NotFound) discards the job at once.
class GraphExtractionHandler final : public JobHandler
{
public:
    QString type() const override { return jobtypes::graphExtraction; }
    Result<QJsonObject> run(JobContext &context) override;

    // "Ada wrote it [1][2]." -> "Ada wrote it." : the markers of the offline provider's citations are not text.
    static QString stripCitations(const QString &text);

private:
    GraphExtractor m_extractor;
};

} // namespace twinops
