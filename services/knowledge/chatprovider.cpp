#include "knowledge/chatprovider.h"

#include "knowledge/chatsettings.h"
#include "knowledge/openaiprovider.h"

namespace twinops {

std::shared_ptr<ChatProvider> makeChatProvider(const ChatSettings &settings)
{
    if (settings.provider == ChatSettings::Provider::OpenAi)
        return std::make_shared<OpenAiProvider>(settings);
    return nullptr;
}

} // namespace twinops
