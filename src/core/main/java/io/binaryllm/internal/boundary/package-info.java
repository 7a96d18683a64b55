/**
 * The error boundary every entry point of this project shares (the CLI, the trainer, the Spark applications): what a
 * user can act on becomes exit code 2 and one line naming the option or file, anything else a bug. Exported to this
 * project's modules only.
 */
package io.binaryllm.internal.boundary;
