/**
 * The architecture as ArchUnit rules, checked on every module's classes, and shown to fail on deliberate
 * violations.
 */
package io.binaryllm.architecture;
