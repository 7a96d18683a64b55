/**
 * A run's parts: the pipeline, the config's validation, the evaluator, the event log, the report and its charts,
 * the golden cases.
 */
package io.binaryllm.runner.internal;
