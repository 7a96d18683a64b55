/**
 * Test support shared by every module through core's test-jar: the independent oracle, seeded code generators,
 * the backend guard (skip outside CI, fail in it) and the search contract every backend's module extends.
 */
package io.binaryllm.testing;
