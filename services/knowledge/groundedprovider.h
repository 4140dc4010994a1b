#pragma once

#include "knowledge/chatprovider.h"

namespace twinops {

// The built-in, offline provider: it composes the answer from the retrieved passages alone (the sentences that
// share the most words with the question, each followed by its citation marker) and says plainly when the
// twin's sources do not cover the question. Deterministic, never empty, and it cannot fail, which makes it the
// fallback of every other provider.
class GroundedProvider final : public ChatProvider
{
public:
    static constexpr int kMaxSentences = 4;
    static constexpr int kMaxSentenceLength = 320;

    QString name() const override { return QStringLiteral("grounded"); }
    Status generate(const ChatRequest &request, const TokenSink &onToken) override;

    // The whole answer at once (generate() streams exactly this, word by word).
    static QString compose(const ChatRequest &request);
};

} // namespace twinops
