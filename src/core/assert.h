/* core/assert.h — DS_ASSERT(cond): an always-on check of a state precondition (one reply
 * per request, stage order, pool ownership), in the way of redis's serverAssert. On failure
 * it prints the expression with file:line and function; builds without NDEBUG (Debug, the
 * test and fuzz builds) then abort, so a broken invariant fails the tests loudly; Release
 * builds go on (the caller still handles the case). */
#ifndef DS_CORE_ASSERT_H
#define DS_CORE_ASSERT_H

#define DS_ASSERT(cond) ((cond) ? (void)0 : ds_assert_failed(#cond, __FILE__, __LINE__, __func__))

void ds_assert_failed(const char *expr, const char *file, int line, const char *func);

#endif
