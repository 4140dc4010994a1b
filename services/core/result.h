#pragma once

#include "core/error.h"

#include <optional>
#include <utility>
#include <variant>

namespace twinops {

// A value or an Error (std::expected is C++23; this is the small subset we need).
template<typename T> class [[nodiscard]] Result
{
public:
    Result(T value)
        : m_value(std::move(value))
    { }
    Result(Error error)
        : m_value(std::move(error))
    { }

    bool ok() const { return m_value.index() == 0; }
    explicit operator bool() const { return ok(); }

    T &value() & { return std::get<0>(m_value); }
    const T &value() const & { return std::get<0>(m_value); }
    T &&value() && { return std::get<0>(std::move(m_value)); }
    T *operator->() { return &value(); }
    const T *operator->() const { return &value(); }
    T &operator*() & { return value(); }
    const T &operator*() const & { return value(); }

    const Error &error() const { return std::get<1>(m_value); }

private:
    std::variant<T, Error> m_value;
};

template<> class [[nodiscard]] Result<void>
{
public:
    Result() = default;
    Result(Error error)
        : m_error(std::move(error))
    { }

    bool ok() const { return !m_error.has_value(); }
    explicit operator bool() const { return ok(); }
    const Error &error() const { return *m_error; }

private:
    std::optional<Error> m_error;
};

using Status = Result<void>;

} // namespace twinops

// Propagates an error from an expression that yields a Result; the macro keeps early returns one line long.
#define TWINOPS_TRY(expr)                                                                                              \
    do {                                                                                                               \
        if (auto twinopsTryResult_ = (expr); !twinopsTryResult_.ok())                                                  \
            return twinopsTryResult_.error();                                                                          \
    } while (false)

#define TWINOPS_CONCAT_INNER_(a, b) a##b
#define TWINOPS_CONCAT_(a, b) TWINOPS_CONCAT_INNER_(a, b)

// Declares (or assigns) `target` from the value of a Result-yielding expression, or returns its error:
//     TWINOPS_TRY_ASSIGN(const Twin twin, twins.find(tenantId, id));
// Expands to more than one statement: use it only where a declaration may stand (not as an unbraced if-branch).
// The expression is variadic so that braced arguments with commas need no extra parentheses.
#define TWINOPS_TRY_ASSIGN(target, ...)                                                                                \
    TWINOPS_TRY_ASSIGN_(TWINOPS_CONCAT_(twinopsTryAssign_, __LINE__), target, __VA_ARGS__)
#define TWINOPS_TRY_ASSIGN_(result, target, ...)                                                                       \
    auto result = (__VA_ARGS__);                                                                                       \
    if (!result.ok())                                                                                                  \
        return result.error();                                                                                         \
    target = std::move(result).value()
